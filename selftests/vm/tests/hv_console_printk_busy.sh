#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash # busybox ash
#
# printk through hv_console's hvc0 while the hypervisor answers every
# H_PUT_TERM_CHAR on the console vty H_BUSY (hv_vio's fault rule on opcode
# 0x58 and the console's unit address). printk may run with interrupts
# off and the hvc core retries a busy write at once and for ever, so the
# driver must end the wait: the first chunk waits out the atomic busy
# policy's 2 ms and is dropped, and every later chunk is dropped at its
# first busy answer until a write goes through again. One 900-byte
# message is about 57 chunks: vty/busy_dropped counts each, while
# stats/busy_gave_up (one per 2 ms wait) may grow by one only. Nothing is
# printed while the rule is on: the test's own output goes to the same
# vty. Needs console=hv_console (the hv-console boot).
. /lib/hvkit/ktap.sh
. /lib/hvkit/vty.sh

UA=0x30000000
D=/sys/bus/hvkit/devices/${UA#0x}
ktap_plan 2

expect_eq "hvc index of the console vty $UA" 0 "$(rd "$D/vty/hvc_index")"
ktap_result "hv_console drives the console vty $UA as hvc0"

line=$(head -c 900 /dev/zero | tr '\0' 'x')
g0=$(rd "$D/stats/busy_gave_up")
d0=$(rd "$D/vty/busy_dropped")
b0=$(rd "$D/vty/bytes_dropped")
hvk_fault_on H_BUSY 0x58 "$UA" 1 -1
t0=$(now_ms)
printf '<2>hv_console_printk_busy %s\n' "$line" >/dev/kmsg
t1=$(now_ms)
inj=$(rd "$HVK_FAULT/injected")
hvk_fault_off
sleep 0.2
g1=$(rd "$D/stats/busy_gave_up")
d1=$(rd "$D/vty/busy_dropped")
b1=$(rd "$D/vty/bytes_dropped")
ktap_diag "always busy: $inj busy answers, printk of 900 bytes took $((t1 - t0)) ms;" \
	"busy_dropped +$((d1 - d0)), bytes_dropped +$((b1 - b0)), busy_gave_up +$((g1 - g0))"
[ "$((d1 - d0))" -ge 56 ] ||
	expect_bad "busy_dropped grew by $((d1 - d0)), not by the message's 57 chunks at least"
[ "$((b1 - b0))" -ge 900 ] ||
	expect_bad "bytes_dropped grew by $((b1 - b0)), less than the message"
expect_eq "2 ms waits (stats/busy_gave_up growth)" 1 "$((g1 - g0))"
expect_match "the console works again" "hv_console_printk_busy_after" \
	"$(echo '<2>hv_console_printk_busy_after' >/dev/kmsg; dmesg | tail -n 3)"
ktap_result "an always-busy console costs printk one 2 ms wait, then a call per chunk"

ktap_finish
