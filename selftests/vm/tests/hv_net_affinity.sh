#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash # busybox ash
#
# hv_net under interrupt affinity changes (issue 13): while rounds of TCP
# transfers to and from the host agent, each checked by sha256 as in
# hv_net_tcp, run in the background, the l-lan's interrupt is moved
# between CPU0 and CPU1 through /proc/irq/N/smp_affinity; /proc/interrupts
# must show it following (lib/affinity.sh) and every round must arrive
# intact. Needs two CPUs online (plan key cpus=2), else the cases skip.

. /lib/hvkit/ktap.sh
. /lib/hvkit/net.sh
# NAPI keeps the interrupt off while it polls, so some windows see none:
# more flips than the other drivers' tests (in the first run 9 of 12
# windows grew, in the next 6).
AFF_FLIPS=${AFF_FLIPS:-16}
. /lib/hvkit/affinity.sh

ktap_plan 3
# Bytes each way per round: an eighth of hv_net_tcp's.
N=8388608
[ "$HVK_SLOWDOWN" -le 1 ] || N=2097152

if ! hvn_setup >/tmp/aff-setup 2>&1; then
	ktap_diag "$(cat /tmp/aff-setup)"
	ktap_fail "hv_net up, its irq found"
	ktap_skip "data intact while the irq moves" "no interface"
	ktap_skip "interrupts follow smp_affinity" "no interface"
	ktap_finish
fi
IF=$(hvn_iface)
if ! IRQ=$(aff_irq "$NET_UA"); then
	ktap_diag "$AFF_ERR"
	ktap_fail "hv_net up, its irq found"
	ktap_skip "data intact while the irq moves" "no irq"
	ktap_skip "interrupts follow smp_affinity" "no irq"
	ktap_finish
fi
ktap_diag "$IF; irq $IRQ: $(grep "^ *$IRQ:" /proc/interrupts | tr -s ' ')"
ktap_pass "hv_net up, its irq found"

if ! aff_need_cpus; then
	ktap_skip "data intact while the irq moves" "$AFF_ERR"
	ktap_skip "interrupts follow smp_affinity" "$AFF_ERR"
	ktap_finish
fi

# The transfer: rounds (N bytes out, N bytes in) until asked to stop, one
# line per direction and round in /tmp/aff-rounds ("ok" or what went
# wrong); its status 1 if any failed. Each of tcp_*_host is bounded by
# NET_T.
xfer() {
	local r=0 want got ann rc=0
	while ! aff_stop_requested; do
		head -c "$N" /dev/urandom >/tmp/aff-net.out
		want=$(sha_file /tmp/aff-net.out)
		got=$(tcp_to_host /tmp/aff-net.out)
		if [ "$got" = "$N $want" ]; then
			echo ok >>/tmp/aff-rounds
		else
			echo "round $r, guest -> host: agent saw '$got', sent $N $want" >>/tmp/aff-rounds
			rc=1
		fi
		ann=$(tcp_from_host "$N" $((r + 100)) /tmp/aff-net.in)
		got="$(wc -c </tmp/aff-net.in) $(sha_file /tmp/aff-net.in)"
		if [ -n "$ann" ] && [ "$got" = "$ann" ] && [ "${ann%% *}" = "$N" ]; then
			echo ok >>/tmp/aff-rounds
		else
			echo "round $r, host -> guest: agent announced '$ann', got $got" >>/tmp/aff-rounds
			rc=1
		fi
		r=$((r + 1))
	done
	rm -f /tmp/aff-net.out /tmp/aff-net.in
	return $rc
}

aff_reset
: >/tmp/aff-rounds
rx0=$(hvn_stat "$IF" rx_packets)
tx0=$(hvn_stat "$IF" tx_packets)
t0=$(($(now_ns) / 1000000))
xfer &
pid=$!
aff_flips "$IRQ" "$pid"
aff_stop "$pid" "$((NET_T * 2))"
rc=$?
t1=$(($(now_ns) / 1000000))
legs=$(wc -l </tmp/aff-rounds)
okl=$(grep -c '^ok$' /tmp/aff-rounds)
ktap_diag "$legs transfers of $N bytes ($okl intact), $(($(hvn_stat "$IF" rx_packets) - rx0)) frames in," \
	"$(($(hvn_stat "$IF" tx_packets) - tx0)) out, $((t1 - t0)) ms"
grep -v '^ok$' /tmp/aff-rounds | head -n 5 | sed 's/^/# /'
expect_eq "transfer's exit status" 0 "$rc"
[ "$legs" -ge 1 ] || expect_bad "no transfer finished"
expect_eq "transfers intact" "$legs" "$okl"
for s in rx_bad_correlator rx_bad_offset rx_bad_length rx_too_long resets tx_errors; do
	expect_eq "$s" 0 "$(hvn_stat "$IF" $s)"
done
ktap_result "data intact while the irq moves: $okl transfers of $((N / 1024)) KiB, sha256 checked"

aff_judge "$IRQ"
ktap_result "interrupts follow smp_affinity: irq $IRQ, $(wc -l <"$AFF_LOG") flips"

ktap_finish
