#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash # busybox ash
#
# MTU 1500 -> 9000 -> 1500 while a TCP transfer runs (hv_net registers
# again with buffer classes for the new MTU); the transfer still arrives
# intact. Then traffic both ways at 9000, and the MTU limits (68 .. 65513).
. /lib/hvkit/ktap.sh
. /lib/hvkit/net.sh

# Enough that the transfer outlasts the four MTU changes (about 2 s of
# sending on Debian's kernel, more on the debug kernel).
N=100663296
[ "$HVK_SLOWDOWN" -le 1 ] || N=33554432
ktap_plan 4

expect_ok "interface up" hvn_setup
IF=$(hvn_iface)
expect_ok "MTU 68" ip link set "$IF" mtu 68
expect_ok "MTU 65513" ip link set "$IF" mtu 65513
expect_fail "MTU 67" ip link set "$IF" mtu 67
expect_fail "MTU 65514" ip link set "$IF" mtu 65514
expect_ok "MTU 1500" ip link set "$IF" mtu 1500
ktap_result "MTU range 68..65513"

head -c "$N" /dev/urandom >/tmp/mtu.out
want=$(sha_file /tmp/mtu.out)
tcp_to_host /tmp/mtu.out >/tmp/mtu.ans &
tpid=$!
sleep 0.3
t0=$(cut -d' ' -f1 /proc/uptime)
for m in 9000 1500 9000 1500; do
	ip link set "$IF" mtu $m || expect_bad "MTU $m refused"
	expect_eq "mtu" $m "$(cat "/sys/class/net/$IF/mtu")"
	sleep 0.1
done
ktap_diag "four MTU changes from $t0 s to $(cut -d' ' -f1 /proc/uptime) s of uptime"
kill -0 $tpid 2>/dev/null ||
	expect_bad "the transfer ended before the last MTU change: it tested nothing"
# Frames held back while the queue was off must go out when it comes back:
# a driver that restarts the queue without waking it leaves them in the
# qdisc, and TCP waits for them for minutes. Up to 30 s, because TCP may
# have backed off its retransmission timer while the device was away.
sent=$(if_stat "$IF" tx_packets)
i=0
while [ "$(if_stat "$IF" tx_packets)" = "$sent" ] && [ "$i" -lt 150 ]; do
	sleep 0.2
	i=$((i + 1))
done
if [ "$(if_stat "$IF" tx_packets)" = "$sent" ]; then
	expect_bad "no frame sent in the 30 s after the last MTU change: transmit stalled"
	kill $tpid
fi
wait $tpid
expect_eq "transfer across MTU changes: bytes and sha256" "$N $want" "$(cat /tmp/mtu.ans)"
rm -f /tmp/mtu.out
ktap_diag "transfer ended at $(cut -d' ' -f1 /proc/uptime) s"
ktap_diag "MTU changes while sending: $(hvn_stat "$IF" rx_packets) frames received so far, $(hvn_stat "$IF" resets) resets"
ktap_result "MTU 1500 -> 9000 -> 1500 twice under TCP traffic, data intact"

# QEMU's user network sends frames of at most 1514 bytes whatever the
# guest's MTU, so this checks that the re-registered device works, not
# jumbo frames.
expect_ok "MTU 9000" ip link set "$IF" mtu 9000
out=$(ping -c 3 -W 5 -s 1400 "$NET_GATEWAY" 2>&1)
expect_match "ping -s 1400 at MTU 9000" " 0% packet loss" "$out"
big=$(ethtool -g "$IF" | awk '/^Current/ { c = 1 } c && /^RX:/ { print $2; exit }')
ktap_diag "posted buffers at MTU 9000: $big"
head -c 4194304 /dev/urandom >/tmp/mtu.out
expect_eq "4 MiB to the host at 9000" "4194304 $(sha_file /tmp/mtu.out)" "$(tcp_to_host /tmp/mtu.out)"
ann=$(tcp_from_host 4194304 99 /tmp/mtu.in)
expect_eq "4 MiB from the host at 9000" "${ann#* }" "$(sha_file /tmp/mtu.in)"
rm -f /tmp/mtu.out /tmp/mtu.in
ktap_result "traffic both ways at MTU 9000"

expect_ok "MTU 1500" ip link set "$IF" mtu 1500
out=$(ping -c 3 -W 5 "$NET_GATEWAY" 2>&1)
expect_match "ping at MTU 1500" " 0% packet loss" "$out"
for s in rx_bad_correlator rx_bad_offset rx_bad_length resets register_errors; do
	expect_eq "$s" 0 "$(hvn_stat "$IF" $s)"
done
ktap_result "back at 1500, no errors"

ktap_finish
