#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Fetch Debian packages of a foreign architecture and unpack them into a
# cache directory, for use inside test guests (busybox, and later dynamic
# tools such as iperf3 or ethtool together with their shared libraries).
# Nothing is installed on the host and the host's apt state is not touched:
# a private sources list, package lists and archive cache live under the
# cache directory.
#
# usage: fetch-debs.sh [options] ARCH PKG[=VERSION]...
#   ARCH            powerpc | ppc64le | ppc64el | arm64 | aarch64 | amd64
#   --suite S       Debian suite (default bookworm)
#   --kver K        pick the suite of a kernel version: 6.1 | 6.12 | 7
#   --libs          also fetch the shared libraries the packages need:
#                   Depends/Pre-Depends followed recursively, but only into
#                   packages named lib* (Debian's library naming), so that
#                   maintainer-script helpers (adduser, debconf, perl) stay out
#   --print WHAT    root (default): print the directory the packages are
#                   unpacked into; list: print "name version" of every
#                   package unpacked there
#   --update        refresh the package index even if one is cached
#
# Layout ($HVKIT_CACHE, default ~/.cache/hvkit):
#   debs/<debarch>-<suite>/apt/       private apt lists and archives
#   debs/<debarch>-<suite>/root/      union of all unpacked packages
#   debs/<debarch>-<suite>/unpacked/  one stamp file per package: its version
#
# The file can also be sourced ("library mode") to reuse the private apt
# setup; scripts/fetch-kernel.sh does that. Sourcing defines the hvk_apt_*
# functions only and runs nothing.

# ---------------------------------------------------------------------------
# Library: a private apt configuration rooted in a directory.

# hvk_apt_source_uri PATH : the first archive URI of this machine's apt
# sources whose path ends in /PATH (debian, debian-security).
hvk_apt_source_uri() {
	grep -hs -E '^(URIs:|deb )' /etc/apt/sources.list.d/*.sources \
		/etc/apt/sources.list 2>/dev/null |
		grep -o -E "(https?|file)://[^ ]*/$1/?( |\$)" | head -n1 | tr -d ' '
}

# Print the Debian archive URI: $HVKIT_DEBIAN_MIRROR, else the one this
# machine's apt is configured with.
hvk_apt_mirror() {
	local uri=${HVKIT_DEBIAN_MIRROR:-$(hvk_apt_source_uri debian)}
	[ -n "$uri" ] || return 1
	echo "${uri%/}"
}

# Print the Debian security archive URI: $HVKIT_DEBIAN_SECURITY_MIRROR, else
# the one this machine's apt names, else the main archive's with
# "-security" appended (deb.debian.org/debian-security).
hvk_apt_security_mirror() {
	local uri=${HVKIT_DEBIAN_SECURITY_MIRROR:-$(hvk_apt_source_uri debian-security)}
	[ -n "$uri" ] || uri=$(hvk_apt_mirror)-security || return 1
	echo "${uri%/}"
}

# hvk_apt_source_line URI SUITE ARCHLIST : one sources.list line. A file://
# archive is a local mirror the user set up (or a test's): taken as trusted.
hvk_apt_source_line() {
	local opts="arch=$3"
	case "$1" in file://*) opts+=" trusted=yes" ;; esac
	echo "deb [$opts] $1 $2 main"
}

# hvk_apt_init DIR SUITE ARCH... : write DIR/apt/sources.list for SUITE (main)
# covering the given Debian architectures (the first is the "native" one for
# apt) and set the array HVK_APT_OPTS that points apt-get/apt-cache at it.
hvk_apt_init() {
	local dir=$1 suite=$2 mirror a archlist
	shift 2
	mirror=$(hvk_apt_mirror) || return 1
	archlist=$(IFS=,; echo "$*")
	mkdir -p "$dir/apt/lists/partial" "$dir/apt/archives/partial"
	hvk_apt_source_line "$mirror" "$suite" "$archlist" >"$dir/apt/sources.list"
	HVK_APT_ARCHLIST=$archlist
	HVK_APT_OPTS=(-o "Dir::Etc::SourceList=$dir/apt/sources.list"
		-o Dir::Etc::SourceParts=/dev/null
		-o "Dir::State::Lists=$dir/apt/lists"
		-o "Dir::Cache=$dir/apt"
		-o "Dir::State::status=/dev/null"
		-o "APT::Architecture=$1"
		-o Debug::NoLocking=1 -o Acquire::Retries=3)
	for a in "$@"; do
		HVK_APT_OPTS+=(-o "APT::Architectures::=$a")
	done
}

# hvk_apt_add_security DIR SUITE : add SUITE's security suite (SUITE-security)
# to the sources hvk_apt_init wrote. Suites without one (sid) are left alone.
hvk_apt_add_security() {
	local uri
	case "$2" in sid | unstable | experimental) return 0 ;; esac
	uri=$(hvk_apt_security_mirror) || return 1
	hvk_apt_source_line "$uri" "$2-security" "$HVK_APT_ARCHLIST" >>"$1/apt/sources.list"
}

# hvk_apt_update DIR : refresh the private index; the log goes to
# DIR/apt/update.log and is printed on failure.
hvk_apt_update() {
	apt-get -q "${HVK_APT_OPTS[@]}" update >"$1/apt/update.log" 2>&1 ||
		{ cat "$1/apt/update.log" >&2; return 1; }
}

# hvk_apt_field PKG FIELD : one field of the candidate version of PKG.
hvk_apt_field() {
	apt-cache "${HVK_APT_OPTS[@]}" show --no-all-versions "$1" 2>/dev/null |
		sed -n "s/^$2: //p" | head -n1
}

# hvk_apt_debarch ARCH : Debian architecture name for a kernel/uname name.
hvk_apt_debarch() {
	case "$1" in
	powerpc | ppc64le | ppc64el) echo ppc64el ;;
	arm64 | aarch64) echo arm64 ;;
	amd64 | x86_64 | x86) echo amd64 ;;
	*) return 1 ;;
	esac
}

# hvk_apt_suite KVER : Debian suite that ships kernel KVER.
hvk_apt_suite() {
	case "$1" in
	6.1) echo bookworm ;;
	6.12) echo trixie ;;
	7) echo sid ;;
	*) return 1 ;;
	esac
}

# Stop here when sourced.
if [ "${BASH_SOURCE[0]}" != "$0" ]; then
	return 0
fi

# ---------------------------------------------------------------------------
# Command.
set -euo pipefail

me=fetch-debs
log() { echo "$me: $*" >&2; }
die() { log "$*"; exit 1; }
usage() { sed -n '/^# usage:/,/^# Layout/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2; }

suite=bookworm
libs=0
print=root
force_update=0
args=()
while [ $# -gt 0 ]; do
	case "$1" in
	--suite) suite=${2:?}; shift ;;
	--kver) suite=$(hvk_apt_suite "${2:?}") || die "unknown kernel version $2"; shift ;;
	--libs) libs=1 ;;
	--print) print=${2:?}; shift ;;
	--update) force_update=1 ;;
	-h | --help) usage ;;
	-*) log "unknown option $1"; usage ;;
	*) args+=("$1") ;;
	esac
	shift
done
[ ${#args[@]} -ge 1 ] || usage
debarch=$(hvk_apt_debarch "${args[0]}") || die "unknown architecture ${args[0]}"
pkgs=("${args[@]:1}")
case "$print" in root | list) ;; *) die "unknown --print $print (root, list)" ;; esac

cache=${HVKIT_CACHE:-$HOME/.cache/hvkit}
dir=$cache/debs/$debarch-$suite
root=$dir/root
stamps=$dir/unpacked
mkdir -p "$root" "$stamps"
# Two test runs may fetch for the same architecture at once (check.sh's
# lanes): one at a time in the shared index, download and root.
exec 9>"$dir/.lock"
flock 9

hvk_apt_init "$dir" "$suite" "$debarch" || die "cannot find a Debian archive in the apt sources"

updated=0
update() {
	log "updating package index for $suite ($debarch)"
	hvk_apt_update "$dir" || die "apt-get update failed"
	updated=1
}
if [ "$force_update" = 1 ] || ! ls "$dir"/apt/lists/*_Packages* >/dev/null 2>&1; then
	update
fi

# Candidate version of NAME (already arch-qualified), or empty.
candidate() {
	apt-cache "${HVK_APT_OPTS[@]}" policy "$1" 2>/dev/null |
		sed -n 's/^ *Candidate: //p' | grep -v '(none)' || true
}

# Library dependencies of NAME:ARCH, one name per line (without :arch).
lib_deps() {
	apt-cache "${HVK_APT_OPTS[@]}" depends --no-recommends --no-suggests \
		--no-conflicts --no-breaks --no-replaces --no-enhances "$1" 2>/dev/null |
		sed -n 's/^ *|\{0,1\}\(Pre\)\{0,1\}Depends: //p' |
		grep -v '^<' | sed 's/:.*//' | grep '^lib' | sort -u || true
}

# Resolve the request into "name version" pairs, following libraries.
declare -A want=()
queue=()
for p in "${pkgs[@]}"; do
	queue+=("$p")
done
while [ ${#queue[@]} -gt 0 ]; do
	spec=${queue[0]}
	queue=("${queue[@]:1}")
	name=${spec%%=*}
	name=${name%%:*}
	[ -z "${want[$name]+x}" ] || continue
	ver=
	[ "$spec" = "${spec#*=}" ] || ver=${spec#*=}
	if [ -z "$ver" ]; then
		ver=$(candidate "$name:$debarch")
		if [ -z "$ver" ] && [ "$updated" = 0 ]; then
			update
			ver=$(candidate "$name:$debarch")
		fi
		[ -n "$ver" ] || die "no package $name for $debarch in $suite"
	fi
	want[$name]=$ver
	if [ "$libs" = 1 ]; then
		while read -r dep; do
			[ -n "$dep" ] && queue+=("$dep")
		done < <(lib_deps "$name:$debarch")
	fi
done

# Download and unpack what is not unpacked at that version yet. Arch:all
# packages are requested without an architecture qualifier.
todo=()
for name in "${!want[@]}"; do
	ver=${want[$name]}
	[ "$(cat "$stamps/$name" 2>/dev/null)" = "$ver" ] && continue
	todo+=("$name")
done
if [ ${#todo[@]} -gt 0 ]; then
	debs=$dir/apt/debs
	rm -rf "$debs"
	mkdir -p "$debs"
	specs=()
	for name in "${todo[@]}"; do
		specs+=("$name:$debarch=${want[$name]}")
	done
	log "downloading ${specs[*]}"
	if ! (cd "$debs" && apt-get -q "${HVK_APT_OPTS[@]}" -o APT::Sandbox::User=root download "${specs[@]}" >&2); then
		[ "$updated" = 0 ] || die "download failed"
		update
		(cd "$debs" && apt-get -q "${HVK_APT_OPTS[@]}" -o APT::Sandbox::User=root download "${specs[@]}" >&2) ||
			die "download failed"
	fi
	for name in "${todo[@]}"; do
		deb=$(ls "$debs/${name}_"*.deb 2>/dev/null | head -n1)
		[ -n "$deb" ] || die "apt-get did not produce a .deb for $name"
		dpkg-deb -x "$deb" "$root"
		echo "${want[$name]}" >"$stamps/$name"
	done
	rm -rf "$debs"
fi

case "$print" in
root) echo "$root" ;;
list)
	for name in "${!want[@]}"; do
		echo "$name ${want[$name]}"
	done | sort
	;;
esac
