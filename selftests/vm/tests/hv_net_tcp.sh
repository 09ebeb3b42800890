#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash # busybox ash
#
# TCP bulk transfer both ways through hv_net, checked by sha256: 64 MiB of
# random data to the host agent (which answers with the sha256 it saw) and
# 64 MiB of seeded random data from it (announced with its sha256); 16 MiB
# each way on the debug kernel, where 64 took five minutes. Also
# reports the hypercalls the device made per packet. Then the same guest ->
# host with ethtool's tx-copybreak at 0, so that frames go out from their
# own pages as several descriptors of one send, at MTU 1500 and 9000; and
# host -> guest with rx-copybreak at its largest, every frame linear.
. /lib/hvkit/ktap.sh
. /lib/hvkit/net.sh

N=67108864
[ "$HVK_SLOWDOWN" -le 1 ] || N=16777216
N=${HVN_TCP_BYTES:-$N}
MIB=$((N / 1048576))
ktap_plan 5

expect_ok "interface up" hvn_setup
IF=$(hvn_iface)
h0=$(hvn_stat "$IF" hcalls)
p0=$(($(hvn_stat "$IF" rx_packets) + $(hvn_stat "$IF" tx_packets)))
ktap_result "hv_net up"

head -c "$N" /dev/urandom >/tmp/tcp.out
want=$(sha_file /tmp/tcp.out)
t0=$(now_ns)
got=$(tcp_to_host /tmp/tcp.out)
t1=$(now_ns)
rm -f /tmp/tcp.out
expect_eq "guest -> host: bytes and sha256 the agent saw" "$N $want" "$got"
ktap_diag "guest -> host: $N bytes in $(((t1 - t0) / 1000000)) ms"
ktap_result "$MIB MiB guest -> host, sha256 matches"

s0=$(hvn_stat "$IF" rx_small_copies)
r0=$(hvn_stat "$IF" rx_packets)
t0=$(now_ns)
ann=$(tcp_from_host "$N" 1234 /tmp/tcp.in)
t1=$(now_ns)
expect_eq "host -> guest: announced size" "$N" "${ann%% *}"
expect_eq "host -> guest: sha256 of what arrived" "${ann#* }" "$(sha_file /tmp/tcp.in)"
expect_eq "host -> guest: bytes that arrived" "$N" "$(wc -c </tmp/tcp.in)"
rm -f /tmp/tcp.in
ktap_diag "host -> guest: $N bytes in $(((t1 - t0) / 1000000)) ms"
h1=$(hvn_stat "$IF" hcalls)
p1=$(($(hvn_stat "$IF" rx_packets) + $(hvn_stat "$IF" tx_packets)))
ktap_diag "hcalls per packet: $(awk -v h=$((h1 - h0)) -v p=$((p1 - p0)) 'BEGIN { printf "%.3f", h / p }') ($((h1 - h0)) hcalls, $((p1 - p0)) packets)"
for s in rx_bad_correlator rx_bad_offset rx_bad_length rx_too_long rx_frags_overflow \
	resets tx_errors; do
	expect_eq "$s" 0 "$(hvn_stat "$IF" $s)"
done
small=$(($(hvn_stat "$IF" rx_small_copies) - s0))
rx=$(($(hvn_stat "$IF" rx_packets) - r0))
# At most a handful of short frames (ARP, the reply line) are linear.
[ "$small" -lt $((rx / 100)) ] ||
	expect_bad "$small of $rx frames went into linear skbs, full-size ones too"
ktap_diag "$(ethtool -S "$IF" | tr -s ' \n' ' ')"
ktap_result "$MIB MiB host -> guest, sha256 matches"

copybreak() {
	ethtool --get-tunable "$IF" "$1" 2>&1 | sed -n "s/^$1: *//p"
}

expect_eq "tx-copybreak by default: every frame copied" 65536 "$(copybreak tx-copybreak)"
expect_fail "tx-copybreak 65537" ethtool --set-tunable "$IF" tx-copybreak 65537
expect_ok "tx-copybreak 0" ethtool --set-tunable "$IF" tx-copybreak 0
expect_eq "tx-copybreak" 0 "$(copybreak tx-copybreak)"
M=$((N / 8))
for mtu in 1500 9000; do
	expect_ok "MTU $mtu" ip link set "$IF" mtu $mtu
	t0=$(hvn_stat "$IF" tx_packets)
	m0=$(hvn_stat "$IF" tx_mapped)
	d0=$(hvn_stat "$IF" tx_descriptors)
	head -c "$M" /dev/urandom >/tmp/tcp.out
	expect_eq "MTU $mtu, mapped frames: bytes and sha256 the agent saw" \
		"$M $(sha_file /tmp/tcp.out)" "$(tcp_to_host /tmp/tcp.out)"
	rm -f /tmp/tcp.out
	sent=$(($(hvn_stat "$IF" tx_packets) - t0))
	mapped=$(($(hvn_stat "$IF" tx_mapped) - m0))
	descs=$(($(hvn_stat "$IF" tx_descriptors) - d0))
	ktap_diag "MTU $mtu: $sent frames sent, $mapped mapped in place with $descs descriptors, $(hvn_stat "$IF" tx_map_fallbacks) copied for want of a mapping so far"
	# Only frames of at most 60 bytes (ARP) are still copied.
	[ $((mapped * 10)) -ge $((sent * 9)) ] ||
		expect_bad "MTU $mtu: only $mapped of $sent frames mapped in place"
	# Data frames carry the headers in the head, the payload in fragments.
	[ "$descs" -gt "$mapped" ] ||
		expect_bad "MTU $mtu: $descs descriptors for $mapped frames, never more than one"
done
expect_ok "tx-copybreak back to 65536" ethtool --set-tunable "$IF" tx-copybreak 65536
expect_ok "MTU 1500" ip link set "$IF" mtu 1500
for s in tx_errors tx_hv_dropped resets; do
	expect_eq "$s" 0 "$(hvn_stat "$IF" $s)"
done
ktap_result "tx-copybreak 0: frames sent from their own pages, up to 6 descriptors, data intact"

# rx-copybreak: by default full-size frames arrive in page fragments (the
# transfer above); at 69632 every frame is copied into a linear skb.
expect_eq "rx-copybreak by default" 256 "$(copybreak rx-copybreak)"
expect_fail "rx-copybreak 69633" ethtool --set-tunable "$IF" rx-copybreak 69633
expect_ok "rx-copybreak 69632" ethtool --set-tunable "$IF" rx-copybreak 69632
r0=$(hvn_stat "$IF" rx_packets)
l0=$(hvn_stat "$IF" rx_small_copies)
ann=$(tcp_from_host "$M" 77 /tmp/tcp.in)
expect_eq "host -> guest, linear skbs: sha256 of what arrived" "${ann#* }" "$(sha_file /tmp/tcp.in)"
expect_eq "host -> guest, linear skbs: bytes" "$M" "$(wc -c </tmp/tcp.in)"
rm -f /tmp/tcp.in
rx=$(($(hvn_stat "$IF" rx_packets) - r0))
expect_eq "frames copied into a linear skb, of $rx received" "$rx" $(($(hvn_stat "$IF" rx_small_copies) - l0))
expect_ok "rx-copybreak back to 256" ethtool --set-tunable "$IF" rx-copybreak 256
ktap_result "rx-copybreak 69632: every frame in a linear skb, data intact"

ktap_finish
