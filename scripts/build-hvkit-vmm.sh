#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Builds hvkit-vmm for an arm64 test host: static (the L1 initramfs of the
# nested tests has no libc), with Debian's arm64 libfdt. One build for every
# caller (selftests/vm/run.sh's peer=hvkit-vmm machine, selftests/vmm/
# nested.sh); serialised by a lock, because make check builds it from two
# lanes at once.
#
# usage: build-hvkit-vmm.sh LOG
#   LOG   where make's output goes (printed to stderr if the build fails)
# Prints the directory the arm64 packages (busybox-static, libfdt-dev) are
# unpacked into: callers take busybox from there. The binary is
# tools/hvkit-vmm/hvkit-vmm. Exit 2 with one line on stderr on failure.
set -eu -o pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
die() { echo "build-hvkit-vmm: $*" >&2; exit 2; }

[ $# -eq 1 ] || die "usage: build-hvkit-vmm.sh LOG"
log=$1
command -v aarch64-linux-gnu-gcc >/dev/null ||
	die "needs aarch64-linux-gnu-gcc (Debian: gcc-aarch64-linux-gnu)"
root=$("$repo/scripts/fetch-debs.sh" arm64 busybox-static libfdt-dev) ||
	die "cannot fetch busybox-static and libfdt-dev (arm64)"
mkdir -p "$repo/build"
if ! flock "$repo/build/.hvkit-vmm.lock" \
	make -s -C "$repo/tools/hvkit-vmm" CROSS_COMPILE=aarch64-linux-gnu- STATIC=1 \
	LIBFDT="$root/usr/lib/aarch64-linux-gnu" >"$log" 2>&1; then
	cat "$log" >&2
	die "building hvkit-vmm failed (log: $log)"
fi
echo "$root"
