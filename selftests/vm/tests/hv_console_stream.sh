#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash # busybox ash
#
# Repeated 1 MiB host -> guest transfers through whichever driver owns the
# agent's vty 1 (hvc_vio in boot hvc-vio-stream, hv_console in boot
# hv-console-stream), to see whether input stops short: the hvc core
# stores the flip buffer's commit mark after dropping its lock, so two
# readers of one vty (an interrupt handler and khvcd) can leave bytes
# behind until more input comes (Documentation/testing-console.rst, "Who
# reads input"). A transfer that makes no progress for VTY_STALL seconds
# has stalled: the agent then sends 64 bytes of padding, and what comes
# shows whether the missing bytes were held back (they arrive, the sha256
# matches) or lost. Counts the stalls; fails on any stall or mismatch.
# Not in the default plan (about 10 minutes on the debug kernel).

. /lib/hvkit/ktap.sh
. /lib/hvkit/vty.sh

ROUNDS=${HV_CONSOLE_STREAM_ROUNDS:-8}
ktap_plan 2

# The /dev/hvcN on which the agent answers as its vty 1.
find_vty1() {
	local d
	for d in /dev/hvc1 /dev/hvc2 /dev/hvc3; do
		vty_open "$d" 2>/dev/null || continue
		if vty_ping 5 && [ "$VTY_AGENT_INDEX" = 1 ]; then
			DEV=$d
			return 0
		fi
		vty_close
	done
	return 1
}

# get_once SET N FILE : one transfer; STALLED=1 if it stalled.
get_once() {
	local pid last cur tl el t0
	STALLED=0
	vty_send "GET $1 $2"
	vty_reply 10 || return 1
	[ "$VTY_REPLY" = "DATA $2" ] || { VTY_ERR="agent: $VTY_REPLY"; return 1; }
	: >"$3"
	head -c "$2" <&3 >"$3" &
	pid=$!
	t0=$(now_ms)
	tl=$t0
	last=0
	while alive "$pid"; do
		sleep 0.2
		el=$(now_ms)
		cur=$(wc -c <"$3")
		[ "$cur" = "$last" ] || tl=$el
		last=$cur
		if [ "$STALLED" = 0 ] && [ $((el - tl)) -ge $((VTY_STALL * 1000)) ]; then
			STALLED=1
			ktap_diag "  stalled at $cur of $2 bytes (file; lags up to 8 KiB): 64 bytes of padding"
			vty_send "PAD 64"
		fi
		if [ $((el - t0)) -ge 900000 ]; then
			kill "$pid"
			wait "$pid"
			VTY_ERR="not done within 900 s"
			return 1
		fi
	done
	wait "$pid"
	GET_MS=$(($(now_ms) - t0))
}

if ! find_vty1; then
	ktap_fail "the agent's vty 1 among /dev/hvc1..3"
	ktap_skip "transfers" "no vty"
	ktap_finish
fi
drv=$(readlink "/sys/bus/vio/devices/30001000/driver" 2>/dev/null)
[ -n "$drv" ] || drv=$(readlink "/sys/bus/hvkit/devices/30001000/driver" 2>/dev/null)
ktap_diag "agent's vty 1 is $DEV, driver ${drv##*/}"
ktap_pass "the agent's vty 1 is $DEV"

stalls=0
bad=0
i=1
while [ "$i" -le "$ROUNDS" ]; do
	if [ $((i % 2)) = 1 ]; then set=random; else set=crlf; fi
	n=$(set_field "$set" 2)
	if get_once "$set" "$n" /tmp/s.bin; then
		ok=yes
		[ "$(sha_of /tmp/s.bin)" = "$(set_field "$set" 3)" ] || { ok=no; bad=$((bad + 1)); }
		ktap_diag "round $i ($set): $n bytes in $GET_MS ms, stalled $STALLED, sha256 matches: $ok"
	else
		bad=$((bad + 1))
		ktap_diag "round $i ($set): $VTY_ERR"
	fi
	stalls=$((stalls + STALLED))
	i=$((i + 1))
done
rm -f /tmp/s.bin
vty_close
ktap_diag "${drv##*/}: $ROUNDS transfers of 1 MiB, $stalls stalled, $bad wrong or incomplete"
expect_eq "stalled transfers" 0 "$stalls"
expect_eq "wrong or incomplete transfers" 0 "$bad"
ktap_result "$ROUNDS x 1 MiB in, none stalled or wrong"

ktap_finish
