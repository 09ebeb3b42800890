#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash # busybox ash
#
# Harness check (not a real test): every case passes, but a line that looks
# like a kernel warning goes into the kernel log, which must fail the run
# (guest dmesg scan and host console scan).
. /lib/hvkit/ktap.sh
ktap_plan 1
echo "WARNING: hvkit harness check, planted from user space" >/dev/kmsg
ktap_pass "planted a warning line"
ktap_finish
