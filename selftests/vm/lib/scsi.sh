# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash # busybox ash: local
#
# Guest-side helpers for the hv_scsi tests (Documentation/hv-scsi.rst).
# The boot's LUNs are listed in /data/scsi-luns, one "channel target lun
# MiB" line each (plan key scsi_luns=).

HVS_LUNS=/data/scsi-luns
# The peer: QEMU pseries' spapr-vscsi at the runner's unit address, unless
# the machine says otherwise in /data/scsi-peer (hvkit-vmm's adapter).
HVS_UNIT=71000020
# shellcheck disable=SC2034 # for the test scripts
HVS_PARTITION=qemu
# shellcheck disable=SC2034 # for the test scripts
HVS_MAX_TRANSFER=2097152
# 1: the peer answers each request inside the H_SEND_CRQ that brings it,
# so no two are ever in flight (QEMU's disks answer later, from its AIO).
# shellcheck disable=SC2034 # for the test scripts
HVS_PEER_SYNC=0
# shellcheck disable=SC1091 # written by the runner
[ ! -f /data/scsi-peer ] || . /data/scsi-peer

# Load hv_vio, hv_scsi and sd_mod; wait until every LUN has a disk.
# Returns 1 (with HVS_ERR set) when something is missing after 60 s.
# shellcheck disable=SC2034,SC2120 # HVS_ERR is for the test scripts; callers may pass insmod parameters
hvs_load() {
	local i=0 n
	hvk_loaded hv_vio || hvk_insmod hv_vio || { HVS_ERR="insmod hv_vio failed"; return 1; }
	hvk_loaded sd_mod || modprobe sd_mod || { HVS_ERR="modprobe sd_mod failed"; return 1; }
	hvk_loaded hv_scsi || hvk_insmod hv_scsi "$@" || { HVS_ERR="insmod hv_scsi failed"; return 1; }
	n=$(wc -l <"$HVS_LUNS")
	while [ "$(hvs_disks | wc -l)" -lt "$n" ]; do
		i=$((i + 1))
		if [ "$i" -gt 600 ]; then
			HVS_ERR="$(hvs_disks | wc -l) of $n disks after 60 s"
			return 1
		fi
		sleep 0.1
	done
}

# The scsi host number of hv_scsi's adapter.
hvs_host() {
	local h
	for h in /sys/class/scsi_host/host*; do
		[ "$(cat "$h/proc_name" 2>/dev/null)" = hv_scsi ] && { echo "${h##*host}"; return 0; }
	done
	return 1
}

# /dev/sdX of channel C, target T, lun L on hv_scsi's host.
hvs_disk() {
	local b
	for b in /sys/class/scsi_device/"$(hvs_host)":"$1":"$2":"$3"/device/block/*; do
		[ -d "$b" ] && { echo "/dev/${b##*/}"; return 0; }
	done
	return 1
}

# Every disk of the LUN list that exists, "C T L MiB /dev/sdX" per line.
hvs_disks() {
	local c t l m d
	while read -r c t l m; do
		d=$(hvs_disk "$c" "$t" "$l") && echo "$c $t $l $m $d"
	done <"$HVS_LUNS"
}

hvs_sysfs() {
	echo "/sys/class/scsi_host/host$(hvs_host)/hv_scsi"
}

# hvs_counter NAME: one of hv_scsi's counters.
hvs_counter() {
	awk -v n="$1" '$1 == n { print $2 }' "$(hvs_sysfs)/counters"
}

# hvs_credit FIELD: limit, available, in_flight or max_in_flight.
hvs_credit() {
	awk -v f="$1" '{ for (i = 1; i < NF; i++) if ($i == f) print $(i + 1) }' \
		"$(hvs_sysfs)/credit"
}

hvs_debugfs() {
	echo "/sys/kernel/debug/hv_scsi/$HVS_UNIT"
}

sha_of() {
	sha256sum "$1" | cut -d' ' -f1
}

# hvs_write_random DEV OFFSET LENGTH BS [SKEW]: random data out with
# O_DIRECT; HVS_SHA gets its sha256. Returns hvk-dio's status.
# shellcheck disable=SC2034 # HVS_SHA is for the test scripts
hvs_write_random() {
	head -c "$3" /dev/urandom >/tmp/hvs-src
	HVS_SHA=$(sha_of /tmp/hvs-src)
	hvk-dio write "$1" "$2" "$3" "$4" "${5:-0}" </tmp/hvs-src
	local rc=$?
	rm -f /tmp/hvs-src
	return $rc
}

# hvs_read_sha DEV OFFSET LENGTH BS [SKEW]: sha256 of the data read back
# with O_DIRECT ("read-error" if hvk-dio failed).
hvs_read_sha() {
	hvk-dio read "$1" "$2" "$3" "$4" "${5:-0}" >/tmp/hvs-dst || { echo read-error; return 1; }
	sha_of /tmp/hvs-dst
	rm -f /tmp/hvs-dst
}

# hvs_load_expect WHAT SHA OFFSET LENGTH BS : load hv_scsi (if it is not
# loaded) and expect the sha256 of LENGTH bytes at OFFSET of LUN 0:0:0,
# read with O_DIRECT in BS requests, to be SHA. 1 (and a failed
# expectation) if the load failed.
hvs_load_expect() {
	# shellcheck disable=SC2119 # hv_scsi's default parameters
	if ! hvs_load; then
		expect_bad "$1: $HVS_ERR"
		return 1
	fi
	expect_eq "$1: sha256 of $4 bytes at $3 of LUN 0:0:0" "$2" \
		"$(hvs_read_sha "$(hvs_disk 0 0 0)" "$3" "$4" "$5")"
}

# hvs_fault STATUS INTERVAL TIMES: fail H_SEND_CRQ of the v-scsi adapter.
hvs_fault() {
	hvk_fault_on "$1" 0x108 "0x$HVS_UNIT" "$2" "$3"
}

hvs_fault_off() {
	hvk_fault_off
}
