#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash # busybox ash
#
# The KUnit suites of hvk_kunit (selftests/kmod/hvk_kunit.c), run in the
# guest kernel: one case per suite, with KUnit's own report shown when a
# suite fails. Needs a kernel with CONFIG_KUNIT and CONFIG_KUNIT_DEBUGFS
# (the debug kernel); the module is only built for such kernels.

. /lib/hvkit/ktap.sh

KUNIT=/sys/kernel/debug/kunit
SUITES="hvkit_fault hvkit_status hvkit_dt_live"

if [ ! -f "$HVKIT_MODDIR/hvk_kunit.ko" ]; then
	ktap_plan 1
	ktap_skip "kunit" "kernel without KUnit: hvk_kunit.ko not built"
	ktap_finish
fi

set -- $SUITES
ktap_plan $#
rmmod hvk_kunit 2>/dev/null
loaded=0
if hvk_loaded hv_vio || hvk_insmod hv_vio >/tmp/kunit.log 2>&1; then
	hvk_insmod hvk_kunit >>/tmp/kunit.log 2>&1 && loaded=1
fi
[ "$loaded" = 1 ] || sed 's/^/# | /' /tmp/kunit.log

for suite in $SUITES; do
	results=$KUNIT/$suite/results
	if [ "$loaded" != 1 ]; then
		expect_bad "hvk_kunit did not load"
	elif [ ! -f "$results" ]; then
		expect_bad "$results missing (CONFIG_KUNIT_DEBUGFS?)"
	else
		# The suite's own verdict is its last "ok"/"not ok" line.
		verdict=$(grep -E '^(not )?ok [0-9]+ ' "$results" | tail -n1)
		case "$verdict" in
		"ok "*" $suite"*) ;;
		*)
			expect_bad "$suite: ${verdict:-no verdict}"
			sed 's/^/# | /' "$results"
			;;
		esac
		grep -q '^ *not ok' "$results" &&
			expect_bad "$suite: a case failed" && sed 's/^/# | /' "$results"
	fi
	ktap_result "kunit $suite"
done

rmmod hvk_kunit 2>/dev/null
rmmod hv_vio 2>/dev/null
ktap_finish
