#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Install hvkit's guest tests (selftests/vm/tests, the kselftest collection
# "hvkit") with the kernel's own kselftest framework, from the Debian
# linux-source-6.1 package that the debug kernel is built from: the result
# is a tree that the kernel's run_kselftest.sh runs.
#
# usage: kselftest-install.sh INSTALL_PATH [DIR...]
#   DIR   more test scripts (*.sh) to install as part of the collection, as
#         run.sh --tests-dir adds them to its runs (selftests/vm/meta)
#
# INSTALL_PATH gets run_kselftest.sh, kselftest/ (the kernel's runner),
# kselftest-list.txt ("hvkit:<test>.sh" lines) and hvkit/ (the scripts and
# their settings file). Needs rsync, as the kernel's lib.mk does.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
out=${1:?usage: kselftest-install.sh INSTALL_PATH [DIR...]}
shift
log() { echo "kselftest-install: $*" >&2; }

command -v rsync >/dev/null || { log "rsync not found (scripts/install-deps.sh installs it)"; exit 1; }
# The source only, not the debug kernel build.
ksrc=$("$repo/scripts/build-debug-kernel.sh" powerpc --print source) ||
	{ log "cannot get Debian's linux-source-6.1"; exit 1; }
kst=$ksrc/tools/testing/selftests
[ -f "$kst/run_kselftest.sh" ] || { log "no kselftest framework in $kst"; exit 1; }

# A kselftest tree of our own: the kernel's framework files, and the
# collection as a real directory beside them (its Makefile includes
# ../lib.mk, as every collection's does).
scratch=$repo/build/kselftest/tree
rm -rf "$scratch"
mkdir -p "$scratch"
for f in Makefile lib.mk run_kselftest.sh kselftest; do
	ln -s "$kst/$f" "$scratch/$f"
done
cp -r "$repo/selftests/vm/tests" "$scratch/hvkit"
for d in "$@"; do
	cp "$d"/*.sh "$scratch/hvkit/"
done

mkdir -p "$out"
out=$(cd "$out" && pwd)
make --no-print-directory -C "$scratch" top_srcdir="$ksrc" TARGETS=hvkit \
	install INSTALL_PATH="$out" >"$repo/build/kselftest/install.log" 2>&1 ||
	{ cat "$repo/build/kselftest/install.log" >&2; log "make install failed"; exit 1; }
n=$(grep -c '^hvkit:' "$out/kselftest-list.txt" || true)
[ "$n" -gt 0 ] || { log "kselftest-list.txt names no hvkit test"; exit 1; }
log "$n tests of the collection hvkit installed in $out (kernel framework: $ksrc)"
