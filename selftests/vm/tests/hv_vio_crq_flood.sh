#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash # busybox ash
#
# A CRQ partner that never stops writing must not pin the CPU (issue 11,
# finding 3). hv_vio's test hook (test builds only, make HVKIT_SELFTEST=m)
# emulates one: /sys/module/hv_vio/parameters/crq_test_flood = N makes the
# CRQ consumer find N more entries after the queue's own, init-complete
# entries that an up link only counts (crq_ignored). The queue page and
# QEMU's position in it are not touched. One 4 KiB read makes the
# interrupt that starts the drain.
#
# The guest has one CPU. A shell loop samples the clock every 50 ms while
# the flood (10^7 entries, some seconds under TCG) is drained; the longest
# gap between two samples is how long the CPU was taken from user space at
# once, which must be less than half the flood (and, as a backstop on a
# loaded host, under 5 s times the kernel's slowdown). Drained in the
# interrupt handler (before the fix) the gap is the whole flood (1480 of
# 1550 ms); in budgeted softirq rounds it stays short (440 to 1180 ms of
# 8 to 13 s; 1840 of 121310 ms on the debug kernel).
# Documentation/hv-scsi.rst.

. /lib/hvkit/ktap.sh
. /lib/hvkit/scsi.sh

ktap_plan 4
N=${CRQ_FLOOD_ENTRIES:-10000000}
MAX_GAP_MS=${CRQ_FLOOD_MAX_GAP_MS:-$((5000 * HVK_SLOWDOWN))}
PARAM=/sys/module/hv_vio/parameters/crq_test_flood

if ! hvs_load; then
	ktap_diag "$HVS_ERR"
	ktap_fail "loaded"
	for c in drained rounds gap; do ktap_skip "$c" "no disks"; done
	ktap_finish
fi
ktap_pass "loaded"
if [ ! -w "$PARAM" ]; then
	for c in drained rounds gap; do ktap_skip "$c" "hv_vio built without test hooks"; done
	ktap_finish
fi
A=$(hvs_disk 0 0 0)
sha0=$(hvs_read_sha "$A" 0 4096 4096)

# A counter of hv_scsi's (0 when the transport has no such counter).
count() {
	local v
	v=$(hvs_counter "$1")
	echo "${v:-0}"
}

ms() {
	awk '{ printf "%.0f\n", $1 * 1000 }' /proc/uptime
}

ign0=$(count crq_ignored)
spent0=$(count crq_budget_spent)
rm -f /tmp/flood-stop /tmp/flood-samples
(
	while [ ! -e /tmp/flood-stop ]; do
		ms >>/tmp/flood-samples
		sleep 0.05
	done
) &
sampler=$!
sleep 0.5
t0=$(ms)
echo "$N" >"$PARAM"
sha1=$(hvs_read_sha "$A" 0 4096 4096)
i=0
while [ "$(cat "$PARAM")" != 0 ] && [ $i -lt 3000 ]; do
	sleep 0.1
	i=$((i + 1))
done
t1=$(ms)
sleep 0.5
touch /tmp/flood-stop
wait "$sampler"
left=$(cat "$PARAM")
echo 0 >"$PARAM"

ign=$(($(count crq_ignored) - ign0))
spent=$(($(count crq_budget_spent) - spent0))
gap=$(awk 'NR > 1 && $1 - p > g { g = $1 - p } { p = $1 } END { print g + 0 }' /tmp/flood-samples)
ktap_diag "flood of $N entries drained in $((t1 - t0)) ms, $left left;" \
	"$spent rounds spent their budget; longest gap in user space $gap ms"

expect_eq "entries left" 0 "$left"
expect_eq "emulated entries consumed" "$N" "$ign"
expect_eq "the read during the flood" "$sha0" "$sha1"
ktap_result "drained"

expect_ok "$spent -ge $((N / 256))" test "$spent" -ge $((N / 256))
ktap_result "rounds"

# Pinned: the gap is (nearly) the whole flood. Not pinned: user space ran
# all along, the gap is a small part of it, and short in any case.
expect_ok "gap ${gap} ms < half the flood's $((t1 - t0)) ms" test $((gap * 2)) -lt $((t1 - t0))
expect_ok "gap ${gap} ms < ${MAX_GAP_MS} ms" test "$gap" -lt "$MAX_GAP_MS"
ktap_result "gap"
ktap_finish
