#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash # busybox ash
#
# A hypervisor that refuses to turn the CRQ's interrupt on (H_VIO_SIGNAL
# failing, hv_vio fault injection). No pulse will announce an entry, so
# the transport must poll the queue (include/hvkit/drain.h, "enable
# fails") and say so once; before it did, the drain stopped after the
# first refused enable and the handshake's answer was never read.
#  1. hv_scsi loaded with every H_VIO_SIGNAL of the adapter failing: the
#     disks come up, data written before reads back, new data round-trips,
#     crq_enable_failures counts and one line says "polling";
#  2. faults off: the next poll's enable succeeds and the interrupts are
#     back (crq_interrupts grows with I/O).
# Documentation/hv-scsi.rst.

. /lib/hvkit/ktap.sh
. /lib/hvkit/scsi.sh

ktap_plan 2
MIB=1048576

if ! hvs_load; then
	ktap_diag "$HVS_ERR"
	ktap_fail "loaded with the signal failing"
	ktap_skip "interrupts back" "no disks"
	ktap_finish
fi
A=$(hvs_disk 0 0 0)
hvs_write_random "$A" 0 $MIB 65536 || expect_bad "write before the faults"
SHA=$HVS_SHA
expect_ok "rmmod hv_scsi" rmmod hv_scsi

# 1. Every H_VIO_SIGNAL (0x104) of the adapter fails, for ever.
dmesg_mark
hvk_fault_on H_HARDWARE 0x104 "0x$HVS_UNIT" 1 -1
t0=$(date +%s)
if hvs_load; then
	A=$(hvs_disk 0 0 0)
	ktap_diag "disks up in $(($(date +%s) - t0)) s without an interrupt"
	expect_eq "sha256 of the 1 MiB written before" "$SHA" \
		"$(hvs_read_sha "$A" 0 $MIB 65536)"
	hvs_write_random "$A" $MIB $MIB 4096 || expect_bad "write while polled"
	expect_eq "sha256 of 1 MiB written and read while polled" "$HVS_SHA" \
		"$(hvs_read_sha "$A" $MIB $MIB 16384)"
	f=$(hvs_counter crq_enable_failures)
	ktap_diag "crq_enable_failures $f, crq_rounds $(hvs_counter crq_rounds), injected $(cat "$HVK_FAULT/injected")"
	[ "${f:-0}" -gt 0 ] || expect_bad "no failed enable counted"
else
	expect_bad "load with the signal failing: $HVS_ERR"
fi
n=$(dmesg_since | grep -c "H_VIO_SIGNAL cannot enable the interrupt: .*; polling every")
expect_eq "'cannot enable the interrupt' lines" 1 "$n"
ktap_result "the CRQ is polled when its interrupt cannot be enabled"

# 2. The faults stop: a poll's enable succeeds, interrupts announce again.
hvk_fault_off
if A=$(hvs_disk 0 0 0); then
	sleep 1
	i0=$(hvs_counter crq_interrupts)
	f0=$(hvs_counter crq_enable_failures)
	hvs_write_random "$A" 0 $MIB 65536 || expect_bad "write after the faults"
	expect_eq "sha256 after the faults" "$HVS_SHA" "$(hvs_read_sha "$A" 0 $MIB 65536)"
	i1=$(hvs_counter crq_interrupts)
	ktap_diag "crq_interrupts $i0 -> $i1 for 2 MiB of I/O"
	[ "$i1" -gt "$i0" ] || expect_bad "no interrupt after the faults stopped"
	expect_eq "failed enables after the faults" "$f0" "$(hvs_counter crq_enable_failures)"
else
	expect_bad "no disk after the faults"
fi
ktap_result "interrupts are back once the enable works"

ktap_finish
