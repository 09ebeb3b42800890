#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash # busybox ash
#
# A file system on an hv_scsi disk: mkfs.ext4 (Debian's e2fsprogs), mount,
# copy a tree of random files and of the initramfs's own files, umount,
# e2fsck -f finds nothing, mount again and every file has its sha256.
# Documentation/hv-scsi.rst.

. /lib/hvkit/ktap.sh
. /lib/hvkit/scsi.sh

ktap_plan 4
MNT=/mnt/hvs

if ! hvs_load || ! modprobe crc32c_generic || ! modprobe ext4; then
	ktap_diag "${HVS_ERR:-modprobe ext4 failed}"
	ktap_fail "mkfs and mount"
	ktap_skip "copy" "no file system"
	ktap_skip "fsck" "no file system"
	ktap_skip "remount and compare" "no file system"
	ktap_finish
fi
DEV=$(hvs_disk 0 0 1)
mkdir -p $MNT

# 1. mkfs and mount.
expect_ok "mkfs.ext4 $DEV" mkfs.ext4 -q -F "$DEV"
expect_ok "mount $DEV" mount -t ext4 "$DEV" $MNT
ktap_result "mkfs.ext4 and mount $DEV"

# 2. A tree: 300 random files from 0 to 256 KiB in nested directories,
# plus /lib/hvkit and /usr/bin of the initramfs (what /usr holds depends
# on the guest packages of the run: its size is not fixed).
mkdir -p /tmp/tree
i=0
while [ "$i" -lt 300 ]; do
	d=/tmp/tree/d$((i % 7))/e$((i % 3))
	mkdir -p "$d"
	sz=$(( (i * 7919) % 262144 ))
	head -c "$sz" /dev/urandom >"$d/f$i"
	i=$((i + 1))
done
mkdir -p /tmp/tree/usr
cp -a /lib/hvkit /tmp/tree/
cp -a /usr/bin /tmp/tree/usr/
(cd /tmp/tree && find . -type f | sort | xargs sha256sum) >/tmp/manifest
nfiles=$(wc -l </tmp/manifest)
expect_ok "cp -a the tree" cp -a /tmp/tree $MNT/
expect_ok "sync" sync
ktap_diag "$nfiles files, $(du -sk /tmp/tree | cut -f1) KiB"
ktap_result "copy a tree of $nfiles files"

# 3. umount (every dirty page written through hv_scsi) and fsck.
expect_ok "umount" umount $MNT
e2fsck -f -n "$DEV" >/tmp/fsck.log 2>&1
rc=$?
[ "$rc" = 0 ] || { expect_bad "e2fsck -f -n exited $rc"; sed 's/^/# | /' /tmp/fsck.log; }
ktap_result "e2fsck -f finds a clean file system"

# 4. Remount (the page cache of the disk is gone with the umount) and
# compare every file.
echo 3 >/proc/sys/vm/drop_caches
if expect_ok "mount again" mount -t ext4 -o ro "$DEV" $MNT; then
	(cd $MNT/tree && find . -type f | sort | xargs sha256sum) >/tmp/manifest2
	if ! cmp -s /tmp/manifest /tmp/manifest2; then
		expect_bad "files differ after remount: $(diff /tmp/manifest /tmp/manifest2 | head -n 5)"
	fi
	umount $MNT
fi
rm -rf /tmp/tree
ktap_result "remount: all $nfiles files identical"

ktap_finish
