#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Install hvkit the way a distribution user does, inside a real Debian
# bookworm ppc64el guest under QEMU pseries (TCG), and check it end to end:
# lintian on the package, apt install (DKMS builds the modules with the
# guest's gcc against its headers), the devices working through the kit,
# the opt-in (hvkit-prefer) taking the devices from ibmveth, ibmvscsi and
# hvc_vio after a reboot, apt remove leaving nothing behind.
#
# usage: packaging/check-dkms-guest.sh
# Prints a KTAP document and "N passed, M failed"; exits non-zero on any
# failure. Needs root (the first run builds the guest image with
# mmdebstrap, see packaging/dkms-guest/build-rootfs.sh).
#
# Environment:
#   HVKIT_CACHE          cache directory (default ~/.cache/hvkit)
#   HVKIT_DKMS_KEEP=1    keep the work directory (disks, console logs)
#   HVKIT_DKMS_SMP       guest CPUs (default 2)
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
guestdir=$repo/packaging/dkms-guest
smp=${HVKIT_DKMS_SMP:-2}
start=$SECONDS

HVKIT_EXTRA_DEPS="build-essential dpkg-dev debhelper dh-dkms lintian mmdebstrap
	qemu-user-static binfmt-support e2fsprogs qemu-utils qemu-system-ppc" \
	"$repo/scripts/install-deps.sh"

"$guestdir/build-rootfs.sh"
img=$("$guestdir/build-rootfs.sh" --print)

work=$(mktemp -d "${TMPDIR:-/tmp}/hvkit-dkms.XXXXXX")
qpid=
loop=
cleanup() {
	[ -z "$qpid" ] || kill "$qpid" 2>/dev/null || true
	[ -z "$loop" ] || kill "$loop" 2>/dev/null || true
	if [ "${HVKIT_DKMS_KEEP:-0}" = 1 ]; then
		echo "# work directory kept: $work"
	else
		rm -rf "$work"
	fi
}
trap cleanup EXIT
share=$work/share
mkdir -p "$share"

passed=0
failed=0
top=0
ktap=$work/ktap
: >"$ktap"
top_result() {	# top_result STATUS NAME [SUBTEST-FILE]
	top=$((top + 1))
	if [ -n "${3:-}" ]; then
		{
			echo "    KTAP version 1"
			echo "    # Subtest: $2"
			grep -E '^(ok|not ok|1\.\.|#)' "$3" | sed 's/^/    /'
		} >>"$ktap"
		passed=$((passed + $(grep -c '^ok ' "$3" || true)))
		failed=$((failed + $(grep -c '^not ok ' "$3" || true)))
		# A boot whose own checks all passed but which failed as a whole
		# (timeout, crash, missing plan) counts once more.
		if [ "$1" -ne 0 ] && ! grep -q '^not ok ' "$3"; then
			failed=$((failed + 1))
		fi
	elif [ "$1" -eq 0 ]; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
	fi
	if [ "$1" -eq 0 ]; then
		echo "ok $top $2" >>"$ktap"
	else
		echo "not ok $top $2" >>"$ktap"
	fi
}

echo "== building and linting the package"
if "$repo/packaging/build-deb.sh" "$work/deb" >"$work/build-deb.log" 2>&1; then
	top_result 0 "build-deb"
else
	cat "$work/build-deb.log"
	top_result 1 "build-deb"
fi
deb=$(find "$work/deb" -name 'hvkit-dkms_*_all.deb' | head -n1)
if [ -n "$deb" ] && lintian --fail-on error,warning "$deb" >"$work/lintian.log" 2>&1; then
	top_result 0 "lintian"
else
	cat "$work/lintian.log" 2>/dev/null || true
	top_result 1 "lintian"
fi
[ -n "$deb" ] && cp "$deb" "$share/"
cp "$guestdir/guest.sh" "$share/guest.sh"

# The root disk: a copy-on-write overlay over the cached image.
qemu-img create -q -f qcow2 -F raw -b "$img/root.img" "$work/root.qcow2"
# The spapr-vscsi disk: 8 MiB of random data the guest must read back.
head -c 8388608 /dev/urandom >"$work/scsi.img"
sha256sum <"$work/scsi.img" | cut -d' ' -f1 >"$share/disk.sha256"
truncate -s 32M "$work/scsi.img"
cp "$img/initrd.img" "$share/initrd.img"
: >"$share/next-cmdline"
# The second vty loops back: what the guest writes comes back to it.
mkfifo "$work/vty1.in" "$work/vty1.out"

boot() {	# boot PHASE TIMEOUT
	local phase=$1 limit=$2 rc=0 extra
	extra=$(cat "$share/next-cmdline")
	echo "$phase" >"$share/phase"
	rm -f "$share/ktap-$phase" "$share/guest.log"
	echo "== boot $phase${extra:+ ($extra)}"
	local t0=$SECONDS
	timeout "$limit" qemu-system-ppc64 \
		-M pseries,x-vof=on -cpu POWER9 -m 2G -smp "$smp" \
		-nodefaults -no-reboot -display none -monitor none \
		-kernel "$img/vmlinux" -initrd "$share/initrd.img" \
		-append "root=LABEL=hvkit-root ro console=hvc0 panic=-1 $extra" \
		-chardev "file,id=con,path=$work/console-$phase.log" \
		-device spapr-vty,chardev=con,reg=0x30000000 \
		-chardev "pipe,id=vty1,path=$work/vty1" \
		-device spapr-vty,chardev=vty1,reg=0x30001000 \
		-netdev user,id=net0 \
		-device spapr-vlan,netdev=net0,reg=0x71000010,mac=52:54:00:12:34:56 \
		-device spapr-vscsi,id=scsi0,reg=0x71000020 \
		-drive "if=none,id=sd0,file=$work/scsi.img,format=raw,cache=writeback" \
		-device scsi-hd,bus=scsi0.0,drive=sd0 \
		-drive "if=none,id=root,file=$work/root.qcow2,format=qcow2" \
		-device virtio-blk-pci,drive=root \
		-virtfs "local,path=$share,mount_tag=hvkit,security_model=none,id=share" \
		</dev/null &
	qpid=$!
	wait "$qpid" || rc=$?
	qpid=
	echo "   $phase: qemu exit $rc after $((SECONDS - t0)) s"
	cp "$share/guest.log" "$work/guest-$phase.log" 2>/dev/null || true
	local f=$share/ktap-$phase
	[ -f "$f" ] || echo "not ok 1 guest.sh ran and reported" >"$f"
	# The guest's plan line comes last: without it the boot did not finish.
	grep -q '^1\.\.' "$f" || { echo "# no plan: the guest did not finish" >>"$f"; [ "$rc" -ne 0 ] || rc=1; }
	grep -q '^not ok ' "$f" && [ "$rc" -eq 0 ] && rc=1
	if [ "$rc" -ne 0 ]; then
		echo "-- $phase: guest.log"; cat "$work/guest-$phase.log" 2>/dev/null || true
		echo "-- $phase: console (last 40 lines)"; tail -n 40 "$work/console-$phase.log" || true
	fi
	top_result "$rc" "boot-$phase" "$f"
	return 0
}

# The loop-back runs for the whole test (QEMU opens the fifos read-write).
# The trap takes the running cat along when the check ends.
(
	trap 'kill "$c" 2>/dev/null; exit 0' TERM
	while :; do
		cat "$work/vty1.out" &
		c=$!
		wait "$c"
	done >"$work/vty1.in"
) 2>/dev/null &
loop=$!

boot install 1800
# The host side of the disk check: what the guest wrote is on the image.
if [ -f "$share/written.sha256" ] &&
	[ "$(dd if="$work/scsi.img" bs=1M skip=8 count=4 2>/dev/null | sha256sum | cut -d' ' -f1)" = \
	"$(cat "$share/written.sha256")" ]; then
	top_result 0 "host reads the guest's hv_scsi write from the disk image"
else
	top_result 1 "host reads the guest's hv_scsi write from the disk image"
fi
# The limits allow for a loaded host: with four other guests running
# (load 7), install took 914 s and prefer, whose apt remove rebuilds the
# initramfs twice under TCG, more than 900 s (2026-12-02).
boot prefer 1800
boot removed 1200

echo "KTAP version 1"
echo "1..$top"
cat "$ktap"
echo "# dkms guest check took $((SECONDS - start)) s"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
