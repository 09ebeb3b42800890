#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash # busybox ash inside the demo guest
#
# Guest side of make demo: load hv_vio, then show what it found: the hvkit
# root device (method, backend, state) and one line per device on the hvkit
# bus with its sysfs attributes (Documentation/interfaces.rst), then the
# hypercalls it made. Run by selftests/vm/run.sh --tests-dir scripts/demo-guest.

. /lib/hvkit/ktap.sh

ROOT=/sys/devices/hvkit
BUS=/sys/bus/hvkit/devices

ktap_plan 2

if expect_ok "insmod hv_vio" hvk_insmod hv_vio; then
	ktap_diag ""
	ktap_diag "hv_vio loaded on $(uname -m), kernel $(uname -r)"
	ktap_diag "  method      $(rd $ROOT/method)"
	ktap_diag "  backend     $(rd $ROOT/backend)"
	ktap_diag "  abi_version $(rd $ROOT/abi_version)"
	ktap_diag "  hypervisor  $(rd $ROOT/hypervisor)"
	ktap_diag "  state       $(rd $ROOT/state)"
fi
ktap_result "hv_vio loads"

n=0
ktap_diag ""
ktap_diag "$(printf '%-12s %-9s %-18s %-6s %s' unit_address devtype compatible irq modalias)"
for d in "$BUS"/*; do
	[ -d "$d" ] || continue
	n=$((n + 1))
	ktap_diag "$(printf '%-12s %-9s %-18s %-6s %s' "$(rd "$d/unit_address")" \
		"$(rd "$d/devtype")" "$(rd "$d/compatible")" "$(rd "$d/irq")" \
		"$(rd "$d/modalias")")"
done
ktap_diag ""
ktap_diag "$n devices on the hvkit bus ($BUS)"
[ -r /sys/kernel/debug/hvkit/hcall_stats ] &&
	ktap_diag_cmd hcall_stats cat /sys/kernel/debug/hvkit/hcall_stats
[ "$n" -gt 0 ] || expect_bad "no device on the hvkit bus"
ktap_result "hv_vio shows its devices"

ktap_finish
