#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash # busybox ash
#
# hv_vio on pseries (ppc64le): method and backend, device enumeration from
# /vdevice, a raw H_GET_TERM_CHAR round trip through the second vty, fault
# injection, and load/unload cycles. Interfaces per
# Documentation/interfaces.rst.

. /lib/hvkit/ktap.sh

ROOT=/sys/devices/hvkit
BUS=/sys/bus/hvkit/devices
DBG=/sys/kernel/debug/hvkit
FAULT=$DBG/fault
HCALL=/sys/kernel/debug/hvkit-selftest/hcall
VTY1=$(cat "$HVKIT_DATA/vty1-ua")	# 0x30001000
VTY1_DEV=$BUS/${VTY1#0x}
CYCLES=50

# hcall OPCODE ARGS... : make the call; sets ST (status) and OUT0..OUT2
# from the result line, and HC_WRITE to the write's exit status.
hcall() {
	if echo "$*" >"$HCALL" 2>/tmp/hcall.err; then
		HC_WRITE=0
	else
		HC_WRITE=1
	fi
	# shellcheck disable=SC2046 # the result line is split into fields
	set -- $(cat "$HCALL" 2>/dev/null)
	ST=${1:-<none>}
	OUT0=${2:-}
	OUT1=${3:-}
	OUT2=${4:-}
}

# Number of calls hcall_stats reports for an opcode (given in any C syntax).
stats_calls() {
	local want
	want=$(printf '%d' "$1")
	while read -r op _name calls; do
		[ "$op" = status ] && continue
		[ "$(printf '%d' "$op" 2>/dev/null)" = "$want" ] && { echo "$calls"; return; }
	done <"$DBG/hcall_stats"
	echo 0
}

# Count of a status in hcall_stats ("status <value> <name> <count>").
stats_status() {
	awk -v v="$1" '$1 == "status" && $2 == v { print $4; found = 1 }
		END { if (!found) print 0 }' "$DBG/hcall_stats"
}

ndevices() {
	ls -1 "$BUS" 2>/dev/null | wc -l
}

ktap_plan 5

# ---------------------------------------------------------------------------
# 1. Load; method, backend and state of the root device.
if expect_ok "insmod hv_vio" hvk_insmod hv_vio; then
	expect_eq "$ROOT/method" sc1 "$(rd $ROOT/method)"
	expect_eq "$ROOT/backend" papr "$(rd $ROOT/backend)"
	expect_eq "$ROOT/state" online "$(rd $ROOT/state)"
fi
FIRST_COUNT=$(ndevices)
ktap_result "load: method sc1, backend papr, state online"

# ---------------------------------------------------------------------------
# 2. Enumeration: exactly the /vdevice children with device_type and reg.
: >/tmp/dt.set
for n in /proc/device-tree/vdevice/*/; do
	[ -f "$n/device_type" ] && [ -f "$n/reg" ] || continue
	dt_cell "$n/reg" >>/tmp/dt.set
done
sort -o /tmp/dt.set /tmp/dt.set
cat "$BUS"/*/unit_address 2>/dev/null | sort >/tmp/bus.set
if ! cmp -s /tmp/dt.set /tmp/bus.set; then
	expect_bad "unit addresses differ: /vdevice: $(tr '\n' ' ' </tmp/dt.set); hvkit bus: $(tr '\n' ' ' </tmp/bus.set)"
fi
[ -s /tmp/dt.set ] || expect_bad "no /vdevice children found"
for n in /proc/device-tree/vdevice/*/; do
	[ -f "$n/device_type" ] && [ -f "$n/reg" ] || continue
	ua=$(dt_cell "$n/reg")
	d=$BUS/${ua#0x}
	if [ ! -d "$d" ]; then
		expect_bad "$d missing for $n"
		continue
	fi
	type=$(dt_str "$n/device_type")
	compat=$(dt_str "$n/compatible")
	expect_eq "$d/unit_address" "$ua" "$(rd "$d/unit_address")"
	expect_eq "$d/devtype" "$type" "$(rd "$d/devtype")"
	expect_eq "$d/compatible" "$compat" "$(rd "$d/compatible")"
	expect_eq "$d/modalias" "hvkit:T${type}S${compat}" "$(rd "$d/modalias")"
	expect_eq "$d/backend" papr "$(rd "$d/backend")"
	expect_eq "$d/method" sc1 "$(rd "$d/method")"
done
ktap_result "enumeration matches /vdevice ($(wc -l </tmp/dt.set) devices)"

# ---------------------------------------------------------------------------
# 3. Raw H_GET_TERM_CHAR on the second vty returns the 16 bytes the host
#    wrote into its chardev, packed big-endian in out1/out2.
if expect_ok "insmod hvk_selftest" hvk_insmod hvk_selftest &&
	expect_exists "selftest debugfs" "$HCALL" &&
	expect_exists "stats of $VTY1" "$VTY1_DEV/stats/hcalls"; then
	before=$(rd "$VTY1_DEV/stats/hcalls")
	hcall 0x54 "$VTY1"
	after=$(rd "$VTY1_DEV/stats/hcalls")
	want=$(hexof "$HVKIT_DATA/vty1-input")
	expect_eq "write '0x54 $VTY1'" 0 "$HC_WRITE"
	expect_eq "status" 0 "$ST"
	expect_eq "out0 (count)" 0x0000000000000010 "$OUT0"
	expect_eq "out1.out2 (bytes 0-15)" "$want" "${OUT1#0x}${OUT2#0x}"
	expect_eq "stats/hcalls after one call" "$((before + 1))" "$after"
fi
ktap_result "raw H_GET_TERM_CHAR returns the host's 16 bytes"

# ---------------------------------------------------------------------------
# 4. Fault injection.
if [ -d "$FAULT" ] && [ -e "$HCALL" ]; then
	calls0=$(stats_calls 0x54)
	hw0=$(stats_status -1)
	busy0=$(stats_status 1)
	ok0=$(stats_status 0)
	inj0=$(rd "$VTY1_DEV/stats/injected")
	made=0

	# Every matching call fails with H_HARDWARE.
	echo 0x54 >"$FAULT/opcode"
	echo H_HARDWARE >"$FAULT/status"
	echo 1 >"$FAULT/interval"
	expect_eq "fault/status reads back" H_HARDWARE "$(rd $FAULT/status)"
	hcall 0x54 "$VTY1"
	made=$((made + 1))
	expect_eq "status with H_HARDWARE injected" -1 "$ST"
	expect_eq "fault/injected" 1 "$(rd $FAULT/injected)"
	expect_eq "fault/matched" 1 "$(rd $FAULT/matched)"
	expect_eq "stats/injected of $VTY1" "$((inj0 + 1))" "$(rd "$VTY1_DEV/stats/injected")"

	# Only the third matching call fails, with H_BUSY.
	echo 3 >"$FAULT/nth"
	echo 0 >"$FAULT/interval"
	echo H_BUSY >"$FAULT/status"
	expect_eq "fault/injected after rewriting the rule" 0 "$(rd $FAULT/injected)"
	seen=
	for i in 1 2 3 4 5; do
		hcall 0x54 "$VTY1"
		made=$((made + 1))
		seen="$seen $ST"
	done
	expect_eq "statuses of five calls with nth=3 H_BUSY" " 0 0 1 0 0" "$seen"
	expect_eq "fault/injected" 1 "$(rd $FAULT/injected)"
	expect_eq "fault/matched" 5 "$(rd $FAULT/matched)"

	# Injection off: the call reaches QEMU again; the input was consumed.
	echo 0 >"$FAULT/status"
	hcall 0x54 "$VTY1"
	made=$((made + 1))
	expect_eq "status after status=0" 0 "$ST"
	expect_eq "count after status=0" 0x0000000000000000 "$OUT0"
	expect_eq "fault/injected with status 0" 0 "$(rd $FAULT/injected)"

	# hcall_stats: calls per opcode and per status.
	expect_eq "hcall_stats calls of 0x54" "$((calls0 + made))" "$(stats_calls 0x54)"
	expect_eq "hcall_stats status -1" "$((hw0 + 1))" "$(stats_status -1)"
	expect_eq "hcall_stats status 1" "$((busy0 + 1))" "$(stats_status 1)"
	expect_eq "hcall_stats status 0" "$((ok0 + made - 2))" "$(stats_status 0)"
	if [ "$KTAP_CASE_BAD" != 0 ]; then
		ktap_diag_cmd hcall_stats cat "$DBG/hcall_stats"
	fi

	# Back to the defaults.
	echo -1 >"$FAULT/opcode"
	echo 0 >"$FAULT/nth"
	echo 0 >"$FAULT/interval"
else
	expect_bad "$FAULT or $HCALL missing"
fi
ktap_result "fault injection: interval, nth, status names, hcall_stats"

# ---------------------------------------------------------------------------
# 5. Load/unload cycles leave nothing behind.
rmmod hvk_selftest 2>/dev/null
rmmod hv_vio 2>/dev/null
bad_cycle=
i=1
while [ "$i" -le "$CYCLES" ]; do
	step=
	hvk_insmod hv_vio >/tmp/cycle.log 2>&1 || step="insmod hv_vio"
	[ -n "$step" ] || hvk_insmod hvk_selftest >>/tmp/cycle.log 2>&1 || step="insmod hvk_selftest"
	if [ -z "$step" ]; then
		# One call per cycle exercises the freshly registered devices.
		hcall 0x54 "$VTY1"
		[ "$HC_WRITE" = 0 ] && [ "$ST" = 0 ] || step="hcall (write $HC_WRITE, status $ST)"
	fi
	[ -n "$step" ] || rmmod hvk_selftest >>/tmp/cycle.log 2>&1 || step="rmmod hvk_selftest"
	[ -n "$step" ] || rmmod hv_vio >>/tmp/cycle.log 2>&1 || step="rmmod hv_vio"
	if [ -n "$step" ]; then
		bad_cycle=$i
		expect_bad "cycle $i: $step failed"
		sed 's/^/# | /' /tmp/cycle.log
		break
	fi
	i=$((i + 1))
done
left=$(hvk_leftovers)
[ -z "$left" ] || expect_bad "left behind after the last unload: $(echo $left)"
if expect_ok "final insmod hv_vio" hvk_insmod hv_vio; then
	expect_eq "devices after the final load" "$FIRST_COUNT" "$(ndevices)"
	expect_ok "final rmmod hv_vio" rmmod hv_vio
	left=$(hvk_leftovers)
	[ -z "$left" ] || expect_bad "left behind after the final unload: $(echo $left)"
fi
ktap_result "$CYCLES load/unload cycles${bad_cycle:+ (stopped at $bad_cycle)}"

ktap_finish
