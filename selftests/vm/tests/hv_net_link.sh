#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash # busybox ash
#
# MAC change (H_CHANGE_LOGICAL_LAN_MAC, live and across a down/up, which
# registers again), link down and up with the carrier following, and
# multicast: joining groups with allmulti where the device has no filters.
. /lib/hvkit/ktap.sh
. /lib/hvkit/net.sh

NEW_MAC=52:54:00:ab:cd:ef
ktap_plan 4

expect_ok "interface up" hvn_setup
IF=$(hvn_iface)
OLD_MAC=$(cat "/sys/class/net/$IF/address")
ktap_result "hv_net up"

h0=$(hvn_stat "$IF" hcall_errors)
expect_ok "set MAC $NEW_MAC while up" ip link set "$IF" address "$NEW_MAC"
expect_eq "address" "$NEW_MAC" "$(cat "/sys/class/net/$IF/address")"
ip neigh flush dev "$IF" >/dev/null 2>&1
expect_eq "TCP with the new MAC" PONG "$(agent PING 20)"
expect_ok "down" ip link set "$IF" down
expect_ok "up" ip link set "$IF" up
expect_eq "address after down/up" "$NEW_MAC" "$(cat "/sys/class/net/$IF/address")"
out=$(ping -c 2 -W 5 "$NET_GATEWAY" 2>&1)
expect_match "ping after down/up with the new MAC" " 0% packet loss" "$out"
expect_ok "set MAC back" ip link set "$IF" address "$OLD_MAC"
expect_eq "hcall errors during MAC changes" "$h0" "$(hvn_stat "$IF" hcall_errors)"
expect_fail "multicast MAC refused" ip link set "$IF" address 01:00:5e:00:00:01
ktap_result "MAC change live and across down/up"

expect_ok "down" ip link set "$IF" down
expect_eq "carrier when down" "" "$(cat "/sys/class/net/$IF/carrier" 2>/dev/null)"
expect_eq "posted buffers when down" 0 "$(ethtool -g "$IF" | awk '/^Current/ { c = 1 } c && /^RX:/ { print $2; exit }')"
expect_fail "no traffic when down" ping -c 1 -W 2 "$NET_GATEWAY"
expect_ok "up again" net_up "$IF"
expect_eq "carrier when up" 1 "$(cat "/sys/class/net/$IF/carrier")"
expect_match "ethtool link" "Link detected: yes" "$(ethtool "$IF" 2>&1)"
i=0
while [ $i -lt 5 ]; do
	ip link set "$IF" down && ip link set "$IF" up || expect_bad "down/up cycle $i"
	i=$((i + 1))
done
net_up "$IF"
out=$(ping -c 3 -W 5 "$NET_GATEWAY" 2>&1)
expect_match "ping after 6 down/up cycles" " 0% packet loss" "$out"
ktap_result "link down and up, carrier follows"

# QEMU's l-lan has no filters (ibm,mac-address-filters = 0), hvkit-vmm's
# tree no such property (NET_MAC_FILTERS=absent, lib/net.sh): either way
# every update asks for all multicast.
if [ "$NET_MAC_FILTERS" = absent ]; then
	expect_absent "ibm,mac-address-filters" "$NET_DT/ibm,mac-address-filters"
else
	expect_eq "ibm,mac-address-filters" "$NET_MAC_FILTERS" "$(dt_cell "$NET_DT/ibm,mac-address-filters")"
fi
m0=$(hvn_stat "$IF" multicast_allmulti_updates)
hvk-net mjoin 224.1.2.3 3 >/tmp/mj.out 2>&1 &
mp=$!
i=0
while ! grep -q joined /tmp/mj.out && [ $i -lt 30 ]; do sleep 0.1; i=$((i + 1)); done
expect_match "joined 224.1.2.3" joined "$(cat /tmp/mj.out)"
expect_match "01:00:5e:01:02:03 on $IF" "$IF .*01005e010203" "$(cat /proc/net/dev_mcast)"
m1=$(hvn_stat "$IF" multicast_allmulti_updates)
[ "$m1" -gt "$m0" ] || expect_bad "joining a group did not update the receive mode ($m0 -> $m1)"
expect_ok "promisc on" ip link set "$IF" promisc on
expect_ok "promisc off" ip link set "$IF" promisc off
wait $mp
m2=$(hvn_stat "$IF" multicast_allmulti_updates)
[ "$m2" -gt "$m1" ] || expect_bad "promisc and leaving did not update the receive mode ($m1 -> $m2)"
expect_eq "updates through filters" 0 "$(hvn_stat "$IF" multicast_filter_updates)"
expect_eq "multicast hcall errors" 0 "$(hvn_stat "$IF" multicast_errors)"
expect_eq "TCP after multicast changes" PONG "$(agent PING 20)"
ktap_diag "receive-mode updates (all multicast): $m0 -> $m1 -> $m2"
ktap_result "multicast list changes"

ktap_finish
