#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# hvkit end-to-end check (make check, .ci/run): every step runs even after
# a failure, so one run shows everything; the exit status is non-zero if any
# step failed. Logs of each step are kept in build/check/.
#
# Environment:
#   HVKIT_CHECK_STEPS     run only these steps (names as in the table)
#   HVKIT_CHECK_NO_SKIP   1: a step whose test code is missing fails
#                         instead of being skipped
#   HVKIT_STEP_TIMEOUT    seconds, overrides every step's own time limit
#   HVKIT_CHECK_FULL      1: also the steps that do not fit CI's time
#                         (make check-full; Documentation/testing.rst)
set -uo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo" || exit 1
logdir=$repo/build/check
mkdir -p "$logdir"
jobs=$(nproc 2>/dev/null || echo 2)

names=() statuses=() times=() lanes=()
passed=0 failed=0 skipped=0
start_all=$SECONDS

wanted() {
	[ -z "${HVKIT_CHECK_STEPS:-}" ] && return 0
	case " $HVKIT_CHECK_STEPS " in *" $1 "*) return 0 ;; esac
	return 1
}

# The lane a step runs in: "-" in the foreground, else the name of the
# background lane (lane_start). A background lane's steps append their
# results to $lane_results; lane_finish adds them to the table.
lane=-
lane_results=

add_result() { # name status seconds
	if [ -n "$lane_results" ]; then
		printf '%s %s %s\n' "$1" "$2" "$3" >>"$lane_results"
		return
	fi
	names+=("$1")
	statuses+=("$2")
	times+=("$3")
	lanes+=("$lane")
	case "$2" in
	PASS) passed=$((passed + 1)) ;;
	SKIP) skipped=$((skipped + 1)) ;;
	*) failed=$((failed + 1)) ;;
	esac
}

banner() {
	printf '\n'
	printf '#%.0s' {1..72}
	printf '\n# %s\n' "$*"
	printf '#%.0s' {1..72}
	printf '\n'
}

# step_status EXIT : a step's result from its exit status. 77 is a step's
# own "skipped" (what it needs cannot be had, e.g. a kernel the Debian
# archive does not serve; it says why in its log).
step_status() {
	case "$1" in
	0) echo PASS ;;
	77) echo SKIP ;;
	124 | 137) echo TIMEOUT ;;
	*) echo FAIL ;;
	esac
}

# step NAME TIMEOUT COMMAND...
step() {
	local name=$1 limit=${HVKIT_STEP_TIMEOUT:-$2} t0 rc status log
	shift 2
	wanted "$name" || return 0
	log=$logdir/$name.log
	banner "[$(date +%H:%M:%S)] $name: $*"
	t0=$SECONDS
	# timeout runs the step in its own process group and signals all of
	# it (QEMU included) on expiry or when we are interrupted; stdin is
	# closed: nothing may wait for a user.
	{
		timeout -k 30 "$limit" "$@" </dev/null 2>&1 | tee "$log"
		exit "${PIPESTATUS[0]}"
	} &
	current=$!
	wait "$current"
	rc=$?
	current=
	status=$(step_status "$rc")
	add_result "$name" "$status" $((SECONDS - t0))
	printf -- '--- %s: %s in %ss (exit %s, log %s)\n' "$name" "$status" \
		$((SECONDS - t0)) "$rc" "${log#"$repo"/}"
}

# lane_start NAME FUNCTION : run FUNCTION (a list of step calls) in the
# background, beside the foreground steps, its output in
# build/check/lane-NAME.log only; lane_finish NAME waits for it and adds its
# steps to the table. The VM tests use one core each (one vCPU under TCG),
# so two lanes keep both cores busy; the time limits of the tests were
# measured with two lanes running. Compiling steps run at the lowest
# priority (nice -n 19 in their command): a guest (QEMU's TCG thread, its
# I/O thread, the host agents) keeps its core whatever the other lane
# compiles.
declare -A lane_pid lane_t0
lane_start() {
	local name=$1 fn=$2
	banner "[$(date +%H:%M:%S)] lane $name starts in the background (log: build/check/lane-$name.log)"
	: >"$logdir/lane-$name.results"
	lane_t0[$name]=$SECONDS
	(
		lane=$name
		lane_results=$logdir/lane-$name.results
		"$fn"
	) </dev/null >"$logdir/lane-$name.log" 2>&1 &
	lane_pid[$name]=$!
}

lane_finish() {
	local name=$1 step status secs
	[ -n "${lane_pid[$name]:-}" ] || return 0
	banner "[$(date +%H:%M:%S)] waiting for lane $name"
	wait "${lane_pid[$name]}"
	unset "lane_pid[$name]"
	grep -E '^--- ' "$logdir/lane-$name.log"
	lane=$name
	while read -r step status secs; do
		add_result "$step" "$status" "$secs"
	done <"$logdir/lane-$name.results"
	lane=-
	printf -- '--- lane %s: done in %ss\n' "$name" $((SECONDS - lane_t0[$name]))
}

# step_if PATH NAME TIMEOUT COMMAND...: skip loudly while PATH is missing.
step_if() {
	local need=$1 name=$2
	shift
	wanted "$name" || return 0
	if [ -e "$need" ]; then
		step "$@"
		return
	fi
	banner "$name: SKIPPED"
	printf '!!!\n!!! SKIPPED %s: %s does not exist yet\n!!!\n' "$name" "$need"
	if [ "${HVKIT_CHECK_NO_SKIP:-0}" = 1 ]; then
		add_result "$name" FAIL 0
	else
		add_result "$name" SKIP 0
	fi
}

current=
interrupted() {
	# the step's timeout and tee are children of the $current subshell
	[ -z "$current" ] || { pkill -TERM -P "$current"; wait "$current"; }
	local p
	for p in "${lane_pid[@]}"; do
		pkill -TERM -P "$p"
		kill -TERM "$p" 2>/dev/null
		wait "$p"
	done
	echo "check: interrupted" >&2
	exit 130
}
trap interrupted INT TERM

vm=selftests/vm/run.sh
# The ppc64le plan on the debug kernel is shared between the lanes: the I/O
# boots in lane b, the rest in the foreground, apart from the kselftest
# boot, which checks the runner's format and is left to the distro kernel.
debug_io_boots="hv-net hv-scsi"
# The arm64 boots under hvkit-vmm (a nested guest: L0 TCG, L1 KVM at EL2,
# L2 the kit's guest): their own steps, not vm-arm64's. hv_scsi's suite
# runs whole, split between the HVC and SMC boots. hv_console's and
# hv_net's whole suites take 15 to 25 minutes each nested and conduit:
# make check runs each of their tests once, split between the twin boots
# (below), check-full both twins whole. The SMC boots have two vCPUs and
# MSIs (irq=msi), which their affinity tests move between the CPUs. On
# the debug kernel one boot runs two of its tests, since the debug kernel
# nested takes minutes for what takes seconds on Debian's.
vmm_boots="vmm-scsi-hvc vmm-scsi-smc vmm-pvm vmm-console vmm-console-smc vmm-net vmm-net-hvc"
vmm_console_tests="vmm-console:hv_console_load vmm-console:hv_console_crlf
	vmm-console:hv_console_shell vmm-console:hv_console_rmmod
	vmm-console-smc:hv_console_load vmm-console-smc:hv_console_random
	vmm-console-smc:hv_console_multi vmm-console-smc:hv_console_fault
	vmm-console-smc:hv_console_printk_busy vmm-console-smc:hv_console_affinity
	vmm-console-smc:hv_console_rmmod"
vmm_net_tests="vmm-net:hv_net_basic vmm-net:hv_net_tcp vmm-net:hv_net_udp
	vmm-net:hv_net_link vmm-net:hv_net_affinity vmm-net:hv_net_rmmod
	vmm-net-hvc:hv_net_basic vmm-net-hvc:hv_net_mtu vmm-net-hvc:hv_net_stop_irq
	vmm-net-hvc:hv_net_fault vmm-net-hvc:hv_net_multi_add vmm-net-hvc:hv_net_rmmod"
low=(nice -n 19)
full() { [ "${HVKIT_CHECK_FULL:-0}" = 1 ]; }
# check-full: whole suites (an empty --tests list is the plan's).
if full; then
	vmm_console_tests=
	vmm_net_tests=
fi

# Lane "b": what does not need the foreground's results and can share the
# machine with a one-vCPU guest. The newer Debian kernels (6.12, 7),
# fetched on the first run, W=1 clean; the package; the debug kernels
# (KASAN, lockdep, kmemleak, ...; Documentation/debug-kernel.rst), built
# from Debian's kernel source on the first run (10 to 20 minutes each at
# the lowest priority beside a guest, then cached) and the arm64 plans. The
# arm64 plan holds the variants: hvc, smc (EL2 firmware) and the refusals
# (hvc from EL2, sc1); see selftests/vm/plans/arm64.
lane_b() {
	step build-kernels 1800 "${low[@]}" scripts/build-kernels.sh
	step package 900 "${low[@]}" packaging/check-package.sh
	step debug-kernel-ppc64le 3600 "${low[@]}" scripts/build-debug-kernel.sh powerpc
	# The I/O boots of the ppc64le plan on the debug kernel, beside the
	# foreground's other boots (vm-ppc64le-debug): on one lane the plan
	# outgrew its hour. Before the arm64 debug kernel, whose build would
	# otherwise hold this guest back until the foreground is done.
	step_if "$vm" vm-ppc64le-debug-io 3600 "$vm" --arch ppc64le --kernel debug --boots "$debug_io_boots"
	step debug-kernel-arm64 3600 "${low[@]}" scripts/build-debug-kernel.sh arm64
	step_if "$vm" vm-arm64 1800 "$vm" --arch arm64 --skip-boots "$vmm_boots"
	step_if "$vm" vm-arm64-debug 3600 "$vm" --arch arm64 --kernel debug --skip-boots "$vmm_boots"
	# hv_scsi's load and rmmod on the debug kernel under hvkit-vmm (KASAN,
	# lockdep and kmemleak on the driver's paths against the kit's peer),
	# and the hostile peer's smoke: 20 s per driver of mutated answers
	# (vmm-hostile; make fuzz-peer runs it longer, over more seeds).
	step_if "$vm" vm-arm64-vmm-debug 3600 "$vm" --arch arm64 --kernel debug \
		--boots "vmm-scsi-smc vmm-hostile" \
		--tests "vmm-scsi-smc:hv_scsi_load vmm-scsi-smc:hv_scsi_rmmod vmm-hostile:hvkit_hostile"
	# hvkit-vmm, the arm64 peer, where it is meant to run: under KVM in an
	# L1 Linux at EL2 (QEMU TCG), hv_vio and hv_console in its guest over
	# HVC and SMC (Documentation/hvkit-vmm.rst, The nested check).
	step_if selftests/vmm/nested.sh vm-arm64-kvm 1200 selftests/vmm/nested.sh
	# The runner's own test: it must fail deliberately broken guest
	# scripts (in lane b since the hvkit-vmm twins made the foreground
	# the longer lane).
	step_if selftests/vm/harness-check.sh vm-harness 1800 selftests/vm/harness-check.sh
	full || return 0
	# The drivers' whole suites on the debug kernel under hvkit-vmm, every
	# hvkit-vmm boot (hours: the debug kernel nested is 12 times slower
	# than Debian's kernel on QEMU; run.sh scales the limits).
	step_if "$vm" vm-arm64-vmm-debug-full 14400 "$vm" --arch arm64 --kernel debug \
		--boots "$vmm_boots"
	# A minute per fuzz target instead of the smoke's seconds.
	step fuzz 3600 "${low[@]}" make --no-print-directory fuzz
	# The package the way a distribution user installs it: apt install
	# inside a Debian bookworm ppc64el guest (DKMS builds the modules
	# there), the opt-in, reboots, apt purge (Documentation/install.rst).
	# The guest image is built once with qemu-user. At the lowest priority
	# like the builds: the foreground's guest keeps its core.
	step_if packaging/check-dkms-guest.sh dkms-guest 5400 "${low[@]}" packaging/check-dkms-guest.sh
}

step deps 1800 scripts/install-deps.sh
step lint 1800 make --no-print-directory lint
step_if selftests/host/Makefile unit 1200 make --no-print-directory unit
step fuzz-smoke 600 make --no-print-directory -C selftests/fuzz smoke
step_if scripts/dt-binding-check.sh dt-bindings 900 scripts/dt-binding-check.sh
step build-powerpc 900 make --no-print-directory -j"$jobs" ARCH=powerpc HVKIT_SELFTEST=m
step build-arm64 900 make --no-print-directory -j"$jobs" ARCH=arm64 HVKIT_SELFTEST=m
lane_start b lane_b
step_if "$vm" vm-ppc64le 1800 "$vm" --arch ppc64le
# The first Quick-start command, so that it cannot break unseen (both
# halves: ppc64le, then arm64 nested under hvkit-vmm).
step demo 1800 scripts/demo.sh
# The drivers' suites on arm64 against hvkit-vmm, the kit's own peer, over
# HVC and SMC: hv_scsi's, and hv_console's through the host vty agent
# (selftests/vm/plans/arm64; Documentation/testing-vm.rst).
step_if "$vm" vm-arm64-vmm 3600 "$vm" --arch arm64 --boots "vmm-scsi-hvc vmm-scsi-smc vmm-pvm"
step_if "$vm" vm-arm64-vmm-console 3600 "$vm" --arch arm64 --boots "vmm-console vmm-console-smc" \
	${vmm_console_tests:+--tests "$vmm_console_tests"}
# hv_net on hvkit-vmm's l-lan, through L1's bridge to the host agent.
step_if "$vm" vm-arm64-vmm-net 3600 "$vm" --arch arm64 --boots "vmm-net vmm-net-hvc" \
	${vmm_net_tests:+--tests "$vmm_net_tests"}
# The ppc64le plan on the debug kernel (3 to 4 times slower than on the
# distro kernel) but for its I/O boots (lane b); its build in lane b holds
# a lock that this waits for.
step_if "$vm" vm-ppc64le-debug 3600 "$vm" --arch ppc64le --kernel debug \
	--skip-boots "kselftest $debug_io_boots"
# The kernel matrix at run time: the ppc64le plan on trixie's 6.12 (12 to 18
# minutes on a busy machine; Documentation/testing-vm.rst, Kernels).
full && step_if "$vm" vm-ppc64le-6.12 1800 "$vm" --arch ppc64le --kver 6.12
lane_finish b

# why_failed LOG: the lines that say why a step failed: each failed KTAP
# case with the last few diagnostics written since the case before it
# (expect_* checks write theirs there), timeouts, stalls and errors, and
# a fuzz target's failure (selftests/fuzz/run.sh): its "!!!" line, the
# broken invariant or the sanitizer's error, and where the input is.
why_failed() {
	awk '
	/^[[:space:]]*ok / { n = 0; next }
	/^[[:space:]]*not ok/ {
		if ($0 ~ /# SKIP/) { n = 0; next }
		for (j = (n > 6 ? n - 6 : 0); j < n; j++) print diag[j % 6]
		print; n = 0; next
	}
	/^[[:space:]]*# / { diag[n % 6] = $0; n++; next }
	/TIMEOUT|timed out|FAILED|[Ee]rror:|ERROR: |stalled/ { print; next }
	/^!!! |==hvkit-fuzz==|^    .*artifacts\// { print }
	' "$1" 2>/dev/null
}

# Why each failed step failed, in a few lines, ahead of the table: CI
# shows the end of this output, not the step logs.
for i in "${!names[@]}"; do
	[ "${statuses[$i]}" != PASS ] && [ "${statuses[$i]}" != SKIP ] || continue
	banner "why ${names[$i]} failed (build/check/${names[$i]}.log)"
	why_failed "$logdir/${names[$i]}.log" | tail -n 30 || true
done

banner "summary ($((SECONDS - start_all))s total)"
printf '%-22s %-8s %8s  %s\n' STEP RESULT TIME LANE
for i in "${!names[@]}"; do
	printf '%-22s %-8s %7ss  %s\n' "${names[$i]}" "${statuses[$i]}" "${times[$i]}" "${lanes[$i]}"
done
if [ "$skipped" -gt 0 ]; then
	printf '\n!!! %d step(s) SKIPPED: their test code does not exist yet, or what they\n' \
		"$skipped"
	printf '!!! need could not be had (their logs in build/check/ say which)\n'
fi
echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
