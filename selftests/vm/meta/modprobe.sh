#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash # busybox ash
#
# Harness check: the distro modules the runner packed (--distro-modules,
# the plan's modules=) load with busybox modprobe, dependencies included.
. /lib/hvkit/ktap.sh
set -- $DISTRO_MODULES
ktap_plan $#
for m in "$@"; do
	if expect_ok "modprobe $m" modprobe "$m"; then
		grep -q "^$(echo "$m" | tr - _) " /proc/modules ||
			expect_bad "$m not in /proc/modules"
	fi
	ktap_result "modprobe $m"
done
ktap_finish
