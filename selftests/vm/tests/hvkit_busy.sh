#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash # busybox ash
#
# Busy answers at a rate, as PowerVM gives them: hvkit-vmm --busy=PERMILLE
# (plan keys busy=, seed=) answers that many of every 1000 calls of
# H_SEND_CRQ, H_PUT_TERM_CHAR, H_FREE_CRQ, H_ENABLE_CRQ,
# H_SEND_LOGICAL_LAN, H_FREE_LOGICAL_LAN and H_VIO_SET_MSI busy, without
# making the call. The drivers retry: hv_scsi requeues the command
# (counted in send_busy, not in send_errors: busy is not a failure), the
# tty's output is written again. O_DIRECT data through hv_scsi and a data
# set through the agent's vty 1 must arrive intact, and each device's
# stats/busy must have grown (vty/put_busy too); nothing dropped.
# Documentation/hcall-abi.rst ("Busy answers"), Documentation/hvkit-vmm.rst.

. /lib/hvkit/ktap.sh
. /lib/hvkit/scsi.sh
. /lib/hvkit/vty.sh

ktap_plan 2
MIB=1048576
stat() {
	rd "/sys/bus/hvkit/devices/${1#0x}/stats/$2"
}

if [ -z "${BOOT_BUSY:-}" ]; then
	ktap_skip "hv_scsi: busy answers retried, data intact" "the boot has no busy="
	ktap_skip "hv_console: busy answers retried, data intact" "the boot has no busy="
	ktap_finish
fi

if hvs_load; then
	A=$(hvs_disk 0 0 0)
	b0=$(stat "$HVS_UNIT" busy)
	g0=$(stat "$HVS_UNIT" busy_gave_up)
	e0=$(hvs_counter send_errors)
	sb0=$(hvs_counter send_busy)
	hvs_write_random "$A" $((8 * MIB)) $((4 * MIB)) 65536 || expect_bad "O_DIRECT write of 4 MiB"
	expect_eq "sha256 of 4 MiB read back" "$HVS_SHA" \
		"$(hvs_read_sha "$A" $((8 * MIB)) $((4 * MIB)) 65536)"
	b=$(($(stat "$HVS_UNIT" busy) - b0))
	sb=$(($(hvs_counter send_busy) - sb0))
	ktap_diag "hv_scsi: $b busy answers of $(stat "$HVS_UNIT" hcalls) hcalls, $sb commands requeued busy, send_errors $(hvs_counter send_errors)"
	[ "$b" -ge 1 ] || expect_bad "stats/busy of $HVS_UNIT did not grow"
	[ "$sb" -ge 1 ] || expect_bad "send_busy did not grow"
	[ "$sb" -le "$b" ] || expect_bad "send_busy grew by $sb, more than the busy answers ($b)"
	expect_eq "send_errors (busy is not an error)" "$e0" "$(hvs_counter send_errors)"
	expect_eq "stats/busy_gave_up of $HVS_UNIT" "$g0" "$(stat "$HVS_UNIT" busy_gave_up)"
	ktap_result "hv_scsi: busy answers retried, data intact"
else
	ktap_diag "$HVS_ERR"
	ktap_fail "hv_scsi: busy answers retried, data intact"
fi

vty_load || ktap_diag "loading hv_console: $VTY_ERR"
if vty_open_agent 1; then
	n=$(set_field random 2)
	sha=$(set_field random 3)
	pb0=$(vty_counter "$VTY_UA" put_busy)
	sb0=$(stat "$VTY_UA" busy)
	drop0=$(vty_counter "$VTY_UA" bytes_dropped)
	vty_put "$HVKIT_DATA/sets/random" 300 || expect_bad "PUT of $n bytes: $VTY_ERR"
	expect_eq "agent's sha256 of $n bytes" "$sha" "$VTY_SHA"
	vty_get random "$n" /tmp/busy-in 300 || expect_bad "GET of $n bytes: $VTY_ERR"
	expect_eq "sha256 of $n bytes from the agent" "$sha" "$(sha_of /tmp/busy-in)"
	pb=$(($(vty_counter "$VTY_UA" put_busy) - pb0))
	sb=$(($(stat "$VTY_UA" busy) - sb0))
	ktap_diag "vty $VTY_UA: $pb put_busy, $sb stats/busy, $(stat "$VTY_UA" hcalls) hcalls"
	[ "$pb" -ge 1 ] || expect_bad "vty/put_busy did not grow"
	[ "$sb" -ge "$pb" ] || expect_bad "stats/busy grew by $sb, less than put_busy ($pb)"
	expect_eq "vty/bytes_dropped" "$drop0" "$(vty_counter "$VTY_UA" bytes_dropped)"
	vty_close
	ktap_result "hv_console: busy answers retried, data intact"
else
	ktap_diag "agent's vty 1: $VTY_ERR"
	ktap_fail "hv_console: busy answers retried, data intact"
fi

ktap_finish
