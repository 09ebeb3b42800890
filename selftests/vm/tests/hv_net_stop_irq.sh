#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash # busybox ash
#
# A stop must leave the device's interrupt off at the hypervisor. The
# receive poll turns it back on when it completes, so a stop that turns it
# off while a poll is still to run (then frees the handler and only then
# waits for the poll) can end with it on. rx_irq_enabled (ethtool -S) is
# what hv_net last told the hypervisor with H_VIO_SIGNAL.
#
# The race needs a poll that runs after the stop turned the interrupt
# off: NAPI runs in its own thread here (/sys/class/net/IF/threaded),
# reniced to 19 so that the stopping "ip" does not give way to it until
# it sleeps in napi_disable(), and the host keeps frames coming (a TCP
# transfer to the guest) so that polls are scheduled when the link goes
# down. It is a race all the same: the test can pass on a broken driver,
# but never fails on a correct one.
. /lib/hvkit/ktap.sh
. /lib/hvkit/net.sh

N=33554432
[ "$HVK_SLOWDOWN" -le 1 ] || N=8388608
CYCLES=60
ktap_plan 2

expect_ok "interface up" hvn_setup
IF=$(hvn_iface)
threaded=0
if echo 1 >"/sys/class/net/$IF/threaded" 2>/dev/null; then
	threaded=1
	for p in $(ps -o pid,comm | awk '$2 ~ /^napi\// { print $1 }'); do
		renice -n 19 -p "$p" >/dev/null 2>&1
	done
fi
ktap_diag "threaded NAPI: $threaded"
expect_eq "interrupt on while up" 1 "$(hvn_stat "$IF" rx_irq_enabled)"
ktap_result "hv_net up"

tcp_from_host "$N" 7 /tmp/stop.in >/tmp/stop.ann &
tpid=$!
sleep 0.5
bad=0
i=0
while [ $i -lt $CYCLES ]; do
	ip link set "$IF" down || expect_bad "down $i"
	on=$(hvn_stat "$IF" rx_irq_enabled)
	if [ "$on" != 0 ]; then
		bad=$((bad + 1))
		ktap_diag "cycle $i: interrupt left on after the stop"
	fi
	net_up "$IF" || expect_bad "up $i"
	sleep 0.1
	i=$((i + 1))
done
polls=$(hvn_stat "$IF" rx_polls)
kill -0 $tpid 2>/dev/null ||
	ktap_diag "the transfer ended before the last cycle"
wait $tpid
ann=$(cat /tmp/stop.ann)
expect_eq "transfer across $CYCLES down/up cycles" "${ann#* }" "$(sha_file /tmp/stop.in)"
rm -f /tmp/stop.in /tmp/stop.ann
ktap_diag "$CYCLES down/up cycles under traffic, $polls polls, $bad stops left the interrupt on"
expect_eq "stops that left the interrupt on" 0 "$bad"
expect_eq "interrupt on after the last up" 1 "$(hvn_stat "$IF" rx_irq_enabled)"
ktap_result "every stop leaves the interrupt off at the hypervisor"

ktap_finish
