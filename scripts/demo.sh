#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# hvkit demo (make demo): install what is missing, cross-build the modules
# for Debian's ppc64el 6.1 kernel and boot that kernel once in QEMU's
# pseries machine with the kit in charge: hv_console is the system console
# (hvc_vio blacklisted), hv_net has an address with the host behind it,
# hv_scsi has two disks. The guest shows each driver at work and checks
# what it shows (scripts/demo-guest/hvkit-demo.sh); its console, which is
# hv_console's hvc0, is printed here as it runs, and a table of the checks
# ends the output. Exit status 0 only when every check passed.
#
# The VM part goes through the VM test runner (selftests/vm/run.sh, the
# plan's demo boot): it builds the initramfs, starts QEMU, the host's vty
# agent and iperf3 server, and judges the run. Everything of the run stays
# in build/demo/<timestamp>/ (Documentation/testing-vm.rst, The demo).
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
t_start=$(date +%s)

say() { printf '\n==== demo: %s\n' "$*"; }

say "host packages"
scripts/install-deps.sh

say "cross-building hv_vio, hv_console, hv_net, hv_scsi for powerpc (Debian 6.1)"
make --no-print-directory ARCH=powerpc KVER=6.1 HVKIT_SELFTEST=m
ls -l build/powerpc-6.1/*.ko

out=$repo/build/demo/$(date +%Y%m%d-%H%M%S)
[ ! -e "$out" ] || out=$out-$$
mkdir -p "$out"
bd=$out/demo

say "booting a pseries VM (QEMU TCG, POWER9); from /init on, the guest's console (hv_console's hvc0)"
echo "(the kernel's boot messages are left out here; the whole console will be in $bd/console.log)"
# The runner's log and, with -v, the guest console go to stderr. Shown
# here: the runner's log, and the console without carriage returns, from
# /init's first line on, without the guest's table rows (the table comes
# at the end) and without the KTAP document the guest repeats at its end.
# The runner's report (stdout) goes to a file.
rc=0
selftests/vm/run.sh --arch ppc64le --kver 6.1 --no-build --tests-dir scripts/demo-guest \
	--boots demo --out "$out" -v 2>&1 >"$out/report.txt" |
	sed -u -e 's/\r//g' -e '/^run\.sh: /b' -e '/^hvkit-init: /,$!d' \
		-e '/^HVKIT-KTAP-BEGIN /,/^HVKIT-KTAP-END /d' -e '/^# table|/d' ||
	rc=$?
t_end=$(date +%s)

say "summary"
# The guest's rows, from its document (the console when the document is
# missing), then the host's: the guest's kernel log scan and the runner's
# judgement of the boot.
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
grep -h -E '^[0-9]+ passed, [0-9]+ failed$' "$out/report.txt" 2>/dev/null | sed 's/^/checks: /' || true
echo "wall time: $((t_end - t_start)) s; logs in $out"
if [ "$rc" = 0 ]; then
	echo "demo: all checks passed"
else
	echo "demo: FAILED (run.sh exit status $rc)"
fi
exit "$rc"
