#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash # busybox ash
#
# hv_console under injected H_PUT_TERM_CHAR failures on the agent's vty 1
# (hv_vio's debugfs fault rule, filtered on opcode 0x58 and that vty's
# unit address, so the console is not affected):
#   H_BUSY and H_LONG_BUSY_1MS on every 3rd call during 64 KiB guest ->
#   host: nothing lost, each busy answer counted in vty/put_busy;
#   H_HARDWARE on 3 calls: exactly 3 put_errors and 3 "H_PUT_TERM_CHAR
#   failed" lines, no hang, and the next transfer is byte-exact again;
#   vty/bytes_out, vty/bytes_dropped and the "N bytes dropped" of those
#   lines must account for exactly the bytes that did not arrive;
#   and once the hypervisor stops being busy, output is as fast as before
#   (256 KiB timed before any injection and after all of them);
#   H_HARDWARE on 3 H_GET_TERM_CHAR calls (0x54) during 64 KiB host ->
#   guest: the hypervisor keeps its bytes and raises no new interrupt
#   while its buffer is not empty, so the driver must read again by
#   itself; all 64 KiB arrive without the runner's stall padding, and
#   vty/get_errors grows by 3.
# Every step has a time limit. Data set "plain" (no CR NUL pairs).

. /lib/hvkit/ktap.sh
. /lib/hvkit/vty.sh
# Where /init did not load hv_console (its console is another): load it.
[ "${BOOT_CONSOLE:-}" = hv_console ] || vty_load || echo "# loading hv_console: $VTY_ERR"

N=65536
ktap_plan 7

head -c $N "$HVKIT_DATA/sets/plain" >/tmp/p64
SHA=$(sha_of /tmp/p64)
head -c 262144 "$HVKIT_DATA/sets/plain" >/tmp/p256
SHA256K=$(sha_of /tmp/p256)

OPEN=0
if vty_open_agent 1; then
	OPEN=1
	D=/sys/bus/hvkit/devices/${VTY_UA#0x}
else
	expect_bad "agent's vty 1: $VTY_ERR"
fi

# fault_on STATUS INTERVAL TIMES : fail H_PUT_TERM_CHAR on this vty.
fault_on() {
	hvk_fault_on "$1" 0x58 "$VTY_UA" "$2" "$3"
}

# busy_case STATUS : 64 KiB out with every 3rd H_PUT_TERM_CHAR busy.
busy_case() {
	local busy0 err0 drop0 sbusy0 t0 t1 inj matched
	busy0=$(vty_counter "$VTY_UA" put_busy)
	drop0=$(vty_counter "$VTY_UA" bytes_dropped)
	err0=$(vty_counter "$VTY_UA" put_errors)
	sbusy0=$(rd "$D/stats/busy")
	t0=$(now_ms)
	vty_put_faulted "$1" 3 /tmp/p64 120 || expect_bad "PUT $N with $1: $VTY_ERR"
	t1=$(now_ms)
	inj=$VTY_FAULT_INJECTED
	matched=$VTY_FAULT_MATCHED
	ktap_diag "$1: $matched calls, $inj answered $1, $N bytes in $((t1 - t0)) ms"
	expect_eq "agent's sha256 with $1 injected" "$SHA" "$VTY_SHA"
	[ "$inj" -gt 0 ] 2>/dev/null || expect_bad "nothing injected ($inj)"
	expect_eq "injected = every 3rd of $matched calls" "$((matched / 3))" "$inj"
	expect_eq "vty/put_busy grew by the injections" "$inj" "$(($(vty_counter "$VTY_UA" put_busy) - busy0))"
	expect_eq "stats/busy grew by the injections" "$inj" "$(($(rd "$D/stats/busy") - sbusy0))"
	expect_eq "vty/put_errors" "$err0" "$(vty_counter "$VTY_UA" put_errors)"
	expect_eq "vty/bytes_dropped" "$drop0" "$(vty_counter "$VTY_UA" bytes_dropped)"
}

# put_ms FILE SHA : milliseconds to send FILE (empty on failure).
put_ms() {
	local t0 t1
	t0=$(now_ms)
	vty_put "$1" 120 || { expect_bad "PUT $1: $VTY_ERR"; return; }
	t1=$(now_ms)
	[ "$VTY_SHA" = "$2" ] || { expect_bad "PUT $1: agent's sha256 $VTY_SHA"; return; }
	echo $((t1 - t0))
}

# Output speed before any injection, for case 6.
[ "$OPEN" = 1 ] && BASE_MS=$(put_ms /tmp/p256 "$SHA256K")

# 1, 2. Busy answers: retried, nothing lost.
if [ "$OPEN" = 1 ]; then busy_case H_BUSY; fi
ktap_result "H_BUSY on every 3rd H_PUT_TERM_CHAR: $N bytes intact"
if [ "$OPEN" = 1 ]; then busy_case H_LONG_BUSY_1MS; fi
ktap_result "H_LONG_BUSY_1MS on every 3rd H_PUT_TERM_CHAR: $N bytes intact"

# 3. Three hard failures while 4 KiB go out: the agent takes whatever
#    arrives until 3 s of silence. The command goes out before the rule.
M=4096
if [ "$OPEN" = 1 ]; then
	head -c $M /tmp/p64 >/tmp/p4k
	err0=$(vty_counter "$VTY_UA" put_errors)
	out0=$(vty_counter "$VTY_UA" bytes_out)
	drop0=$(vty_counter "$VTY_UA" bytes_dropped)
	dmesg_mark
	vty_send "DRAIN $M 3000"
	sleep 0.5
	fault_on H_HARDWARE 1 3
	t0=$(now_ms)
	timeout 30 cat /tmp/p4k >&3 || expect_bad "writing $M bytes with H_HARDWARE injected: no end within 30 s"
	if vty_reply 40; then
		set -- $VTY_REPLY
		got=${2:-}
	else
		expect_bad "no reply to DRAIN: $VTY_ERR"
		got=
	fi
	t1=$(now_ms)
	inj=$(rd "$HVK_FAULT/injected")
	hvk_fault_off
	dmesg_since | grep 'H_PUT_TERM_CHAR failed' >/tmp/fail.lines
	sed 's/^/# log| /' /tmp/fail.lines
	expect_eq "injected" 3 "$inj"
	expect_eq "vty/put_errors grew by" 3 "$(($(vty_counter "$VTY_UA" put_errors) - err0))"
	expect_eq "'H_PUT_TERM_CHAR failed' lines in dmesg" 3 "$(wc -l </tmp/fail.lines)"
	expect_eq "lines naming the device and the status" 3 \
		"$(grep -c "hv_console ${VTY_UA#0x}: H_PUT_TERM_CHAR failed: H_HARDWARE (-1)" /tmp/fail.lines)"
	sent=$(($(vty_counter "$VTY_UA" bytes_out) - out0))
	dropped=$(($(vty_counter "$VTY_UA" bytes_dropped) - drop0))
	claimed=$(sed -n 's/.*, \([0-9]*\) bytes dropped$/\1/p' /tmp/fail.lines | awk '{ s += $1 } END { print s + 0 }')
	if [ -n "$got" ]; then
		ktap_diag "the agent got $got of $M bytes ($((M - got)) lost) in $((t1 - t0)) ms;" \
			"vty/bytes_out grew by $sent, vty/bytes_dropped by $dropped; the log lines say" \
			"$claimed bytes dropped"
		[ "$got" -lt "$M" ] || expect_bad "nothing was lost although 3 writes failed"
	fi
fi
ktap_result "H_HARDWARE on 3 calls: 3 put_errors, 3 log lines, no hang"

# 4. The accounting of that loss: bytes_out counts what the hypervisor
#    took (the DRAIN command line, then data); bytes_dropped and the log
#    lines, what was lost.
if [ "$OPEN" = 1 ] && [ -n "$got" ]; then
	cmdlen=$(printf 'DRAIN %s 3000\n' "$M" | wc -c)
	expect_eq "vty/bytes_out growth = command + bytes that arrived" "$((cmdlen + got))" "$sent"
	expect_eq "bytes dropped according to the log = bytes lost" "$((M - got))" "$claimed"
	expect_eq "vty/bytes_dropped growth = bytes lost" "$((M - got))" "$dropped"
fi
ktap_result "H_HARDWARE: bytes_out and the log account for the lost bytes"

# 5. Afterwards: byte-exact again.
if [ "$OPEN" = 1 ]; then
	vty_ping || expect_bad "agent after the failures: $VTY_ERR"
	err0=$(vty_counter "$VTY_UA" put_errors)
	vty_put /tmp/p64 60 || expect_bad "PUT $N: $VTY_ERR"
	expect_eq "agent's sha256 after the failures" "$SHA" "$VTY_SHA"
	expect_eq "vty/put_errors" "$err0" "$(vty_counter "$VTY_UA" put_errors)"
fi
ktap_result "after the failures: $N bytes byte-exact"

# 6. The waits for busy answers end with them: 256 KiB out now takes about
#    as long as before the first injection.
if [ "$OPEN" = 1 ] && [ -n "$BASE_MS" ]; then
	AFTER_MS=$(put_ms /tmp/p256 "$SHA256K")
	ktap_diag "256 KiB out: $BASE_MS ms before any busy answer, ${AFTER_MS:-?} ms after them"
	if [ -n "$AFTER_MS" ] && [ "$AFTER_MS" -gt $((2 * BASE_MS + 3000)) ]; then
		expect_bad "output stays slow after the busy answers: $AFTER_MS ms > 2 x $BASE_MS + 3000 ms"
	fi
fi
ktap_result "output speed recovers after busy answers"

# 7. Input: three failed reads in a row, then none.
if [ "$OPEN" = 1 ]; then
	gerr0=$(vty_counter "$VTY_UA" get_errors)
	hvk_fault_on H_HARDWARE 0x54 "$VTY_UA" 1 3
	if vty_get plain $N /tmp/g64 60; then
		expect_eq "sha256 of $N bytes read through 3 failed reads" "$SHA" "$(sha_of /tmp/g64)"
		expect_eq "stall padding the runner had to ask for" 0 "$VTY_PADDED"
	else
		expect_bad "GET $N with H_HARDWARE on H_GET_TERM_CHAR: $VTY_ERR"
	fi
	expect_eq "injected" 3 "$(rd "$HVK_FAULT/injected")"
	hvk_fault_off
	expect_eq "vty/get_errors grew by" 3 "$(($(vty_counter "$VTY_UA" get_errors) - gerr0))"
fi
ktap_result "H_HARDWARE on 3 H_GET_TERM_CHAR: read again, $N bytes intact"

hvk_fault_off
vty_close
ktap_finish
