#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# hvkit demo (make demo): install what is missing, then the same guest
# transcript twice, once per peer of the kit:
#   ppc64le  the modules cross-built for Debian's ppc64el 6.1 kernel, booted
#            in QEMU's pseries machine (TCG), hvc_vio blacklisted;
#   arm64    the modules cross-built for Debian's arm64 6.1 kernel, booted
#            by hvkit-vmm (method "hvc") under KVM, inside an L1 Linux under
#            QEMU TCG (a nested guest, hence the longer half).
# In each, the kit is in charge: hv_console is the system console, hv_net
# has an address with the host behind it, hv_scsi has two disks. The guest
# shows each driver at work and checks what it shows
# (scripts/demo-guest/hvkit-demo.sh); its console, which is hv_console's
# hvc0, is printed here as it runs, and a table of the checks ends each
# half. Exit status 0 only when every check of both halves passed.
#
# The VM part goes through the VM test runner (selftests/vm/run.sh, each
# plan's demo boot): it builds the initramfs, starts QEMU (and on arm64 the
# L1 that runs hvkit-vmm), the host's vty agent and iperf3 server, and
# judges the run. Everything of the run stays in build/demo/<timestamp>/,
# one directory per arch (Documentation/testing-vm.rst, The demo).
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
t_start=$(date +%s)

say() { printf '\n==== demo: %s\n' "$*"; }

say "host packages"
scripts/install-deps.sh

out=$repo/build/demo/$(date +%Y%m%d-%H%M%S)
[ ! -e "$out" ] || out=$out-$$
mkdir -p "$out"

# table BOOTDIR REPORT : the summary of one half. The guest's rows, from
# its document (the console when the document is missing), then the
# host's: the guest's kernel log scan and the runner's judgement of the
# boot.
table() {
	local bd=$1 src res
	src=$bd/ktap
	[ -s "$src" ] || src=$bd/console.log
	{
		echo "driver|check|result|figure"
		[ ! -f "$src" ] || tr -d '\r' <"$src" | sed -n 's/^ *# table|//p'
		if [ -s "$bd/ktap" ]; then
			res=$(sed -n 's/^\(not ok\|ok\) [0-9]* dmesg$/\1/p' "$bd/ktap")
			echo "kernel|no oops, BUG or WARNING in the guest's log|${res:-missing}|-"
		fi
		if [ -f "$bd/result" ]; then
			echo "VM run|end marker, every check reported, console clean|$(cat "$bd/result")|$(cat "$bd/seconds") s in the VM"
		fi
	} | awk -F'|' '
		NR > 1 && $3 == "not ok" { $3 = "FAIL" }
		{ for (i = 1; i <= 4; i++) { c[NR, i] = $i; if (length($i) > w[i]) w[i] = length($i) } }
		END {
			for (r = 1; r <= NR; r++) {
				fmt = "%-" w[1] "s | %-" w[2] "s | %-" w[3] "s | %s\n"
				printf fmt, c[r, 1], c[r, 2], c[r, 3], c[r, 4]
				if (r == 1) printf "%s-+-%s-+-%s-+-%s\n", dash(w[1]), dash(w[2]), dash(w[3]), dash(w[4])
			}
		}
		function dash(n,  s) { s = ""; while (n-- > 0) s = s "-"; return s }'
	echo
	if [ "$rc" != 0 ] && [ -s "$bd/diag" ]; then
		sed 's/^/host: /' "$bd/diag"
	fi
	grep -h -E '^[0-9]+ passed, [0-9]+ failed$' "$2" 2>/dev/null | sed 's/^/checks: /' || true
}

# half ARCH MAKE_ARCH MACHINE : build the modules for ARCH's Debian 6.1
# kernel, run the plan's demo boot with the transcript streamed, print the
# table. Sets rc to run.sh's exit status (a failed build counts as 2).
half() {
	local arch=$1 karch=$2 machine=$3 o=$out/$1 t0
	t0=$(date +%s)
	mkdir -p "$o"
	rc=0
	say "$arch: cross-building hv_vio, hv_console, hv_net, hv_scsi for $karch (Debian 6.1)"
	if ! make --no-print-directory ARCH="$karch" KVER=6.1 HVKIT_SELFTEST=m; then
		rc=2
		echo "demo: $arch: the build failed"
		return
	fi
	ls -l "build/$karch-6.1/"*.ko

	say "$arch: booting $machine; from /init on, the guest's console (hv_console's hvc0)"
	echo "(the kernel's boot messages are left out here; the whole console will be in $o/demo/console.log)"
	# The runner's log and, with -v, the guest console go to stderr. Shown
	# here: the runner's log, and the console without carriage returns,
	# from /init's first line on, without the guest's table rows (the
	# table comes at the end) and without the KTAP document the guest
	# repeats at its end. The runner's report (stdout) goes to a file.
	selftests/vm/run.sh --arch "$arch" --kver 6.1 --no-build --tests-dir scripts/demo-guest \
		--boots demo --out "$o" -v 2>&1 >"$o/report.txt" |
		sed -u -e 's/\r//g' -e '/^run\.sh: /b' -e '/^hvkit-init: /,$!d' \
			-e '/^HVKIT-KTAP-BEGIN /,/^HVKIT-KTAP-END /d' -e '/^# table|/d' ||
		rc=$?

	say "$arch summary: $machine"
	table "$o/demo" "$o/report.txt"
	echo "$arch: $(($(date +%s) - t0)) s"
}

# Both halves run whatever the first gave: each is its own evidence.
half ppc64le powerpc "a pseries VM (QEMU TCG, POWER9)"
rc_ppc=$rc
half arm64 arm64 "an arm64 guest of hvkit-vmm under KVM (method hvc), inside an L1 Linux under QEMU TCG"
rc_arm=$rc
t_end=$(date +%s)

echo
echo "wall time: $((t_end - t_start)) s; logs in $out"
rc=0
verdict() { # arch status
	if [ "$2" = 0 ]; then
		echo "demo: $1: all checks passed"
	else
		echo "demo: $1: FAILED (exit status $2)"
		rc=1
	fi
}
verdict ppc64le "$rc_ppc"
verdict arm64 "$rc_arm"
[ "$rc" != 0 ] || echo "demo: all checks passed"
exit "$rc"
