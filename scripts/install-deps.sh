#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Install the Debian host packages hvkit needs to build, lint and test.
#
# Only packages that are missing are installed, so a second run on a ready
# machine checks dpkg's database and returns within a second without touching
# apt. Guest kernels and guest userland are never installed here: they are
# extracted into the cache by scripts/fetch-kernel.sh and the test runners.
#
# usage: install-deps.sh [--check]
#   --check   only report missing packages (exit 1 if any), install nothing
#
# Environment:
#   HVKIT_EXTRA_DEPS   more package names, separated by blanks
set -euo pipefail

packages=(
	# building modules: native and cross toolchains, kbuild helpers
	gcc make bc flex bison perl libssl-dev libelf-dev
	gcc-powerpc64le-linux-gnu gcc-aarch64-linux-gnu
	# cross C libraries, for guest-side test helpers
	libc6-dev-ppc64el-cross libc6-dev-arm64-cross
	# lint: sparse for C=2, python3 for kernel scripts, shellcheck
	sparse python3 shellcheck
	# device trees: dtc, libfdt for the host unit tests, binding checks
	device-tree-compiler libfdt-dev dt-schema
	# fuzzing: clang with libFuzzer and its runtime, llvm-cov for coverage
	clang libclang-rt-dev llvm
	# VM tests: emulators, initramfs tools, compressed kernel modules
	qemu-system-ppc qemu-system-arm qemu-utils cpio xz-utils zstd kmod
	# the kernel's kselftest framework installs with rsync
	rsync
	# DKMS in a Debian guest (packaging/check-dkms-guest.sh): a ppc64el
	# root file system bootstrapped with qemu-user, its ext4 image, and
	# lintian for the package
	mmdebstrap qemu-user-static binfmt-support e2fsprogs lintian
)
# shellcheck disable=SC2206 # word splitting is intended
[ -z "${HVKIT_EXTRA_DEPS:-}" ] || packages+=(${HVKIT_EXTRA_DEPS})

check_only=0
case "${1:-}" in
--check) check_only=1 ;;
"") ;;
*) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac

log() { echo "install-deps: $*" >&2; }

if ! command -v dpkg-query >/dev/null || ! command -v apt-get >/dev/null; then
	log "this script needs a Debian (12 or later) system with apt"
	exit 1
fi

missing=()
for p in "${packages[@]}"; do
	status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$status" = installed ] || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
	log "all ${#packages[@]} host packages present"
	exit 0
fi

log "missing: ${missing[*]}"
[ "$check_only" -eq 0 ] || exit 1

sudo=()
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null ||
		{ log "not root and no sudo: run as root to install packages"; exit 1; }
	sudo=(sudo)
fi

export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get -q update
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -q -y \
	--no-install-recommends -o Dpkg::Options::=--force-confdef \
	-o Dpkg::Options::=--force-confold install "${missing[@]}" </dev/null
log "installed ${#missing[@]} package(s)"
