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
#   --print kdir|image|modules|release|version|dir
#         print one path/value and exit
#
# The build taken is the one linux-image-<flavour> names in the suite's
# index. A mirror may name a build it does not serve yet (a sync in
# progress): then the newest build of the same series that downloads, from
# the suite or its -security suite, is taken, said so, and cached.
#
# Exit status: 0, 2 on usage errors, 3 when no build of the kernel can be
# downloaded at all (one line says so), 1 on any other failure.
#
# Environment: HVKIT_DEBIAN_MIRROR, HVKIT_DEBIAN_SECURITY_MIRROR override
# the archives found in the host's apt sources (a file:// archive is
# trusted as it is, for local mirrors and the tests).
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
hvk_apt_add_security "$dir" "$suite" ||
	{ log "cannot find a Debian security archive for $suite"; exit 1; }
aptopts=("${HVK_APT_OPTS[@]}")

# The suite's own index is needed; its security suite's is welcome but may
# be missing for a while (a mirror sync in progress).
log "updating package index for $suite and its security suite ($debarch)"
if ! hvk_apt_update "$dir" 2>/dev/null; then
	ls "$dir"/apt/lists/*_dists_"${suite}"_main_binary-"${debarch}"_Packages* >/dev/null 2>&1 || {
		cat "$dir/apt/update.log" >&2
		log "cannot download the $suite index for $debarch"
		exit 1
	}
	log "the $suite-security index could not be downloaded; going on with $suite's:" \
		"$(grep -m1 -E '^(E|W): ' "$dir/apt/update.log")"
fi

field() { hvk_apt_field "$@"; } # package field

# Each build of the kernel is its own set of packages named after its ABI
# (linux-image-6.12.113+deb13-powerpc64le). The ABIs of this KVER's series:
case "$kver" in
6.1) abi_re='6\.1\.0-[0-9]+' ;;
6.12) abi_re='6\.12\.[0-9]+\+deb[0-9]+(\.[0-9]+)?' ;;
7) abi_re='7\.[0-9]+\.[0-9]+\+deb[0-9]+(\.[0-9]+)?' ;;
esac

# The build the suite's index names: what linux-image-<flavour> depends on
# in $suite itself (its security suite may name a newer one).
named_image() {
	local meta=linux-image-$flavour:$debarch ver
	ver=$(apt-cache "${aptopts[@]}" madison "$meta" 2>/dev/null |
		awk -F'|' -v s=" $suite/main " 'index($3, s) { gsub(/ /, "", $2); print $2; exit }')
	[ -n "$ver" ] || return 0
	apt-cache "${aptopts[@]}" show "$meta=$ver" 2>/dev/null | sed -n 's/^Depends: //p' |
		head -n1 | tr ',' '\n' | sed 's/^ *//; s/ .*//' | grep -E '^linux-image-[0-9]' | head -n1
}

# Every other build of the series in the suite and its security suite,
# newest first: the fallbacks when the archive does not serve the named one.
other_images() {
	local p
	apt-cache "${aptopts[@]}" pkgnames linux-image- 2>/dev/null |
		grep -E "^linux-image-${abi_re}-${flavour}\$" | grep -vxF -- "$1" |
		while read -r p; do
			echo "$(field "$p:$debarch" Version) $p"
		done | sort -rV | cut -d' ' -f2
}

# resolve IMAGE_PKG : set image_ver, abi, hdr_pkg and want (the packages of
# that build, with exact versions) for IMAGE_PKG.
resolve() {
	local image_pkg=$1 deps common kbuild kbuild_ver part
	image_ver=$(field "$image_pkg:$debarch" Version)
	abi=${image_pkg#linux-image-}
	abi=${abi%-unsigned}
	hdr_pkg=linux-headers-$abi
	# The headers name the exact common-headers and kbuild packages they need.
	deps=$(field "$hdr_pkg:$debarch" Depends | tr ',' '\n' | sed 's/^ *//')
	common=$(echo "$deps" | grep -E '^linux-headers-.*-common' | sed 's/ .*//' | head -n1)
	kbuild=$(echo "$deps" | grep -E '^linux-kbuild-' | sed 's/ .*//' | head -n1)
	kbuild_ver=$(echo "$deps" | grep -E '^linux-kbuild-' | sed -n 's/.*(= \(.*\))/\1/p' | head -n1)
	[ -n "$image_ver" ] && [ -n "$kbuild" ] || return 1
	[ -n "$kbuild_ver" ] || kbuild_ver=$image_ver

	want=("$image_pkg:$debarch=$image_ver" "$hdr_pkg:$debarch=$image_ver"
		"$kbuild:amd64=$kbuild_ver")
	[ -n "$common" ] && want+=("$common:all=$image_ver")
	# Newer suites split the image package: the kernel and its modules live
	# in packages of the same ABI that the image package depends on.
	for part in $(field "$image_pkg:$debarch" Depends | tr ',|' '\n\n' |
		sed 's/^ *//; s/ .*//' | grep -F -- "$abi" | sort -u); do
		want+=("$part:$debarch=$image_ver")
	done
}

# download IMAGE_PKG : fetch the whole build into $dir/debs, or say in
# $why what the archive answered.
download() {
	rm -f "$dir"/debs/*.deb
	resolve "$1" || { why="its headers or kbuild package are not in the index"; return 1; }
	log "downloading ${want[*]}"
	if (cd "$dir/debs" && apt-get -q "${aptopts[@]}" download "${want[@]}" \
		>"$dir/apt/download.log" 2>&1); then
		return 0
	fi
	why=$(grep -m1 '^E: ' "$dir/apt/download.log" | sed 's/^E: //; s/ \[IP: .*//')
	[ -n "$why" ] || why=$(tail -n1 "$dir/apt/download.log")
	return 1
}

named=$(named_image || true)
[ -n "$named" ] || log "$suite's index names no linux-image-$flavour; looking for any $kver build"
took=
tried=0
for image_pkg in $named $(other_images "$named"); do
	tried=$((tried + 1))
	if download "$image_pkg"; then
		took=$image_pkg
		break
	fi
	log "the archive does not serve $image_pkg $image_ver: $why"
done
if [ -z "$took" ]; then
	log "no Debian $debarch $kver kernel can be downloaded from $suite or $suite-security" \
		"($tried builds in the index, none served)"
	exit 3
fi
if [ "$took" = "$named" ]; then
	log "kernel $took $image_ver"
else
	log "kernel $took $image_ver: the newest build the archive serves" \
		"(${named:-none} is named by $suite's index but not served); cached as the $arch $kver kernel"
fi
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
VERSION=$image_ver
EOT
mv "$env_file.tmp" "$env_file"
emit
