# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash # busybox ash
#
# Helpers for the network tests (Documentation/testing-net.rst), sourced
# after ktap.sh. The boot has net=agent: the host agent answers at
# 10.0.2.100:7000 (one command per connection), the host's iperf3 at
# 10.0.2.100:5201, and the agent's UDP bursts arrive on port 7001.

# The l-lan: QEMU pseries' spapr-vlan at the runner's unit address, unless
# the machine says otherwise in /data/net-peer (hvkit-vmm's l-lan).
NET_UA=0x71000010
# Its device-tree node.
# shellcheck disable=SC2034 # for the test scripts
NET_DT=/proc/device-tree/vdevice/l-lan@71000010
# The node's ibm,mac-address-filters cell (hv_net_link's check), or "absent"
# where the peer's tree has no such property (hv_net reads 0 filters then).
# shellcheck disable=SC2034 # for the test scripts
NET_MAC_FILTERS=0x00000000
NET_AGENT=10.0.2.100
NET_AGENT_PORT=7000
NET_GUEST_IP=10.0.2.15
NET_GATEWAY=10.0.2.2
# How long one transfer to or from the agent may take, scaled like the
# boot's limits on a slower kernel (HVK_SLOWDOWN).
NET_T=$((300 * HVK_SLOWDOWN))
# shellcheck disable=SC1091 # written by the runner
[ ! -f /data/net-peer ] || . /data/net-peer

# The interface hv_net made for the l-lan, or nothing.
hvn_iface() {
	local d
	for d in /sys/bus/hvkit/devices/"${NET_UA#0x}"/net/*; do
		[ -e "$d" ] && basename "$d" && return 0
	done
	return 1
}

# The interface ibmveth made for the l-lan, or nothing.
ibmveth_iface() {
	local d
	for d in /sys/bus/vio/devices/"${NET_UA#0x}"/net/*; do
		[ -e "$d" ] && basename "$d" && return 0
	done
	return 1
}

# net_up IFACE : address, link up, wait for the carrier (10 s).
net_up() {
	local i=0
	ip addr flush dev "$1" 2>/dev/null
	ip addr add "$NET_GUEST_IP/24" dev "$1" || return 1
	ip link set "$1" up || return 1
	while [ "$(cat "/sys/class/net/$1/carrier" 2>/dev/null)" != 1 ]; do
		i=$((i + 1))
		[ "$i" -le 50 ] || return 1
		sleep 0.2
	done
	ip route replace default via "$NET_GATEWAY" dev "$1" 2>/dev/null
	return 0
}

# hv_vio + hv_net loaded and the interface up; sets IF.
hvn_setup() {
	hvk_loaded hv_vio || hvk_insmod hv_vio || return 1
	hvk_loaded hv_net || hvk_insmod hv_net "$@" || return 1
	IF=$(hvn_iface) || { echo "no hv_net interface for $NET_UA"; return 1; }
	net_up "$IF"
}

# agent LINE [SECONDS] : one command to the agent, its whole answer on stdout.
agent() {
	echo "$1" | hvk-net tcp "$NET_AGENT" "$NET_AGENT_PORT" "${2:-60}"
}

# hvn_stat IFACE NAME : one ethtool -S counter.
hvn_stat() {
	ethtool -S "$1" 2>/dev/null | sed -n "s/^ *$2: *\([0-9]*\)$/\1/p"
}

# if_stat IFACE NAME : one /sys/class/net/IFACE/statistics counter.
if_stat() {
	cat "/sys/class/net/$1/statistics/$2" 2>/dev/null
}

sha_file() {
	sha256sum "$1" | cut -d' ' -f1
}

# tcp_to_host FILE : send FILE to the agent; prints "bytes sha" it saw.
tcp_to_host() {
	{ echo SINK; cat "$1"; } | hvk-net tcp "$NET_AGENT" "$NET_AGENT_PORT" "$NET_T" |
		awk '$1 == "SINK" { print $2, $3 }'
}

# tcp_from_host BYTES SEED FILE : receive from the agent into FILE; prints
# "bytes sha" the agent announced.
tcp_from_host() {
	echo "SOURCE $1 $2" | hvk-net tcp "$NET_AGENT" "$NET_AGENT_PORT" "$NET_T" >"$3.raw" || return 1
	head -n1 "$3.raw" | awk '$1 == "SOURCE" { print $2, $3 }'
	tail -c +"$(($(head -n1 "$3.raw" | wc -c) + 1))" "$3.raw" >"$3"
	rm -f "$3.raw"
}
