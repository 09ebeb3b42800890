#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash # busybox ash
#
# A hypervisor that refuses a vector's MSI message (issue 13; hcall-abi.rst,
# H_VIO_SET_MSI). hv_vio writes the message when hv_scsi binds; answered
# H_PARAMETER (hv_vio's fault injection, once), the vector cannot
# interrupt. That must cost one error line naming the device, the vector
# and the status, and a probe that gives up after its login timeout
# ("no SRP login"), not a hang, a crash or a device half bound. With the
# refusal gone the next load must write the message again, take
# interrupts and read back what was written before. Needs an MSI boot
# (plan key irq=msi), else the cases skip.

. /lib/hvkit/ktap.sh
. /lib/hvkit/scsi.sh
. /lib/hvkit/affinity.sh

ktap_plan 2
MIB=1048576
LOGIN_TIMEOUT=5

if [ "${BOOT_IRQ:-}" != msi ]; then
	ktap_skip "refused MSI message: one line, probe gives up" "the boot has no irq=msi"
	ktap_skip "next load: message written, interrupts, data intact" "the boot has no irq=msi"
	ktap_finish
fi

# shellcheck disable=SC2119 # hv_scsi's default parameters
if ! hvs_load; then
	ktap_diag "$HVS_ERR"
	ktap_fail "refused MSI message: one line, probe gives up"
	ktap_skip "next load: message written, interrupts, data intact" "no disks"
	ktap_finish
fi
A=$(hvs_disk 0 0 0)
hvs_write_random "$A" $((48 * MIB)) $MIB 65536 || expect_bad "write to $A"
WANT=$HVS_SHA

# The refusal lines so far: the device says it once, whatever came before.
refusals() {
	dmesg | grep -c "$HVS_UNIT: H_VIO_SET_MSI of vector 0 (address .*): H_PARAMETER (-4); it will not interrupt"
}

rmmod hv_scsi || expect_bad "rmmod hv_scsi"
r0=$(refusals)
hvk_fault_on H_PARAMETER 0xe800 "0x$HVS_UNIT" 0 1 1
t0=$(date +%s)
hvk_insmod hv_scsi login_timeout=$LOGIN_TIMEOUT || expect_bad "insmod hv_scsi"
took=$(($(date +%s) - t0))
expect_eq "H_VIO_SET_MSI answers injected" 1 "$(rd "$HVK_FAULT/injected")"
hvk_fault_off
expect_eq "refusal lines logged" $((r0 + 1)) "$(refusals)"
dmesg | grep "$HVS_UNIT: \(H_VIO_SET_MSI\|no SRP login\)" | tail -n 2 | while read -r l; do ktap_diag "$l"; done
dmesg | grep -q "$HVS_UNIT: no SRP login within $LOGIN_TIMEOUT s" ||
	expect_bad "no 'no SRP login within $LOGIN_TIMEOUT s' line"
# The probe's wait, with the slowest boot's margin.
[ "$took" -le $((LOGIN_TIMEOUT + 30 * HVK_SLOWDOWN)) ] || expect_bad "insmod took $took s"
if hvs_host >/dev/null; then
	expect_bad "a SCSI host was added for a device that cannot interrupt"
fi
[ ! -e "/sys/bus/hvkit/devices/$HVS_UNIT/driver" ] || expect_bad "$HVS_UNIT is still bound"
rmmod hv_scsi || expect_bad "rmmod hv_scsi after the failed probe"
ktap_result "refused MSI message: one line, probe gives up"

# shellcheck disable=SC2119 # hv_scsi's default parameters
if ! hvs_load; then
	ktap_diag "$HVS_ERR"
	ktap_fail "next load: message written, interrupts, data intact"
	ktap_finish
fi
if IRQ=$(aff_irq "$HVS_UNIT"); then
	i0=$(aff_counts "$IRQ" | tr ' ' '\n' | awk '{ s += $1 } END { print s + 0 }')
	A=$(hvs_disk 0 0 0)
	expect_eq "data read back" "$WANT" "$(hvs_read_sha "$A" $((48 * MIB)) $MIB 65536)"
	i1=$(aff_counts "$IRQ" | tr ' ' '\n' | awk '{ s += $1 } END { print s + 0 }')
	ktap_diag "irq $IRQ: $((i1 - i0)) interrupts for 1 MiB read"
	[ "$i1" -gt "$i0" ] || expect_bad "irq $IRQ took no interrupt during the read"
else
	expect_bad "$AFF_ERR"
fi
expect_eq "refusal lines logged" $((r0 + 1)) "$(refusals)"
ktap_result "next load: message written, interrupts, data intact"

ktap_finish
