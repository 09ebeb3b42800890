#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash # busybox ash
#
# rmmod hv_net in the middle of TCP transfers both ways: the unload
# completes, the interface and the hvkit device's driver binding go away,
# and a fresh load brings the interface back working. (kmemleak on the
# debug kernel checks that nothing leaked.)
. /lib/hvkit/ktap.sh
. /lib/hvkit/net.sh

ktap_plan 3

expect_ok "interface up" hvn_setup
IF=$(hvn_iface)
ktap_result "hv_net up"

# The transfers are hvk-net processes of their own (not shell pipelines),
# so that they can be stopped and reaped before the test ends: a transfer
# left stalled on the removed interface would outlive the test.
{ echo SINK; head -c 67108864 /dev/urandom; } >/tmp/rm.out
hvk-net tcp "$NET_AGENT" "$NET_AGENT_PORT" "$NET_T" </tmp/rm.out >/tmp/rm.ans 2>&1 &
p1=$!
echo "SOURCE 67108864 7" >/tmp/rm.cmd
hvk-net tcp "$NET_AGENT" "$NET_AGENT_PORT" "$NET_T" </tmp/rm.cmd >/tmp/rm.in 2>&1 &
p2=$!
sleep 1.5
rx=$(hvn_stat "$IF" rx_packets)
ktap_diag "frames received before rmmod: $rx"
[ "${rx:-0}" -gt 100 ] || expect_bad "traffic was not flowing before rmmod ($rx frames)"
expect_ok "rmmod hv_net under traffic" rmmod hv_net
expect_absent "interface gone" "/sys/class/net/$IF"
expect_absent "driver unbound" "/sys/bus/hvkit/devices/${NET_UA#0x}/driver"
kill $p1 $p2 2>/dev/null
wait $p1 $p2 2>/dev/null
rm -f /tmp/rm.out /tmp/rm.in /tmp/rm.cmd /tmp/rm.ans
ktap_result "rmmod during transfers both ways"

expect_ok "reload and up" hvn_setup
IF=$(hvn_iface)
expect_eq "agent after reload" PONG "$(agent PING 20)"
head -c 4194304 /dev/urandom >/tmp/rm.out
expect_eq "4 MiB after reload" "4194304 $(sha_file /tmp/rm.out)" "$(tcp_to_host /tmp/rm.out)"
expect_eq "register retries" 0 "$(hvn_stat "$IF" register_retries)"
rm -f /tmp/rm.out
ktap_result "reload works"

ktap_finish
