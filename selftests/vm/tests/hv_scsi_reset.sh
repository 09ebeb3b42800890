#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash # busybox ash
#
# hv_scsi recovery paths against QEMU, each followed by a data check:
#  1. H_SEND_CRQ failing a few times (hv_vio fault injection): requeued;
#  2. failing 8 times in a row: the CRQ is reset and the host logs in again;
#  3. a lost response (debugfs lose_responses) and a 4 s command timeout:
#     the error handler's abort brings the command back; for a bounced
#     4 KiB read, the slot's bounce buffer is retired;
#  4. a LUN reset from userspace (SG_SCSI_RESET) during I/O on that LUN;
#  5. "partner failed" and "migrated" transport events (debugfs
#     transport_event; QEMU never sends them): reconnect;
#  6. a host reset from userspace;
#  7. stale answers (debugfs replay_last_response) delivered again and
#     again while the slots are reused by new requests: all dropped.
# At the end every region written here reads back right, nothing is left
# in flight and the whole credit is back. Documentation/hv-scsi.rst.

. /lib/hvkit/ktap.sh
. /lib/hvkit/scsi.sh

ktap_plan 8
MIB=1048576

if ! hvs_load; then
	ktap_diag "$HVS_ERR"
	ktap_fail "loaded"
	for c in 2 3 4 5 6 7 8; do ktap_skip "case $c" "no disks"; done
	ktap_finish
fi
DBG=$(hvs_debugfs)
A=$(hvs_disk 0 0 0)
B=$(hvs_disk 0 0 1)
C=$(hvs_disk 0 1 0)
D=$(hvs_disk 0 2 3)
: >/tmp/rregions

# check_io DEV OFF MIB WHAT: write MiB of random data in 64 KiB requests,
# read it back in 128 KiB requests with uneven lists, compare, remember.
check_io() {
	local len=$(($3 * MIB)) got
	if ! hvs_write_random "$1" "$2" $len 65536 2>/tmp/err; then
		expect_bad "$4: write $1+$2: $(cat /tmp/err)"
		return 1
	fi
	got=$(hvs_read_sha "$1" "$2" $len 131072 1536)
	expect_eq "$4: sha256 of $3 MiB at $1+$2" "$HVS_SHA" "$got" || return 1
	echo "$1 $2 $len $HVS_SHA" >>/tmp/rregions
}

wait_logged_in() {
	local i=0
	while ! grep -q 'state 1$' "$(hvs_sysfs)/partner"; do
		i=$((i + 1))
		[ "$i" -lt 300 ] || { expect_bad "not logged in again after 30 s: $(rd "$(hvs_sysfs)/partner")"; return 1; }
		sleep 0.1
	done
}

# 1. Three failed sends: requeued, no reset.
e0=$(hvs_counter send_errors)
r0=$(hvs_counter crq_resets)
hvs_fault H_HARDWARE 1 3
check_io "$A" 0 4 "3 failed sends"
expect_eq "injected" 3 "$(rd $HVK_FAULT/injected)"
hvs_fault_off
expect_eq "send_errors counted" $((e0 + 3)) "$(hvs_counter send_errors)"
expect_eq "CRQ resets" "$r0" "$(hvs_counter crq_resets)"
ktap_result "failed H_SEND_CRQ: requests requeued, data intact"

# 2. Eight in a row: reset and log in again.
l0=$(hvs_counter logins)
hvs_fault H_HARDWARE 1 8
check_io "$B" 0 4 "8 failed sends"
hvs_fault_off
wait_logged_in
expect_eq "CRQ resets" $((r0 + 1)) "$(hvs_counter crq_resets)"
expect_eq "logins" $((l0 + 1)) "$(hvs_counter logins)"
check_io "$B" $((8 * MIB)) 2 "after the reset"
ktap_result "8 failed sends in a row: CRQ reset, login, data intact"

# 3. A lost response: timeout, abort, retry.
a0=$(hvs_counter aborts_done)
T=/sys/block/${D#/dev/}/device/timeout
echo 4 >$T
check_io "$D" 0 1 "warm-up"
echo 1 >"$DBG/lose_responses"
t0=$(cut -d' ' -f1 /proc/uptime)
got=$(hvs_read_sha "$D" 0 $MIB $MIB)
t1=$(cut -d' ' -f1 /proc/uptime)
echo 30 >$T
expect_eq "sha256 after the lost response" "$(sed -n 's/.* //p' /tmp/rregions | tail -n1)" "$got"
expect_eq "responses lost on purpose" 1 "$(hvs_counter lost_on_purpose)"
expect_eq "aborts done" $((a0 + 1)) "$(hvs_counter aborts_done)"
ktap_diag "read with a lost response took $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s"
dmesg | grep -q "aborted tag" || expect_bad "no 'aborted tag' line in dmesg"
# The same for a 4 KiB read, which goes through a slot's bounce buffer:
# after the abort that slot never bounces again.
want=$(hvs_read_sha "$D" 0 4096 4096)
br0=$(hvs_counter bounced)
rt0=$(hvs_counter bounce_retired)
echo 4 >$T
echo 1 >"$DBG/lose_responses"
got=$(hvs_read_sha "$D" 0 4096 4096)
echo 30 >$T
expect_eq "sha256 of 4 KiB after a lost bounced response" "$want" "$got"
[ "$(hvs_counter bounced)" -gt "$br0" ] || expect_bad "the 4 KiB read did not bounce"
expect_eq "responses lost on purpose" 2 "$(hvs_counter lost_on_purpose)"
expect_eq "aborts done" $((a0 + 2)) "$(hvs_counter aborts_done)"
expect_eq "bounce buffers retired" $((rt0 + 1)) "$(hvs_counter bounce_retired)"
ktap_result "lost response: the abort recovers the command"

# 4. LUN reset from userspace while 8 MiB go to and from that LUN.
u0=$(hvs_counter lun_resets)
( check_io "$B" $((16 * MIB)) 8 "during a LUN reset"; echo "$KTAP_CASE_BAD" >/tmp/bg.bad ) >/tmp/bg.log 2>&1 &
pid=$!
sleep 1
expect_ok "SG_SCSI_RESET device on $B" hvk-dio reset "$B" device
wait $pid
cat /tmp/bg.log
[ "$(cat /tmp/bg.bad)" = 0 ] || expect_bad "I/O during the LUN reset failed"
expect_eq "LUN resets" $((u0 + 1)) "$(hvs_counter lun_resets)"
check_io "$B" $((32 * MIB)) 2 "after the LUN reset"
ktap_result "LUN reset from userspace during I/O, data intact"

# 5. Transport events.
p0=$(hvs_counter crq_partner_lost)
m0=$(hvs_counter crq_migrations)
c0=$(hvs_counter reconnects)
echo 1 >"$DBG/transport_event"
sleep 0.5
wait_logged_in
check_io "$C" 0 2 "after partner failed"
echo 6 >"$DBG/transport_event"
sleep 0.5
wait_logged_in
check_io "$C" $((4 * MIB)) 2 "after migration"
expect_eq "partner lost events" $((p0 + 1)) "$(hvs_counter crq_partner_lost)"
expect_eq "migrations" $((m0 + 1)) "$(hvs_counter crq_migrations)"
expect_eq "reconnects" $((c0 + 2)) "$(hvs_counter reconnects)"
ktap_result "partner failed and migrated: reconnect, log in, data intact"

# 6. Host reset from userspace.
h0=$(hvs_counter host_resets)
expect_ok "SG_SCSI_RESET host on $C" hvk-dio reset "$C" host
wait_logged_in
expect_eq "host resets" $((h0 + 1)) "$(hvs_counter host_resets)"
check_io "$C" $((8 * MIB)) 2 "after the host reset"
ktap_result "host reset from userspace, data intact"

# 7. 200 stale answers while 4 MiB go to the same slots.
k0=$(hvs_counter unknown_tags)
c0=$(hvs_counter completions)
( check_io "$D" $((4 * MIB)) 4 "during stale answers"; echo "$KTAP_CASE_BAD" >/tmp/bg.bad ) >/tmp/bg.log 2>&1 &
pid=$!
i=0
while [ "$i" -lt 20 ]; do
	echo 10 >"$DBG/replay_last_response"
	i=$((i + 1))
	sleep 0.05
done
wait $pid
cat /tmp/bg.log
[ "$(cat /tmp/bg.bad)" = 0 ] || expect_bad "I/O during the stale answers failed"
expect_eq "stale answers counted as unknown tags" $((k0 + 200)) "$(hvs_counter unknown_tags)"
ktap_diag "$(($(hvs_counter completions) - c0)) real completions meanwhile"
ktap_result "200 stale answers dropped, none completed a newer request"

# 8. Everything written here still reads back; nothing left over.
while read -r dev off len sha; do
	expect_eq "sha256 of $dev+$off at the end" "$sha" "$(hvs_read_sha "$dev" "$off" "$len" 262144)"
done </tmp/rregions
ktap_diag "$(rd "$(hvs_sysfs)/credit")"
expect_eq "in flight when idle" 0 "$(hvs_credit in_flight)"
expect_eq "credit available when idle" 22 "$(hvs_credit available)"
expect_eq "bad responses" 0 "$(hvs_counter bad_responses)"
ktap_result "all regions intact, credit whole after the resets"

ktap_finish
