#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash # busybox ash
#
# hv_console under interrupt affinity changes (issue 13): while rounds of
# the host agent's vty transfer (hv_console_random's, small: part of the
# "random" data set in, a smaller part out, both by sha256) run in the
# background on the agent's vty 1, that vty's interrupt is moved between
# CPU0 and CPU1 through /proc/irq/N/smp_affinity; /proc/interrupts must
# show it following (lib/affinity.sh) and every round must arrive intact.
# hv_console requests the interrupt when the tty is opened, so the vty is
# opened first. Needs two CPUs online (plan key cpus=2), else the cases
# skip. Boot: vtys=N agent=vty (Documentation/testing-console.rst).

. /lib/hvkit/ktap.sh
. /lib/hvkit/vty.sh
. /lib/hvkit/affinity.sh
# Where /init did not load hv_console (its console is another): load it.
[ "${BOOT_CONSOLE:-}" = hv_console ] || vty_load || echo "# loading hv_console: $VTY_ERR"

ktap_plan 3
SET=random
# Bytes in and out per round: input is what raises the vty's interrupt.
NIN=65536
NOUT=8192
if [ "$HVK_SLOWDOWN" -gt 1 ]; then
	NIN=16384
	NOUT=2048
fi
# Each step's limit, as hv_console_random's.
T=$((300 * HVK_SLOWDOWN))

head -c "$NIN" "$HVKIT_DATA/sets/$SET" >/tmp/aff-want.bin
SHA_IN=$(sha_of /tmp/aff-want.bin)
head -c "$NOUT" "$HVKIT_DATA/sets/$SET" >/tmp/aff-out.bin
SHA_OUT=$(sha_of /tmp/aff-out.bin)

if ! vty_open_agent 1; then
	ktap_diag "agent's vty 1: $VTY_ERR"
	ktap_fail "agent's vty 1 open, its irq found"
	ktap_skip "data intact while the irq moves" "no vty"
	ktap_skip "interrupts follow smp_affinity" "no vty"
	ktap_finish
fi
if ! IRQ=$(aff_irq "$VTY_UA"); then
	ktap_diag "$AFF_ERR"
	ktap_fail "agent's vty 1 open, its irq found"
	ktap_skip "data intact while the irq moves" "no irq"
	ktap_skip "interrupts follow smp_affinity" "no irq"
	vty_close
	ktap_finish
fi
ktap_diag "$VTY_DEV ($VTY_UA); irq $IRQ: $(grep "^ *$IRQ:" /proc/interrupts | tr -s ' ')"
ktap_pass "agent's vty 1 open, its irq found"

if ! aff_need_cpus; then
	ktap_skip "data intact while the irq moves" "$AFF_ERR"
	ktap_skip "interrupts follow smp_affinity" "$AFF_ERR"
	vty_close
	ktap_finish
fi

# The transfer, on the vty open as fd 3: rounds (NIN bytes in, NOUT out)
# until asked to stop, one line per direction and round in /tmp/aff-rounds
# ("ok" or what went wrong); its status 1 if any failed.
xfer() {
	local r=0 rc=0 got
	while ! aff_stop_requested; do
		if ! vty_get "$SET" "$NIN" /tmp/aff-in.bin "$T"; then
			echo "round $r, host -> guest: $VTY_ERR" >>/tmp/aff-rounds
			rc=1
			vty_ping || true
		elif [ "$(sha_of /tmp/aff-in.bin)" != "$SHA_IN" ]; then
			got=$(sha_of /tmp/aff-in.bin)
			echo "round $r, host -> guest: sha256 $got, the set's first $NIN bytes $SHA_IN" >>/tmp/aff-rounds
			rc=1
		else
			echo ok >>/tmp/aff-rounds
		fi
		if ! vty_put /tmp/aff-out.bin "$T"; then
			echo "round $r, guest -> host: $VTY_ERR" >>/tmp/aff-rounds
			rc=1
			vty_ping || true
		elif [ "$VTY_SHA" != "$SHA_OUT" ]; then
			echo "round $r, guest -> host: agent's sha256 $VTY_SHA, sent $SHA_OUT" >>/tmp/aff-rounds
			rc=1
		else
			echo ok >>/tmp/aff-rounds
		fi
		r=$((r + 1))
	done
	rm -f /tmp/aff-in.bin
	return $rc
}

aff_reset
: >/tmp/aff-rounds
in0=$(vty_counter "$VTY_UA" bytes_in)
bad0=$(vty_counter "$VTY_UA" bad_counts)
gerr0=$(vty_counter "$VTY_UA" get_errors)
perr0=$(vty_counter "$VTY_UA" put_errors)
t0=$(now_ms)
xfer &
pid=$!
aff_flips "$IRQ" "$pid"
aff_stop "$pid" "$T"
rc=$?
t1=$(now_ms)
legs=$(wc -l </tmp/aff-rounds)
okl=$(grep -c '^ok$' /tmp/aff-rounds)
ktap_diag "$legs transfers ($NIN bytes in, $NOUT out per round; $okl intact)," \
	"$(($(vty_counter "$VTY_UA" bytes_in) - in0)) bytes in, $((t1 - t0)) ms"
grep -v '^ok$' /tmp/aff-rounds | head -n 5 | sed 's/^/# /'
expect_eq "transfer's exit status" 0 "$rc"
[ "$legs" -ge 2 ] || expect_bad "no round finished"
expect_eq "transfers intact" "$legs" "$okl"
expect_eq "vty/bad_counts" "$bad0" "$(vty_counter "$VTY_UA" bad_counts)"
expect_eq "vty/get_errors" "$gerr0" "$(vty_counter "$VTY_UA" get_errors)"
expect_eq "vty/put_errors" "$perr0" "$(vty_counter "$VTY_UA" put_errors)"
ktap_result "data intact while the irq moves: $okl transfers, sha256 checked"

aff_judge "$IRQ"
ktap_result "interrupts follow smp_affinity: irq $IRQ, $(wc -l <"$AFF_LOG") flips"

vty_close
rm -f /tmp/aff-want.bin /tmp/aff-out.bin
ktap_finish
