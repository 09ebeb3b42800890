#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash # busybox ash
#
# Loading under allocation failure: fail the 1st, 2nd, 3rd, ... fallible
# kernel call of the loading task (failslab, fail_page_alloc, through
# /proc/self/fail-nth) until a load goes through untouched. Every injected
# failure must either refuse the load with ENOMEM and leave nothing behind,
# or be tolerated and leave a module that works and unloads cleanly.
# Needs a kernel with CONFIG_FAULT_INJECTION (the debug kernel).

. /lib/hvkit/ktap.sh

ENOMEM=12
MAX_POINTS=3000

# load_under_failures MODULE CHECK : walk every fail point of loading
# MODULE. CHECK is a command that must succeed while it is loaded.
load_under_failures() {
	local mod=$1 check=$2 n=1 line injected err left
	refused=0
	tolerated=0
	while [ "$n" -le "$MAX_POINTS" ]; do
		line=$(hvk-failnth "$n" "$HVKIT_MODDIR/$mod.ko") ||
			{ expect_bad "hvk-failnth $n: $line"; return; }
		injected=${line#injected=}
		injected=${injected%% *}
		err=${line#*errno=}
		if [ "$injected" = 0 ]; then
			# Past the last fail point: a plain load, which must work.
			if [ "$err" != 0 ]; then
				expect_bad "$mod: load with no failure injected: errno $err"
				return
			fi
			"$check" || expect_bad "$mod: broken after a clean load"
			rmmod "$mod" || expect_bad "$mod: rmmod after a clean load"
			points=$((n - 1))
			return
		fi
		if [ "$err" = 0 ]; then
			tolerated=$((tolerated + 1))
			"$check" || expect_bad "$mod: broken after tolerating failure $n"
			rmmod "$mod" || { expect_bad "$mod: rmmod after failure $n"; return; }
		else
			refused=$((refused + 1))
			[ "$err" = "$ENOMEM" ] ||
				expect_bad "$mod: failure $n refused the load with errno $err, not ENOMEM"
		fi
		left=$(hvk_leftovers | grep -v -x -E "${keep:-^$}")
		if [ -n "$left" ]; then
			expect_bad "$mod: failure $n left behind: $(echo "$left" | tr '\n' ' ')"
			return
		fi
		n=$((n + 1))
	done
	expect_bad "$mod: more than $MAX_POINTS fail points"
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

ktap_plan 3
rmmod hvk_selftest 2>/dev/null
rmmod hv_vio 2>/dev/null

keep=
load_under_failures hv_vio hv_vio_works
ktap_diag "hv_vio: ${points:-?} fail points, $refused refused, $tolerated tolerated"
ktap_result "hv_vio load under every allocation failure"

# hvk_selftest on top of a loaded hv_vio, which must survive it.
if expect_ok "insmod hv_vio" hvk_insmod hv_vio; then
	keep='/sys/bus/hvkit|/sys/devices/hvkit|/sys/kernel/debug/hvkit|hv_vio|/sys/devices/vio/.*'
	load_under_failures hvk_selftest selftest_works
	ktap_diag "hvk_selftest: ${points:-?} fail points, $refused refused, $tolerated tolerated"
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
	ktap_diag "hv_console: ${points:-?} fail points, $refused refused, $tolerated tolerated"
	hv_vio_works || expect_bad "hv_vio broken after the hv_console loads"
	rmmod hv_vio || expect_bad "rmmod hv_vio"
fi
ktap_result "hv_console load under every allocation failure"

ktap_finish
