#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash # busybox ash
#
# hv_console: several vtys at once. 1 MiB host -> guest on the agent's vty
# 1 and 1 MiB guest -> host on its vty 2 run concurrently, while kernel
# messages go out through the console vty; every checksum must be right
# and the transfers must really have overlapped. Data set "plain" (random
# without a NUL after a CR: the CR/NUL handling is hv_console_crlf's).

. /lib/hvkit/ktap.sh
. /lib/hvkit/vty.sh
# Where /init did not load hv_console (its console is another): load it.
[ "${BOOT_CONSOLE:-}" = hv_console ] || vty_load || echo "# loading hv_console: $VTY_ERR"

SET=plain
N=$(set_field $SET 2)
SHA=$(set_field $SET 3)
# Each transfer's limit: 240 s, times the slowdown (under hvkit-vmm, nested
# in TCG, the two take about 245 s together).
T=$((240 * HVK_SLOWDOWN))
ktap_plan 2

rm -f /tmp/multi.*
# Each side in its own subshell with its own fd 3; results in files.
(
	vty_open_agent 1 || { echo "open: $VTY_ERR" >/tmp/multi.1.err; exit 1; }
	now_ms >/tmp/multi.1.start
	vty_get $SET "$N" /tmp/multi.1.bin "$T" || echo "$VTY_ERR" >/tmp/multi.1.err
	now_ms >/tmp/multi.1.end
) &
p1=$!
(
	vty_open_agent 2 || { echo "open: $VTY_ERR" >/tmp/multi.2.err; exit 1; }
	now_ms >/tmp/multi.2.start
	vty_put "$HVKIT_DATA/sets/$SET" "$T" || echo "$VTY_ERR" >/tmp/multi.2.err
	echo "$VTY_SHA" >/tmp/multi.2.sha
	now_ms >/tmp/multi.2.end
) &
p2=$!
# Console traffic meanwhile.
k=0
while alive "$p1" || alive "$p2"; do
	echo "hv_console_multi: console line $k while two vtys transfer" >/dev/kmsg
	k=$((k + 1))
	sleep 0.2
done
wait "$p1"
wait "$p2"
ktap_diag "$k kernel messages went to the console meanwhile"

# 1. Both checksums.
for s in 1 2; do
	[ -s /tmp/multi.$s.err ] && expect_bad "vty $s: $(cat /tmp/multi.$s.err)"
done
expect_eq "vty 1: sha256 of the $N bytes received" "$SHA" "$(sha_of /tmp/multi.1.bin 2>/dev/null)"
expect_eq "vty 2: agent's sha256 of the $N bytes sent" "$SHA" "$(cat /tmp/multi.2.sha 2>/dev/null)"
ktap_result "1 MiB each way on two vtys at once, byte-exact"

# 2. They overlapped: each started before the other ended.
s1=$(cat /tmp/multi.1.start 2>/dev/null || echo 0)
e1=$(cat /tmp/multi.1.end 2>/dev/null || echo 0)
s2=$(cat /tmp/multi.2.start 2>/dev/null || echo 0)
e2=$(cat /tmp/multi.2.end 2>/dev/null || echo 0)
ktap_diag "vty 1 (host -> guest): $((e1 - s1)) ms; vty 2 (guest -> host): $((e2 - s2)) ms; start offset $((s2 - s1)) ms"
[ "$s1" -lt "$e2" ] && [ "$s2" -lt "$e1" ] ||
	expect_bad "the transfers did not overlap (vty 1 $s1..$e1, vty 2 $s2..$e2 ms)"
ktap_result "the transfers overlapped"

ktap_finish
