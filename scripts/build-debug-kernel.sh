#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Build the hvkit debug kernel (KASAN, lockdep, kmemleak, debugobjects,
# fault injection, KUnit) for a test guest, from Debian's linux-source-6.1,
# cross-compiled and out of tree, into a cache directory. Nothing is
# installed on the host. Documentation/debug-kernel.rst describes it.
#
# usage: build-debug-kernel.sh ARCH [options]
#   ARCH               powerpc | arm64 (also ppc64le, ppc64el, aarch64)
#   --kver 6.1         the only kernel version there is a recipe for
#   --print WHAT       kdir | image | modules | release | dir | env (default:
#                      the whole env file) on stdout, after building if needed;
#                      source: only download and unpack the kernel source
#                      (no build) and print its directory
#   --force            rebuild from scratch even if the cached build is current
#   --verify-config    only check the cached .config against the fragments
#   -j N               parallel jobs (default: number of CPUs)
#
# The configuration is allnoconfig plus these fragments of kernel-configs/,
# merged with the kernel's scripts/kconfig/merge_config.sh in this order:
#   base-common.config  base-<ARCH>.config  debug.config  $HVKIT_DEBUG_FRAGMENTS
# and afterwards every symbol the fragments name must have exactly the
# requested value in the final .config, or the build fails.
#
# Layout of the cache ($HVKIT_CACHE, default ~/.cache/hvkit):
#   debug-kernel/src/<version>/linux-source-6.1/  the unpacked source
#   debug-kernel/<arch>-6.1/build/     O= build tree; KDIR for M= builds
#   debug-kernel/<arch>-6.1/modules/   INSTALL_MOD_PATH (lib/modules/<release>)
#   debug-kernel/<arch>-6.1/env        KDIR=, IMAGE=, MODULES=, RELEASE=, ...
#   debug-kernel/<arch>-6.1/stamp      hash of source version, compiler,
#                                      recipe and fragments of that build
#   debug-kernel/<arch>-6.1/build.log  the last build's kbuild output
#
# Environment:
#   HVKIT_CACHE                  cache directory
#   HVKIT_LINUX_SOURCE_VERSION   Debian version of linux-source-6.1 to use
#                                (default: the host apt's candidate)
#   HVKIT_DEBUG_FRAGMENTS        more fragment files, merged last
#   CROSS_COMPILE                compiler prefix (default per ARCH)
set -euo pipefail
# Variables of an outer make (make ARCH=... KVER=6.1-debug) must not reach
# the kernel build.
unset MAKEFLAGS MFLAGS MAKEOVERRIDES MAKELEVEL

me=build-debug-kernel
log() { echo "$me: $*" >&2; }
die() { log "$*"; exit 1; }
usage() { sed -n '/^# usage:/,/^# The configuration/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2; }

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
frag_dir=$repo/kernel-configs
src_pkg=linux-source-6.1
# Bump when the build steps change in a way that needs a new build.
recipe=1

arch=
kver=6.1
print=all
force=0
verify_only=0
jobs=$(nproc 2>/dev/null || echo 2)
while [ $# -gt 0 ]; do
	case "$1" in
	--kver) kver=${2:?}; shift ;;
	--print) print=${2:?}; shift ;;
	--force) force=1 ;;
	--verify-config) verify_only=1 ;;
	-j) jobs=${2:?}; shift ;;
	-j*) jobs=${1#-j} ;;
	-h | --help) usage ;;
	-*) log "unknown option $1"; usage ;;
	*) [ -z "$arch" ] || usage; arch=$1 ;;
	esac
	shift
done

case "$arch" in
powerpc | ppc64le | ppc64el)
	arch=powerpc
	cross=powerpc64le-linux-gnu-
	image_rel=vmlinux
	targets=(vmlinux modules) ;;
arm64 | aarch64)
	arch=arm64
	cross=aarch64-linux-gnu-
	image_rel=arch/arm64/boot/Image
	targets=(Image modules) ;;
"") log "ARCH is required"; usage ;;
*) die "no debug kernel recipe for ARCH=$arch (powerpc, arm64)" ;;
esac
[ "$kver" = 6.1 ] || die "no debug kernel recipe for KVER=$kver (only 6.1)"
case "$print" in all | kdir | image | modules | release | dir | env | source) ;;
*) die "unknown --print $print" ;; esac
case "$jobs" in '' | *[!0-9]*) die "not a number: -j $jobs" ;; esac
cross=${CROSS_COMPILE:-$cross}

cache=${HVKIT_CACHE:-$HOME/.cache/hvkit}
top=$cache/debug-kernel
dir=$top/$arch-$kver
obj=$dir/build
env_file=$dir/env

# Fragments in merge order.
frags=("$frag_dir/base-common.config" "$frag_dir/base-$arch.config" "$frag_dir/debug.config")
# shellcheck disable=SC2206 # a list of paths
[ -z "${HVKIT_DEBUG_FRAGMENTS:-}" ] || frags+=(${HVKIT_DEBUG_FRAGMENTS})
for f in "${frags[@]}"; do
	[ -f "$f" ] || die "missing config fragment $f"
done

# shellcheck source=scripts/lib/kernel-env.sh
. "$(dirname "$0")/lib/kernel-env.sh"

emit() {
	kernel_env_print "$env_file" "$print" "$dir" ||
		die "unknown --print $print"
}

# verify_config CONFIG FRAGMENT... : every symbol a fragment sets (the last
# fragment that names it wins, as in merge_config.sh) must have that value
# in CONFIG; "is not set" also accepts a symbol that is absent (unavailable
# symbols are not written). Prints each mismatch; fails if there is one.
verify_config() {
	local config=$1
	shift
	awk '
	function want(sym, val) { req[sym] = val; where[sym] = FILENAME ":" FNR }
	FILENAME != cfg && /^CONFIG_[A-Za-z0-9_]+=/ {
		i = index($0, "="); want(substr($0, 1, i - 1), substr($0, i + 1)); next
	}
	FILENAME != cfg && /^# CONFIG_[A-Za-z0-9_]+ is not set$/ { want($2, "n"); next }
	FILENAME == cfg && /^CONFIG_[A-Za-z0-9_]+=/ {
		i = index($0, "="); have[substr($0, 1, i - 1)] = substr($0, i + 1); next
	}
	FILENAME == cfg && /^# CONFIG_[A-Za-z0-9_]+ is not set$/ { have[$2] = "n"; next }
	END {
		for (s in req) {
			got = (s in have) ? have[s] : "n"
			if (got != req[s]) {
				printf "%s: requested %s, got %s (%s)\n", s, req[s],
					(s in have) ? got : "n (not in .config)", where[s]
				bad++
			}
			n++
		}
		if (bad) { printf "%d of %d requested symbols differ\n", bad, n; exit 1 }
		printf "all %d requested symbols as requested\n", n
	}' cfg="$config" "$@" "$config"
}

if [ "$verify_only" = 1 ]; then
	[ -f "$obj/.config" ] || die "no configured build in $obj"
	verify_config "$obj/.config" "${frags[@]}"
	exit
fi

command -v "${cross}gcc" >/dev/null ||
	die "${cross}gcc not found (scripts/install-deps.sh installs it)"

mkdir -p "$dir"
# One build per architecture at a time (make, the VM runner and check may
# all ask for it); the holder finishes, the others then find it current.
# The source alone (--print source) has a lock of its own.
exec {lock}>"$top/$arch-$kver.lock"
if [ "$print" != source ] && ! flock -n "$lock"; then
	log "waiting for another build of the $arch debug kernel"
	flock "$lock"
fi

# ---------------------------------------------------------------------------
# Source: linux-source-6.1 from the Debian archive the host's apt uses,
# downloaded (not installed) and unpacked into the cache.

root_opt=()
[ "$(id -u)" -ne 0 ] || root_opt=(-o APT::Sandbox::User=root)

src_version() {
	local v=${HVKIT_LINUX_SOURCE_VERSION:-}
	[ -n "$v" ] || v=$(apt-cache policy "$src_pkg" 2>/dev/null |
		sed -n 's/^ *Candidate: //p' | grep -v '(none)' || true)
	if [ -z "$v" ]; then
		# No package index (no apt-get update yet): use an unpacked source.
		v=$(find "$top/src" -mindepth 2 -maxdepth 2 -name .complete 2>/dev/null |
			sed 's#/\.complete$##; s#.*/##' | sort -V | tail -n1)
	fi
	[ -n "$v" ] || die "apt knows no $src_pkg: run apt-get update"
	echo "$v"
}

fetch_source() { # version -> sets src
	local v=$1 sdir tmp deb tarball
	sdir=$top/src/$v
	src=$sdir/$src_pkg
	[ -f "$sdir/.complete" ] && return 0
	exec {slock}>"$top/src.lock"
	flock "$slock"
	if [ ! -f "$sdir/.complete" ]; then
		log "downloading $src_pkg $v (about 140 MB; nothing is installed)"
		rm -rf "$sdir"
		mkdir -p "$sdir"
		tmp=$(mktemp -d "$top/src/dl.XXXXXX")
		(cd "$tmp" && apt-get -q "${root_opt[@]}" download "$src_pkg=$v" >&2) ||
			{ rm -rf "$tmp"; die "apt-get download $src_pkg=$v failed"; }
		deb=$(find "$tmp" -maxdepth 1 -name '*.deb' | head -n1)
		tarball=$(dpkg-deb -c "$deb" | grep -o '\./usr/src/linux-source-[^/]*\.tar\.xz$' | head -n1)
		[ -n "$tarball" ] || { rm -rf "$tmp"; die "no kernel source tarball in $deb"; }
		log "unpacking $(basename "$tarball")"
		dpkg-deb --fsys-tarfile "$deb" | tar -xO -f - "$tarball" | tar -xJ -f - -C "$sdir" ||
			{ rm -rf "$tmp"; die "cannot unpack $tarball"; }
		rm -rf "$tmp"
		[ -f "$src/Makefile" ] || die "unexpected source layout in $sdir"
		echo "$v" >"$sdir/.complete"
	fi
	exec {slock}>&-
}

version=$(src_version)
if [ "$print" = source ]; then
	fetch_source "$version"
	echo "$src"
	exit 0
fi

# ---------------------------------------------------------------------------
# Current? The stamp covers everything the build depends on besides the
# kernel source itself (named by its Debian version).

stamp_text() {
	local f
	echo "recipe $recipe"
	echo "source $src_pkg $version"
	echo "arch $arch targets ${targets[*]}"
	echo "compiler $("${cross}gcc" --version | head -n1)"
	for f in "${frags[@]}"; do
		echo "fragment $(basename "$f")"
		cat "$f"
	done
}
stamp=$(stamp_text | sha256sum | cut -d' ' -f1)

current() {
	[ "$force" = 0 ] && [ -f "$env_file" ] && [ "$(cat "$dir/stamp" 2>/dev/null)" = "$stamp" ] ||
		return 1
	# shellcheck disable=SC1090
	(. "$env_file" && [ -f "$IMAGE" ] && [ -f "$KDIR/Module.symvers" ] && [ -d "$MODULES" ])
}
if current; then
	emit
	exit 0
fi

fetch_source "$version"

# ---------------------------------------------------------------------------
# Configure: allnoconfig + fragments, then verify.

rm -f "$env_file" "$dir/stamp"
if [ "$force" = 1 ] || [ "$(cat "$dir/source" 2>/dev/null)" != "$src" ]; then
	# A build tree belongs to one source tree: start afresh.
	rm -rf "$obj"
fi
mkdir -p "$obj"
echo "$src" >"$dir/source"
blog=$dir/build.log
kmake=(make -C "$src" O="$obj" ARCH="$arch" CROSS_COMPILE="$cross")

t0=$SECONDS
log "configuring $arch ($src_pkg $version): allnoconfig + $(for f in "${frags[@]}"; do basename "$f"; done | tr '\n' ' ')"
# merge_config.sh runs make in the source tree and writes its temporary
# files there; the result goes to $obj/.config.
if ! (cd "$src" && ARCH=$arch CROSS_COMPILE=$cross \
	scripts/kconfig/merge_config.sh -n -O "$obj" "${frags[@]}") >"$blog" 2>&1; then
	tail -n 30 "$blog" >&2
	die "merge_config.sh failed (log: $blog)"
fi
if ! verify_config "$obj/.config" "${frags[@]}" >"$dir/config-check.txt"; then
	cat "$dir/config-check.txt" >&2
	die "the merged .config does not have what the fragments ask for (see above; $obj/.config)"
fi
log "$(tail -n1 "$dir/config-check.txt")"

# ---------------------------------------------------------------------------
# Build: the image and the modules, which leaves the tree ready for
# external module builds (what modules_prepare would do, and Module.symvers).

log "building ${targets[*]} with -j$jobs (log: $blog); this takes a while"
if ! "${kmake[@]}" -j"$jobs" "${targets[@]}" >>"$blog" 2>&1; then
	grep -E 'error|Error' "$blog" | tail -n 20 >&2 || true
	tail -n 20 "$blog" >&2
	die "kernel build failed (log: $blog)"
fi
release=$("${kmake[@]}" -s kernelrelease 2>>"$blog")
[ -n "$release" ] || die "cannot read the kernel release"
[ -f "$obj/Module.symvers" ] || die "no Module.symvers in $obj"

moddir=$dir/modules
rm -rf "$moddir"
if ! "${kmake[@]}" INSTALL_MOD_PATH="$moddir" modules_install >>"$blog" 2>&1; then
	tail -n 20 "$blog" >&2
	die "modules_install failed (log: $blog)"
fi
# The links back into the build tree are of no use to a guest.
rm -f "$moddir/lib/modules/$release/build" "$moddir/lib/modules/$release/source"
secs=$((SECONDS - t0))

cat >"$env_file.tmp" <<EOT
KDIR=$obj
IMAGE=$obj/$image_rel
MODULES=$moddir/lib/modules/$release
RELEASE=$release
SOURCE_VERSION=$version
CROSS_COMPILE=$cross
BUILD_SECONDS=$secs
EOT
echo "$stamp" >"$dir/stamp"
mv "$env_file.tmp" "$env_file"
log "built $release for $arch in $((secs / 60)) min $((secs % 60)) s"
emit
