#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash # busybox ash
#
# hv_console: a 1 MiB data set each way over a socket vty (the host agent's
# vty 1), byte-exact by sha256, with the driver's counters accounting for
# every byte. Data set "random" here; hv_console_crlf.sh runs the same
# cases on the CR/LF/NUL-dense set after probing what the hypervisor does
# with CR and NUL on input. Boot: console=hv_console vtys=3 agent=vty
# (Documentation/testing-console.rst).

. /lib/hvkit/ktap.sh
. /lib/hvkit/vty.sh
# Where /init did not load hv_console (its console is another): load it.
[ "${BOOT_CONSOLE:-}" = hv_console ] || vty_load || echo "# loading hv_console: $VTY_ERR"

SET=${HV_CONSOLE_SET:-random}
PROBE=${HV_CONSOLE_PROBE:-0}
N=$(set_field "$SET" 2)
SHA=$(set_field "$SET" 3)
CRS=$(set_field "$SET" 4)
CRNULS=$(set_field "$SET" 5)
HCALL=/sys/kernel/debug/hvkit-selftest/hcall
# Each transfer's limit: 300 s, times the slowdown (under hvkit-vmm, nested
# in TCG on a busy host, 1 MiB in has taken 284 s).
T=$((300 * HVK_SLOWDOWN))

ktap_plan $((2 + PROBE))
ktap_diag "data set $SET: $N bytes, $CRS CRs, $CRNULS CR NUL pairs, sha256 $SHA"

# NULs the hypervisor adds after each CR on input: 1 (PowerVM's old bug,
# which the driver undoes) or 0. Found out by the probe; the driver's
# nuls_dropped must then grow by CRS * INSERTS.
INSERTS=

# probe: raw H_GET_TERM_CHAR on the agent's vty 3 (closed here, so
# hv_console does not read it) after the agent wrote a CR/NUL mix into it.
probe() {
	local ua i=0 n hex all="" answers="" want
	want=610d00620d0a0d0d0000
	ua=$(vty_ua 3)
	expect_ok "insmod hvk_selftest" sh -c "grep -q '^hvk_selftest ' /proc/modules ||
		insmod /lib/hvkit/hvk_selftest.ko" || return
	# Nothing left over.
	while [ "$i" -lt 20 ]; do
		echo "0x54 $ua" >"$HCALL"
		[ "$(cut -d' ' -f2 "$HCALL")" = 0x0000000000000000 ] && break
		i=$((i + 1))
	done
	vty_send "RAW 3 $want"
	vty_reply 10 && [ "$VTY_REPLY" = "RAW 10" ] ||
		{ expect_bad "agent RAW: ${VTY_REPLY:-$VTY_ERR}"; return; }
	# Collect answers until 10 bytes came and the next answer is empty.
	i=0
	while [ "$i" -lt 100 ]; do
		echo "0x54 $ua" >"$HCALL"
		# shellcheck disable=SC2046 # status out0 out1 out2 ...
		set -- $(cat "$HCALL")
		[ "$1" = 0 ] || { expect_bad "H_GET_TERM_CHAR status $1"; return; }
		n=$(($2))
		if [ "$n" = 0 ]; then
			[ ${#all} -lt 20 ] || break
			sleep 0.05
		else
			hex=$(printf '%s%s' "${3#0x}" "${4#0x}" | cut -c1-$((2 * n)))
			all=$all$hex
			answers="$answers | $hex"
		fi
		i=$((i + 1))
	done
	ktap_diag "sent 61 0d 00 62 0d 0a 0d 0d 00 00; H_GET_TERM_CHAR answers:${answers# |}"
	case "$all" in
	"$want") INSERTS=0 ;;
	610d0000620d000a0d000d000000) INSERTS=1 ;;
	*) expect_bad "the answers fit neither model (all: $all)" ;;
	esac
	if [ "$INSERTS" = 0 ]; then
		ktap_diag "the hypervisor inserts no NUL after CR (it ends an answer before a NUL that follows a CR)"
		# Not one answer may hold CR NUL: that is what keeps the guests'
		# old in-answer workaround from eating a real NUL.
		case "$answers" in
		*0d00*) expect_bad "an answer holds CR NUL" ;;
		esac
	elif [ "$INSERTS" = 1 ]; then
		ktap_diag "the hypervisor inserts a NUL after every CR"
	fi
	rmmod hvk_selftest
}

if ! vty_open_agent 1; then
	expect_bad "agent's vty 1: $VTY_ERR"
	OPEN=0
else
	OPEN=1
	ktap_diag "agent's vty 1 is $VTY_UA, $VTY_DEV"
fi

if [ "$PROBE" = 1 ]; then
	[ "$OPEN" = 1 ] && probe
	ktap_result "hypervisor: CR and NUL on vty input${INSERTS:+ (NULs inserted per CR: $INSERTS)}"
fi

# 1. host -> guest. On the debug kernel under TCG, input of the crlf set
# runs at a tenth of the random set's rate (5 KB/s against 50: the vCPU
# is busy throughout, in interrupt handling and RCU, with only twice the
# hypercalls; Documentation/testing-console.rst), so there it moves the
# set's first quarter.
NIN=$N
SHA_IN=$SHA
CRS_IN=$CRS
if [ "$HVK_SLOWDOWN" -gt 1 ] && [ "$SET" = crlf ]; then
	NIN=$((N / 4))
	head -c "$NIN" "$HVKIT_DATA/sets/$SET" >/tmp/want.bin
	SHA_IN=$(sha_of /tmp/want.bin)
	CRS_IN=$(tr -cd "$(printf '\r')" </tmp/want.bin | wc -c)
	rm -f /tmp/want.bin
fi
if [ "$OPEN" = 1 ]; then
	in0=$(vty_counter "$VTY_UA" bytes_in)
	nul0=$(vty_counter "$VTY_UA" nuls_dropped)
	bad0=$(vty_counter "$VTY_UA" bad_counts)
	gerr0=$(vty_counter "$VTY_UA" get_errors)
	cost0=$(vty_cost)
	if vty_get "$SET" "$NIN" /tmp/in.bin "$T"; then
		expect_eq "sha256 of the $NIN bytes received" "$SHA_IN" "$(sha_of /tmp/in.bin)"
	else
		expect_bad "GET $SET $NIN: $VTY_ERR"
	fi
	ktap_diag "host -> guest: $((NIN - VTY_PADDED)) bytes in $VTY_GET_MS ms" \
		"($(((NIN - VTY_PADDED) * 1000 / (VTY_GET_MS + 1))) B/s)"
	vty_cost_diag "host -> guest" "$NIN" "$cost0"
	vty_first_diff /tmp/in.bin "$HVKIT_DATA/sets/$SET"
	hdr=$(printf 'DATA %s\n' "$NIN" | wc -c)
	dropped=$(($(vty_counter "$VTY_UA" nuls_dropped) - nul0))
	expect_eq "vty/bytes_in grew by the reply (header + data)" "$((hdr + NIN))" \
		"$(($(vty_counter "$VTY_UA" bytes_in) - in0 - VTY_PADDED))"
	if [ -n "$INSERTS" ]; then
		expect_eq "vty/nuls_dropped grew by the NULs the hypervisor inserted ($CRS_IN CRs x $INSERTS)" \
			"$((CRS_IN * INSERTS))" "$dropped"
	fi
	ktap_diag "vty/nuls_dropped grew by $dropped; the set has $CRS CRs and $CRNULS CR NUL pairs, $CRS_IN CRs in the $NIN bytes sent"
	expect_eq "vty/bad_counts" "$bad0" "$(vty_counter "$VTY_UA" bad_counts)"
	expect_eq "vty/get_errors" "$gerr0" "$(vty_counter "$VTY_UA" get_errors)"
fi
ktap_result "host -> guest: $SET, $NIN bytes byte-exact"

# 2. guest -> host
if [ "$OPEN" = 1 ]; then
	vty_ping || expect_bad "agent after the transfer: $VTY_ERR"
	out0=$(vty_counter "$VTY_UA" bytes_out)
	perr0=$(vty_counter "$VTY_UA" put_errors)
	cost0=$(vty_cost)
	t0=$(now_ms)
	if vty_put "$HVKIT_DATA/sets/$SET" "$T"; then
		t1=$(now_ms)
		expect_eq "agent's sha256 of the $N bytes sent" "$SHA" "$VTY_SHA"
		ktap_diag "guest -> host: $N bytes in $((t1 - t0)) ms ($((N * 1000 / (t1 - t0 + 1))) B/s)"
		vty_cost_diag "guest -> host" "$N" "$cost0"
	else
		expect_bad "PUT $N: $VTY_ERR"
	fi
	cmd=$(printf 'PUT %s\n' "$N" | wc -c)
	expect_eq "vty/bytes_out grew by the command and the data" "$((cmd + N))" \
		"$(($(vty_counter "$VTY_UA" bytes_out) - out0))"
	expect_eq "vty/put_errors" "$perr0" "$(vty_counter "$VTY_UA" put_errors)"
fi
ktap_result "guest -> host: $SET, $N bytes byte-exact"

vty_close
ktap_finish
