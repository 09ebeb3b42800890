#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash # busybox ash
#
# hv_net's receive buffers go back to the hypervisor eight per
# H_ADD_LOGICAL_LAN_BUFFERS where the peer says, in H_ILLAN_ATTRIBUTES,
# that it takes them (attribute 0x40000: hvkit-vmm with llan=powervm, as
# PowerVM), and one per H_ADD_LOGICAL_LAN_BUFFER where it answers
# H_FUNCTION (QEMU, hvkit-vmm by default). Which path: ethtool -i's
# firmware-version, and rx_buffers_posted against rx_add_hcalls over TCP
# both ways (sha256-checked), which gives the hcalls per buffer added.
# What the peer granted beside that: no large send, so no TSO or LRO.
. /lib/hvkit/ktap.sh
. /lib/hvkit/net.sh

N=33554432
[ "$HVK_SLOWDOWN" -le 1 ] || N=8388608
N=${HVN_MULTI_ADD_BYTES:-$N}
ktap_plan 4

multi=0
[ "${BOOT_PEER:-}" != hvkit-vmm ] || [ "${BOOT_LLAN:-qemu}" != powervm ] || multi=1
if [ "$multi" = 1 ]; then
	ktap_diag "peer: hvkit-vmm playing PowerVM, multi-add expected"
else
	ktap_diag "peer: ${BOOT_PEER:-QEMU} without H_ADD_LOGICAL_LAN_BUFFERS, one buffer per call expected"
fi

expect_ok "interface up" hvn_setup
IF=$(hvn_iface)
ktap_result "hv_net up"

fw=$(ethtool -i "$IF" 2>&1 | sed -n 's/^firmware-version: //p')
fallback=$(dmesg | grep -c "H_ADD_LOGICAL_LAN_BUFFERS not implemented")
if [ "$multi" = 1 ]; then
	expect_eq "firmware-version: H_ILLAN_ATTRIBUTES granted multi-add" "l-lan multi-add" "$fw"
	expect_eq "no fallback to one buffer per call" 0 "$fallback"
else
	expect_eq "firmware-version: no multi-add granted" "l-lan" "$fw"
fi
# The peer does no large send: nothing segments for hv_net.
feat=$(ethtool -k "$IF" 2>&1)
expect_match "no TSO (no large send granted)" "^tcp-segmentation-offload: off" "$feat"
expect_match "no LRO" "^large-receive-offload: off" "$feat"
ktap_diag "$(echo "$feat" | grep -E '^(tx-checksumming|rx-checksumming|scatter-gather|tcp-segmentation-offload|generic-receive-offload|large-receive-offload):' | tr '\n' ' ')"
ktap_result "what H_ILLAN_ATTRIBUTES granted: firmware-version '$fw', no TSO"

# The error counters as they stand before the transfer: an earlier test
# of the same boot (hv_net_fault) raises them on purpose.
ERRS="rx_bad_correlator rx_bad_offset rx_bad_length resets tx_errors rx_no_buffer"
for s in $ERRS; do
	echo "$s $(hvn_stat "$IF" "$s")"
done >/tmp/ma.errs0
p0=$(hvn_stat "$IF" rx_buffers_posted)
a0=$(hvn_stat "$IF" rx_add_hcalls)
e0=$(hvn_stat "$IF" rx_add_errors)
r0=$(hvn_stat "$IF" rx_packets)
ann=$(tcp_from_host "$N" 4242 /tmp/ma.in)
expect_eq "host -> guest: announced size" "$N" "${ann%% *}"
expect_eq "host -> guest: sha256 of what arrived" "${ann#* }" "$(sha_file /tmp/ma.in)"
rm -f /tmp/ma.in
head -c "$N" /dev/urandom >/tmp/ma.out
expect_eq "guest -> host: bytes and sha256 the agent saw" "$N $(sha_file /tmp/ma.out)" \
	"$(tcp_to_host /tmp/ma.out)"
rm -f /tmp/ma.out
posted=$(($(hvn_stat "$IF" rx_buffers_posted) - p0))
calls=$(($(hvn_stat "$IF" rx_add_hcalls) - a0))
errors=$(($(hvn_stat "$IF" rx_add_errors) - e0))
rx=$(($(hvn_stat "$IF" rx_packets) - r0))
ktap_diag "$rx frames in: $posted buffers posted again in $calls calls ($errors failed), $(awk -v c="$calls" -v p="$posted" 'BEGIN { printf "%.3f", p ? c / p : 0 }') hcalls per buffer"
expect_eq "rx_add_errors" 0 "$errors"
[ "$posted" -ge "$rx" ] || expect_bad "$posted buffers posted again for $rx frames received"
if [ "$multi" = 1 ]; then
	# A poll hands back what it took in lists of up to eight.
	[ "$calls" -lt "$posted" ] ||
		expect_bad "$calls calls for $posted buffers: never more than one per call"
	[ $((calls * 8)) -ge "$posted" ] ||
		expect_bad "$calls calls for $posted buffers: more than eight per call"
else
	expect_eq "one buffer per call" "$posted" "$calls"
fi
ktap_result "$((N / 1048576)) MiB each way intact; buffers per add hcall as granted"

while read -r s v0; do
	expect_eq "$s during the transfers" 0 "$(($(hvn_stat "$IF" "$s") - v0))"
done </tmp/ma.errs0
total_p=$(hvn_stat "$IF" rx_buffers_posted)
total_a=$(hvn_stat "$IF" rx_add_hcalls)
ktap_diag "since up: $total_p buffers posted in $total_a calls"
ktap_result "no errors, no resets"

ktap_finish
