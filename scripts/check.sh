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
set -uo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo" || exit 1
logdir=$repo/build/check
mkdir -p "$logdir"
jobs=$(nproc 2>/dev/null || echo 2)

names=() statuses=() times=()
passed=0 failed=0 skipped=0
start_all=$SECONDS

wanted() {
	[ -z "${HVKIT_CHECK_STEPS:-}" ] && return 0
	case " $HVKIT_CHECK_STEPS " in *" $1 "*) return 0 ;; esac
	return 1
}

add_result() { # name status seconds
	names+=("$1")
	statuses+=("$2")
	times+=("$3")
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

# step_start NAME TIMEOUT COMMAND... : a step in the background, its output
# in its log only; step_finish NAME waits for it and reports it. For work
# that can use the second core while a one-vCPU guest runs on the first.
# It runs at the lowest priority: a guest that loses its core to a compiler
# (QEMU's TCG thread, its I/O thread and the host agents) runs its tests
# several times slower than measured, and their limits were measured.
declare -A bg_pid bg_t0
step_start() {
	local name=$1 limit=${HVKIT_STEP_TIMEOUT:-$2}
	shift 2
	wanted "$name" || return 0
	banner "[$(date +%H:%M:%S)] $name, in the background (log: build/check/$name.log): $*"
	bg_t0[$name]=$SECONDS
	timeout -k 30 "$limit" nice -n 19 "$@" </dev/null >"$logdir/$name.log" 2>&1 &
	bg_pid[$name]=$!
}

step_finish() {
	local name=$1 rc status
	[ -n "${bg_pid[$name]:-}" ] || return 0
	wait "${bg_pid[$name]}"
	rc=$?
	unset "bg_pid[$name]"
	status=$(step_status "$rc")
	add_result "$name" "$status" $((SECONDS - bg_t0[$name]))
	banner "[$(date +%H:%M:%S)] $name (background): the end of its log"
	tail -n 15 "$logdir/$name.log"
	printf -- '--- %s: %s in %ss (exit %s, log %s)\n' "$name" "$status" \
		$((SECONDS - bg_t0[$name])) "$rc" "build/check/$name.log"
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
	for p in "${bg_pid[@]}"; do
		kill -TERM "$p" 2>/dev/null
		wait "$p"
	done
	echo "check: interrupted" >&2
	exit 130
}
trap interrupted INT TERM

vm=selftests/vm/run.sh

step deps 1800 scripts/install-deps.sh
step lint 1800 make --no-print-directory lint
step_if selftests/host/Makefile unit 1200 make --no-print-directory unit
step fuzz-smoke 600 make --no-print-directory -C selftests/fuzz smoke
step_if scripts/dt-binding-check.sh dt-bindings 900 scripts/dt-binding-check.sh
step build-powerpc 900 make --no-print-directory -j"$jobs" ARCH=powerpc HVKIT_SELFTEST=m
step build-arm64 900 make --no-print-directory -j"$jobs" ARCH=arm64 HVKIT_SELFTEST=m
# The newer Debian kernels (6.12, 7): fetched on the first run, W=1 clean.
step build-kernels 1800 scripts/build-kernels.sh
step package 900 packaging/check-package.sh
step_if "$vm" vm-ppc64le 1800 "$vm" --arch ppc64le
# The arm64 plan holds the variants: hvc, smc (EL2 firmware) and the
# refusals (hvc from EL2, sc1); see selftests/vm/plans/arm64.
step_if "$vm" vm-arm64 1800 "$vm" --arch arm64
# The runner's own test: it must fail deliberately broken guest scripts.
step_if selftests/vm/harness-check.sh vm-harness 1800 selftests/vm/harness-check.sh
# The debug kernels (KASAN, lockdep, kmemleak, ...; Documentation/debug-kernel.rst):
# built from Debian's kernel source on the first run (6 to 11 minutes each
# on 2 cores, then cached), and each architecture's plan on its kernel (3 to
# 4 times slower than on the distro kernel). From a fresh clone and an empty
# cache, the whole check took 40 minutes on 2 cores, these four steps 32
# (before hv_net and hv_scsi). The arm64 kernel builds on the second core
# while the ppc64le plan runs its one-vCPU guests.
step debug-kernel-ppc64le 3600 scripts/build-debug-kernel.sh powerpc
step_start debug-kernel-arm64 3600 scripts/build-debug-kernel.sh arm64
step_if "$vm" vm-ppc64le-debug 3600 "$vm" --arch ppc64le --kernel debug
step_finish debug-kernel-arm64
step_if "$vm" vm-arm64-debug 3600 "$vm" --arch arm64 --kernel debug

banner "summary ($((SECONDS - start_all))s total)"
printf '%-22s %-8s %8s\n' STEP RESULT TIME
for i in "${!names[@]}"; do
	printf '%-22s %-8s %7ss\n' "${names[$i]}" "${statuses[$i]}" "${times[$i]}"
done
if [ "$skipped" -gt 0 ]; then
	printf '\n!!! %d step(s) SKIPPED: their test code does not exist yet, or what they\n' \
		"$skipped"
	printf '!!! need could not be had (their logs in build/check/ say which)\n'
fi
echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
