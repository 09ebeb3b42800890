#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash # busybox ash
#
# hv_scsi against its peer (QEMU's spapr-vscsi, or hvkit-vmm's adapter): it binds the v-scsi adapter, learns
# the partner's limits from ADAPTER_INFO and the SRP login, sizes its
# SCSI host from the credit, and finds every LUN of the boot (several
# targets and LUNs, REPORT LUNS scan) with its size.
# Documentation/hv-scsi.rst.

. /lib/hvkit/ktap.sh
. /lib/hvkit/scsi.sh

ktap_plan 4

# 1. Loads and binds the adapter.
dmesg_mark
if hvs_load; then
	drv=$(readlink "/sys/bus/hvkit/devices/$HVS_UNIT/driver" 2>/dev/null)
	expect_eq "driver of hvkit device $HVS_UNIT" hv_scsi "${drv##*/}"
	hvk_loaded ibmvscsi && expect_bad "ibmvscsi is loaded"
	expect_match "probe line" "hv_scsi $HVS_UNIT: host[0-9]+: partner $HVS_PARTITION \(SRP 16.a\), request limit 22, max transfer $((HVS_MAX_TRANSFER / 1024)) KiB" \
		"$(dmesg_since | grep "hv_scsi $HVS_UNIT: host")"
else
	expect_bad "$HVS_ERR"
	dmesg_since | tail -n 20 | sed 's/^/# dmesg: /'
fi
ktap_result "hv_scsi binds the v-scsi adapter and logs in"

# 2. Every LUN, with its size, and nothing else.
n=0
while read -r c t l m; do
	n=$((n + 1))
	if d=$(hvs_disk "$c" "$t" "$l"); then
		b=${d#/dev/}
		expect_eq "size of $c:$t:$l ($d) in bytes" "$((m * 1048576))" \
			"$(($(rd /sys/block/$b/size) * 512))"
		ktap_diag "$c:$t:$l -> $d, $(rd /sys/block/$b/device/model | tr -s ' ')"
	else
		expect_bad "no disk for channel $c target $t lun $l"
	fi
done <"$HVS_LUNS"
H=$(hvs_host)
devs=0
for x in /sys/class/scsi_device/"$H":*; do
	[ -e "$x" ] && devs=$((devs + 1))
done
expect_eq "scsi devices on host $H" "$n" "$devs"
ktap_result "all $n LUNs found with their sizes"

# 3. Limits from the partner: credit 22, 21 tags (one kept for task
# management), its largest transfer (QEMU 2 MiB, hvkit-vmm 1 MiB),
# 256-entry scatter lists.
S=$(hvs_sysfs)
ktap_diag "$(rd "$S/partner")"
ktap_diag "$(rd "$S/credit")"
expect_eq "credit limit" 22 "$(hvs_credit limit)"
expect_eq "can_queue" 21 "$(rd /sys/class/scsi_host/host$H/can_queue)"
expect_eq "sg_tablesize" 256 "$(rd /sys/class/scsi_host/host$H/sg_tablesize)"
expect_match "partner" "srp 16.a partition $HVS_PARTITION os_type 2 max_transfer $HVS_MAX_TRANSFER" "$(rd "$S/partner")"
d=$(hvs_disk 0 0 0)
expect_eq "max_hw_sectors_kb of $d" $((HVS_MAX_TRANSFER / 1024)) "$(rd /sys/block/${d#/dev/}/queue/max_hw_sectors_kb)"
ktap_result "limits from ADAPTER_INFO and the login"

# 4. Nothing malformed or unknown on the way.
for c in unknown_tags bad_responses send_errors; do
	expect_eq "counter $c" 0 "$(hvs_counter $c)"
done
expect_eq "credit back to the limit when idle" 22 "$(hvs_credit available)"
expect_eq "invalid CRQ entries" 0 "$(hvs_counter crq_invalid)"
ktap_result "no unknown tags, malformed answers or invalid CRQ entries"

ktap_finish
