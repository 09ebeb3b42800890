# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash # busybox ash: local, pipefail
#
# Guest-side helpers for hvkit VM tests (busybox ash). A test script sources
# this file, declares its plan, then reports one KTAP result per case:
#
#   . /lib/hvkit/ktap.sh
#   ktap_plan 2
#   if [ "$(cat /sys/devices/hvkit/method)" = sc1 ]; then
#           ktap_pass "method is sc1"
#   else
#           ktap_fail "method is sc1"
#   fi
#   ...
#   ktap_finish
#
# A case that compares values should say what it expected and what it got
# (ktap_diag or the expect_* helpers), so that a failure in the console log
# can be understood without rerunning.
#
# Inside the guest:
#   /lib/hvkit/*.ko       hvkit modules (HVKIT_MODDIR)
#   /data/                data files written by the host runner
#   /data/boot.env        BOOT_* variables of the boot (plan entry)
#   /tmp/hvkit-case.log   scratch log of the current case

HVKIT_MODDIR=/lib/hvkit
HVKIT_DATA=/data
KTAP_NR=0
KTAP_PASS=0
KTAP_FAIL=0
KTAP_SKIP=0
# Set by the expect_* helpers when a check failed since the last result.
KTAP_CASE_BAD=0

[ -r "$HVKIT_DATA/boot.env" ] && . "$HVKIT_DATA/boot.env"
# How many times slower than Debian's this kernel runs (3 for the debug
# kernel, as run.sh scales the boot's limits): for a test's own limits.
# shellcheck disable=SC2034 # used by the test scripts
HVK_SLOWDOWN=${SLOWDOWN:-1}

ktap_plan() {
	echo "KTAP version 1"
	echo "1..$1"
	KTAP_PLAN=$1
}

ktap_diag() {
	# Multi-line messages become several diagnostic lines.
	printf '%s\n' "$*" | sed 's/^/# /'
}

# Print the output of a command as diagnostics, prefixed with a label.
ktap_diag_cmd() {
	local label=$1
	shift
	"$@" 2>&1 | sed "s/^/# $label: /"
}

ktap_pass() {
	KTAP_NR=$((KTAP_NR + 1))
	KTAP_PASS=$((KTAP_PASS + 1))
	KTAP_CASE_BAD=0
	echo "ok $KTAP_NR $*"
}

ktap_fail() {
	KTAP_NR=$((KTAP_NR + 1))
	KTAP_FAIL=$((KTAP_FAIL + 1))
	KTAP_CASE_BAD=0
	echo "not ok $KTAP_NR $*"
}

# ktap_skip NAME REASON
ktap_skip() {
	KTAP_NR=$((KTAP_NR + 1))
	KTAP_SKIP=$((KTAP_SKIP + 1))
	KTAP_CASE_BAD=0
	echo "ok $KTAP_NR $1 # SKIP $2"
}

# ktap_result NAME : pass unless an expect_* check failed since the last
# result.
ktap_result() {
	if [ "$KTAP_CASE_BAD" = 0 ]; then
		ktap_pass "$@"
	else
		ktap_fail "$@"
	fi
}

# Exit status follows kselftest: 0 all passed (or skipped), 1 any failure.
ktap_finish() {
	if [ -n "${KTAP_PLAN:-}" ] && [ "$KTAP_NR" != "$KTAP_PLAN" ]; then
		ktap_diag "planned $KTAP_PLAN cases, ran $KTAP_NR"
		exit 1
	fi
	ktap_diag "$KTAP_PASS passed, $KTAP_FAIL failed, $KTAP_SKIP skipped"
	[ "$KTAP_FAIL" = 0 ] || exit 1
	exit 0
}

# --- checks that accumulate into the current case --------------------------

expect_bad() {
	KTAP_CASE_BAD=1
	ktap_diag "$@"
}

# expect_eq WHAT EXPECTED ACTUAL
expect_eq() {
	if [ "$2" = "$3" ]; then
		return 0
	fi
	expect_bad "$1: expected '$2', got '$3'"
	return 1
}

# expect_match WHAT ERE ACTUAL
expect_match() {
	if printf '%s\n' "$3" | grep -q -E -- "$2"; then
		return 0
	fi
	expect_bad "$1: expected to match /$2/, got '$3'"
	return 1
}

# expect_ok WHAT CMD... : the command must exit 0; its output is kept in
# the case log and shown on failure.
expect_ok() {
	local what=$1 rc
	shift
	"$@" >/tmp/hvkit-case.log 2>&1
	rc=$?
	[ "$rc" = 0 ] && return 0
	expect_bad "$what: '$*' exited $rc"
	sed 's/^/# | /' /tmp/hvkit-case.log
	return 1
}

# expect_fail WHAT CMD... : the command must exit non-zero.
expect_fail() {
	local what=$1 rc
	shift
	"$@" >/tmp/hvkit-case.log 2>&1
	rc=$?
	[ "$rc" != 0 ] && return 0
	expect_bad "$what: '$*' succeeded but should have failed"
	return 1
}

expect_exists() {
	[ -e "$2" ] && return 0
	expect_bad "$1: $2 does not exist"
	return 1
}

expect_absent() {
	[ -e "$2" ] || [ -L "$2" ] || return 0
	expect_bad "$1: $2 still exists"
	return 1
}

# --- hypercall fault injection (debugfs, Documentation/interfaces.rst) ------

HVK_FAULT=/sys/kernel/debug/hvkit/fault

# hvk_fault_off : no injection, every filter open.
hvk_fault_off() {
	echo 0 >"$HVK_FAULT/status"
	echo -1 >"$HVK_FAULT/opcode"
	echo -1 >"$HVK_FAULT/unit"
	echo 0 >"$HVK_FAULT/interval"
	echo 0 >"$HVK_FAULT/nth"
	echo -1 >"$HVK_FAULT/times"
}

# hvk_fault_on STATUS OPCODE UNIT INTERVAL TIMES [NTH] : fail the matching
# calls. The status goes last: writing it arms the rule.
hvk_fault_on() {
	echo 0 >"$HVK_FAULT/status"
	echo "$2" >"$HVK_FAULT/opcode"
	echo "$3" >"$HVK_FAULT/unit"
	echo "${6:-0}" >"$HVK_FAULT/nth"
	echo "$4" >"$HVK_FAULT/interval"
	echo "$5" >"$HVK_FAULT/times"
	echo "$1" >"$HVK_FAULT/status"
}

# --- hypercall counting (benchmarks) -----------------------------------------

# The powerpc hcall tracepoint; a 'hist:keys=opcode' trigger on it counts
# hvkit's calls and the in-tree drivers' alike.
HCALL_EV=/sys/kernel/tracing/events/powerpc/hcall_entry

# hcall_hits OPCODE... : the trigger's count so far, summed over the
# opcodes (decimal), 0 for an opcode not seen.
hcall_hits() {
	local op n sum=0
	for op in "$@"; do
		n=$(sed -n "s/^{ opcode: *$op } hitcount: *\([0-9]*\).*/\1/p" "$HCALL_EV/hist" | head -n1)
		sum=$((sum + ${n:-0}))
	done
	echo "$sum"
}

# --- small utilities --------------------------------------------------------

# Read a sysfs/debugfs file; prints "<unreadable>" if it cannot be read.
rd() {
	cat "$1" 2>/dev/null || echo "<unreadable: $1>"
}

# Big-endian 32-bit cell of a device-tree property, as 0x%08x.
dt_cell() {
	local hex
	hex=$(od -An -tx1 -N4 "$1" 2>/dev/null | tr -d ' \n')
	[ ${#hex} = 8 ] || { echo "<bad cell: $1>"; return 1; }
	echo "0x$hex"
}

# A device-tree string property without its trailing NUL (first string).
dt_str() {
	tr '\0' '\n' <"$1" 2>/dev/null | head -n1
}

# Bytes of a file as continuous lower-case hex.
hexof() {
	od -An -tx1 -v "$1" | tr -d ' \n'
}

# Monotonic time in nanoseconds (/proc/timer_list), or from /proc/uptime
# with 10 ms resolution when timer_list is unavailable.
now_ns() {
	local ns
	ns=$(sed -n 's/^now at \([0-9]*\) nsecs$/\1/p' /proc/timer_list 2>/dev/null | head -n1)
	if [ -n "$ns" ]; then
		echo "$ns"
	else
		awk '{ printf "%.0f\n", $1 * 1e9 }' /proc/uptime
	fi
}

# Kernel log lines after a mark taken with dmesg_mark.
dmesg_mark() {
	DMESG_MARK=$(dmesg | wc -l)
}

dmesg_since() {
	dmesg | tail -n +$((${DMESG_MARK:-0} + 1))
}

# busybox insmod/modprobe (1.35) try finit_module() first and, when it
# fails for any reason, load the image again with init_module(). A module
# whose init refuses to load therefore runs its init twice, and prints its
# refusal twice, for one insmod command.
# shellcheck disable=SC2034 # used by the test scripts
BB_LOAD_ATTEMPTS_ON_FAILURE=2

# Load an hvkit module by name from HVKIT_MODDIR.
hvk_insmod() {
	local m=$1
	shift
	insmod "$HVKIT_MODDIR/$m.ko" "$@"
}

hvk_loaded() {
	grep -q "^$1 " /proc/modules
}

# What an unloaded hvkit leaves behind: bus, root device, debugfs entries,
# hvkit children of the kernel's vio devices, and the modules themselves.
hvk_leftovers() {
	local p
	for p in /sys/bus/hvkit /sys/devices/hvkit /sys/kernel/debug/hvkit \
		/sys/kernel/debug/hvkit-selftest; do
		[ -e "$p" ] && echo "$p"
	done
	# hvkit children of the kernel's vio devices (/sys/devices/vio/<ua>/<ua>)
	for p in /sys/devices/vio/*/*/subsystem; do
		[ -L "$p" ] || continue
		case "$(readlink "$p")" in
		*/bus/hvkit) echo "${p%/subsystem}" ;;
		esac
	done
	for p in /sys/devices/vio/*/*; do
		case "$(basename "$p")" in *hvkit*) echo "$p" ;; esac
	done
	grep -E '^(hv_vio|hvk_selftest|hv_console|hvk_kunit) ' /proc/modules | cut -d' ' -f1
}
