#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash # busybox ash
#
# A burst of many small UDP datagrams from the host agent to the guest.
# Every datagram that arrives must be intact, and every one that does not
# must show up in a counter: the hypervisor's no-buffer drops, the driver's
# drops, or the guest UDP socket's buffer errors.
. /lib/hvkit/ktap.sh
. /lib/hvkit/net.sh

COUNT=${HVN_UDP_COUNT:-20000}
SIZE=64
ktap_plan 2

expect_ok "interface up" hvn_setup
IF=$(hvn_iface)
ktap_result "hv_net up"

# InErrors (it includes RcvbufErrors) from /proc/net/snmp
udp_errors() {
	awk '$1 == "Udp:" && !h { for (i = 2; i <= NF; i++) c[$i] = i; h = 1; next }
		$1 == "Udp:" { print $c["InErrors"] }' /proc/net/snmp
}

# Room for the burst in the socket, so that the driver is what is tested.
echo 8388608 >/proc/sys/net/core/rmem_max

nb0=$(hvn_stat "$IF" rx_no_buffer)
af0=$(hvn_stat "$IF" rx_alloc_failed)
rx0=$(hvn_stat "$IF" rx_packets)
ue0=$(udp_errors)
hvk-net udprecv 7001 3000 "$COUNT" "$SIZE" >/tmp/udp.out 2>&1 &
rpid=$!
i=0
while ! grep -q listening /tmp/udp.out && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
ans=$(agent "UDP $COUNT $SIZE" 120)
wait $rpid
res=$(tail -n1 /tmp/udp.out)
set -- $res
got=$4 bad=$6
nb=$(($(hvn_stat "$IF" rx_no_buffer) - nb0))
af=$(($(hvn_stat "$IF" rx_alloc_failed) - af0))
rx=$(($(hvn_stat "$IF" rx_packets) - rx0))
ue=$(($(udp_errors) - ue0))
ktap_diag "agent: $ans; guest: $res; frames received $rx, hypervisor no-buffer $nb, driver drops $af, UDP socket errors $ue"
expect_eq "agent" "UDP $COUNT sent" "$ans"
expect_eq "corrupt datagrams" 0 "$bad"
[ "${got:-0}" -gt 0 ] || expect_bad "no datagram arrived"
[ "$rx" -ge $((COUNT - nb)) ] ||
	expect_bad "the driver counted $rx frames, fewer than the $COUNT sent less $nb the hypervisor dropped"
missing=$((COUNT - ${got:-0}))
accounted=$((nb + af + ue))
[ "$accounted" -ge "$missing" ] ||
	expect_bad "$missing datagrams missing, only $accounted in the counters"
ktap_result "$COUNT datagrams: $got arrived intact, $missing missing, $accounted counted as dropped"

ktap_finish
