#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash # busybox ash
#
# Loading under allocation failure: fail one fallible kernel call of the
# loading task (failslab, fail_page_alloc, through /proc/self/fail-nth) and
# check the outcome: the load is refused with ENOMEM and leaves nothing
# behind, or the failure is tolerated and the module works and unloads
# cleanly. A clean load first counts the load's fail points; then every
# STRIDE-th is failed, from a random offset (printed, so a run can be
# repeated with the plan key alloc_fail_seed=), STRIDE chosen so that about
# alloc_fail_points= (30) loads are tried per module: under KASAN and TCG
# one load takes seconds.
# alloc_fail_points=0 tries every point. Needs CONFIG_FAULT_INJECTION
# (the debug kernel).

. /lib/hvkit/ktap.sh

ENOMEM=12

BUDGET=${BOOT_ALLOC_FAIL_POINTS:-30}
SEED=${BOOT_ALLOC_FAIL_SEED:-$(od -An -tu2 -N2 /dev/urandom | tr -d ' ')}

# failnth N MODULE : sets INJECTED, ERR and CALLS from hvk-failnth.
failnth() {
	local line
	line=$(hvk-failnth "$1" "$HVKIT_MODDIR/$2.ko") || {
		expect_bad "hvk-failnth $1 $2: $line"
		return 1
	}
	INJECTED=${line#injected=}
	INJECTED=${INJECTED%% *}
	ERR=${line#*errno=}
	ERR=${ERR%% *}
	CALLS=${line#*calls=}
}

# load_under_failures MODULE CHECK : CHECK must succeed while MODULE is
# loaded.
load_under_failures() {
	local mod=$1 check=$2 n total stride left
	refused=0
	tolerated=0
	tried=0
	failnth 1000000 "$mod" || return
	if [ "$INJECTED" != 0 ] || [ "$ERR" != 0 ]; then
		expect_bad "$mod: a load with nothing injected failed: errno $ERR"
		return
	fi
	total=$CALLS
	"$check" || expect_bad "$mod: broken after a clean load"
	rmmod "$mod" || { expect_bad "$mod: rmmod after a clean load"; return; }
	stride=1
	[ "$BUDGET" -gt 0 ] && stride=$(((total + BUDGET - 1) / BUDGET))
	[ "$stride" -ge 1 ] || stride=1
	n=$((SEED % stride + 1))
	ktap_diag "$mod: $total fail points, trying every ${stride}th from $n"
	while [ "$n" -le "$total" ]; do
		failnth "$n" "$mod" || return
		tried=$((tried + 1))
		if [ "$INJECTED" = 0 ]; then
			# This load made fewer calls than the counting one.
			[ "$ERR" = 0 ] || expect_bad "$mod: load $n failed with nothing injected: errno $ERR"
			rmmod "$mod" 2>/dev/null
			break
		fi
		if [ "$ERR" = 0 ]; then
			tolerated=$((tolerated + 1))
			"$check" || expect_bad "$mod: broken after tolerating failure $n"
			rmmod "$mod" || { expect_bad "$mod: rmmod after failure $n"; return; }
		else
			refused=$((refused + 1))
			[ "$ERR" = "$ENOMEM" ] ||
				expect_bad "$mod: failure $n refused the load with errno $ERR, not ENOMEM"
		fi
		left=$(hvk_leftovers | grep -v -x -E "${keep:-^$}")
		if [ -n "$left" ]; then
			expect_bad "$mod: failure $n left behind: $(echo "$left" | tr '\n' ' ')"
			return
		fi
		n=$((n + stride))
	done
}

hv_vio_works() {
	[ "$(rd /sys/devices/hvkit/state)" = online ] &&
		[ -n "$(ls /sys/bus/hvkit/devices 2>/dev/null)" ]
}

selftest_works() {
	echo "0x54 $(cat "$HVKIT_DATA/vty1-ua")" >/sys/kernel/debug/hvkit-selftest/hcall
}

if [ ! -e /proc/self/fail-nth ]; then
	ktap_plan 1
	ktap_skip "allocation failure" "kernel without CONFIG_FAULT_INJECTION"
	ktap_finish
fi

# By default failslab spares allocations that may sleep, which is nearly
# all of a module load: aim it at everything, quietly (each injection
# would otherwise log a stack trace). fail_page_alloc keeps sparing them:
# with GFP_KERNEL it hits the module loader's own vmalloc()s, whose
# failures the kernel reports with an allocation-failure trace of its own.
FI=/sys/kernel/debug
fi_set() { # attr value : remembers the old value in /tmp/fi.saved
	[ -w "$FI/$1" ] || return 0
	echo "$1 $(cat "$FI/$1")" >>/tmp/fi.saved
	echo "$2" >"$FI/$1"
}
fi_restore() {
	local attr val
	while read -r attr val; do
		echo "$val" >"$FI/$attr"
	done </tmp/fi.saved
}
: >/tmp/fi.saved
fi_set failslab/ignore-gfp-wait N
fi_set failslab/verbose 0
fi_set fail_page_alloc/verbose 0

# A failed allocation inside the module loader (its vmalloc()s) makes the
# kernel print an allocation-failure report with a stack trace: expected
# here, and judged here. Keep them off the console while the test runs;
# afterwards every report in the kernel log must be such a warn_alloc()
# trace, and anything else (KASAN, lockdep, BUG, WARNING) fails the test.
PRINTK_SAVED=$(cat /proc/sys/kernel/printk)
echo "1 4 1 7" >/proc/sys/kernel/printk
dmesg_mark

# Judge the kernel log of the test: prints the lines that are not part of
# an expected allocation-failure report.
unexpected_reports() {
	dmesg_since | awk '
		/BUG:|WARNING:|Oops|KASAN|circular locking|inconsistent lock|unreferenced object/ { print; next }
		/Call Trace:/ { trace = NR; line[NR] = $0; next }
		trace && NR <= trace + 3 && /warn_alloc/ { trace = 0; next }
		trace && NR > trace + 3 { print line[trace]; trace = 0 }
		END { if (trace) print line[trace] }'
}

ktap_plan 3
ktap_diag "seed $SEED (plan key alloc_fail_seed=), about $BUDGET points per module"
rmmod hvk_selftest 2>/dev/null
rmmod hv_vio 2>/dev/null

keep=
load_under_failures hv_vio hv_vio_works
ktap_diag "hv_vio: $tried failures injected: $refused refused, $tolerated tolerated"
ktap_result "hv_vio load under every allocation failure"

# hvk_selftest on top of a loaded hv_vio, which must survive it.
if expect_ok "insmod hv_vio" hvk_insmod hv_vio; then
	keep='/sys/bus/hvkit|/sys/devices/hvkit|/sys/kernel/debug/hvkit|hv_vio|/sys/devices/vio/.*'
	load_under_failures hvk_selftest selftest_works
	ktap_diag "hvk_selftest: $tried failures injected: $refused refused, $tolerated tolerated"
	hv_vio_works || expect_bad "hv_vio broken after the hvk_selftest loads"
	rmmod hv_vio || expect_bad "rmmod hv_vio"
fi
ktap_result "hvk_selftest load under every allocation failure"

# hv_console: its registration and every probe run in the loading task.
console_works() {
	hvk_loaded hv_console
}

if expect_ok "insmod hv_vio" hvk_insmod hv_vio; then
	keep='/sys/bus/hvkit|/sys/devices/hvkit|/sys/kernel/debug/hvkit|hv_vio|/sys/devices/vio/.*'
	load_under_failures hv_console console_works
	ktap_diag "hv_console: $tried failures injected: $refused refused, $tolerated tolerated"
	hv_vio_works || expect_bad "hv_vio broken after the hv_console loads"
	rmmod hv_vio || expect_bad "rmmod hv_vio"
fi
ktap_result "hv_console load under every allocation failure"

fi_restore
echo "$PRINTK_SAVED" >/proc/sys/kernel/printk
bad=$(unexpected_reports)
if [ -n "$bad" ]; then
	ktap_diag "kernel reports other than allocation-failure traces:"
	echo "$bad" | sed 's/^/# | /'
	exit 1
fi
ktap_diag "$(dmesg_since | grep -c warn_alloc) allocation-failure traces, all from injected failures"
# Judged above; keep them out of the runner's generic scan.
dmesg -c >/dev/null

ktap_finish
