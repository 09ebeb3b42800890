#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash # busybox ash
#
# l-lan throughput, small-packet rate and hypercalls per packet, whichever
# driver owns the l-lan: ibmveth (set A) or hv_net (set B), on the same
# boot of the plan (net-bench: net=agent, Debian's iperf3 and ethtool):
#
#   make bench-net            # = run.sh --arch ppc64le --bench net
#                             #   --alternate 3 --boots net-bench
#                             #   --set-a ibmveth --set-b 'hv_vio hv_net'
#
# For each MTU in NET_BENCH_MTUS (1500 and 65513, the largest both drivers
# take), with tracing off:
#   tcp_g2h_<mtu>   iperf3 -c to the host's iperf3 (through the agent's
#                   relay), NET_BENCH_SECONDS (5), receiver's rate
#   tcp_h2g_<mtu>   the same with -R
#   small_g2h_<mtu> iperf3 -N -l 64 (one 64-byte segment per write, no
#                   Nagle): frames per second the interface sent
# then, with a histogram trigger on the kernel's powerpc hcall_entry
# tracepoint keyed by opcode (the same count for an in-tree and an
# out-of-tree driver), NET_BENCH_COUNT (16 MiB) each way, and
#   hcalls_g2h_<mtu>, hcalls_h2g_<mtu>
#                   l-lan, TCE and VIO hypercalls per frame (frames = the
#                   interface's rx + tx packets over the transfer)
# Output: BENCH lines (Kbit/s, frames/s, hcalls).
#
# HVN_TX_COPYBREAK, HVN_RX_COPYBREAK (a set's VAR=value words): hv_net's
# ethtool tx-copybreak / rx-copybreak for the run, e.g. tx 0 to send every
# frame from its own pages, rx 69632 to receive every frame linear.

. /lib/hvkit/ktap.sh
. /lib/hvkit/net.sh

T=${NET_BENCH_SECONDS:-5}
C=${NET_BENCH_COUNT:-16M}
MTUS=${NET_BENCH_MTUS:-1500 65513}
EV=$HCALL_EV
# H_PUT_TCE, H_VIO_SIGNAL, H_REGISTER/FREE_LOGICAL_LAN, H_ADD_LOGICAL_LAN_BUFFER,
# H_SEND_LOGICAL_LAN, H_MULTICAST_CTRL, H_STUFF_TCE, H_PUT_TCE_INDIRECT,
# H_CHANGE_LOGICAL_LAN_MAC, H_ADD_LOGICAL_LAN_BUFFERS (decimal, as the
# histogram prints them)
OPCODES="32 260 276 280 284 288 304 312 316 332 584"

fail() {
	echo "net bench: $*"
	exit 1
}

if hvk_loaded hv_net; then
	DRIVER=hv_net
	IF=$(hvn_iface) || fail "hv_net loaded but no interface"
else
	DRIVER=ibmveth
	i=0
	while ! IF=$(ibmveth_iface) && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	[ -n "$IF" ] || fail "no ibmveth interface for $NET_UA"
fi
echo "# set $BENCH_SET: l-lan $NET_UA driven by $DRIVER as $IF"
# tunable NAME VALUE : an hv_net ethtool tunable for this run.
tunable() {
	[ -n "$2" ] || return 0
	[ "$DRIVER" = hv_net ] || fail "$1 is an hv_net tunable"
	ethtool --set-tunable "$IF" "$1" "$2" || fail "$1 $2 refused"
	echo "# $1 $2"
}
tunable tx-copybreak "${HVN_TX_COPYBREAK:-}"
tunable rx-copybreak "${HVN_RX_COPYBREAK:-}"
net_up "$IF" || fail "$IF does not come up"
[ "$(agent PING 20)" = PONG ] || fail "no host agent"

# iperf3 ARGS... : the receiver's rate in Kbit/s.
iperf() {
	timeout $((T + 30)) iperf3 -c "$NET_AGENT" -p 5201 -f k "$@" >/tmp/iperf.out 2>&1 ||
		{ sed 's/^/# iperf3: /' /tmp/iperf.out; return 1; }
	awk '/receiver/ { for (i = 1; i <= NF; i++) if ($i == "Kbits/sec") print $(i - 1) }' /tmp/iperf.out | tail -n1
}

pkts() {
	echo $(($(if_stat "$IF" rx_packets) + $(if_stat "$IF" tx_packets)))
}

hcalls() {
	# shellcheck disable=SC2086 # one opcode per word
	hcall_hits $OPCODES
}

[ -w "$EV/trigger" ] || fail "no $EV/trigger (tracefs, CONFIG_HIST_TRIGGERS)"
for mtu in $MTUS; do
	ip link set "$IF" mtu "$mtu" || fail "$DRIVER refuses MTU $mtu"
	net_up "$IF" || fail "$IF does not come back at MTU $mtu"
	sleep 1
	r=$(iperf -t "$T") || fail "iperf3 guest -> host at MTU $mtu"
	echo "BENCH tcp_g2h_$mtu $r Kbit/s"
	r=$(iperf -t "$T" -R) || fail "iperf3 host -> guest at MTU $mtu"
	echo "BENCH tcp_h2g_$mtu $r Kbit/s"
	t0=$(if_stat "$IF" tx_packets)
	n0=$(now_ns)
	iperf -t "$T" -N -l 64 >/dev/null || fail "iperf3 small writes at MTU $mtu"
	n1=$(now_ns)
	t1=$(if_stat "$IF" tx_packets)
	echo "BENCH small_g2h_$mtu $(awk -v p=$((t1 - t0)) -v ns=$((n1 - n0)) 'BEGIN { printf "%.0f", p * 1e9 / ns }') frames/s"

	echo 'hist:keys=opcode' >"$EV/trigger" || fail "cannot set the histogram trigger"
	h0=$(hcalls)
	p0=$(pkts)
	iperf -n "$C" >/dev/null || fail "counted transfer guest -> host"
	h1=$(hcalls)
	p1=$(pkts)
	iperf -n "$C" -R >/dev/null || fail "counted transfer host -> guest"
	h2=$(hcalls)
	p2=$(pkts)
	echo "# MTU $mtu hcalls by opcode (both directions): $(for op in $OPCODES; do
		n=$(sed -n "s/^{ opcode: *$op } hitcount: *\([0-9]*\).*/\1/p" "$EV/hist" | head -n1)
		[ -z "$n" ] || printf '%s=%s ' "$op" "$n"
	done)"
	echo '!hist:keys=opcode' >"$EV/trigger"
	echo "# MTU $mtu: g2h $((h1 - h0)) hcalls for $((p1 - p0)) frames; h2g $((h2 - h1)) hcalls for $((p2 - p1)) frames"
	awk -v h=$((h1 - h0)) -v p=$((p1 - p0)) -v m="$mtu" \
		'BEGIN { printf "BENCH hcalls_g2h_%s %.4f hcalls\n", m, h / p }'
	awk -v h=$((h2 - h1)) -v p=$((p2 - p1)) -v m="$mtu" \
		'BEGIN { printf "BENCH hcalls_h2g_%s %.4f hcalls\n", m, h / p }'
done
