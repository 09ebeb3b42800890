#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash # busybox ash
#
# hv_vio on arm64 with an hvkit hypervisor node in the DTB (added by the
# runner; see selftests/vm/plans/arm64). What the boot expects comes from
# the plan entry through /data/boot.env:
#   BOOT_METHOD   the node's method (hvc, smc, sc1)
#   BOOT_EXPECT   accept: the module loads; QEMU's PSCI firmware answers
#                 NOT_SUPPORTED on that conduit, so the root is "offline"
#                 refuse: insmod fails with one kernel log line naming
#                 /hypervisor and the reason (BOOT_REASON, an ERE)
# Interfaces per Documentation/interfaces.rst.

. /lib/hvkit/ktap.sh

ROOT=/sys/devices/hvkit
BUS=/sys/bus/hvkit/devices
HCALL=/sys/kernel/debug/hvkit-selftest/hcall

accept() {
	ktap_plan 5

	# 1. Load; root attributes.
	dmesg_mark
	if expect_ok "insmod hv_vio" hvk_insmod hv_vio; then
		expect_eq "$ROOT/method" "$BOOT_METHOD" "$(rd $ROOT/method)"
		expect_eq "$ROOT/backend" dt "$(rd $ROOT/backend)"
		expect_eq "$ROOT/abi_version" 1 "$(rd $ROOT/abi_version)"
		expect_eq "$ROOT/hypervisor" /hypervisor "$(rd $ROOT/hypervisor)"
		expect_match "$ROOT/state" '^offline: .+' "$(rd $ROOT/state)"
	fi
	ktap_result "load: method $BOOT_METHOD, backend dt, state offline"

	# 2. The node's children, exactly, under the hvkit root device.
	: >/tmp/dt.set
	for n in /proc/device-tree/hypervisor/*/; do
		[ -f "$n/device_type" ] && [ -f "$n/reg" ] || continue
		dt_cell "$n/reg" >>/tmp/dt.set
	done
	sort -o /tmp/dt.set /tmp/dt.set
	cat "$BUS"/*/unit_address 2>/dev/null | sort >/tmp/bus.set
	cmp -s /tmp/dt.set /tmp/bus.set ||
		expect_bad "unit addresses differ: /hypervisor: $(tr '\n' ' ' </tmp/dt.set); hvkit bus: $(tr '\n' ' ' </tmp/bus.set)"
	while read -r ua type compat; do
		d=$BUS/${ua#0x}
		if [ ! -d "$d" ]; then
			expect_bad "$d missing"
			continue
		fi
		expect_eq "$d/unit_address" "$ua" "$(rd "$d/unit_address")"
		expect_eq "$d/devtype" "$type" "$(rd "$d/devtype")"
		expect_eq "$d/compatible" "$compat" "$(rd "$d/compatible")"
		expect_eq "$d/modalias" "hvkit:T${type}S${compat}" "$(rd "$d/modalias")"
		expect_eq "$d/backend" dt "$(rd "$d/backend")"
		expect_eq "$d/method" "$BOOT_METHOD" "$(rd "$d/method")"
		expect_eq "parent of $d" "$ROOT/${ua#0x}" "$(cd "$d" && pwd -P)"
		# Offline: no driver binds.
		[ -e "$d/driver" ] && expect_bad "$d is bound to $(basename "$(readlink "$d/driver")")"
	done <"$HVKIT_DATA/devices"
	[ -s "$HVKIT_DATA/devices" ] || expect_bad "the runner listed no devices"
	ktap_result "devices of /hypervisor: $(wc -l <"$HVKIT_DATA/devices")"

	# 3. The kernel said why it is offline.
	dmesg_since >/tmp/load.log
	if ! grep -q 'NOT_SUPPORTED' /tmp/load.log; then
		expect_bad "no kernel log line mentions NOT_SUPPORTED"
		sed 's/^/# log| /' /tmp/load.log
	fi
	ktap_result "kernel log explains NOT_SUPPORTED"

	# 4. Offline: every hcall returns H_FUNCTION without trapping.
	if expect_ok "insmod hvk_selftest" hvk_insmod hvk_selftest; then
		before=$(rd "$BUS/30000000/stats/hcalls")
		echo "0x54 0x30000000" >"$HCALL" 2>/dev/null ||
			expect_bad "write to $HCALL failed"
		# shellcheck disable=SC2046 # the result line is split into fields
		set -- $(rd "$HCALL")
		expect_eq "status of H_GET_TERM_CHAR while offline" -2 "${1:-}"
		expect_eq "stats/hcalls" "$((before + 1))" "$(rd "$BUS/30000000/stats/hcalls")"
		expect_ok "rmmod hvk_selftest" rmmod hvk_selftest
	fi
	ktap_result "offline hcall returns H_FUNCTION"

	# 5. Unload cleanly.
	expect_ok "rmmod hv_vio" rmmod hv_vio
	left=$(hvk_leftovers)
	[ -z "$left" ] || expect_bad "left behind: $(echo $left)"
	ktap_result "unload leaves nothing behind"
}

refuse() {
	ktap_plan 3

	# 1. insmod fails.
	dmesg_mark
	if hvk_insmod hv_vio >/tmp/insmod.log 2>&1; then
		expect_bad "insmod hv_vio succeeded with method $BOOT_METHOD"
		rmmod hv_vio 2>/dev/null
	else
		ktap_diag "insmod: $(cat /tmp/insmod.log)"
	fi
	ktap_result "insmod hv_vio fails with method $BOOT_METHOD"

	# 2. One line per load attempt names /hypervisor and the reason
	#    (busybox's insmod makes BB_LOAD_ATTEMPTS_ON_FAILURE attempts, see
	#    lib/ktap.sh; the lines must be the same message).
	dmesg_since >/tmp/load.log
	grep '/hypervisor' /tmp/load.log | sed 's/^\[ *[0-9.]*\] //' >/tmp/hv.lines
	nl=$(wc -l </tmp/hv.lines)
	distinct=$(sort -u /tmp/hv.lines | wc -l)
	if [ "$nl" != "$BB_LOAD_ATTEMPTS_ON_FAILURE" ] || [ "$distinct" != 1 ]; then
		expect_bad "expected one line naming /hypervisor per load attempt ($BB_LOAD_ATTEMPTS_ON_FAILURE attempts), found $nl lines, $distinct different"
	else
		expect_match "refusal line" "^hvkit: /hypervisor: .*$BOOT_REASON" "$(head -n1 /tmp/hv.lines)"
	fi
	[ "$KTAP_CASE_BAD" = 0 ] || sed 's/^/# log| /' /tmp/load.log
	ktap_result "one log line: /hypervisor: $BOOT_REASON"

	# 3. Nothing left.
	left=$(hvk_leftovers)
	[ -z "$left" ] || expect_bad "left behind: $(echo $left)"
	ktap_result "nothing left in sysfs"
}

case "${BOOT_EXPECT:-}" in
accept) accept ;;
refuse) refuse ;;
*)
	ktap_plan 1
	ktap_fail "boot $BOOT has no expect=accept|refuse in the plan"
	;;
esac
ktap_finish
