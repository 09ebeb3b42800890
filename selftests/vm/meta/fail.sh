#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash # busybox ash
#
# Harness check (not a real test): one case passes, one fails on purpose.
. /lib/hvkit/ktap.sh
ktap_plan 2
ktap_pass "this case passes"
expect_eq "deliberate mismatch" expected actual
ktap_result "this case fails on purpose"
ktap_finish
