#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash # busybox ash
#
# Harness check (not a real test): never finishes. With a short
# --test-timeout the guest reports it as timed out; with a short --timeout
# the host kills QEMU and reports the missing end marker.
. /lib/hvkit/ktap.sh
ktap_plan 1
sleep 100000
ktap_pass "not reached"
ktap_finish
