#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# hvkit lint (make lint). Every finding fails; a summary comes last.
#
#   checkpatch  --strict on every kernel source (drivers, hypercall, include,
#               selftests/kmod), with the checkpatch.pl of Debian's kernel
#   build       a C=2 W=1 build per target: any compiler, sparse or modpost
#               warning in hvkit code is a finding
#   scripts     shellcheck on every shell script in the tree
#   spdx        every file starts with an SPDX-License-Identifier line
#
# Environment:
#   HVKIT_LINT_TARGETS  ARCH:KVER list (default "powerpc:6.1 arm64:6.1")
#   HVKIT_LINT_STEPS    steps to run (default "checkpatch build shellcheck spdx")
#   HVKIT_CACHE         cache directory (default ~/.cache/hvkit)
set -uo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo" || exit 1
cache=${HVKIT_CACHE:-$HOME/.cache/hvkit}
export HVKIT_CACHE=$cache
targets=${HVKIT_LINT_TARGETS:-powerpc:6.1 arm64:6.1}
steps=${HVKIT_LINT_STEPS:-checkpatch build shellcheck spdx}
kernel_dirs=(drivers hypercall include selftests/kmod)

# checkpatch.pl comes from this Debian kernel source package.
ck_pkg=linux-source-6.1
ck_dir=$cache/checkpatch

# checkpatch types switched off, each because it cannot apply out of tree:
#   LINUX_VERSION_CODE  hvkit builds against several kernel releases (6.1,
#                       6.12, 7) from one source, so version checks are how
#                       it follows kernel API changes; in-tree code has one
#                       version and no need for them.
ck_ignore=LINUX_VERSION_CODE
# CamelCase names that the kernel's own API spells that way (hvkit cannot
# rename them); checkpatch --no-tree has no kernel headers to learn them
# from, so their CAMELCASE findings are dropped here, and only theirs.
ck_kernel_camelcase='Scsi_Host'

results=()	# "name|status|detail"
findings=0

section() { printf '\n==== lint: %s ====\n' "$*"; }
record() { # name status detail
	results+=("$1|$2|$3")
	[ "$2" = PASS ] || [ "$2" = SKIP ] || findings=$((findings + 1))
}

# Files of the working tree: tracked and new, but not ignored ones.
tree_files() {
	if git -C "$repo" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
		git -C "$repo" ls-files -z --cached --others --exclude-standard -- "$@" |
			while IFS= read -r -d '' f; do [ -f "$f" ] && printf '%s\n' "$f"; done
	else
		find "$@" -path ./build -prune -o -type f -print 2>/dev/null | sed 's#^\./##'
	fi | sort -u
}

fetch_checkpatch() {
	[ -f "$ck_dir/checkpatch.pl" ] && [ -f "$ck_dir/spelling.txt" ] &&
		[ -f "$ck_dir/const_structs.checkpatch" ] && return 0
	echo "lint: fetching checkpatch.pl from Debian's $ck_pkg (one time, ~140 MB)"
	local tmp deb src
	mkdir -p "$ck_dir" || return 1
	tmp=$(mktemp -d "$ck_dir/tmp.XXXXXX") || return 1
	# Only the archive is downloaded; nothing is installed on the host.
	if ! (cd "$tmp" && apt-get -q download "$ck_pkg" 2>&1 | grep -v 'unsandboxed'); then
		echo "lint: apt-get download $ck_pkg failed" >&2
		rm -rf "$tmp"
		return 1
	fi
	deb=$(find "$tmp" -maxdepth 1 -name "*.deb" | head -n1)
	src=$(dpkg-deb -c "$deb" | grep -o '\./usr/src/linux-source-[^/]*\.tar\.xz$' | head -n1)
	if [ -z "$src" ]; then
		echo "lint: no kernel source tarball in $deb" >&2
		rm -rf "$tmp"
		return 1
	fi
	local top
	top=$(basename "$src" .tar.xz)
	if ! dpkg-deb --fsys-tarfile "$deb" | tar -xO -f - "$src" |
		tar -xJ -f - -C "$tmp" --strip-components=2 \
			"$top/scripts/checkpatch.pl" "$top/scripts/spelling.txt" \
			"$top/scripts/const_structs.checkpatch"; then
		echo "lint: cannot extract checkpatch from $deb" >&2
		rm -rf "$tmp"
		return 1
	fi
	dpkg-deb -f "$deb" Version >"$tmp/VERSION"
	mv "$tmp/checkpatch.pl" "$tmp/spelling.txt" "$tmp/const_structs.checkpatch" \
		"$tmp/VERSION" "$ck_dir/"
	chmod +x "$ck_dir/checkpatch.pl"
	rm -rf "$tmp"
}

lint_checkpatch() {
	section "checkpatch --strict"
	if ! fetch_checkpatch; then
		record checkpatch FAIL "cannot get checkpatch.pl"
		return
	fi
	echo "checkpatch.pl from $ck_pkg $(cat "$ck_dir/VERSION" 2>/dev/null)"
	local files=() f out n=0
	mapfile -t files < <(tree_files "${kernel_dirs[@]}" | grep -E '\.[ch]$')
	if [ ${#files[@]} -eq 0 ]; then
		record checkpatch PASS "no kernel sources yet"
		return
	fi
	for f in "${files[@]}"; do
		# Run from the cache directory: checkpatch reads a .checkpatch.conf
		# and writes a .checkpatch-camelcase.* file in its working directory.
		out=$(cd "$ck_dir" && perl ./checkpatch.pl --strict --no-tree --terse \
			--show-types --no-summary --ignore "$ck_ignore" -f "$repo/$f" 2>&1)
		out=${out//"$repo/"/}
		out=$(printf '%s\n' "$out" |
			grep -v -E "CHECK:CAMELCASE: Avoid CamelCase: <($ck_kernel_camelcase)>$" || true)
		if [ -n "$out" ]; then
			printf '%s\n' "$out"
			n=$((n + $(printf '%s\n' "$out" | grep -c -E ': (ERROR|WARNING|CHECK):')))
		fi
	done
	if [ "$n" -eq 0 ]; then
		record checkpatch PASS "${#files[@]} files"
	else
		record checkpatch FAIL "$n findings in ${#files[@]} files"
	fi
}

# Print the diagnostics of a kbuild log that point into hvkit code, with
# paths relative to the repository. $1 = log, $2 = the build's source copy.
hvkit_diagnostics() {
	local log=$1 src=$2 line path
	while IFS= read -r line; do
		case "$line" in
		"WARNING: modpost:"* | "ERROR: modpost:"*)
			printf '%s\n' "$line"
			continue ;;
		esac
		path=${line%%:*}
		case "$path" in
		"$src"/* | "$repo"/*) ;;
		/*) continue ;;	# kernel headers and other absolute paths
		*) [ -e "$src/$path" ] || continue ;;
		esac
		path=${path#"$src"/}
		path=${path#"$repo"/}
		printf '%s:%s\n' "$path" "${line#*:}"
	done < <(grep -E '^[^ :]+:[0-9]+(:[0-9]+)?: (warning|error):|^(WARNING|ERROR): modpost:' "$log")
}

lint_build() {
	local t arch kver out src log kdir rc diags n lock=
	for t in $targets; do
		arch=${t%%:*}
		kver=${t#*:}
		section "build $arch $kver (C=2 W=1)"
		# A separate, fresh output directory: every file is compiled (so
		# every warning is printed again) and normal builds are left alone.
		out=$repo/build/lint-$arch-$kver
		src=$out/src
		log=$out/build.log
		mkdir -p "$repo/build"
		[ -z "$lock" ] || exec {lock}>&-
		# Two lint runs in one tree would share the directory: take turns.
		exec {lock}>"$repo/build/.lint-$arch-$kver.lock"
		flock "$lock"
		rm -rf "$out"
		mkdir -p "$out"
		if ! kdir=$(scripts/fetch-kernel.sh "$arch" "$kver" --print kdir); then
			record "build $arch $kver" FAIL "cannot fetch the $kver kernel headers"
			continue
		fi
		make --no-print-directory ARCH="$arch" KVER="$kver" KDIR="$kdir" \
			BUILD="$out" HVKIT_SELFTEST=m EXTRA_KBUILD="C=2 W=1" modules \
			>"$log" 2>&1
		rc=$?
		# A warning in a header shows once per file that includes it.
		diags=$(hvkit_diagnostics "$log" "$src" | awk '!seen[$0]++')
		n=0
		[ -z "$diags" ] || n=$(printf '%s\n' "$diags" | wc -l)
		if ! grep -q -E '^  CHECK ' "$log" && [ "$rc" -eq 0 ]; then
			echo "lint: sparse did not run (no CHECK lines in $log)"
			record "build $arch $kver" FAIL "sparse did not run"
			continue
		fi
		if [ "$rc" -ne 0 ]; then
			tail -n 40 "$log"
			[ -z "$diags" ] || printf '\n%s\n' "$diags"
			record "build $arch $kver" FAIL "build failed (exit $rc), $n finding(s); log: ${log#"$repo"/}"
		elif [ "$n" -gt 0 ]; then
			printf '%s\n' "$diags"
			record "build $arch $kver" FAIL "$n finding(s); log: ${log#"$repo"/}"
		else
			echo "$(grep -c -E '^  CHECK ' "$log") files checked by sparse, $(find "$out" -maxdepth 1 -name '*.ko' | wc -l) modules, no warnings"
			record "build $arch $kver" PASS "C=2 W=1 clean"
		fi
	done
}

lint_shellcheck() {
	section "shellcheck"
	if ! command -v shellcheck >/dev/null; then
		record shellcheck FAIL "shellcheck not installed (scripts/install-deps.sh)"
		return
	fi
	local files=() f
	while IFS= read -r f; do
		case "$f" in
		*.sh | *.bash) files+=("$f") ;;
		*) head -n1 "$f" 2>/dev/null | grep -q -E '^#!.*[/ ](ba|da)?sh( |$)' &&
			files+=("$f") ;;
		esac
	done < <(tree_files .)
	if [ ${#files[@]} -eq 0 ]; then
		record shellcheck PASS "no scripts"
		return
	fi
	# Errors and warnings fail; info and style notes are not findings.
	# Each script is checked on its own: following sourced files (-x)
	# mixes the variables of a library's main part into its users.
	if shellcheck --severity=warning --format=gcc "${files[@]}"; then
		record shellcheck PASS "${#files[@]} scripts"
	else
		record shellcheck FAIL "findings in ${#files[@]} scripts"
	fi
}

# Files whose format has no comment syntax; they carry no SPDX line. The
# license of these is given by packaging/debian/copyright and README.md.
spdx_exempt='^(packaging/debian/changelog|packaging/debian/source/format)$'

lint_spdx() {
	section "SPDX headers"
	local f bad=0 total=0
	while IFS= read -r f; do
		[[ $f =~ $spdx_exempt ]] && continue
		# binary files (test images, DTBs) cannot carry a header
		grep -q -I '' "$f" 2>/dev/null || [ ! -s "$f" ] || continue
		total=$((total + 1))
		if ! head -n 3 "$f" | grep -q 'SPDX-License-Identifier: '; then
			echo "$f:1: no SPDX-License-Identifier in the first 3 lines"
			bad=$((bad + 1))
		fi
	done < <(tree_files .)
	if [ "$bad" -eq 0 ]; then
		record spdx PASS "$total files"
	else
		record spdx FAIL "$bad of $total files without SPDX header"
	fi
}

for s in $steps; do
	case "$s" in
	checkpatch) lint_checkpatch ;;
	build) lint_build ;;
	shellcheck) lint_shellcheck ;;
	spdx) lint_spdx ;;
	*) echo "lint: unknown step '$s'" >&2; exit 2 ;;
	esac
done

section summary
for r in "${results[@]}"; do
	IFS='|' read -r name status detail <<<"$r"
	printf '  %-22s %-5s %s\n' "$name" "$status" "$detail"
done
if [ "$findings" -eq 0 ]; then
	echo "lint: clean"
	exit 0
fi
echo "lint: $findings check(s) with findings"
exit 1
