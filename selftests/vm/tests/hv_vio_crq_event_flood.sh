#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash # busybox ash
#
# A CRQ partner that sends "partner failed" after every registration must
# not keep a CPU resetting the queue back to back (trust-boundary review,
# transport events). For 3 s the test injects the event as fast as a shell
# loop can (debugfs transport_event, as the consumer would act on it);
# the resets hv_vio makes are paced (include/hvkit/busy.h, "Pacing": at
# once, then 10, 20, 40 ... ms up to 1 s while they keep coming), so 3 s
# hold about ten of them, where unpaced every event that found the link
# up again made one. Then the link comes up, and data written before the
# flood reads back. Documentation/hv-scsi.rst.

. /lib/hvkit/ktap.sh
. /lib/hvkit/scsi.sh

ktap_plan 2
MIB=1048576
MAX_RESETS=15

if ! hvs_load; then
	ktap_diag "$HVS_ERR"
	ktap_fail "loaded"
	ktap_skip "paced" "no disks"
	ktap_finish
fi
A=$(hvs_disk 0 0 0)
hvs_write_random "$A" 0 $MIB 65536 || expect_bad "write before the flood"
SHA=$HVS_SHA
ktap_result "loaded, 1 MiB written"

EV="$(hvs_debugfs)/transport_event"
r0=$(hvs_counter crq_resets)
p0=$(hvs_counter crq_resets_paced)
p0=${p0:-0}
# One open file for the whole flood: on the debug kernel under load an
# open and close of the debugfs file per event cost ~15 ms, and CI once
# injected fewer than the 100 events the check needs to tell paced from
# unpaced (stop 19). Writes on one descriptor cost a fraction of that.
sent=0
end=$(($(date +%s) + 3))
exec 3>"$EV"
while [ "$(date +%s)" -lt "$end" ]; do
	for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
		echo 1 >&3
	done
	sent=$((sent + 20))
done
exec 3>&-
i=0
while ! grep -q 'state 1$' "$(hvs_sysfs)/partner"; do
	i=$((i + 1))
	[ "$i" -lt $((300 * HVK_SLOWDOWN)) ] ||
		{ expect_bad "not logged in again $((30 * HVK_SLOWDOWN)) s after the flood"; break; }
	sleep 0.1
done
resets=$(($(hvs_counter crq_resets) - r0))
p1=$(hvs_counter crq_resets_paced)
paced=$((${p1:-0} - p0))
ktap_diag "$sent events in about 3 s: $resets CRQ resets, $paced of them delayed"
[ "$sent" -ge 100 ] || expect_bad "only $sent events injected: too few to tell"
[ "$resets" -ge 2 ] || expect_bad "$resets resets: the events did not reset the queue"
[ "$resets" -le "$MAX_RESETS" ] || expect_bad "$resets resets in 3 s (paced: at most about 10)"
[ "$paced" -ge 1 ] || expect_bad "no reset was delayed"
expect_eq "sha256 after the flood" "$SHA" "$(hvs_read_sha "$A" 0 $MIB 65536)"
ktap_result "a flood of transport events makes paced resets, then the link is up"

ktap_finish
