#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash # busybox ash
#
# Transport events from the partner while I/O runs, as PowerVM sends them:
# hvkit-vmm --crq-events (plan key crq_events) posts 0xFF/0x01 (failed),
# 0xFF/0x02 (deregistered) and 0xFF/0x06 (migrated) into hv_scsi's CRQ on
# its schedule, drops every command it holds unanswered, answers
# H_CLOSED for 500 ms, then sends its init request. hv_scsi must reset the
# queue (failed, deregistered) or H_ENABLE_CRQ it (migrated), log in
# again and retry what was in flight: O_DIRECT writes of random data,
# each read back by sha256, run until it has seen at least two "partner
# lost" events and one migration, then every region is read again.
# Documentation/hv-scsi.rst, Documentation/hvkit-vmm.rst.

. /lib/hvkit/ktap.sh
. /lib/hvkit/scsi.sh

ktap_plan 3
CHUNK=262144
SLOTS=64
LIMIT=$((90 * HVK_SLOWDOWN))

if [ -z "${BOOT_CRQ_EVENTS:-}" ]; then
	for t in "events seen" "logged in again after each" "data intact"; do
		ktap_skip "$t" "the boot has no crq_events"
	done
	ktap_finish
fi
if ! hvs_load; then
	ktap_diag "$HVS_ERR"
	ktap_fail "events seen"
	ktap_skip "logged in again after each" "not loaded"
	ktap_skip "data intact" "not loaded"
	ktap_finish
fi
A=$(hvs_disk 0 0 0)
dmesg_mark
lost0=$(hvs_counter crq_partner_lost)
mig0=$(hvs_counter crq_migrations)
rec0=$(hvs_counter reconnects)
res0=$(hvs_counter crq_resets)
: >/tmp/ev-shas
round=0
bad=0
end=$(($(now_ns) / 1000000000 + LIMIT))
while :; do
	off=$(((round % SLOTS) * CHUNK))
	if ! hvs_write_random "$A" $off $CHUNK 65536; then
		expect_bad "round $round: O_DIRECT write at $off failed"
		bad=$((bad + 1))
	fi
	echo "$off $HVS_SHA" >>/tmp/ev-shas
	got=$(hvs_read_sha "$A" $off $CHUNK 65536)
	if [ "$got" != "$HVS_SHA" ]; then
		expect_bad "round $round: $CHUNK bytes at $off read back as $got"
		bad=$((bad + 1))
	fi
	round=$((round + 1))
	lost=$(($(hvs_counter crq_partner_lost) - lost0))
	mig=$(($(hvs_counter crq_migrations) - mig0))
	[ "$lost" -lt 2 ] || [ "$mig" -lt 1 ] || break
	[ "$bad" -lt 3 ] || break
	if [ "$(($(now_ns) / 1000000000))" -ge "$end" ]; then
		expect_bad "after $LIMIT s: $lost partner-lost events and $mig migrations seen (want 2 and 1)"
		break
	fi
done
ktap_diag "$round rounds of $CHUNK bytes: $lost partner-lost events, $mig migrations"
ktap_result "events seen: partner failed or deregistered twice, migrated once"

# Logged in again: the link is up after the last one.
i=0
while ! grep -q 'state 1$' "$(hvs_sysfs)/partner"; do
	i=$((i + 1))
	[ "$i" -lt $((300 * HVK_SLOWDOWN)) ] ||
		{ expect_bad "not logged in $((30 * HVK_SLOWDOWN)) s after the events"; break; }
	sleep 0.1
done
rec=$(($(hvs_counter reconnects) - rec0))
res=$(($(hvs_counter crq_resets) - res0))
ktap_diag "reconnects $rec, crq_resets $res, commands $(hvs_counter commands), cancelled $(hvs_counter cancelled), send_errors $(hvs_counter send_errors), crq_send_closed $(hvs_counter crq_send_closed)"
[ "$rec" -ge 2 ] || expect_bad "$rec new logins after $((lost + mig)) events"
[ "$res" -ge 1 ] || expect_bad "no CRQ reset after $lost partner-lost events"
if dmesg_since | grep -E 'CRQ reset failed|SRP login failed|H_ENABLE_CRQ failed'; then
	expect_bad "hv_scsi failed to recover from an event"
fi
ktap_result "logged in again after each"

# Every region as last written, read again.
sort -n -k1,1 -s /tmp/ev-shas | awk '{ last[$1] = $2 } END { for (o in last) print o, last[o] }' |
	while read -r off sha; do
		got=$(hvs_read_sha "$A" "$off" $CHUNK 65536)
		[ "$got" = "$sha" ] || echo "$off $got $sha"
	done >/tmp/ev-bad
[ ! -s /tmp/ev-bad ] || expect_bad "$(wc -l </tmp/ev-bad) regions differ, first: $(head -n1 /tmp/ev-bad)"
ktap_result "data intact: every region read again"

ktap_finish
