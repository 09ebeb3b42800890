#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash # busybox ash
#
# hv_net binds the l-lan, takes its MAC from local-mac-address, and the
# interface carries traffic: ping to the user network's gateway, a command
# to the host agent, ethtool's driver information, rings and counters.
. /lib/hvkit/ktap.sh
. /lib/hvkit/net.sh

ktap_plan 5

if expect_ok "load hv_vio and hv_net, interface up" hvn_setup; then
	IF=$(hvn_iface)
	expect_eq "driver of $IF" hv_net "$(basename "$(readlink "/sys/class/net/$IF/device/driver")")"
	mac=$(od -An -tx1 -v "$NET_DT/local-mac-address" |
		tr -s ' \n' ' ' | awk '{ n = split($0, b, " "); s = ""
			for (i = n - 5; i <= n; i++) s = s (s == "" ? "" : ":") b[i]; print s }')
	expect_eq "MAC of $IF (local-mac-address)" "$mac" "$(cat "/sys/class/net/$IF/address")"
	expect_eq "carrier" 1 "$(cat "/sys/class/net/$IF/carrier")"
fi
ktap_result "interface $IF for l-lan $NET_UA with the device tree's MAC"

out=$(ping -c 3 -W 5 "$NET_GATEWAY" 2>&1)
expect_match "ping $NET_GATEWAY" " 0% packet loss" "$out"
ktap_result "ping the gateway"

expect_eq "agent answer" PONG "$(agent PING 20)"
ktap_result "TCP command to the host agent"

info=$(ethtool -i "$IF" 2>&1)
expect_match "ethtool -i driver" "^driver: hv_net$" "$info"
expect_match "ethtool -i bus-info" "^bus-info: ${NET_UA#0x}$" "$info"
ring=$(ethtool -g "$IF" 2>&1)
posted=$(echo "$ring" | awk '/^Current hardware settings/ { c = 1 } c && /^RX:/ { print $2; exit }')
expect_match "posted receive buffers (ethtool -g)" "^[1-9][0-9]+$" "$posted"
ktap_diag "ring: $(echo "$ring" | tr '\n' ' ')"
ktap_result "ethtool driver info and rings"

stats=$(ethtool -S "$IF" 2>&1)
for s in rx_packets tx_packets rx_no_buffer rx_bad_correlator tx_errors hcalls hcalls_per_1000_packets; do
	expect_match "ethtool -S $s" "^ +$s: [0-9]+$" "$stats"
done
rxp=$(hvn_stat "$IF" rx_packets)
expect_eq "rx_packets: ethtool and sysfs agree" "$rxp" "$(if_stat "$IF" rx_packets)"
[ "${rxp:-0}" -ge 3 ] || expect_bad "rx_packets $rxp after ping and agent traffic"
for s in rx_bad_correlator rx_bad_offset rx_bad_length resets tx_errors; do
	expect_eq "$s" 0 "$(hvn_stat "$IF" $s)"
done
ktap_diag "$(echo "$stats" | tr -s ' \n' ' ')"
ktap_result "counters: traffic counted, no errors"

ktap_finish
