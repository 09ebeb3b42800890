#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Fetch a Debian distro kernel (image, modules and build headers) for a
# foreign architecture into a cache directory, without installing anything
# on the host and without touching the host's apt state.
#
# usage: fetch-kernel.sh ARCH KVER [--print VAR]
#   ARCH  powerpc | arm64 (kernel ARCH names)
#   KVER  6.1 (bookworm) | 6.12 (trixie) | 7 (sid)
#   --print kdir|image|modules|release|dir   print one path/value and exit
#
# Layout of the cache ($HVKIT_CACHE, default ~/.cache/hvkit):
#   kernels/<arch>-<kver>/root/       extracted packages
#   kernels/<arch>-<kver>/env         KDIR=, IMAGE=, MODULES=, RELEASE=
set -euo pipefail

arch=${1:?usage: fetch-kernel.sh ARCH KVER [--print VAR]}
kver=${2:?usage: fetch-kernel.sh ARCH KVER [--print VAR]}
print=${4:-}
[ "${3:-}" = "--print" ] || print=

case "$arch" in
powerpc) debarch=ppc64el; flavour=powerpc64le; imgpat='boot/vmlinux-*' ;;
arm64)   debarch=arm64;   flavour=arm64;       imgpat='boot/vmlinuz-*' ;;
*) echo "fetch-kernel: no supported hypercall method for ARCH=$arch (supported: powerpc, arm64)" >&2
   exit 2 ;;
esac
case "$kver" in
6.1)  suite=bookworm ;;
6.12) suite=trixie ;;
7)    suite=sid ;;
*) echo "fetch-kernel: unknown KVER=$kver (supported: 6.1, 6.12, 7)" >&2; exit 2 ;;
esac

cache=${HVKIT_CACHE:-$HOME/.cache/hvkit}
dir=$cache/kernels/$arch-$kver
env_file=$dir/env

# shellcheck source=scripts/lib/kernel-env.sh
. "$(dirname "$0")/lib/kernel-env.sh"

emit() {
	kernel_env_print "$env_file" "$print" "$dir" && return
	echo "fetch-kernel: unknown --print $print" >&2
	exit 2
}

if [ -f "$env_file" ]; then
	emit
	exit 0
fi

log() { echo "fetch-kernel: $*" >&2; }

# The private apt setup (sources, lists, cache under $dir/apt) is shared
# with fetch-debs.sh.
# shellcheck source=fetch-debs.sh
. "$(dirname "${BASH_SOURCE[0]}")/fetch-debs.sh"

mkdir -p "$dir/debs"
hvk_apt_init "$dir" "$suite" amd64 "$debarch" ||
	{ log "cannot find a Debian archive in the apt sources"; exit 1; }
aptopts=("${HVK_APT_OPTS[@]}")

log "updating package index for $suite ($debarch)"
hvk_apt_update "$dir" || exit 1

field() { hvk_apt_field "$@"; } # package field

meta=linux-image-$flavour:$debarch
image_pkg=$(field "$meta" Depends | tr ',' '\n' | sed 's/^ *//; s/ .*//' |
	grep -E '^linux-image-[0-9]' | head -n1)
[ -n "$image_pkg" ] || { log "no kernel image behind $meta in $suite"; exit 1; }
image_ver=$(field "$image_pkg:$debarch" Version)
abi=${image_pkg#linux-image-}
abi=${abi%-unsigned}
hdr_pkg=linux-headers-$abi
log "kernel $image_pkg $image_ver"

# The headers name the exact common-headers and kbuild packages they need.
deps=$(field "$hdr_pkg:$debarch" Depends | tr ',' '\n' | sed 's/^ *//')
common=$(echo "$deps" | grep -E '^linux-headers-.*-common' | sed 's/ .*//' | head -n1)
kbuild=$(echo "$deps" | grep -E '^linux-kbuild-' | sed 's/ .*//' | head -n1)
kbuild_ver=$(echo "$deps" | grep -E '^linux-kbuild-' | sed -n 's/.*(= \(.*\))/\1/p' | head -n1)
[ -n "$kbuild" ] || { log "cannot resolve the kbuild package of $hdr_pkg"; exit 1; }
[ -n "$kbuild_ver" ] || kbuild_ver=$image_ver

want=("$image_pkg:$debarch=$image_ver" "$hdr_pkg:$debarch=$image_ver"
	"$kbuild:amd64=$kbuild_ver")
[ -n "$common" ] && want+=("$common:all=$image_ver")
# Newer suites split the image package: the kernel and its modules live in
# packages of the same ABI that the image package depends on.
for part in $(field "$image_pkg:$debarch" Depends | tr ',|' '\n\n' |
	sed 's/^ *//; s/ .*//' | grep -F -- "$abi" | sort -u); do
	want+=("$part:$debarch=$image_ver")
done

log "downloading ${want[*]}"
(cd "$dir/debs" && apt-get -q "${aptopts[@]}" download "${want[@]}" >&2)

rm -rf "$dir/root"
mkdir -p "$dir/root"
for deb in "$dir"/debs/*.deb; do
	dpkg-deb -x "$deb" "$dir/root"
done

kdir=$dir/root/usr/src/$hdr_pkg
[ -d "$kdir" ] || { log "headers not found at $kdir"; exit 1; }
# The flavour headers include the common ones by absolute path.
sed -i "s#/usr/src/#$dir/root/usr/src/#g" "$kdir/Makefile"
# /boot and /lib on older suites; sid keeps the kernel beside its modules.
first_existing() {
	local f
	for f in "$@"; do
		[ -e "$f" ] && { echo "$f"; return 0; }
	done
	return 1
}
# shellcheck disable=SC2086 # $imgpat is a glob
image=$(first_existing "$dir"/root/$imgpat "$dir"/root/usr/lib/modules/*/vmlinu*) ||
	{ log "no kernel image in the extracted packages"; exit 1; }
modules=$(first_existing "$dir"/root/lib/modules/* "$dir"/root/usr/lib/modules/*) ||
	{ log "no modules directory in the extracted packages"; exit 1; }
release=$(basename "$modules")

# kbuild's host tools come from the kernel's suite and may need a newer
# glibc than this machine has (trixie's and sid's do on bookworm). Run those
# through that suite's own loader and libc, kept beside them in the cache.
host_tool_needs_newer_glibc() {
	local out
	out=$(timeout 5 "$1" </dev/null 2>&1 || true)
	[[ $out == *"GLIBC_"*"not found"* ]]
}

wrap_host_tools() {
	local tools=() f loader libdir
	while IFS= read -r f; do
		[ "$(head -c4 "$f" | tr -d '\0')" = $'\x7fELF' ] || continue
		host_tool_needs_newer_glibc "$f" && tools+=("$f")
	done < <(find "$dir"/root/usr/lib/linux-kbuild-* -type f -perm -u+x)
	[ "${#tools[@]}" -gt 0 ] || return 0

	log "kbuild host tools need $suite's glibc: fetching libc6:amd64"
	(cd "$dir/debs" && apt-get -q "${aptopts[@]}" download libc6:amd64 >&2)
	mkdir -p "$dir/hostlibc"
	dpkg-deb -x "$dir"/debs/libc6_*_amd64.deb "$dir/hostlibc"
	loader=$(find "$dir/hostlibc" -name 'ld-linux-x86-64.so.2' -type f | head -n1)
	libdir=$(dirname "$(find "$dir/hostlibc" -name 'libc.so.6' | head -n1)")
	[ -n "$loader" ] && [ -n "$libdir" ] ||
		{ log "libc6:amd64 of $suite has no loader"; exit 1; }
	for f in "${tools[@]}"; do
		mv "$f" "$f.bin"
		printf '#!/bin/sh\nexec "%s" --library-path "%s" "$0.bin" "$@"\n' \
			"$loader" "$libdir" >"$f"
		chmod +x "$f"
	done
}
wrap_host_tools

rm -rf "$dir/debs" "$dir/apt/archives"

cat >"$env_file.tmp" <<EOT
KDIR=$kdir
IMAGE=$image
MODULES=$modules
RELEASE=$release
EOT
mv "$env_file.tmp" "$env_file"
emit
