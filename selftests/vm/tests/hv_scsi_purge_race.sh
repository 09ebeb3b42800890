#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash # busybox ash
#
# hv_scsi: a purge racing queuecommand (issue 11, finding 2). A purge (a
# partner event, a new login) runs on another CPU; the guest has one, so
# the test build's debugfs hook purge_before_send runs it inside
# queuecommand at the last moment it could take the driver's lock before
# the command goes out. It must never take back a command that has not
# gone out:
#  1. the send then fails (H_CLOSED, hv_vio fault injection): the command
#     is requeued once, not completed as well;
#  2. the send succeeds: the command is answered, not purged first (no
#     answer for an unknown tag);
#  3. the same for a 4 KiB read, which goes through a bounce buffer.
# Each read is checked by sha256; afterwards nothing is in flight and the
# whole credit is back. Needs HVKIT_SELFTEST=m. Documentation/hv-scsi.rst.

. /lib/hvkit/ktap.sh
. /lib/hvkit/scsi.sh

ktap_plan 4
KIB=1024

if ! hvs_load || [ ! -e "$(hvs_debugfs)/purge_before_send" ]; then
	ktap_diag "${HVS_ERR:-no purge_before_send hook (HVKIT_SELFTEST=m)}"
	ktap_fail "loaded"
	for c in 2 3 4; do ktap_skip "case $c" "no hook"; done
	ktap_finish
fi
DBG=$(hvs_debugfs)
A=$(hvs_disk 0 0 0)
echo 30 >"/sys/block/${A#/dev/}/device/timeout"

# race LEN CHUNK FAULT WHAT: write LEN bytes at 1 MiB, arm the hook (and
# with FAULT=closed one H_CLOSED send), read them back, compare.
race() {
	local len=$1 chunk=$2 fault=$3 what=$4 got k0 e0
	hvs_write_random "$A" 1048576 "$len" "$chunk" || expect_bad "$what: write"
	k0=$(hvs_counter unknown_tags)
	e0=$(hvs_counter send_errors)
	echo 1 >"$DBG/purge_before_send"
	[ "$fault" = closed ] && hvs_fault H_CLOSED 1 1
	got=$(hvs_read_sha "$A" 1048576 "$len" "$chunk")
	[ "$fault" = closed ] && hvs_fault_off
	expect_eq "$what: sha256" "$HVS_SHA" "$got"
	expect_eq "$what: hook used" 0 "$(rd "$DBG/purge_before_send")"
	expect_eq "$what: answers for unknown tags" "$k0" "$(hvs_counter unknown_tags)"
	[ "$fault" = closed ] &&
		expect_eq "$what: failed sends" $((e0 + 1)) "$(hvs_counter send_errors)"
	expect_eq "$what: in flight after" 0 "$(hvs_credit in_flight)"
	expect_eq "$what: credit after" "$(hvs_credit limit)" "$(hvs_credit available)"
}

race $((64 * KIB)) $((64 * KIB)) closed "64 KiB, send fails"
ktap_result "purge before a failing send: requeued once, data intact"

race $((64 * KIB)) $((64 * KIB)) ok "64 KiB, send succeeds"
ktap_result "purge before a send: the command is answered, data intact"

race $((4 * KIB)) $((4 * KIB)) closed "4 KiB bounced, send fails"
race $((4 * KIB)) $((4 * KIB)) ok "4 KiB bounced, send succeeds"
ktap_result "the same through a bounce buffer"

# The whole sequence 20 times in a row, both ways.
i=0
while [ "$i" -lt 20 ]; do
	race $((128 * KIB)) $((32 * KIB)) closed "round $i, send fails"
	race $((128 * KIB)) $((32 * KIB)) ok "round $i, send succeeds"
	i=$((i + 1))
done
ktap_result "20 rounds of 128 KiB in 32 KiB reads, data intact"

ktap_finish
