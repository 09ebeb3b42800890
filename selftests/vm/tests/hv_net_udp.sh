#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash # busybox ash
#
# A burst of many small UDP datagrams from the host agent to the guest.
# Every datagram that arrives must be intact; every frame the driver
# received must reach the UDP layer (delivered, or counted there as a
# socket error); and the loss before the device is reported with the
# hypervisor's own no-buffer count. (QEMU's user network can also drop a
# burst between its host socket and the device, where no guest counter
# sees it: that part is reported, not asserted.)
. /lib/hvkit/ktap.sh
. /lib/hvkit/net.sh

COUNT=${HVN_UDP_COUNT:-20000}
SIZE=64
ktap_plan 2

expect_ok "interface up" hvn_setup
IF=$(hvn_iface)
ktap_result "hv_net up"

# InErrors (it includes RcvbufErrors) from /proc/net/snmp
# Udp: field from /proc/net/snmp
udp_mib() {
	awk -v f="$1" '$1 == "Udp:" && !h { for (i = 2; i <= NF; i++) c[$i] = i; h = 1; next }
		$1 == "Udp:" { print $c[f] }' /proc/net/snmp
}

# Room for the burst in the socket, so that the driver is what is tested.
echo 8388608 >/proc/sys/net/core/rmem_max

nb0=$(hvn_stat "$IF" rx_no_buffer)
af0=$(hvn_stat "$IF" rx_alloc_failed)
rx0=$(hvn_stat "$IF" rx_packets)
ue0=$(udp_mib InErrors)
ud0=$(udp_mib InDatagrams)
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
ue=$(($(udp_mib InErrors) - ue0))
ud=$(($(udp_mib InDatagrams) - ud0))
ktap_diag "agent: $ans; guest: $res; frames received $rx, hypervisor no-buffer $nb, driver drops $af, UDP socket errors $ue"
expect_eq "agent" "UDP $COUNT sent" "$ans"
expect_eq "corrupt datagrams" 0 "$bad"
[ "${got:-0}" -gt 0 ] || expect_bad "no datagram arrived"
# Frames other than the burst (ARP, the agent's TCP) stay below 100.
[ "$rx" -ge $((ud + ue)) ] && [ "$rx" -le $((ud + ue + 100)) ] ||
	expect_bad "the driver received $rx frames but UDP saw $ud datagrams and $ue errors"
[ "$ud" -ge "${got:-0}" ] || expect_bad "UDP delivered $ud datagrams, the receiver read $got"
expect_eq "driver drops" 0 "$af"
missing=$((COUNT - ${got:-0}))
before=$((COUNT - rx - nb))
[ "$before" -ge 0 ] || before=0
ktap_result "$COUNT datagrams: $got intact, $missing missing: $ue socket errors, $nb hypervisor no-buffer drops, about $before lost before the device"

ktap_finish
