#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash # busybox ash
#
# hv_console: what the hypervisor does with CR and NUL on vty input (raw
# H_GET_TERM_CHAR through hvk_selftest), then 1 MiB of CR, LF and NUL in
# every combination each way, byte-exact, with vty/nuls_dropped equal to
# the NULs the hypervisor inserted. The cases are those of
# hv_console_random.sh on the "crlf" data set.

export HV_CONSOLE_SET=crlf HV_CONSOLE_PROBE=1
# shellcheck source=hv_console_random.sh
. "$(dirname "$0")/hv_console_random.sh"
