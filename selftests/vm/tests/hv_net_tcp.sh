#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash # busybox ash
#
# TCP bulk transfer both ways through hv_net, checked by sha256: 64 MiB of
# random data to the host agent (which answers with the sha256 it saw) and
# 64 MiB of seeded random data from it (announced with its sha256). Also
# reports the hypercalls the device made per packet.
. /lib/hvkit/ktap.sh
. /lib/hvkit/net.sh

N=${HVN_TCP_BYTES:-67108864}
ktap_plan 3

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
ktap_result "64 MiB guest -> host, sha256 matches"

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
for s in rx_bad_correlator rx_bad_offset rx_bad_length resets tx_errors; do
	expect_eq "$s" 0 "$(hvn_stat "$IF" $s)"
done
ktap_diag "$(ethtool -S "$IF" | tr -s ' \n' ' ')"
ktap_result "64 MiB host -> guest, sha256 matches"

ktap_finish
