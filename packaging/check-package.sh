#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Test the packaging end to end without touching the host's DKMS state:
# build the hvkit-dkms .deb, unpack it, and let DKMS build the modules from
# the unpacked /usr/src tree (private --dkmstree) for each cross target,
# against the Debian kernels that scripts/fetch-kernel.sh caches.
#
# usage: packaging/check-package.sh
# Environment: HVKIT_PACKAGE_TARGETS  ARCH:KVER list (default
#              "powerpc:6.1 arm64:6.1")
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
targets=${HVKIT_PACKAGE_TARGETS:-powerpc:6.1 arm64:6.1}

# The packaging tools are needed for this test only.
HVKIT_EXTRA_DEPS="build-essential dpkg-dev debhelper dh-dkms dkms" "$repo/scripts/install-deps.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "== building the Debian package"
"$repo/packaging/build-deb.sh" "$tmp/deb" >"$tmp/build-deb.log" 2>&1 ||
	{ cat "$tmp/build-deb.log"; exit 1; }
deb=$(find "$tmp/deb" -name 'hvkit-dkms_*_all.deb' | head -n1)
echo "$(basename "$deb"): $(dpkg-deb -f "$deb" Depends)"
dpkg-deb -x "$deb" "$tmp/root"
src=$(find "$tmp/root/usr/src" -mindepth 1 -maxdepth 1 -name 'hvkit-*' | head -n1)
[ -f "$src/dkms.conf" ] || { echo "no dkms.conf in the package" >&2; exit 1; }
version=${src##*/hvkit-}
modules=$(
	set +u
	# shellcheck disable=SC1091 # dkms.conf is data, read for the names
	. "$src/dkms.conf"
	echo "${BUILT_MODULE_NAME[@]}"
)
echo "package ships hvkit $version with modules: $modules"

failed=0
for t in $targets; do
	arch=${t%%:*}
	kver=${t#*:}
	case "$arch" in
	powerpc) march=ppc64le; cross=powerpc64le-linux-gnu- ;;
	arm64) march=aarch64; cross=aarch64-linux-gnu- ;;
	*) echo "unknown ARCH $arch" >&2; exit 2 ;;
	esac
	echo "== dkms build for $arch $kver"
	kdir=$("$repo/scripts/fetch-kernel.sh" "$arch" "$kver" --print kdir)
	release=$("$repo/scripts/fetch-kernel.sh" "$arch" "$kver" --print release)
	tree=$tmp/dkms-$arch-$kver
	mkdir -p "$tree"
	# DKMS runs plain make; the cross target reaches it through MAKEFLAGS.
	if ! MAKEFLAGS="ARCH=$arch CROSS_COMPILE=$cross" \
		dkms add --dkmstree "$tree" --sourcetree "$tmp/root/usr/src" \
		-m hvkit -v "$version" >"$tree.log" 2>&1 ||
		! MAKEFLAGS="ARCH=$arch CROSS_COMPILE=$cross" \
		dkms build --dkmstree "$tree" --sourcetree "$tmp/root/usr/src" \
		-m hvkit -v "$version" -k "$release" -a "$march" \
		--kernelsourcedir "$kdir" >>"$tree.log" 2>&1; then
		grep -v '^strip: ' "$tree.log"
		find "$tree" -name make.log -exec cat {} +
		echo "FAIL: dkms build for $arch $kver"
		failed=1
		continue
	fi
	for m in $modules; do
		if [ ! -f "$tree/hvkit/$version/$release/$march/module/$m.ko" ]; then
			echo "FAIL: dkms did not build $m for $arch $kver"
			failed=1
		fi
	done
	dkms status --dkmstree "$tree"
done
[ "$failed" -eq 0 ] && echo "package check: OK"
exit "$failed"
