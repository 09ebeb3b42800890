#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash # busybox ash
#
# hv_scsi when the hypervisor answers H_BUSY to the CRQ messages nobody
# sends twice: the init request of the handshake, the management
# requests before the login and the login (hv_vio fault injection on
# H_SEND_CRQ, while hv_scsi loads), and to the queue's registration
# (H_REG_CRQ: before hvk_dev_register_queue() waited busy answers out,
# the probe failed). A command's send hands a busy answer back to the SCSI
# midlayer, which retries; these have no such caller, so hv_vio rides the
# busy answers out (hvk_crq_send_retry()). Before it did, a busy init
# request left the adapter waiting for a partner that never spoke, and a
# busy ADAPTER_INFO or login failed the adapter until hv_scsi was reloaded.
# Each case reloads hv_scsi with the fault armed, reads back data written
# before, and wants the partner's answers (adapter info, MADs) as they
# were before the reload: a request given up on leaves them empty.
# The last case is the same init request answered H_HARDWARE once, a hard
# failure rather than a busy one (found by hvkit-vmm's hostile peer): the
# partner heard nothing, so nobody would ever speak; hv_vio resets the CRQ
# (paced) and sends it again. Before it did, "waiting for the partner"
# lasted for good: the disk never came, insmod hung in the scan.

. /lib/hvkit/ktap.sh
. /lib/hvkit/scsi.sh

ktap_plan 6
MIB=1048576

if ! hvs_load; then
	ktap_diag "$HVS_ERR"
	ktap_fail "loaded, data written"
	ktap_skip "busy registration" "no disks"
	ktap_skip "busy init request" "no disks"
	ktap_skip "busy management request" "no disks"
	ktap_skip "busy login" "no disks"
	ktap_skip "failed init request" "no disks"
	ktap_finish
fi
A=$(hvs_disk 0 0 0)
hvs_write_random "$A" $((40 * MIB)) $MIB 65536 || expect_bad "write to $A"
WANT=$HVS_SHA
ktap_result "loaded, data written"

dev_busy() {
	cat "/sys/bus/hvkit/devices/$HVS_UNIT/stats/busy"
}

# What the partner told this load: adapter info, and the MADs' answers.
# The capabilities' flags are left out: they echo whether this load of
# hv_scsi has seen a migration (an earlier test of the boot may have
# sent one), which a reload forgets.
answers() {
	rd "$(hvs_sysfs)/partner"
	rd "$(hvs_sysfs)/mads" | sed 's/ flags 0x[0-9a-f]*//'
}

# reload_busy WHAT INTERVAL TIMES NTH [STATUS [OPCODE]]: reload hv_scsi
# with H_BUSY (or STATUS) armed on the adapter's H_SEND_CRQ (or OPCODE);
# the disk must come back with the data and the partner's answers.
reload_busy() {
	local b0 before
	before=$(answers)
	rmmod hv_scsi || expect_bad "$1: rmmod hv_scsi"
	b0=$(dev_busy)
	hvk_fault_on "${5:-H_BUSY}" "${6:-0x108}" "0x$HVS_UNIT" "$2" "$3" "$4"
	if ! hvs_load; then
		hvk_fault_off
		ktap_diag "$HVS_ERR; partner: $(rd "$(hvs_sysfs)/partner" 2>/dev/null)"
		expect_bad "$1: no disks after the reload"
		return 1
	fi
	ktap_diag "$1: $(cat "$HVK_FAULT/injected") ${5:-H_BUSY} answers injected," \
		"the device counted $(($(dev_busy) - b0)) busy"
	[ "$(cat "$HVK_FAULT/injected")" -ge 1 ] || expect_bad "$1: nothing injected"
	hvk_fault_off
	A=$(hvs_disk 0 0 0)
	expect_eq "$1: data read back" "$WANT" "$(hvs_read_sha "$A" $((40 * MIB)) $MIB 65536)"
	expect_eq "$1: the partner's answers" "$before" "$(answers)"
}

# Three busy answers to the registration of the queue (H_REG_CRQ).
reload_busy "busy registration" 1 3 0 H_LONG_BUSY_10MS 0xfc
ktap_result "busy registration: waited out, logged in, data intact"

# Three busy answers to the first sends: the init request.
reload_busy "busy init request" 1 3 0
ktap_result "busy init request: retried, logged in, data intact"

# The second send, after the handshake: the first management request
# (ADAPTER_INFO; given up on, the adapter would log in without it).
reload_busy "busy management request" 0 1 2
ktap_result "busy management request: retried, logged in, data intact"

# The fifth: the login, after ADAPTER_INFO, ENABLE_FAST_FAIL and
# CAPABILITIES (given up on, the adapter would fail until a reload).
reload_busy "busy login" 0 1 5
expect_eq "busy login: logins" 1 "$(hvs_counter logins)"
ktap_result "busy login: retried, logged in, data intact"

# The first send, once, H_HARDWARE: the init request is not retried but
# the queue is reset and the handshake starts again.
reload_busy "failed init request" 0 1 1 H_HARDWARE
# hv_scsi's counters start at 0 with each load.
ktap_diag "failed init request: crq_resets $(hvs_counter crq_resets), crq_send_errors $(hvs_counter crq_send_errors)"
[ "$(hvs_counter crq_resets)" -ge 1 ] || expect_bad "failed init request: no CRQ reset counted"
ktap_result "failed init request: CRQ reset, logged in, data intact"

ktap_finish
