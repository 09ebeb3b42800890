#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash # busybox ash
#
# Harness check (not a real test): panics the kernel (oops with
# panic_on_oops set). The guest never prints its end marker; with panic=-1
# and -no-reboot QEMU exits at once and the host reports it.
. /lib/hvkit/ktap.sh
ktap_plan 1
echo 1 >/proc/sys/kernel/panic_on_oops
echo 1 >/proc/sys/kernel/sysrq
echo c >/proc/sysrq-trigger
ktap_pass "not reached"
ktap_finish
