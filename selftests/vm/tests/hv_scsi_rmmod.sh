#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash # busybox ash
#
# rmmod hv_scsi with I/O in flight is refused (an open disk holds the
# module), the I/O completes intact; once the disks are closed rmmod
# drains and succeeds, leaves nothing behind, and after loading it again
# the data is still there. Documentation/hv-scsi.rst.

. /lib/hvkit/ktap.sh
. /lib/hvkit/scsi.sh

ktap_plan 3
MIB=1048576

if ! hvs_load; then
	ktap_diag "$HVS_ERR"
	ktap_fail "loaded"
	ktap_skip "rmmod" "no disks"
	ktap_skip "reload" "no disks"
	ktap_finish
fi
A=$(hvs_disk 0 0 0)

# 1. rmmod refused while 24 MiB go out and come back in 4 KiB requests;
# 4 MiB on a slower machine (the debug kernel, a nested guest: 24 MiB took
# 591 s of the debug kernel under hvkit-vmm), still hundreds of requests
# in flight while rmmod is tried every 0.2 s.
LEN=$((24 * MIB))
[ "$HVK_SLOWDOWN" -le 1 ] || LEN=$((4 * MIB))
head -c $LEN /dev/urandom >/tmp/rm.src
sha_of /tmp/rm.src >/tmp/rm.sha
# The subshell keeps the disk open between its two transfers, and marks
# the end of its I/O while the disk is still open: an exited subshell
# stays visible to kill -0 until it is reaped, with the disk closed.
rm -f /tmp/rm.done
( exec 3<"$A"; hvk-dio write "$A" $((64 * MIB)) $LEN 4096 </tmp/rm.src &&
	hvs_read_sha "$A" $((64 * MIB)) $LEN 4096 >/tmp/rm.got; : >/tmp/rm.done ) &
pid=$!
sleep 0.3
refused=0
while [ ! -e /tmp/rm.done ] && kill -0 $pid 2>/dev/null; do
	if rmmod hv_scsi >/tmp/rmmod.out 2>&1; then
		[ -e /tmp/rm.done ] || expect_bad "rmmod hv_scsi succeeded during I/O"
		break
	fi
	refused=$((refused + 1))
	sleep 0.2
done
wait $pid
ktap_diag "rmmod refused $refused times: $(cat /tmp/rmmod.out)"
[ "$refused" -gt 0 ] || expect_bad "the I/O ended before the first rmmod"
rm -f /tmp/rm.src /tmp/rm.done
expect_eq "sha256 of the $((LEN / MIB)) MiB written during the rmmods" "$(cat /tmp/rm.sha)" "$(cat /tmp/rm.got)"
# A rmmod that raced the end of the I/O may have gone through: load again.
hvk_loaded hv_scsi || hvs_load || expect_bad "hv_scsi not loaded again: $HVS_ERR"
A=$(hvs_disk 0 0 0)
ktap_result "rmmod refused while a disk is busy; I/O intact"

# 2. Idle: rmmod drains and succeeds, the disks and the host go away.
H=$(hvs_host)
expect_ok "rmmod hv_scsi" rmmod hv_scsi
expect_absent "scsi host $H" "/sys/class/scsi_host/host$H"
expect_absent "disk $A" "/sys/block/${A#/dev/}"
expect_absent "debugfs" /sys/kernel/debug/hv_scsi
ktap_result "rmmod when idle removes host and disks"

# 3. Load again: same disks, same data.
hvs_load_expect "reload" "$(cat /tmp/rm.sha)" $((64 * MIB)) "$LEN" 1048576
ktap_result "reload finds the data again"

ktap_finish
