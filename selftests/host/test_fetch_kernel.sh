#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# scripts/fetch-kernel.sh against a private Debian archive (file://) whose
# index names builds that the archive does not serve, as a mirror in the
# middle of a sync does. Packages are tiny fakes with the layout of
# Debian's kernel packages; nothing leaves this machine.
#
# usage: test_fetch_kernel.sh     (make unit runs it; prints KTAP)
set -uo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
fetch=$repo/scripts/fetch-kernel.sh
work=$(mktemp -d /tmp/hvkit-fetch-test.XXXXXX)
trap 'rm -rf "$work"' EXIT

n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n $1"; }
not_ok() {
	n=$((n + 1))
	failed=$((failed + 1))
	echo "not ok $n $1"
	[ -f "$work/log" ] && sed 's/^/# /' "$work/log"
}
result() { # DESCRIPTION : one KTAP result, from the status of the last command
	if [ $? -eq 0 ]; then ok "$1"; else not_ok "$1"; fi
}

# ---------------------------------------------------------------------------
# A fake archive: $work/archive/{debian,debian-security}/{pool,dists}.

flavour=powerpc64le
debarch=ppc64el

# fake_deb POOL NAME VERSION ARCH DEPENDS [FILE...] : build a .deb holding
# the given (empty, or Makefile-shaped) files, record its stanza.
fake_deb() {
	local pool=$1 name=$2 ver=$3 arch=$4 deps=$5 root f deb
	shift 5
	root=$work/build/$name
	rm -rf "$root"
	mkdir -p "$root/DEBIAN" "$pool"
	for f in "$@"; do
		mkdir -p "$root/$(dirname "$f")"
		case "$f" in
		*/Makefile) echo "include /usr/src/common/Makefile" >"$root/$f" ;;
		*) : >"$root/$f" ;;
		esac
	done
	{
		echo "Package: $name"
		echo "Version: $ver"
		echo "Architecture: $arch"
		echo "Maintainer: hvkit tests <hvkit@invalid>"
		[ -z "$deps" ] || echo "Depends: $deps"
		echo "Description: fake package for test_fetch_kernel.sh"
	} >"$root/DEBIAN/control"
	deb=$pool/${name}_${ver}_$arch.deb
	dpkg-deb -Zgzip --build "$root" "$deb" >/dev/null || exit 2
}

# fake_build ARCHIVE SUITE ABI VERSION : the four packages of one kernel
# build, as Debian names them (image, headers, common headers, kbuild).
fake_build() {
	local archive=$1 suite=$2 abi=$3 ver=$4 pool=$1/pool/$2
	fake_deb "$pool" "linux-image-$abi-$flavour" "$ver" $debarch "kmod" \
		"boot/vmlinux-$abi-$flavour" "usr/lib/modules/$abi-$flavour/modules.dep"
	fake_deb "$pool" "linux-headers-$abi-$flavour" "$ver" $debarch \
		"linux-headers-$abi-common (= $ver), linux-kbuild-$abi" \
		"usr/src/linux-headers-$abi-$flavour/Makefile"
	fake_deb "$pool" "linux-headers-$abi-common" "$ver" all "" \
		"usr/src/linux-headers-$abi-common/Makefile"
	fake_deb "$pool" "linux-kbuild-$abi" "$ver" amd64 "" \
		"usr/lib/linux-kbuild-6.12/scripts/placeholder"
}

# index ARCHIVE SUITE : Packages for every .deb under pool/SUITE, and a
# Release with their hashes.
index() {
	local archive=$1 suite=$2 a deb d rel
	for a in $debarch amd64; do
		d=$archive/dists/$suite/main/binary-$a
		mkdir -p "$d"
		: >"$d/Packages"
		for deb in "$archive/pool/$suite"/*.deb; do
			case "$deb" in *_"$a".deb | *_all.deb) ;; *) continue ;; esac
			{
				dpkg-deb -f "$deb"
				echo "Filename: ${deb#"$archive"/}"
				echo "Size: $(stat -c %s "$deb")"
				echo "SHA256: $(sha256sum "$deb" | cut -d' ' -f1)"
				echo
			} >>"$d/Packages"
		done
	done
	rel=$archive/dists/$suite/Release
	{
		echo "Suite: $suite"
		echo "Codename: $suite"
		echo "Components: main"
		echo "Architectures: $debarch amd64"
		echo "SHA256:"
		(cd "$archive/dists/$suite" && for f in main/binary-*/Packages; do
			echo " $(sha256sum "$f" | cut -d' ' -f1) $(stat -c %s "$f") $f"
		done)
	} >"$rel"
}

# meta ARCHIVE SUITE ABI VERSION : linux-image-<flavour> pointing at ABI.
meta() {
	fake_deb "$1/pool/$2" "linux-image-$flavour" "$4" $debarch \
		"linux-image-$3-$flavour (= $4)"
}

# unserve ARCHIVE SUITE ABI : delete a build's files after publish: the
# index still names them.
unserve() {
	rm -f "$1/pool/$2"/linux-*"$3"*.deb
}

# make_archive : trixie names 6.12.20 (meta) and has 6.12.10;
# trixie-security names 6.12.30 and 6.12.15, and an image of another
# flavour that must never be taken.
make_archive() {
	local main=$work/archive/debian sec=$work/archive/debian-security
	rm -rf "$work/archive"
	fake_build "$main" trixie 6.12.10+deb13 6.12.10-1
	fake_build "$main" trixie 6.12.20+deb13 6.12.20-1
	meta "$main" trixie 6.12.20+deb13 6.12.20-1
	fake_build "$sec" trixie-security 6.12.15+deb13 6.12.15-1
	fake_build "$sec" trixie-security 6.12.30+deb13 6.12.30-1
	fake_deb "$sec/pool/trixie-security" "linux-image-6.12.40+deb13-$flavour-64k" \
		6.12.40-1 $debarch "" "boot/vmlinux-6.12.40+deb13-$flavour-64k"
}

publish() {
	index "$work/archive/debian" trixie
	[ -d "$work/archive/debian-security/pool" ] &&
		index "$work/archive/debian-security" trixie-security
	return 0
}

# run_fetch : fetch-kernel.sh powerpc 6.12 into a fresh cache; its status in
# $rc, its stderr in $work/log, its env output in $work/env, the cache
# in $cache.
run_fetch() {
	cache=$work/cache$n
	HVKIT_CACHE=$cache \
		HVKIT_DEBIAN_MIRROR=file://$work/archive/debian \
		HVKIT_DEBIAN_SECURITY_MIRROR=file://$work/archive/debian-security \
		"$fetch" powerpc 6.12 >"$work/env" 2>"$work/log"
	rc=$?
}

env_has() { grep -qx "$1" "$work/env"; }
log_has() { grep -qE -- "$1" "$work/log"; }

echo "KTAP version 1"
echo "1..7"

# 1. Everything served: the build trixie's index names, not security's newer.
make_archive
publish
run_fetch
[ "$rc" = 0 ] && env_has VERSION=6.12.20-1 && env_has RELEASE=6.12.20+deb13-powerpc64le
result "the named build is taken when the archive serves it"

# 2. The named build and security's newest are not served: the newest that
#    downloads (6.12.15, security) is taken, said so, and cached.
make_archive
publish
unserve "$work/archive/debian" trixie 6.12.20+deb13
unserve "$work/archive/debian-security" trixie-security 6.12.30+deb13
run_fetch
[ "$rc" = 0 ] && env_has VERSION=6.12.15-1 && \
	env_has "KDIR=$cache/kernels/powerpc-6.12/root/usr/src/linux-headers-6.12.15+deb13-powerpc64le"
result "falls back to the newest build that downloads, from the -security suite"
log_has 'kernel linux-image-6.12.15\+deb13-powerpc64le 6.12.15-1: the newest build the archive serves \(linux-image-6.12.20\+deb13-powerpc64le is named'
result "says what it took instead of what"

# 3. The fallback is cached: with the archive gone, the same answer.
rm -rf "$work/archive"
HVKIT_CACHE=$cache HVKIT_DEBIAN_MIRROR=file:///nonexistent \
	"$fetch" powerpc 6.12 --print version >"$work/env" 2>"$work/log"
rc=$?
[ "$rc" = 0 ] && env_has 6.12.15-1
result "the build taken is cached"

# 4. The -security index missing (a sync in progress): the suite's own
#    builds still do.
make_archive
rm -rf "$work/archive/debian-security"
publish
unserve "$work/archive/debian" trixie 6.12.20+deb13
run_fetch
[ "$rc" = 0 ] && env_has VERSION=6.12.10-1 &&
	log_has "trixie-security index could not be downloaded"
result "goes on without the -security index"

# 5. Nothing served: one clear line and exit status 3, no env file.
make_archive
publish
for b in 6.12.10 6.12.20; do unserve "$work/archive/debian" trixie "$b+deb13"; done
for b in 6.12.15 6.12.30; do unserve "$work/archive/debian-security" trixie-security "$b+deb13"; done
run_fetch
[ "$rc" = 3 ] && [ ! -e "$cache/kernels/powerpc-6.12/env" ]
result "no kernel at all: exit 3"
[ "$(grep -c "no Debian ppc64el 6.12 kernel can be downloaded from trixie or trixie-security (4 builds" \
	"$work/log")" = 1 ]
result "no kernel at all: one line says so"

if [ "$failed" -eq 0 ]; then
	echo "# Totals: pass:$n fail:0"
	exit 0
fi
echo "# Totals: pass:$((n - failed)) fail:$failed"
exit 1
