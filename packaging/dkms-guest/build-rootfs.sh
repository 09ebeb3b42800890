#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Build, once, the Debian bookworm ppc64el system that
# packaging/check-dkms-guest.sh boots: a root file system image with the
# distribution kernel, its headers, dkms and a compiler, plus the kernel and
# initrd taken out of its /boot for QEMU's -kernel/-initrd.
#
# usage: packaging/dkms-guest/build-rootfs.sh [--print DIR]
#   --print DIR   only print the cache directory and exit
#
# The initramfs holds only the root disk's drivers (rootfs/etc/initramfs-
# tools): the default, every driver, takes half an hour under qemu-user.
#
# Output, in ${HVKIT_CACHE:-~/.cache/hvkit}/rootfs/ppc64el-bookworm/:
#   root.img   raw ext4 image (sparse), label hvkit-root
#   vmlinux    the guest kernel;  initrd.img  its initramfs
#   release    the kernel release (uname -r in the guest)
#   stamp      written last; holds the recipe hash. A matching stamp means
#              the image is complete and is reused as it is.
#
# Runs the ppc64el package scripts with qemu-user through binfmt_misc, so
# it needs root, mmdebstrap and qemu-user-static (installed when missing).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
cache=${HVKIT_CACHE:-$HOME/.cache/hvkit}
dir=$cache/rootfs/ppc64el-bookworm
mirror=${HVKIT_DEBIAN_MIRROR:-http://deb.debian.org/debian}

if [ "${1:-}" = --print ]; then
	echo "$dir"
	exit 0
fi

log() { echo "build-rootfs: $*" >&2; }

# What goes into the image. Changing this list (or the files under
# rootfs/) changes the recipe hash and rebuilds the image.
include=(
	linux-image-powerpc64le linux-headers-powerpc64le
	dkms build-essential
	systemd-sysv udev kmod
	iproute2 iputils-ping e2fsprogs procps
)

recipe=$( {
	printf '%s\n' "${include[@]}" "$mirror"
	(cd "$here/rootfs" && find . -type f | sort | xargs cat)
	sed -n '/^mmdebstrap/,/^$/p' "$0"
} | sha256sum | cut -d' ' -f1)

if [ -f "$dir/stamp" ] && [ "$(cat "$dir/stamp")" = "$recipe" ]; then
	log "reusing $dir"
	exit 0
fi

[ "$(id -u)" -eq 0 ] || { log "must run as root (mmdebstrap --mode=root)"; exit 1; }
HVKIT_EXTRA_DEPS="mmdebstrap qemu-user-static binfmt-support e2fsprogs" \
	"$repo/scripts/install-deps.sh"

# Foreign binaries run through binfmt_misc; in a container it may not be
# mounted yet.
if [ ! -e /proc/sys/fs/binfmt_misc/register ]; then
	mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
fi
[ -e /proc/sys/fs/binfmt_misc/qemu-ppc64le ] || update-binfmts --enable qemu-ppc64le
[ -e /proc/sys/fs/binfmt_misc/qemu-ppc64le ] || {
	log "binfmt_misc has no qemu-ppc64le entry; cannot run ppc64el programs"
	exit 1
}

rm -rf "$dir"
mkdir -p "$dir"
work=$(mktemp -d "$cache/rootfs/build.XXXXXX")
# mmdebstrap unmounts what it mounted in the chroot, unless it was killed:
# never let rm walk into a mounted /proc or /dev.
drop_work() {
	awk -v w="$work/" 'index($2, w) == 1 { print $2 }' /proc/mounts |
		sort -r | xargs -r -n1 umount -l
	rm -rf --one-file-system "$work"
}
trap drop_work EXIT
root=$work/root

log "bootstrapping bookworm ppc64el into $root (takes a while under qemu-user)"
# The files under rootfs/ go in once the essential packages are there and
# before the kernel's package is configured, so that its initramfs is made
# once, the small way (conf.d/hvkit-guest.conf). Documentation is not
# unpacked: under qemu-user every file costs.
mmdebstrap --mode=root --arch=ppc64el --variant=minbase \
	--include="$(IFS=,; echo "${include[*]}")" \
	--dpkgopt='path-exclude=/usr/share/man/*' \
	--dpkgopt='path-exclude=/usr/share/doc/*' \
	--dpkgopt='path-include=/usr/share/doc/*/copyright' \
	--dpkgopt='path-exclude=/usr/share/locale/*' \
	--dpkgopt='path-exclude=/usr/share/info/*' \
	--essential-hook="cp -a '$here/rootfs/.' \"\$1/\"" \
	--essential-hook='chmod 0755 "$1/usr/local/sbin/hvkit-guest-run" "$1/etc/initramfs-tools/hooks/hvkit-guest-root"' \
	--customize-hook='chroot "$1" systemctl enable hvkit-guest.service' \
	--customize-hook='chroot "$1" passwd -d root' \
	--customize-hook='echo hvkit-guest >"$1/etc/hostname"' \
	bookworm "$root" "$mirror"

vmlinux=$(find "$root/boot" -maxdepth 1 -name 'vmlinux-*' | sort -V | tail -n1)
[ -n "$vmlinux" ] || { log "no kernel in $root/boot"; exit 1; }
release=${vmlinux##*/vmlinux-}
cp "$vmlinux" "$dir/vmlinux"
cp "$root/boot/initrd.img-$release" "$dir/initrd.img"
echo "$release" >"$dir/release"

log "making the ext4 image"
mkfs.ext4 -q -L hvkit-root -d "$root" "$dir/root.img.tmp" 4G
mv "$dir/root.img.tmp" "$dir/root.img"
echo "$recipe" >"$dir/stamp"
log "done in $SECONDS s: $dir ($release)"
