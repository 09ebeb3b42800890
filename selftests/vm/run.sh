#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# hvkit in-VM test runner: boots Debian's kernel under QEMU (TCG) with an
# initramfs holding busybox, the hvkit modules and the guest test scripts,
# collects the KTAP document the guest prints and judges the run.
# Documentation/testing-vm.rst describes it in full.
#
# usage: run.sh --arch ppc64le|arm64 [options]
#   --kver K            Debian kernel: 6.1 (default), 6.12, 7; 6.1-debug
#                       is short for --kver 6.1 --kernel debug
#   --kernel NAME       kernel provider: distro (default), or debug: the
#                       debug kernel of scripts/build-debug-kernel.sh
#                       (KASAN, lockdep, kmemleak; built on first use)
#   --modules DIR       hvkit .ko files (default build/<karch>-<kver>/, built
#                       with make when missing or older than the sources)
#   --no-build          never run make; use the .ko files as they are
#   --tests 'a b'       test scripts to run in every boot (default: the plan);
#                       a word BOOT:TEST is for that boot only
#   --boots 'x y'       boots of the plan to run (default: all)
#   --skip-boots 'x y'  leave these boots out (of --boots, else of all)
#   --set 'k=v ...'     plan keys for every boot, after the plan's own
#                       (e.g. --set 'seed=7' to run a hostile boot again)
#   --tests-dir DIR     more test scripts (e.g. selftests/vm/meta)
#   --distro-modules 'm ...'
#                       distro kernel modules to pack (with dependencies) in
#                       addition to the plan's modules= (guest: modprobe m)
#   --out DIR           output directory (default
#                       build/selftests/<arch>-<kver>/<timestamp>/)
#   --timeout S         hard limit per boot, QEMU is killed after it (300)
#   --test-timeout S    limit per test script inside the guest (120)
#   --keep              keep initramfs and disk images even if all passed
#   --icount            run the guest under -icount shift=3,sleep=off: its
#                       clock counts its own instructions, so benchmark
#                       figures measured in the guest hold still on a busy
#                       host (they then measure guest cost, not latency)
#   -v, --verbose       stream the guest console while it runs
#   --list              list the plan's boots and the known tests
# Benchmark mode (see bench/):
#   --bench WORKLOAD --alternate N --set-a 'mods...' --set-b 'mods...'
#                       boots 2N times alternating set A and set B, runs
#                       bench/WORKLOAD.sh and reports per-metric medians
#                       and the ratio B/A. A set lists modules to load in
#                       order (hvkit or distro) and VAR=value words that are
#                       passed to the workload's environment. With
#                       --boots 'x y', set A boots x and set B boots y.
#
# Environment: HVKIT_CACHE (default ~/.cache/hvkit) for kernels and guest
# packages; HVKIT_EXTRA_DEPS more host packages to install when missing.
#
# Exit status: 0 when every test passed, 1 when anything failed, 2 on
# usage or setup errors, 77 when the Debian archive serves no build of the
# kernel (--kernel distro; scripts/check.sh shows SKIP).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
# shellcheck source=scripts/lib/kmods.sh
. "$repo/scripts/lib/kmods.sh"

log() { echo "run.sh: $*" >&2; }
die() { log "$*"; exit 2; }
usage() {
	sed -n '/^# usage:/,/^# Exit status/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2
	exit 2
}

# ----------------------------------------------------------------------------
# Options

arch=
kver=6.1
kernel=distro
moddir=
build=1
tests_override=
boots_select=
boots_skip=
tests_dirs=("$here/tests")
extra_distro_mods=
out=
timeout=300
test_timeout=120
limits_given=
keep=0
icount=0
verbose=0
list=0
bench=
alternate=3
set_a=
set_b=
set_kv=
while [ $# -gt 0 ]; do
	case "$1" in
	--arch) arch=${2:?}; shift ;;
	--kver) kver=${2:?}; shift ;;
	--kernel) kernel=${2:?}; shift ;;
	--modules) moddir=${2:?}; shift ;;
	--no-build) build=0 ;;
	--tests) tests_override=${2?}; shift ;;
	--boots) boots_select=${2?}; shift ;;
	--skip-boots) boots_skip=${2?}; shift ;;
	--set) set_kv=${2?}; shift ;;
	--tests-dir) tests_dirs+=("$(cd "${2:?}" && pwd)"); shift ;;
	--distro-modules) extra_distro_mods=${2?}; shift ;;
	--out) out=${2:?}; shift ;;
	--timeout) timeout=${2:?}; limits_given+=b; shift ;;
	--test-timeout) test_timeout=${2:?}; limits_given+=t; shift ;;
	--keep) keep=1 ;;
	--icount) icount=1 ;;
	-v | --verbose) verbose=1 ;;
	--list) list=1 ;;
	--bench) bench=${2:?}; shift ;;
	--alternate) alternate=${2:?}; shift ;;
	--set-a) set_a=${2?}; shift ;;
	--set-b) set_b=${2?}; shift ;;
	-h | --help) usage ;;
	*) log "unknown argument $1"; usage ;;
	esac
	shift
done

# KVER=6.1-debug, as the Makefile spells the debug kernel.
case "$kver" in *-debug) kver=${kver%-debug}; kernel=debug ;; esac

case "$arch" in
ppc64le | powerpc | ppc64el) arch=ppc64le; karch=powerpc ;;
arm64 | aarch64) arch=arm64; karch=arm64 ;;
"") log "--arch is required"; usage ;;
*) die "unsupported --arch $arch (ppc64le, arm64)" ;;
esac
for n in "$timeout" "$test_timeout" "$alternate"; do
	case "$n" in '' | *[!0-9]*) die "not a number: $n" ;; esac
done
if [ -n "$bench" ]; then
	[ -f "$here/bench/$bench.sh" ] || die "no workload $here/bench/$bench.sh"
	[ "$alternate" -ge 1 ] || die "--alternate must be at least 1"
fi

# ----------------------------------------------------------------------------
# Plan: "boot NAME key=value..." lines, sourced from plans/<arch>.

boot_names=()
declare -A boot_kv=()
boot() {
	local name=$1 kv
	shift
	boot_names+=("$name")
	boot_kv[$name]=
	for kv in "$@"; do
		case "$kv" in
		*=*) ;;
		*) die "plan $arch: boot $name: '$kv' is not key=value" ;;
		esac
		boot_kv[$name]+="${kv}"$'\n'
	done
}
# boot_get NAME KEY : value of KEY for boot NAME (empty if unset).
boot_get() {
	printf '%s' "${boot_kv[$1]}" | sed -n "s/^$2=//p" | tail -n1
}
# shellcheck source=plans/ppc64le
. "$here/plans/$arch"
[ ${#boot_names[@]} -gt 0 ] || die "plan $arch has no boots"
# --set: the same keys appended to every boot; boot_get takes the last.
for kv in $set_kv; do
	case "$kv" in
	[a-z]*=*) ;;
	*) die "--set: '$kv' is not key=value" ;;
	esac
	for b in "${boot_names[@]}"; do
		boot_kv[$b]+="${kv}"$'\n'
	done
done

known_tests() {
	local d f
	for d in "${tests_dirs[@]}"; do
		for f in "$d"/*.sh; do
			[ -f "$f" ] && basename "$f" .sh
		done
	done | sort -u
}

if [ "$list" = 1 ]; then
	echo "boots of plan $arch:"
	for b in "${boot_names[@]}"; do
		echo "  $b: $(printf '%s' "${boot_kv[$b]}" | tr '\n' ' ')"
	done
	echo "tests: $(known_tests | tr '\n' ' ')"
	echo "workloads: $(cd "$here/bench" && ls -- *.sh 2>/dev/null | sed 's/\.sh$//' | tr '\n' ' ')"
	exit 0
fi

for b in $boots_select $boots_skip; do
	[ -n "${boot_kv[$b]+x}" ] || die "plan $arch has no boot $b (have: ${boot_names[*]})"
done
# Plan key default=no: a boot only for the benchmarks, run when named.
default_boots=()
for b in "${boot_names[@]}"; do
	[ "$(boot_get "$b" default)" = no ] || default_boots+=("$b")
done
# The boots this run is about: --boots, else the default ones.
selected_boots=("${default_boots[@]}")
# shellcheck disable=SC2206 # word splitting is intended
[ -z "$boots_select" ] || selected_boots=($boots_select)
# --skip-boots: check.sh shares the debug kernel's plan between two lanes.
if [ -n "$boots_skip" ]; then
	kept=()
	for b in "${selected_boots[@]}"; do
		case " $boots_skip " in *" $b "*) ;; *) kept+=("$b") ;; esac
	done
	selected_boots=("${kept[@]}")
	[ ${#selected_boots[@]} -gt 0 ] || die "--skip-boots '$boots_skip' leaves no boot to run"
fi

# ----------------------------------------------------------------------------
# Host dependencies: installed with apt-get when missing.

host_packages=(qemu-system-ppc qemu-system-arm device-tree-compiler cpio
	gcc-powerpc64le-linux-gnu gcc-aarch64-linux-gnu xz-utils kmod make
	python3 iperf3 rsync)
# More packages, as for scripts/install-deps.sh.
# shellcheck disable=SC2206 # word splitting is intended
[ -z "${HVKIT_EXTRA_DEPS:-}" ] || host_packages+=(${HVKIT_EXTRA_DEPS})

ensure_host_deps() {
	local p st missing=() sudo=()
	command -v dpkg-query >/dev/null || die "needs a Debian system (dpkg-query not found)"
	for p in "${host_packages[@]}"; do
		st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
		[ "$st" = installed ] || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	log "installing host packages: ${missing[*]}"
	if [ "$(id -u)" -ne 0 ]; then
		command -v sudo >/dev/null || die "not root and no sudo: install ${missing[*]}"
		sudo=(sudo)
	fi
	"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -q update >&2
	"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -q -y \
		--no-install-recommends -o Dpkg::Options::=--force-confdef \
		-o Dpkg::Options::=--force-confold install "${missing[@]}" </dev/null >&2
}
ensure_host_deps

# ----------------------------------------------------------------------------
# Kernel providers. Each sets:
#   K_IMAGE          kernel image for -kernel
#   K_RELEASE        uname -r of that kernel
#   K_DISTRO_MODS    its modules directory (lib/modules/<release>)
#   K_HVKIT_DEFAULT  default hvkit .ko directory for that kernel
#   K_BUILD          command (array) that builds the .ko into K_HVKIT_DEFAULT
#   K_CMDLINE        extra kernel command line
# and may set:
#   K_TAG            the kernel's name in output paths (default: the kver)
#   K_STAMP          a file that changes with the kernel: hvkit modules
#                    older than it are rebuilt
#   K_SLOWDOWN       how many times slower than the distro kernel it runs:
#                    the default time limits are multiplied by it
# A new provider is a function kernel_<name>; nothing else needs to change.

kernel_distro() {
	local env rc=0
	env=$("$repo/scripts/fetch-kernel.sh" "$karch" "$kver") || rc=$?
	# Status 3: the archive serves no build of that kernel at all (it said
	# which it tried). Not hvkit's failure: the run is skipped, loudly.
	if [ "$rc" = 3 ]; then
		log "SKIP: no Debian $karch $kver kernel can be downloaded (scripts/fetch-kernel.sh, above); nothing was run"
		exit 77
	fi
	[ "$rc" = 0 ] || die "cannot fetch the Debian $karch $kver kernel"
	K_IMAGE=$(sed -n 's/^IMAGE=//p' <<<"$env")
	K_RELEASE=$(sed -n 's/^RELEASE=//p' <<<"$env")
	K_DISTRO_MODS=$(sed -n 's/^MODULES=//p' <<<"$env")
	K_HVKIT_DEFAULT=$repo/build/$karch-$kver
	K_BUILD=(make -C "$repo" ARCH="$karch" KVER="$kver" HVKIT_SELFTEST=m)
	K_CMDLINE=
}

# The debug kernel (Documentation/debug-kernel.rst), built from Debian's
# kernel source into the cache on first use: about a quarter of an hour on
# two cores, then cached. kasan_multi_shot: report every KASAN finding,
# not only the first one.
kernel_debug() {
	local env
	[ "$kver" = 6.1 ] || die "--kernel debug: there is only a 6.1 debug kernel (got --kver $kver)"
	log "debug kernel: scripts/build-debug-kernel.sh $karch (long on the first run, then cached)"
	env=$("$repo/scripts/build-debug-kernel.sh" "$karch") ||
		die "cannot build the $karch debug kernel"
	K_IMAGE=$(sed -n 's/^IMAGE=//p' <<<"$env")
	K_RELEASE=$(sed -n 's/^RELEASE=//p' <<<"$env")
	K_DISTRO_MODS=$(sed -n 's/^MODULES=//p' <<<"$env")
	K_TAG=$kver-debug
	# Written when a build of the kernel completes.
	K_STAMP=$(dirname "$(sed -n 's/^KDIR=//p' <<<"$env")")/env
	K_HVKIT_DEFAULT=$repo/build/$karch-$K_TAG
	K_BUILD=(make -C "$repo" ARCH="$karch" KVER="$K_TAG" HVKIT_SELFTEST=m)
	K_CMDLINE=kasan_multi_shot
	# KASAN, lockdep and kmemleak make the guest 3 to 4 times slower.
	K_SLOWDOWN=3
}

declare -F "kernel_$kernel" >/dev/null || die "unknown --kernel $kernel (known: distro, debug)"
"kernel_$kernel"
[ -f "$K_IMAGE" ] || die "kernel image $K_IMAGE missing"
# The time limits of a slower kernel, unless they were given.
if [ -n "${K_SLOWDOWN:-}" ]; then
	case "$limits_given" in *b*) ;; *) timeout=$((timeout * K_SLOWDOWN)) ;; esac
	case "$limits_given" in *t*) ;; *) test_timeout=$((test_timeout * K_SLOWDOWN)) ;; esac
fi

# ----------------------------------------------------------------------------
# hvkit modules

hvkit_modules=(hv_vio hv_console hv_net hv_scsi hvk_selftest)

modules_stale() { # dir : true if a .ko is missing or older than a source
	local m newest
	for m in "${hvkit_modules[@]}"; do
		[ -f "$1/$m.ko" ] || return 0
		[ -z "${K_STAMP:-}" ] || [ ! "$K_STAMP" -nt "$1/$m.ko" ] || return 0
	done
	newest=$(cd "$repo" && find Kbuild Makefile drivers hypercall include selftests/kmod \
		-type f -newer "$1/$(cd "$1" && ls -t -- *.ko | tail -n1)" -print -quit 2>/dev/null)
	[ -n "$newest" ]
}

if [ -z "$moddir" ]; then
	moddir=$K_HVKIT_DEFAULT
	if [ "$build" = 1 ] && modules_stale "$moddir"; then
		log "building hvkit modules: ${K_BUILD[*]}"
		mkdir -p "$repo/build"
		mlog=$repo/build/.vm-make-$karch-$kver.log
		# Serialise with other runs of this script; the build tree is shared,
		# so a build clobbered by a concurrent one gets a second chance.
		if ! flock "$repo/build/.vm-make-$karch-$kver.lock" "${K_BUILD[@]}" >"$mlog" 2>&1; then
			log "build failed, retrying once"
			sleep 3
			flock "$repo/build/.vm-make-$karch-$kver.lock" "${K_BUILD[@]}" >"$mlog" 2>&1 ||
				{ tail -n 40 "$mlog" >&2; die "module build failed (log: $mlog)"; }
		fi
	fi
fi
moddir=$(cd "$moddir" 2>/dev/null && pwd) || die "no module directory $moddir"
for m in "${hvkit_modules[@]}"; do
	[ -f "$moddir/$m.ko" ] || die "missing $moddir/$m.ko"
done

# ----------------------------------------------------------------------------
# Guest userland

# The guest userland (busybox, and the plan's debs=) comes from bookworm
# whatever the kernel: every kernel then runs the tests with the same tools,
# so a difference between kernels is the kernel's, and bookworm's userland
# runs on the newer kernels. Trixie's could not be packed anyway: its
# ppc64el libc6 (2.41-12+deb13u5), which every dynamic tool needs, is named
# by the index but not served (404, December 2026).
guest_suite=bookworm
bbroot=$("$repo/scripts/fetch-debs.sh" --suite "$guest_suite" "$karch" busybox-static) ||
	die "cannot fetch busybox-static for $karch"
busybox=$bbroot/bin/busybox
[ -x "$busybox" ] || die "no busybox in $bbroot"

# ----------------------------------------------------------------------------
# Output directory

stamp=$(date +%Y%m%d-%H%M%S)
if [ -z "$out" ]; then
	out=$repo/build/selftests/$arch-${K_TAG:-$kver}/$stamp
	# Two runs started in the same second get different directories.
	[ ! -e "$out" ] || out=$out-$$
fi
mkdir -p "$out"
out=$(cd "$out" && pwd)
: >"$out/console.log"
log "output in $out"

# ----------------------------------------------------------------------------
# Initramfs

# Known-benign kernel log patterns, and the patterns of kernel reports
# that fail a run, without comments and blank lines.
grep -v -E '^(#|[[:space:]]*$)' "$here/lib/dmesg-allow" >"$out/dmesg-allow"
grep -v -E '^(#|[[:space:]]*$)' "$here/lib/dmesg-deny" >"$out/dmesg-deny"

# cpio_pack DIR FILE : newc archive of DIR, owned by root, gzip-compressed.
cpio_pack() {
	(cd "$1" && find . -mindepth 1 | LC_ALL=C sort |
		cpio --quiet -o -H newc -R 0:0) | gzip -1 >"$2"
}

# modules.dep of the kernel's modules. Debian's postinst normally makes it;
# the packages were only unpacked, so depmod runs here, writing into the
# cache (never into the extracted kernel tree).
distro_modules_dep() {
	local dep_root=${HVKIT_CACHE:-$HOME/.cache/hvkit}/depmod/$kernel-$K_RELEASE
	if [ -f "$K_DISTRO_MODS/modules.dep" ]; then
		echo "$K_DISTRO_MODS/modules.dep"
		return
	fi
	if [ ! -f "$dep_root/lib/modules/$K_RELEASE/modules.dep" ]; then
		# A hard-linked copy of the module tree (bookworm's depmod has no
		# --outdir), then depmod on that.
		local d=$dep_root/lib/modules/$K_RELEASE f
		rm -rf "$dep_root"
		mkdir -p "$d"
		cp -al "$K_DISTRO_MODS/kernel" "$d/" 2>/dev/null ||
			cp -a "$K_DISTRO_MODS/kernel" "$d/"
		for f in modules.order modules.builtin modules.builtin.modinfo; do
			[ -f "$K_DISTRO_MODS/$f" ] && cp "$K_DISTRO_MODS/$f" "$d/"
		done
		depmod -b "$dep_root" "$K_RELEASE" || die "depmod failed for $K_RELEASE"
	fi
	echo "$dep_root/lib/modules/$K_RELEASE/modules.dep"
}

# Distro modules named NAMES (with their dependencies from modules.dep)
# into DIR/lib/modules/<release>/, with a matching modules.dep.
pack_distro_modules() { # dir names...
	local dst=$1/lib/modules/$K_RELEASE name line path deps=() depfile
	shift
	[ $# -gt 0 ] || return 0
	depfile=$(distro_modules_dep)
	mkdir -p "$dst"
	for name in "$@"; do
		name=${name//-/_}
		line=$(awk -F: -v n="$name" '{
			f = $1; sub(/.*\//, "", f); sub(/\.ko(\.[a-z]+)?$/, "", f); gsub(/-/, "_", f)
			if (f == n) { print; exit } }' "$depfile")
		[ -n "$line" ] || die "distro kernel $K_RELEASE has no module $name"
		deps+=("${line%%:*}")
		for path in ${line#*:}; do
			deps+=("$path")
		done
	done
	for path in $(printf '%s\n' "${deps[@]}" | sort -u); do
		mkdir -p "$dst/$(dirname "$path")"
		cp "$K_DISTRO_MODS/$path" "$dst/$path"
		grep -E "^$path:" "$depfile" >>"$dst/modules.dep"
	done
}

# Guest helpers written in C (selftests/vm/guest-tools/*.c), built static
# with the cross compiler: busybox has no way to make some system calls.
build_guest_tools() { # destdir
	local cc src
	case "$karch" in
	powerpc) cc=powerpc64le-linux-gnu-gcc ;;
	arm64) cc=aarch64-linux-gnu-gcc ;;
	esac
	for src in "$here"/guest-tools/*.c; do
		[ -f "$src" ] || continue
		"$cc" -static -O2 -Wall -Wextra -Werror -o "$1/$(basename "$src" .c)" \
			"$src" || die "cannot build guest tool $src"
	done
}

# scripts/fetch-debs.sh --libs for PACKAGES, printing where they are
# unpacked. It resolves the libraries with two apt-cache runs per package,
# which takes minutes on a busy machine even when everything is unpacked
# already, so a set it has unpacked is remembered: a stamp in the cache,
# named after the sorted package names, holding that directory. The stamp
# counts only while no package index of that cache is newer than it.
guest_debs_root() { # packages...
	local dir key stamp root
	dir=$(
		# shellcheck source=../../scripts/fetch-debs.sh
		. "$repo/scripts/fetch-debs.sh"
		echo "${HVKIT_CACHE:-$HOME/.cache/hvkit}/debs/$(hvk_apt_debarch "$karch")-$guest_suite"
	)
	key=$(printf '%s\n' "$@" | sort -u | sha256sum | cut -c1-16)
	stamp=$dir/sets/$key
	if [ -s "$stamp" ] && [ -d "$(cat "$stamp")" ] && [ -d "$dir/apt/lists" ] &&
		[ -z "$(find "$dir/apt/lists" -maxdepth 1 -name '*_Packages*' -newer "$stamp" -print -quit)" ]; then
		cat "$stamp"
		return 0
	fi
	root=$("$repo/scripts/fetch-debs.sh" --libs --suite "$guest_suite" "$karch" "$@") || return 1
	mkdir -p "$dir/sets"
	echo "$root" >"$stamp.$$"
	mv "$stamp.$$" "$stamp"
	echo "$root"
}

# Guest packages (plan key debs="iperf3 ethtool"): the union over the boots
# of this run (--boots, else all), fetched with their libraries by
# guest_debs_root (slow the first time: only runs that need them pay);
# their programs and shared libraries (not data, docs or gconv modules) go
# into the image.
pack_guest_debs() { # dir
	local b debs=() root d
	for b in "${selected_boots[@]}"; do
		for d in $(boot_get "$b" debs); do debs+=("$d"); done
	done
	[ ${#debs[@]} -gt 0 ] || return 0
	root=$(guest_debs_root "${debs[@]}") ||
		die "cannot fetch guest packages ${debs[*]}"
	for d in usr/bin sbin usr/sbin lib lib64 usr/lib; do
		[ -d "$root/$d" ] || continue
		mkdir -p "$1/$d"
		(cd "$root/$d" && tar -c --exclude=gconv --exclude=engines-3 \
			--exclude=ossl-modules --exclude=busybox .) | tar -x -C "$1/$d"
	done
}

# Distro modules every boot may need: the plan's modules= and the bench sets.
distro_mods=()
for m in $extra_distro_mods; do distro_mods+=("$m"); done
for b in "${boot_names[@]}"; do
	for m in $(boot_get "$b" modules); do distro_mods+=("$m"); done
done
for w in $set_a $set_b; do
	case "$w" in *=*) continue ;; esac
	[ -f "$moddir/$w.ko" ] || distro_mods+=("$w")
done

stage=$out/.stage-common
rm -rf "$stage"
mkdir -p "$stage"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,data,tests,bench,lib/hvkit}
cp "$busybox" "$stage/bin/busybox"
ln -s busybox "$stage/bin/sh"
install -m 0755 "$here/lib/init" "$stage/init"
cp "$here/lib/ktap.sh" "$stage/lib/hvkit/"
cp "$here/lib/vty.sh" "$stage/lib/hvkit/"
cp "$here/lib/scsi.sh" "$stage/lib/hvkit/"
cp "$here/lib/net.sh" "$stage/lib/hvkit/"
cp "$here/lib/affinity.sh" "$stage/lib/hvkit/"
cp "$out/dmesg-allow" "$stage/lib/hvkit/dmesg-allow"
cp "$out/dmesg-deny" "$stage/lib/hvkit/dmesg-deny"
cp "$here/lib/kmemleak.awk" "$stage/lib/hvkit/"
cp "$moddir"/*.ko "$stage/lib/hvkit/"
for d in "${tests_dirs[@]}"; do
	cp "$d"/*.sh "$stage/tests/" 2>/dev/null || true
done
cp "$here"/bench/*.sh "$stage/bench/" 2>/dev/null || true
# Plan key kselftest=yes: the collection, installed by the kernel's
# kselftest framework, for the kernel's run_kselftest.sh in the guest.
for b in "${selected_boots[@]}"; do
	[ "$(boot_get "$b" kselftest)" = yes ] || continue
	"$here/kselftest-install.sh" "$stage/kselftest" "${tests_dirs[@]:1}" >&2 ||
		die "cannot install the kselftest collection"
	break
done
build_guest_tools "$stage/usr/bin"
pack_distro_modules "$stage" "${distro_mods[@]}"
pack_guest_debs "$stage"
cpio_pack "$stage" "$out/common.cpio.gz"
rm -rf "$stage"

# ----------------------------------------------------------------------------
# Machines. machine_<arch> BOOTDIR DATADIR BOOTNAME fills the array QEMU
# (host files live in BOOTDIR) and describes the devices it creates in
# DATADIR/devices ("<unit address> <device_type> <compatible>" lines), which
# the guest sees as /data.

disk=$out/disk.img

machine_ppc64le() {
	local bd=$1 dd=$2 b=$3 mopts vtys k vty_args scsi_args sc st sl sm
	mopts=$(boot_get "$b" machine)
	vtys=$(boot_get "$b" vtys)
	[ -f "$disk" ] || truncate -s 16M "$disk"
	# Unit addresses: two vtys at 0x3000x000 (IRQ 0x11f0/0x11f1) and the
	# other devices above 0x71000000 with distinct low bytes, clear of the
	# nvram at 0x71000000 (papr-vio-abi.md 1.3).
	# shellcheck disable=SC2054 # commas belong to the QEMU options
	vty_args=(-chardev "pipe,id=vty1,path=$bd/vty1"
		-device spapr-vty,chardev=vty1,reg=0x30001000)
	vty1_fifo=$bd/vty1
	vty_socks=()
	if [ -n "$vtys" ]; then
		# vtys=N: the second vty becomes N vtys at 0x3000k000 (k = 1..N,
		# IRQ 0x11f0|k; the 0x3000x000 convention has room for 15 beside
		# the console), each a unix socket for the host agent.
		case "$vtys" in [1-9] | 1[0-5]) ;; *) die "boot $b: vtys=$vtys (1..15)" ;; esac
		vty_args=()
		vty1_fifo=
		: >"$dd/vtys"
		for k in $(seq 1 "$vtys"); do
			vty_socks+=("$(vty_sockdir "$bd")/vty$k.sock")
			vty_args+=(-chardev "socket,id=vty$k,path=${vty_socks[-1]},server=on,wait=off"
				-device "spapr-vty,chardev=vty$k,reg=$(printf '0x3000%x000' "$k")")
			printf '%d 0x3000%x000\n' "$k" "$k" >>"$dd/vtys"
		done
	fi
	{
		echo 0x30000000 serial hvterm1
		if [ -n "$vtys" ]; then
			sed 's/^[0-9]* \(.*\)/\1 serial hvterm1/' "$dd/vtys"
		else
			echo 0x30001000 serial hvterm1
		fi
		cat <<-EOF
		0x71000000 nvram qemu,spapr-nvram
		0x71000010 network IBM,l-lan
		0x71000020 vscsi IBM,v-scsi
		EOF
	} >"$dd/devices"
	echo 0x30001000 >"$dd/vty1-ua"
	net_agent_setup "$bd" "$b"
	# scsi_luns="C:T:L:MiB ...": these scsi-hd LUNs, on raw files in the boot
	# directory, instead of the one default disk (DATADIR/scsi-luns lists them).
	# shellcheck disable=SC2054 # commas belong to the QEMU options
	scsi_args=(-drive "if=none,id=d0,file=$disk,format=raw"
		-device scsi-hd,bus=scsi0.0,drive=d0,channel=0,scsi-id=0,lun=0)
	if [ -n "$(boot_get "$b" scsi_luns)" ]; then
		scsi_args=()
		: >"$dd/scsi-luns"
		for k in $(boot_get "$b" scsi_luns); do
			IFS=: read -r sc st sl sm <<<"$k"
			truncate -s "${sm}M" "$bd/lun-$sc-$st-$sl.img"
			scsi_args+=(-drive "if=none,id=l$sc-$st-$sl,file=$bd/lun-$sc-$st-$sl.img,format=raw"
				-device "scsi-hd,bus=scsi0.0,drive=l$sc-$st-$sl,channel=$sc,scsi-id=$st,lun=$sl")
			echo "$sc $st $sl $sm" >>"$dd/scsi-luns"
		done
	fi
	# shellcheck disable=SC2054 # commas belong to the QEMU options
	QEMU=(qemu-system-ppc64 -M "pseries,x-vof=on${mopts:+,$mopts}" -cpu POWER9
		-m 1G -smp 1 -nodefaults -nographic -no-reboot
		-chardev "file,id=con0,path=$bd/console.log"
		-device spapr-vty,chardev=con0,reg=0x30000000
		"${vty_args[@]}"
		-netdev "user,id=n0,restrict=on$net_fwd"
		-device spapr-vlan,netdev=n0,mac=52:54:00:12:34:56,reg=0x71000010
		-device spapr-vscsi,id=scsi0,reg=0x71000020
		"${scsi_args[@]}"
		-kernel "$K_IMAGE" -initrd "$bd/initramfs.cpio.gz"
		-append "console=hvc0 panic=-1 $K_CMDLINE $(boot_get "$b" cmdline)")
}

# Plan key net=agent: the guest reaches selftests/vm/host/net_agent.py at
# 10.0.2.100:7000 (one agent process per connection) and, through the
# agent's relay, the host's iperf3 server at 10.0.2.100:5201; the agent's
# UDP bursts arrive on the guest's port 7001. Documentation/testing-net.rst.
net_agent_py=$here/host/net_agent.py
net_iperf_port=
net_fwd=
net_agent_setup() { # bootdir bootname : sets net_fwd, net_iperf_port
	local udp
	net_fwd=
	net_iperf_port=
	[ "$(boot_get "$2" net)" = agent ] || return 0
	udp=$(free_port udp)
	net_iperf_port=$(free_port tcp)
	net_fwd=$(printf ',guestfwd=tcp:10.0.2.100:7000-cmd:/usr/bin/python3 %s serve --udp-port %s --log %s' \
		"$net_agent_py" "$udp" "$1/net-agent.log")
	net_fwd+=$(printf ',guestfwd=tcp:10.0.2.100:5201-cmd:/usr/bin/python3 %s relay --to 127.0.0.1:%s --log %s' \
		"$net_agent_py" "$net_iperf_port" "$1/net-agent.log")
	net_fwd+=",hostfwd=udp:127.0.0.1:$udp-:7001"
}

free_port() { # tcp|udp
	/usr/bin/python3 -c 'import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM if sys.argv[1] == "udp" else socket.SOCK_STREAM)
s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' "$1"
}

# The host's iperf3 server for a net=agent boot, while QEMU runs.
running_iperf=
net_iperf_start() { # bootdir
	[ -n "$net_iperf_port" ] || return 0
	command -v iperf3 >/dev/null || { log "no iperf3 on the host: iperf3 through the agent fails"; return 0; }
	iperf3 -s -p "$net_iperf_port" >"$1/iperf3-server.log" 2>&1 &
	running_iperf=$!
}

net_iperf_stop() {
	[ -n "$running_iperf" ] || return 0
	kill "$running_iperf" 2>/dev/null || true
	wait "$running_iperf" 2>/dev/null || true
	running_iperf=
	net_iperf_port=
}

machine_arm64() {
	local bd=$1 dd=$2 b=$3 mopts method base
	vty_socks=()
	mopts=$(boot_get "$b" machine)
	method=$(boot_get "$b" method)
	case "$(boot_get "$b" peer)" in
	"") ;;
	hvkit-vmm) machine_arm64_vmm "$@"; return ;;
	*) die "boot $b: peer=$(boot_get "$b" peer) (known: hvkit-vmm)" ;;
	esac
	base=(-M "virt,gic-version=3${mopts:+,$mopts}" -cpu cortex-a57 -m 1G -smp 1
		-nodefaults -nographic -no-reboot)
	# The machine's own tree, then the hvkit hypervisor node on top of it
	# (dtc merges the second definition of / into the first).
	qemu-system-aarch64 "${base[@]}" -M "dumpdtb=$bd/machine.dtb" \
		>"$bd/dumpdtb.log" 2>&1 || { cat "$bd/dumpdtb.log" >&2; die "dumpdtb failed"; }
	dtc -q -I dtb -O dts -o "$bd/machine.dts" "$bd/machine.dtb"
	if [ -n "$method" ]; then
		cat >"$bd/hvkit.dts" <<-EOF
		/include/ "machine.dts"
		/ {
		 	hypervisor {
		 		compatible = "hvkit,hypervisor-v1";
		 		method = "$method";
		 		#address-cells = <1>;
		 		#size-cells = <0>;
		 		vty@30000000 {
		 			compatible = "hvterm1";
		 			device_type = "serial";
		 			reg = <0x30000000>;
		 		};
		 		l-lan@30000001 {
		 			compatible = "IBM,l-lan";
		 			device_type = "network";
		 			reg = <0x30000001>;
		 			local-mac-address = [52 54 00 12 34 56];
		 		};
		 	};
		};
		EOF
		cat >"$dd/devices" <<-EOF
		0x30000000 serial hvterm1
		0x30000001 network IBM,l-lan
		EOF
	else
		cp "$bd/machine.dts" "$bd/hvkit.dts"
		: >"$dd/devices"
	fi
	dtc -q -I dts -O dtb -o "$bd/hvkit.dtb" "$bd/hvkit.dts" ||
		die "dtc failed on $bd/hvkit.dts"
	vty1_fifo=
	QEMU=(qemu-system-aarch64 "${base[@]}"
		-chardev "file,id=con0,path=$bd/console.log" -serial chardev:con0
		-dtb "$bd/hvkit.dtb"
		-kernel "$K_IMAGE" -initrd "$bd/initramfs.cpio.gz"
		-append "console=ttyAMA0 panic=-1 $K_CMDLINE $(boot_get "$b" cmdline)")
}

# Plan key peer=hvkit-vmm: the kit's own peer, where it is meant to run
# (Documentation/hvkit-vmm.rst). L0 QEMU TCG boots Debian trixie's arm64
# kernel at EL2 with an initramfs that holds hvkit-vmm; hvkit-vmm boots
# the run's kernel with the boot's initramfs as its guest (L2), with one
# vty and the boot's LUNs (scsi_luns=, sparse image files in L1's RAM)
# behind its v-scsi adapter, over the plan's method (hvc or smc). L2's
# console is hvkit-vmm's PL011, which L1 passes to its own console: the
# KTAP document reaches console.log as from any other machine. The L1
# initramfs is made once the boot's initramfs exists (machine_finish).
# vtys=N (1..7): the agent's vty k is hvkit-vmm's vty k, unit address
# 0x30000000 + k (vty 0, 0x30000000, writes to a file in L1, or with
# console=hv_console to L1's console), whose both ends are L1's virtio
# console port "hvkit.vtyk"; L0 QEMU connects that port to the socket the
# host agent serves, as spapr-vty k on ppc64le.
vmm_l1_image=
vmm_root=
vmm_l1_mods=
vmm_prepare() {
	[ -z "$vmm_root" ] || return 0
	vmm_l1_image=$("$repo/scripts/fetch-kernel.sh" arm64 6.12 --print image) ||
		die "peer=hvkit-vmm: cannot fetch Debian trixie's arm64 kernel for L1"
	vmm_l1_mods=$("$repo/scripts/fetch-kernel.sh" arm64 6.12 --print modules) ||
		die "peer=hvkit-vmm: cannot fetch Debian trixie's arm64 modules for L1"
	vmm_root=$("$repo/scripts/build-hvkit-vmm.sh" "$out/hvkit-vmm-build.log") ||
		die "peer=hvkit-vmm: no hvkit-vmm to run"
}

machine_arm64_vmm() {
	local bd=$1 dd=$2 b=$3 method k sc st sl sm l1 vtys vty0 l2_con cpus irq llan vscsi l0_smp=1
	local pfirst cevents busy seed hostile
	local disks=() vty_args=() l1_mods=()
	method=$(boot_get "$b" method)
	vtys=$(boot_get "$b" vtys)
	cpus=$(boot_get "$b" cpus)
	irq=$(boot_get "$b" irq)
	llan=$(boot_get "$b" llan)
	pfirst=$(boot_get "$b" crq_partner_first)
	cevents=$(boot_get "$b" crq_events)
	busy=$(boot_get "$b" busy)
	seed=$(boot_get "$b" seed)
	hostile=$(boot_get "$b" hostile)
	vscsi=$(boot_get "$b" vscsi)
	case "$method" in
	hvc | smc) ;;
	*) die "boot $b: peer=hvkit-vmm needs method=hvc or method=smc (got '$method')" ;;
	esac
	# cpus=N: L2's vCPUs (hvkit-vmm --cpus); with more than one, L0 gets
	# two, so that L1's KVM can run two of them at once. Unset: neither
	# option changes.
	case "$cpus" in
	"") ;;
	[1-8]) [ "$cpus" -lt 2 ] || l0_smp=2 ;;
	*) die "boot $b: cpus=$cpus (1..8, hvkit-vmm --cpus)" ;;
	esac
	# irq=wired|msi: how hvkit-vmm signals L2's devices (hvkit-vmm --irq);
	# unset, hvkit-vmm's default.
	case "$irq" in
	"" | wired | msi) ;;
	*) die "boot $b: irq=$irq (wired or msi, hvkit-vmm --irq)" ;;
	esac
	# llan=qemu|powervm: what hvkit-vmm's l-lans answer (hvkit-vmm --llan);
	# unset, hvkit-vmm's default (qemu).
	case "$llan" in
	"" | qemu | powervm) ;;
	*) die "boot $b: llan=$llan (qemu or powervm, hvkit-vmm --llan)" ;;
	esac
	# PowerVM behaviours (issue 13, hvkit-vmm.rst): crq_partner_first=MS,
	# crq_events=ITEM[,ITEM...], busy=PERMILLE[:busy|long], seed=N become
	# hvkit-vmm's switches of the same names, checked by it.
	case "$pfirst$cevents$busy$seed$hostile" in
	*[!0-9a-z@/.,:]*) die "boot $b: crq_partner_first, crq_events, busy, hostile and seed take digits, letters and @/.,: only" ;;
	esac
	# hostile=PERMILLE[:SITES]: hvkit-vmm --hostile, the peer that mutates
	# what it writes and answers; it needs seed=, so that a failure names
	# the run that reproduces it (judge_boot prints it).
	if [ -n "$hostile" ]; then
		[ -n "$seed" ] || die "boot $b: hostile= needs seed="
		printf 'seed=%s\nrepeat=selftests/vm/run.sh --arch arm64%s --boots %s --set %q\n' \
			"$seed" "$([ "$kernel" = debug ] && echo ' --kernel debug')" "$b" \
			"${set_kv:-seed=$seed}" >"$bd/hostile"
	fi
	# vscsi=qemu|powervm: how the v-scsi adapter answers the MADs beyond
	# ADAPTER_INFO (hvkit-vmm --vscsi-mads); unset, hvkit-vmm's default
	# (qemu).
	case "$vscsi" in
	"" | qemu | powervm) ;;
	*) die "boot $b: vscsi=$vscsi (qemu or powervm, hvkit-vmm --vscsi-mads)" ;;
	esac
	vmm_prepare
	l1=$bd/l1
	rm -rf "$l1"
	mkdir -p "$l1"/{bin,proc,sys,dev,tmp}
	cp "$vmm_root/bin/busybox" "$repo/tools/hvkit-vmm/hvkit-vmm" "$l1/bin/"
	vty_socks=()
	: >"$l1/vports"
	if [ -n "$vtys" ]; then
		case "$vtys" in [1-7]) ;; *) die "boot $b: vtys=$vtys (1..7 beside hvkit-vmm's vty 0)" ;; esac
		# L1's kernel has the virtio console built in, virtio-mmio as a
		# module.
		l1_mods+=(virtio_mmio)
		: >"$dd/vtys"
		vty_args=(-device virtio-serial-device)
		for k in $(seq 1 "$vtys"); do
			vty_socks+=("$(vty_sockdir "$bd")/vty$k.sock")
			# shellcheck disable=SC2054 # commas belong to the QEMU options
			vty_args+=(-chardev "socket,id=vty$k,path=${vty_socks[-1]},server=on,wait=off"
				-device "virtserialport,chardev=vty$k,name=hvkit.vty$k")
			printf '%d 0x%08x\n' "$k" $((0x30000000 + k)) >>"$dd/vtys"
			echo "hvkit.vty$k" >>"$l1/vports"
		done
	fi
	: >"$dd/scsi-luns"
	: >"$l1/luns"
	for k in $(boot_get "$b" scsi_luns); do
		IFS=: read -r sc st sl sm <<<"$k"
		echo "$sc $st $sl $sm" >>"$dd/scsi-luns"
		echo "/tmp/lun-$sc-$st-$sl.img ${sm}M" >>"$l1/luns"
		disks+=(--disk "/tmp/lun-$sc-$st-$sl.img,lun=$sc:$st:$sl")
	done
	{
		echo "0x30000000 serial hvterm1"
		[ -z "$vtys" ] || sed 's/^[0-9]* \(.*\)/\1 serial hvterm1/' "$dd/vtys"
		[ ${#disks[@]} -eq 0 ] || echo "0x30000100 vscsi IBM,v-scsi"
	} >"$dd/devices"
	vmm_net_setup "$bd" "$dd" "$b" "$l1"
	[ ${#vmm_nic[@]} -eq 0 ] || l1_mods+=(virtio_mmio virtio_net bridge tun)
	# L1's init loads them in this order (dependencies first).
	if [ ${#l1_mods[@]} -gt 0 ]; then
		kmod_paths "$vmm_l1_mods" "${l1_mods[@]}" >"$bd/l1-mods" ||
			die "peer=hvkit-vmm: L1's modules are incomplete"
		kmod_copy "$l1/lib/l1" <"$bd/l1-mods"
	fi
	# What the hv_scsi tests need to know of this peer (lib/scsi.sh).
	cat >"$dd/scsi-peer" <<-EOF
	HVS_UNIT=30000100
	HVS_PARTITION=hvkit-vmm
	HVS_MAX_TRANSFER=1048576
	HVS_PEER_SYNC=0
	HVS_MADS=${vscsi:-qemu}
	EOF
	# console=hv_console: L2's /init writes to hv_console's hvc0, hvkit-vmm's
	# vty 0, so that vty goes to L1's console (hvkit-vmm's own stdout, where
	# its PL011 goes too) instead of a file, and L2's printk follows with
	# console=hvc0 (last, so the preferred one once hv_console makes it).
	vty0=/tmp/vty0.out
	l2_con=console=ttyAMA0
	if [ "$(boot_get "$b" console)" = hv_console ]; then
		vty0=/dev/console
		l2_con="console=ttyAMA0 console=hvc0"
	fi
	{
		printf '/bin/hvkit-vmm --kernel /Image --initrd /initrd --method %s' "$method"
		printf ' --memory %s' "$(boot_get "$b" vmm_memory | grep . || echo 768)"
		[ -z "$cpus" ] || printf ' --cpus %s' "$cpus"
		[ -z "$irq" ] || printf ' --irq %s' "$irq"
		[ -z "$llan" ] || printf ' --llan %s' "$llan"
		[ -z "$pfirst" ] || printf ' --crq-partner-first=%s' "$pfirst"
		[ -z "$cevents" ] || printf ' --crq-events=%s' "$cevents"
		[ -z "$busy" ] || printf ' --busy=%s' "$busy"
		[ -z "$hostile" ] || printf ' --hostile=%s' "$hostile"
		[ -z "$seed" ] || printf ' --seed %s' "$seed"
		[ -z "$vscsi" ] || printf ' --vscsi-mads %s' "$vscsi"
		# watchdog_thresh=60: a nested vCPU under TCG on a shared host can
		# stall for tens of seconds (a soft-lockup report in L2's early boot
		# once, with four guests on two cores); 120 s still catches a loop.
		printf ' --append %q' "$l2_con panic=-1 watchdog_thresh=60 $K_CMDLINE $(boot_get "$b" cmdline)"
		printf ' --vty out=%s' "$vty0"
		[ ${#disks[@]} -eq 0 ] || printf ' %q' "${disks[@]}"
		[ ${#vmm_nic[@]} -eq 0 ] || printf ' %q' "${vmm_nic[@]}"
		# The vtys of the virtio console ports, from init.
		printf ' "$@"'
		echo
	} >"$l1/vmm.sh"
	# hvkit-vmm exits 0 when its guest powers off, and at exit reports
	# what its devices counted: the guest must have given none of it.
	# With hostile=, what the guest does in answer to garbage (a queue
	# registered again, a request dropped) is no guest mistake: only the
	# exit status and the hostile report are required then.
	{
		echo "hvkit L1: hvkit-vmm exit 0"
		[ ${#disks[@]} -eq 0 ] || [ -n "$hostile" ] ||
			echo "0 requests dropped, 0 bad descriptors, 0 answers lost, 0 queue registrations refused"
		[ ${#vmm_nic[@]} -eq 0 ] || [ -n "$hostile" ] || vmm_net_expect "$llan"
		# irq=msi: no interrupt lost at the ITS, none raised before the
		# guest told its message, no message refused (hvkit-vmm.rst).
		[ "$irq" != msi ] || [ -n "$hostile" ] ||
			echo "hvkit-vmm: msi, every device: 0 blocked by the ITS, 0 while the ITS was disabled, 0 failed, 0 guest mistakes"
		[ -z "$hostile" ] || echo "hvkit-vmm: hostile (seed $seed): "
		# The partner's events all reached the guest's queue; the busy
		# answers were counted (and the seed is in the line).
		[ -z "$pfirst$cevents" ] || echo ", 0 not posted, "
		[ -z "$busy" ] || echo "hvkit-vmm: busy answers (seed ${seed:-}"
	} >"$bd/expect-console"
	cat >"$l1/init" <<-'EOF'
	#!/bin/busybox sh
	/bin/busybox --install -s /bin
	mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev
	mount -t tmpfs -o size=90% tmp /tmp
	echo "hvkit L1: $(uname -r), starting hvkit-vmm"
	while read -r f size; do truncate -s "$size" "$f"; done </luns
	if [ -f /lib/l1/order ]; then
		for k in $(cat /lib/l1/order); do
			insmod "/lib/l1/$k" || echo "hvkit L1: insmod $k failed"
		done
	fi
	[ ! -f /net-l1.sh ] || . /net-l1.sh
	# /vports: the virtio console ports that become hvkit-vmm's vtys 1..N,
	# one path both ways.
	port_dev() {
		for f in /sys/class/virtio-ports/*/name; do
			[ "$(cat "$f" 2>/dev/null)" = "$1" ] || continue
			f=${f%/name}
			echo "/dev/${f##*/}"
			return 0
		done
		return 1
	}
	set --
	if [ -s /vports ]; then
		for name in $(cat /vports); do
			i=0
			until dev=$(port_dev "$name") && [ -c "$dev" ]; do
				i=$((i + 1))
				[ "$i" -lt 100 ] || { echo "hvkit L1: no virtio console port $name"; break; }
				sleep 0.1
			done
			echo "hvkit L1: vty $name is $dev"
			set -- "$@" --vty "out=$dev,in=$dev"
		done
	fi
	sh /vmm.sh "$@" </dev/null
	echo "hvkit L1: hvkit-vmm exit $?"
	poweroff -f
	EOF
	chmod +x "$l1/init"
	cp "$K_IMAGE" "$l1/Image"
	vty1_fifo=
	machine_finish=machine_arm64_vmm_finish
	# shellcheck disable=SC2054 # commas belong to the QEMU options
	QEMU=(qemu-system-aarch64 -M virt,virtualization=on,gic-version=3,its=on
		-cpu max,pauth-impdef=on -m 2560 -smp "$l0_smp" -nodefaults -nographic -no-reboot
		-chardev "file,id=con0,path=$bd/console.log" -serial chardev:con0
		"${vmm_l0_net[@]}"
		"${vty_args[@]}"
		-kernel "$vmm_l1_image" -initrd "$bd/l1.cpio.gz"
		-append "console=ttyAMA0 panic=-1 quiet")
}

# Plan key net=agent on peer=hvkit-vmm: L2's hv_net on the same user
# network as on ppc64le. L0 QEMU has the ppc64le machine's user netdev
# (net_agent_setup: the host agent at 10.0.2.100) on a virtio-net-device;
# L1 loads trixie's virtio_mmio, virtio_net, bridge and tun (with their
# dependencies: machine_arm64_vmm, scripts/lib/kmods.sh) and bridges its virtio
# NIC with hvkit-vmm's TAP hvk0 (once hvkit-vmm has made it), so the l-lan
# 0x30000200, with the MAC the ppc64le machine gives, sits directly on the
# user network. Sets vmm_nic (hvkit-vmm's options) and vmm_l0_net (L0's).
vmm_nic=()
vmm_l0_net=()
vmm_net_setup() { # bootdir datadir bootname l1dir
	local bd=$1 dd=$2 b=$3 l1=$4
	vmm_nic=()
	vmm_l0_net=()
	[ "$(boot_get "$b" net)" = agent ] || return 0
	net_agent_setup "$bd" "$b"
	# shellcheck disable=SC2054 # commas belong to the options
	vmm_nic=(--nic mac=52:54:00:12:34:56,tap=hvk0)
	# shellcheck disable=SC2054 # commas belong to the QEMU options
	vmm_l0_net=(-netdev "user,id=n0,restrict=on$net_fwd"
		-device virtio-net-device,netdev=n0,mac=52:54:00:12:34:57,host_mtu=65521)
	echo "0x30000200 network IBM,l-lan" >>"$dd/devices"
	# What the hv_net tests need to know of this peer (lib/net.sh).
	# hvkit-vmm's tree has no ibm,mac-address-filters (QEMU's says 0);
	# hv_net reads no filters either way (Documentation/hvkit-vmm.rst).
	cat >"$dd/net-peer" <<-EOF
	NET_UA=0x30000200
	NET_DT=/proc/device-tree/hypervisor/l-lan@30000200
	NET_MAC_FILTERS=absent
	EOF
	# L1: modules in the order written (dependencies first), then the
	# bridge; hvk0 joins it in the background once hvkit-vmm made it. The
	# MTUs as high as they go, so that no frame of hv_net_mtu's MTU 9000
	# is dropped in L1 (slirp itself keeps to 1500-byte segments).
	cat >"$l1/net-l1.sh" <<-'EOF'
	[ -e /dev/net/tun ] || { mkdir -p /dev/net; mknod /dev/net/tun c 10 200; }
	l1_mtu() { ip link set dev "$1" mtu 65521 2>/dev/null || ip link set dev "$1" mtu 9000; }
	ip link add br0 type bridge && ip link set br0 type bridge stp_state 0 forward_delay 0 2>/dev/null
	l1_mtu eth0; ip link set eth0 master br0; ip link set eth0 up
	( i=0
	  while [ ! -e /sys/class/net/hvk0 ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
	  l1_mtu hvk0; ip link set hvk0 master br0 && ip link set hvk0 up &&
		l1_mtu br0 && ip link set br0 up &&
		echo "hvkit L1: hvk0 bridged with eth0, mtu $(cat /sys/class/net/br0/mtu)" ) &
	EOF
}

# hvkit-vmm's l-lan line at power-off must show no guest mistake, but for
# the two hv_net_fault makes on purpose (run_boot's $tests): an injected
# H_RESOURCE at registration (the l-lan was never registered) that hv_net
# answers with a free, and an injected busy-for-ever H_FREE_LOGICAL_LAN
# (the l-lan stays registered) after which hv_net registers again and
# frees the stale registration when refused. QEMU counts neither.
# llan=powervm: its powervm line too, with no buffer list refused and the
# attributes it answers (hvkit-vmm.rst).
vmm_net_expect() { # llan
	echo "hvkit-vmm: l-lan 0x30000200: "
	case " $tests " in
	*" hv_net_fault "*) echo " while closed, 2 guest mistakes: 1 second registrations, 1 frees unregistered" ;;
	*) echo " while closed, 0 guest mistakes" ;;
	esac
	[ "$1" = powervm ] || return 0
	echo "hvkit-vmm: l-lan 0x30000200 powervm: "
	echo ", 0 lists refused whole; "
	echo " H_ILLAN_ATTRIBUTES answered 0x40000"
}

# The L1 initramfs, with the boot's initramfs as L2's.
machine_arm64_vmm_finish() { # bootdir
	cp "$1/initramfs.cpio.gz" "$1/l1/initrd"
	cpio_pack "$1/l1" "$1/l1.cpio.gz"
	rm -rf "$1/l1"
}

# ----------------------------------------------------------------------------
# One boot

# A QEMU still running when the runner is interrupted is stopped with it
# (and the boot's host agent, if any).
running_qemu=
running_agent=
stop_qemu() {
	[ -z "$running_qemu" ] || kill "$running_qemu" 2>/dev/null || true
	[ -z "$running_agent" ] || kill "$running_agent" 2>/dev/null || true
	[ -z "$running_iperf" ] || kill "$running_iperf" 2>/dev/null || true
}
trap stop_qemu EXIT
trap 'stop_qemu; trap - INT; kill -INT $$' INT
trap 'stop_qemu; exit 143' TERM

# 16 random bytes without CR and NUL.
random_vty_input() {
	local f=$1
	: >"$f"
	while [ "$(stat -c %s "$f")" -lt 16 ]; do
		head -c 64 /dev/urandom | tr -d '\r\000' | head -c $((16 - $(stat -c %s "$f"))) >>"$f"
	done
}

# ----------------------------------------------------------------------------
# Socket vtys (plan key vtys=N) and the host agent (agent=vty) that the
# guest drives through them: selftests/vm/host/vty_agent.py,
# Documentation/testing-console.rst.

vty_socks=()
vty_sockdirs=()
agent_py=$here/host/vty_agent.py

# A directory for the boot's vty sockets: the boot directory, or a short
# one under /tmp when that path would not fit a unix socket address.
vty_sockdir() { # bootdir
	if [ ${#1} -le 90 ]; then
		echo "$1"
		return
	fi
	[ ${#vty_sockdirs[@]} -gt 0 ] || vty_sockdirs+=("$(mktemp -d /tmp/hvkit-vty.XXXXXX)")
	echo "${vty_sockdirs[-1]}"
}

# The data sets of a boot (agent=vty): generated from a seed into
# DATADIR/sets, which the guest sees as /data/sets. HVKIT_VTY_SEED fixes
# the seed (to repeat a run); by default it is random per boot.
vty_agent_prepare() { # bootdir datadir
	local seed=${HVKIT_VTY_SEED:-$(od -An -tx8 -N8 /dev/urandom | tr -d ' \n')}
	/usr/bin/python3 "$agent_py" gen --seed "$seed" --out "$2/sets" ||
		die "cannot generate the vty data sets"
}

# Start the agent on the boot's sockets (QEMU creates them when it starts;
# the agent retries until they exist).
vty_agent_start() { # bootdir bootname
	local bd=$1 k args=() hvsi
	for k in "${!vty_socks[@]}"; do
		args+=(--vty "$((k + 1))=${vty_socks[$k]}")
	done
	# Plan key hvsi=K: the agent speaks HVSI on its vty K.
	hvsi=$(boot_get "$2" hvsi)
	[ -z "$hvsi" ] || args+=(--hvsi "$hvsi")
	/usr/bin/python3 "$agent_py" serve --sets "$bd/data/sets" "${args[@]}" \
		--console "$bd/console.log" --log "$bd/agent.log" </dev/null \
		>>"$bd/agent.log" 2>&1 &
	running_agent=$!
}

# After QEMU exited: the agent ends by itself when its sockets close; give
# it a few seconds, then stop it.
vty_agent_stop() { # bootdir
	local i
	[ -n "$running_agent" ] || return 0
	for i in 1 2 3 4 5 6 7 8 9 10; do
		kill -0 "$running_agent" 2>/dev/null || break
		sleep 0.5
	done
	kill "$running_agent" 2>/dev/null || true
	wait "$running_agent" 2>/dev/null || true
	running_agent=
	if [ ${#vty_sockdirs[@]} -gt 0 ]; then
		rm -rf "${vty_sockdirs[@]}"
		vty_sockdirs=()
	fi
	rm -f "${vty_socks[@]}"
}

# run_boot ID BOOTNAME MODE TESTS [BENCH_SET BENCH_MODULES BENCH_ENV]
# Leaves BOOTDIR/result (ok | not ok), BOOTDIR/ktap (the guest document, if
# any) and BOOTDIR/diag (host diagnostics).
run_boot() {
	local id=$1 b=$2 mode=$3 tests=$4 bset=${5:-} bmods=${6:-} benv=${7:-}
	local bd=$out/$id runid rc=0 k v t0 t1 vin vout tailpid=
	# Plan keys timeout= and test_timeout= raise the limits for this boot
	# (never lower them); judge_boot sees these too.
	local timeout=$timeout test_timeout=$test_timeout slowdown=${K_SLOWDOWN:-1}
	# Plan key slowdown=N: this boot's machine is N times slower again
	# (a nested guest); the guest's own limits scale with it.
	v=$(boot_get "$b" slowdown)
	case "$v" in
	"") ;;
	*[!0-9]* | 0) die "boot $b: slowdown=$v is not a positive number" ;;
	*) slowdown=$((slowdown * v)) ;;
	esac
	for k in timeout test_timeout; do
		v=$(boot_get "$b" "$k")
		case "$v" in
		"") ;;
		*[!0-9]*) die "boot $b: $k=$v is not a number" ;;
		*) [ "$v" -le "${!k}" ] || printf -v "$k" '%s' "$v" ;;
		esac
	done
	rm -rf "$bd"
	mkdir -p "$bd/stage/data"
	runid=$(od -An -tx1 -N6 /dev/urandom | tr -d ' \n')
	{
		echo "RUN_ID=$runid"
		echo "ARCH=$arch"
		echo "KVER=$kver"
		echo "KERNEL=$kernel"
		echo "GUEST_SUITE=$guest_suite"
		echo "BOOT=$b"
		echo "MODE=$mode"
		echo "TESTS='$tests'"
		echo "TEST_TIMEOUT=$test_timeout"
		echo "SLOWDOWN=$slowdown"
		echo "DISTRO_MODULES='${distro_mods[*]}'"
		echo "BENCH='$bench'"
		echo "BENCH_SET='$bset'"
		echo "BENCH_MODULES='$bmods'"
		echo "BENCH_ENV='$benv'"
		printf '%s' "${boot_kv[$b]}" | while IFS= read -r kv; do
			k=${kv%%=*}
			v=${kv#*=}
			k=$(echo "$k" | tr 'a-z-' 'A-Z_')
			printf "BOOT_%s='%s'\n" "$k" "${v//\'/\'\\\'\'}"
		done
	} >"$bd/stage/data/boot.env"
	machine_finish=
	"machine_$arch" "$bd" "$bd/stage/data" "$b"
	random_vty_input "$bd/stage/data/vty1-input"
	local agent
	agent=$(boot_get "$b" agent)
	case "$agent" in
	"") ;;
	vty)
		[ ${#vty_socks[@]} -gt 0 ] || die "boot $b: agent=vty needs vtys=N"
		vty_agent_prepare "$bd" "$bd/stage/data"
		;;
	*) die "boot $b: unknown agent=$agent (known: vty)" ;;
	esac
	cpio_pack "$bd/stage" "$bd/boot.cpio.gz"
	cp -r "$bd/stage/data" "$bd/data"
	rm -rf "$bd/stage"
	cat "$out/common.cpio.gz" "$bd/boot.cpio.gz" >"$bd/initramfs.cpio.gz"
	rm -f "$bd/boot.cpio.gz"
	[ -z "$machine_finish" ] || "$machine_finish" "$bd"
	# shellcheck disable=SC2054 # the comma belongs to the QEMU option
	[ "$icount" = 0 ] || QEMU+=(-icount shift=3,sleep=off)
	printf '%q ' "${QEMU[@]}" >"$bd/qemu.cmd"
	echo >>"$bd/qemu.cmd"
	: >"$bd/console.log"

	if [ -n "$vty1_fifo" ]; then
		# QEMU opens <path>.in and <path>.out; holding both open read-write
		# here means neither side ever blocks in open().
		mkfifo "$vty1_fifo.in" "$vty1_fifo.out"
		exec {vin}<>"$vty1_fifo.in" {vout}<>"$vty1_fifo.out"
	fi
	t0=$(date +%s.%N)
	timeout --kill-after=5 "$timeout" "${QEMU[@]}" </dev/null \
		>"$bd/qemu.out" 2>"$bd/qemu.err" &
	local qpid=$!
	running_qemu=$qpid
	[ "$agent" != vty ] || vty_agent_start "$bd" "$b"
	net_iperf_start "$bd"
	if [ -n "$vty1_fifo" ]; then
		# QEMU accepts 16 bytes of vty input; they wait in the pipe until
		# it reads them.
		cat "$bd/data/vty1-input" >&"$vin"
	fi
	if [ "$verbose" = 1 ]; then
		tail -n +1 -f --pid="$qpid" "$bd/console.log" >&2 &
		tailpid=$!
	fi
	wait "$qpid" || rc=$?
	running_qemu=
	[ "$agent" != vty ] || vty_agent_stop "$bd"
	net_iperf_stop
	t1=$(date +%s.%N)
	[ -z "$tailpid" ] || wait "$tailpid" 2>/dev/null || true
	if [ -n "$vty1_fifo" ]; then
		dd if=/proc/self/fd/"$vout" of="$bd/vty1.out.log" iflag=nonblock \
			status=none 2>/dev/null || true
		exec {vin}>&- {vout}>&-
		rm -f "$vty1_fifo.in" "$vty1_fifo.out"
	fi
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f\n", b - a }' >"$bd/seconds"
	{
		echo "##### hvkit boot $id ($arch $b, kernel $kernel $K_RELEASE): $(cat "$bd/qemu.cmd")"
		cat "$bd/console.log"
		echo
	} >>"$out/console.log"
	judge_boot "$bd" "$runid" "$rc"
	[ "$keep" = 1 ] || rm -f "$bd"/lun-*.img
	# The data sets can be made again from the seed in data/sets/seed.
	if [ "$agent" = vty ] && [ "$keep" = 0 ] && [ "$(cat "$bd/result")" = ok ]; then
		awk -v d="$bd/data/sets" '{ print d "/" $1 }' "$bd/data/sets/index" | xargs rm -f
	fi
}

# console_scan BOOTDIR : the kernel messages (timestamped lines) of the
# console that match lib/dmesg-deny and not lib/dmesg-allow go to
# BOOTDIR/bad, each with the report it starts (up to 80 more kernel lines,
# up to an "end trace" or "=====" line) to BOOTDIR/reports; the kmemleak
# records the guest copied to the console ("kmemleak| " lines) that
# lib/dmesg-allow does not allow go to BOOTDIR/leaks, and the whole
# kmemleak report to BOOTDIR/reports.
console_scan() {
	local bd=$1 clean=$1/console.clean re
	tr -d '\r' <"$bd/console.log" >"$clean"
	re=$(paste -s -d '|' "$out/dmesg-deny")
	grep -n -E "\[ *[0-9]+\.[0-9]+\] .*($re)" "$clean" >"$bd/hits" || true
	# Allow patterns see the line itself, without grep's line number.
	cut -d: -f2- "$bd/hits" | grep -n -v -E -f "$out/dmesg-allow" | cut -d: -f1 |
		awk -F: 'NR == FNR { keep[$1]; next } FNR in keep' - "$bd/hits" >"$bd/hits.bad" || true
	cut -d: -f2- "$bd/hits.bad" >"$bd/bad"
	: >"$bd/reports"
	if [ -s "$bd/hits.bad" ]; then
		awk -F: 'NR == FNR { start[$1]; next }
			{
				if (FNR in start) {
					if (left <= 0 && shown) print "--"
					left = 81
				} else if (left > 0 && $0 !~ /\[ *[0-9]+\.[0-9]+\] /) {
					left = 0
				}
				if (left > 0) {
					print
					shown = 1
					left--
					if (!(FNR in start) && ($0 ~ /---\[ end trace/ || $0 ~ /\] =+$/))
						left = 0
				}
			}' "$bd/hits.bad" "$clean" >>"$bd/reports"
	fi
	grep '^kmemleak| ' "$clean" >"$bd/kmemleak" || true
	awk -f "$here/lib/kmemleak.awk" "$bd/kmemleak" |
		grep -v -E -f "$out/dmesg-allow" >"$bd/leaks" || true
	if [ -s "$bd/leaks" ]; then
		[ ! -s "$bd/reports" ] || echo "--" >>"$bd/reports"
		cat "$bd/kmemleak" >>"$bd/reports"
	fi
	rm -f "$clean" "$bd/hits" "$bd/hits.bad"
	[ -s "$bd/kmemleak" ] || rm -f "$bd/kmemleak"
}

# Report text, with the keywords of the scan mangled so that it does not
# match our own output.
mangle() {
	sed 's/Oops/O-ops/g; s/BUG/B-UG/g; s/WARNING:/W-ARNING:/g; s/Call Trace/C-all Trace/g;
		s/Kernel panic/K-ernel panic/g; s/unreferenced object/unreferenced o-bject/g;
		s/circular locking/circular l-ocking/g; s/inconsistent lock state/inconsistent l-ock state/g;
		s/ODEBUG:/O-DEBUG:/g'
}

judge_boot() { # bootdir runid qemu-rc
	local bd=$1 runid=$2 rc=$3 ok=1
	: >"$bd/diag"
	tr -d '\r' <"$bd/console.log" | awk -v id="$runid" '
		$0 == "HVKIT-KTAP-END " id { end = 1; exit }
		on { print }
		$0 == "HVKIT-KTAP-BEGIN " id { on = 1 }
		END { if (!end) exit 1 }' >"$bd/ktap" || {
		ok=0
		if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
			echo "guest did not reach the end marker: killed after the ${timeout} s timeout" >>"$bd/diag"
		else
			echo "guest did not reach the end marker (QEMU exit status $rc)" >>"$bd/diag"
		fi
		tr -d '\r' <"$bd/console.log" | tail -n 15 | sed 's/^/console| /' >>"$bd/diag"
		[ -s "$bd/qemu.err" ] && sed 's/^/qemu| /' "$bd/qemu.err" | tail -n 5 >>"$bd/diag"
	}
	if [ "$ok" = 1 ]; then
		# The guest's top level: all ok and as many results as planned.
		local verdict
		verdict=$(awk '
			/^1\.\.[0-9]+/ { if (plan == "") plan = substr($1, 4) + 0 }
			/^ok [0-9]+/ { n++ }
			/^not ok [0-9]+/ { n++; bad++ }
			END {
				if (plan == "") print "guest document has no plan"
				else if (n != plan) print "guest planned " plan ", reported " n
				else if (bad) print bad " of " n " guest tests failed"
				else print "ok"
			}' "$bd/ktap")
		if [ "$verdict" != ok ]; then
			ok=0
			echo "$verdict" >>"$bd/diag"
		fi
		if [ "$rc" != 0 ]; then
			ok=0
			echo "QEMU exit status $rc after the end marker" >>"$bd/diag"
		fi
	fi
	# Lines a machine expects its host side to print (BOOTDIR/expect-console,
	# fixed strings): hvkit-vmm's exit status and what its devices counted.
	if [ -f "$bd/expect-console" ]; then
		local want lacking=
		while IFS= read -r want; do
			tr -d '\r' <"$bd/console.log" | grep -q -F -- "$want" && continue
			ok=0
			echo "console lacks the line the machine expects: $want" >>"$bd/diag"
			lacking=1
		done <"$bd/expect-console"
		# What the host side did print, so a CI log alone says which
		# count was not 0 (or what cut the line).
		if [ -n "$lacking" ]; then
			tr -d '\r' <"$bd/console.log" | grep -a -e 'hvkit-vmm:' -e 'hvkit L1:' |
				head -n 30 | sed 's/^/host| /' | mangle >>"$bd/diag"
		fi
	fi
	[ ! -f "$bd/hostile" ] || judge_hostile "$bd" || ok=0
	console_scan "$bd"
	if [ -s "$bd/bad" ]; then
		ok=0
		echo "console shows kernel oops/BUG/WARNING lines:" >>"$bd/diag"
		head -n 20 "$bd/bad" | sed 's/^/console| /' | mangle >>"$bd/diag"
	fi
	if [ -s "$bd/leaks" ]; then
		ok=0
		echo "console shows $(wc -l <"$bd/leaks") kmemleak record(s) that lib/dmesg-allow does not allow:" >>"$bd/diag"
		head -n 20 "$bd/leaks" | sed 's/^/leak| /' | mangle >>"$bd/diag"
	fi
	if [ -s "$bd/reports" ]; then
		echo "the reports (first 80 lines; all in $bd/reports):" >>"$bd/diag"
		head -n 80 "$bd/reports" | sed 's/^/report| /' | mangle >>"$bd/diag"
	else
		rm -f "$bd/reports"
	fi
	[ -s "$bd/bad" ] || rm -f "$bd/bad"
	[ -s "$bd/leaks" ] || rm -f "$bd/leaks"
	# A hostile boot that failed for any reason names its seed and the
	# command that runs it again.
	if [ "$ok" != 1 ] && [ -f "$bd/hostile" ]; then
		echo "hostile peer, seed $(sed -n 's/^seed=//p' "$bd/hostile"): run it again with" \
			"$(sed -n 's/^repeat=//p' "$bd/hostile")" >>"$bd/diag"
	fi
	if [ "$ok" = 1 ]; then echo ok; else echo "not ok"; fi >"$bd/result"
}

# The hostile peer must have mutated something: a run whose report says
# "0 mutations" tested nothing (hvkit-vmm.rst, Hostile peer). The count
# goes into the boot's hostile file too (mutations=), for make fuzz-peer.
judge_hostile() { # bootdir
	local n
	n=$(tr -d '\r' <"$1/console.log" |
		sed -n 's/.*hvkit-vmm: hostile (seed [0-9]*): \([0-9]*\) mutations.*/\1/p' | tail -n1)
	echo "mutations=${n:-}" >>"$1/hostile"
	[ "${n:-0}" -gt 0 ] && return 0
	echo "hvkit-vmm's hostile report says ${n:-nothing of} mutations: the run tested nothing" >>"$1/diag"
	return 1
}

# ----------------------------------------------------------------------------
# Reporting

# Nest the guest document of BOOTDIR under a top-level result NUMBER NAME.
emit_boot() { # bootdir number name
	local bd=$1
	if [ -s "$bd/ktap" ]; then
		awk -v name="$3" '
			NR == 1 && /^KTAP version/ { print "    " $0; print "    # Subtest: " name; next }
			{ print "    " $0 }' "$bd/ktap"
	fi
	sed "s/^/# $3: /" "$bd/diag"
	echo "# $3: $(cat "$bd/seconds") s, log $bd/console.log"
	echo "$(cat "$bd/result") $2 $3"
}

# Count results: a result with no subtests counts as passed, failed or
# skipped; a failed result whose subtests all passed counts as one failure
# (crash, timeout, plan mismatch, host check).
count_results() {
	awk '
	{
		match($0, /^ */); lvl = int(RLENGTH / 4); s = substr($0, RLENGTH + 1)
		if (s !~ /^(not )?ok [0-9]+/) next
		fail = (s ~ /^not ok/)
		if (!kids[lvl]) {
			if (s ~ /# SKIP/) skip++
			else if (fail) failed++
			else passed++
		} else if (fail && !kidfail[lvl]) failed++
		kids[lvl] = 0; kidfail[lvl] = 0
		if (lvl > 0) { kids[lvl - 1] = 1; if (fail) kidfail[lvl - 1] = 1 }
	}
	END { printf "%d %d %d\n", passed, failed, skip }' "$1"
}

report() { # ids...
	local i=0 id
	{
		echo "KTAP version 1"
		echo "1..$#"
		for id in "$@"; do
			i=$((i + 1))
			emit_boot "$out/$id" "$i" "$arch:$id"
		done
	} >"$out/ktap.txt"
	cat "$out/ktap.txt"
}

finish() {
	local counts passed failed skipped
	counts=$(count_results "$out/ktap.txt")
	read -r passed failed skipped <<<"$counts"
	echo "$passed passed, $failed failed"
	[ "$skipped" = 0 ] || echo "$skipped skipped"
	if [ "$failed" = 0 ]; then
		if [ "$keep" = 0 ]; then
			rm -f "$out"/*.cpio.gz "$out"/*/initramfs.cpio.gz "$disk"
		fi
		log "all passed; logs in $out"
		exit 0
	fi
	log "FAILED; everything kept in $out (console: $out/console.log, KTAP: $out/ktap.txt)"
	exit 1
}

# ----------------------------------------------------------------------------
# Test mode

# The tests of --tests that boot $1 runs: every plain word, and the TEST
# of each BOOT:TEST word that names it.
override_tests() {
	local w out=
	for w in $tests_override; do
		case "$w" in
		"$1":*) out="$out ${w#*:}" ;;
		*:*) ;;
		*) out="$out $w" ;;
		esac
	done
	echo "${out# }"
}

if [ -z "$bench" ]; then
	ids=()
	for b in "${selected_boots[@]}"; do
		tests=$(boot_get "$b" tests)
		if [ -n "$tests_override" ]; then
			tests=$(override_tests "$b")
			[ -n "$tests" ] || die "boot $b: --tests names none of its tests"
		fi
		[ -n "$tests" ] || die "boot $b has no tests"
		for t in $tests; do
			known_tests | grep -qx -- "$t" || die "no test script $t.sh (known: $(known_tests | tr '\n' ' '))"
		done
		log "boot $b: $tests"
		run_boot "$b" "$b" test "$tests"
		log "boot $b: $(cat "$out/$b/result") ($(cat "$out/$b/seconds") s)"
		ids+=("$b")
	done
	report "${ids[@]}"
	finish
fi

# ----------------------------------------------------------------------------
# Benchmark mode: A,B,A,B... on the first selected boot of the plan.

split_set() { # words -> "modules|env"
	local w mods=() envs=()
	for w in $1; do
		case "$w" in
		*=*) envs+=("$w") ;;
		*) mods+=("$w") ;;
		esac
	done
	echo "${mods[*]}|${envs[*]}"
}

b=${boot_names[0]}
[ -z "$boots_select" ] || b=${boots_select%% *}
# --boots 'x y': set A boots x, set B boots y.
boot_b=$b
# shellcheck disable=SC2086 # word splitting is intended
[ -z "$boots_select" ] || boot_b=$(echo $boots_select | awk '{ print ($2 == "" ? $1 : $2) }')
ids=()
echo "iteration,set,boot,metric,value,unit" >"$out/bench.csv"
for i in $(seq 1 "$alternate"); do
	for s in a b; do
		if [ "$s" = a ]; then spec=$set_a; bs=$b; else spec=$set_b; bs=$boot_b; fi
		ms=$(split_set "$spec")
		id=bench-$i$s
		log "$id: boot $bs, set ${s^^}: ${spec:-(nothing)}"
		run_boot "$id" "$bs" bench "" "$s" "${ms%%|*}" "${ms#*|}"
		# BENCH <metric> <value> <unit>, anywhere in the nested document.
		sed -n 's/^ *BENCH \([^ ]*\) \([^ ]*\) \(.*\)$/\1 \2 \3/p' "$out/$id/ktap" |
			while read -r metric value unit; do
				echo "$i,${s^^},$bs,$metric,$value,$unit"
			done >>"$out/bench.csv"
		log "$id: $(cat "$out/$id/result") ($(cat "$out/$id/seconds") s)"
		ids+=("$id")
	done
done
report "${ids[@]}"

# Medians per set and metric, and the ratio B/A.
{
	printf '%-24s %-10s %14s %14s %8s %s\n' metric unit "median A" "median B" "B/A" "samples A/B"
	tail -n +2 "$out/bench.csv" | cut -d, -f4,6 | sort -u | while IFS=, read -r metric unit; do
		med() {
			awk -F, -v m="$metric" -v s="$1" '$4 == m && $2 == s { print $5 }' "$out/bench.csv" |
				sort -g | awk '{ v[NR] = $1 } END {
					if (NR == 0) { print "-"; exit }
					if (NR % 2) print v[(NR + 1) / 2]
					else printf "%.6g\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
		}
		cnt() { awk -F, -v m="$metric" -v s="$1" '$4 == m && $2 == s' "$out/bench.csv" | wc -l; }
		ma=$(med A)
		mb=$(med B)
		ratio=$(awk -v a="$ma" -v b="$mb" 'BEGIN {
			if (a == "-" || b == "-" || a + 0 == 0) print "-"; else printf "%.3f\n", b / a }')
		printf '%-24s %-10s %14s %14s %8s %s\n' "$metric" "$unit" "$ma" "$mb" "$ratio" "$(cnt A)/$(cnt B)"
	done
} | tee "$out/bench.txt"
log "CSV: $out/bench.csv"
finish
