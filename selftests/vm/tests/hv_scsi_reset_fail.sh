#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash # busybox ash
#
# hv_scsi when the CRQ cannot be brought back (issue 11, finding 6):
#  1. every hypercall of the v-scsi adapter fails (hv_vio fault injection),
#     so eight failed sends schedule a CRQ reset and the reset fails too.
#     The waiting reads must fail within seconds, not stay blocked, and
#     the driver must say so exactly once;
#  2. with the faults off, reloading hv_scsi brings the disks back and the
#     data written before is intact; that reload's H_REG_CRQ is answered
#     H_RESOURCE once (a registration a kexec'd kernel left behind): the
#     queue is freed and registered again (hvk_dev_register_queue);
#  3. the same failure in the reset hv_vio makes by itself after a
#     "partner failed" transport event: hv_vio tells hv_scsi (down with
#     HVK_CRQ_DOWN_FAILED), which fails the commands as in 1. Before it
#     did, the reads stayed blocked behind scsi_block_requests();
#  4. reloaded with the faults off: the data is intact; then unloaded
#     with H_FREE_CRQ refused: the queue page stays registered, so it is
#     abandoned, not freed (said once), and the next load frees the stale
#     registration (H_RESOURCE) and reads the data back.
# Documentation/hv-scsi.rst.

. /lib/hvkit/ktap.sh
. /lib/hvkit/scsi.sh

ktap_plan 4
MIB=1048576

if ! hvs_load; then
	ktap_diag "$HVS_ERR"
	ktap_fail "loaded"
	ktap_skip "reload" "no disks"
	ktap_finish
fi
A=$(hvs_disk 0 0 0)
B=$(hvs_disk 0 1 0)

# reads_fail_fast WHAT: two reads in the background must fail within 30 s.
reads_fail_fast() {
	rm -f /tmp/rf.a /tmp/rf.b
	( hvk-dio read "$A" 0 65536 65536 >/dev/null 2>&1; echo $? >/tmp/rf.a ) &
	pa=$!
	( hvk-dio read "$B" 0 4096 4096 >/dev/null 2>&1; echo $? >/tmp/rf.b ) &
	pb=$!
	i=0
	while [ ! -e /tmp/rf.a ] || [ ! -e /tmp/rf.b ]; do
		i=$((i + 1))
		[ "$i" -lt 300 ] || break
		sleep 0.1
	done
	ktap_diag "$1: waited $((i / 10)).$((i % 10)) s; partner: $(rd "$(hvs_sysfs)/partner")"
	if [ -e /tmp/rf.a ] && [ -e /tmp/rf.b ]; then
		[ "$(cat /tmp/rf.a)" != 0 ] || expect_bad "$1: the read of $A succeeded without a CRQ"
		[ "$(cat /tmp/rf.b)" != 0 ] || expect_bad "$1: the read of $B succeeded without a CRQ"
		wait $pa
		wait $pb
		return 0
	fi
	expect_bad "$1: reads still blocked after 30 s"
	return 1
}

# 1. A failed reset fails the commands instead of blocking them for ever.
hvs_write_random "$A" 0 $MIB 65536 || expect_bad "write before the faults"
SHA=$HVS_SHA
r0=$(hvs_counter crq_resets)
dmesg_mark
# Any opcode (-1) of the adapter, every call, no end.
hvk_fault_on H_HARDWARE -1 "0x$HVS_UNIT" 1 -1
failed_fast=0
reads_fail_fast "after the failed reset" && failed_fast=1
hvk_fault_off
[ "$(hvs_counter crq_resets)" -gt "$r0" ] || expect_bad "no CRQ reset was tried"
n=$(dmesg_since | grep -c "CRQ reset failed")
expect_eq "'CRQ reset failed' lines" 1 "$n"
ktap_result "a failed CRQ reset fails the commands and says so once"

# 2. Faults off: the adapter is usable again after a reload.
if [ "$failed_fast" = 1 ]; then
	expect_ok "rmmod hv_scsi" rmmod hv_scsi
	dmesg_mark
	# H_REG_CRQ (0xfc) of this adapter, its first call only.
	hvk_fault_on H_RESOURCE 0xfc "0x$HVS_UNIT" 0 1 1
	if hvs_load_expect "reload" "$SHA" 0 $MIB 65536; then
		expect_eq "H_RESOURCE injected on H_REG_CRQ" 1 "$(cat "$HVK_FAULT/injected")"
		n=$(dmesg_since | grep -c "H_REG_CRQ: still registered (H_RESOURCE)")
		expect_eq "'still registered' lines" 1 "$n"
	fi
else
	expect_bad "the blocked reads keep hv_scsi loaded"
fi
hvk_fault_off
ktap_result "reloaded after the failure (H_RESOURCE at H_REG_CRQ), data intact"

# 3. The reset after a transport event fails: hv_scsi hears of it.
failed_fast=0
if A=$(hvs_disk 0 0 0) && B=$(hvs_disk 0 1 0); then
	p0=$(hvs_counter crq_partner_lost)
	dmesg_mark
	# Every H_REG_CRQ (0xfc) of the adapter, no end.
	hvk_fault_on H_HARDWARE 0xfc "0x$HVS_UNIT" 1 -1
	echo 1 >"$(hvs_debugfs)/transport_event"
	reads_fail_fast "after the event" && failed_fast=1
	hvk_fault_off
	expect_eq "partner lost events" $((p0 + 1)) "$(hvs_counter crq_partner_lost)"
	n=$(dmesg_since | grep -c "CRQ reset failed")
	expect_eq "'CRQ reset failed' lines" 1 "$n"
else
	expect_bad "no disks after the reload"
fi
ktap_result "a failed reset after a transport event fails the commands"

# 4. Reload with the faults off.
if [ "$failed_fast" = 1 ]; then
	expect_ok "rmmod hv_scsi" rmmod hv_scsi
	hvs_load_expect "reload after the event" "$SHA" 0 $MIB 65536
else
	expect_bad "the blocked reads keep hv_scsi loaded"
fi
if [ "$failed_fast" = 1 ] && hvk_loaded hv_scsi; then
	dmesg_mark
	# H_FREE_CRQ (0x100) of the adapter, every call.
	hvk_fault_on H_HARDWARE 0x100 "0x$HVS_UNIT" 1 -1
	expect_ok "rmmod hv_scsi with H_FREE_CRQ refused" rmmod hv_scsi
	hvk_fault_off
	n=$(dmesg_since | grep -c "CRQ page abandoned")
	expect_eq "'CRQ page abandoned' lines" 1 "$n"
	hvs_load_expect "load after the abandoned queue" "$SHA" 0 $MIB 65536 &&
		expect_match "the stale registration freed" "H_REG_CRQ: still registered [(]H_RESOURCE[)]" "$(dmesg_since)"
fi
ktap_result "reloaded after the failed event reset, data intact; a refused H_FREE_CRQ keeps the page"

ktap_finish
