#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Build hvkit with W=1 against the newer Debian kernels it targets besides
# the default 6.1 (which make lint and the build steps cover), and fail on
# any warning or error in hvkit's own sources. Warnings that the kernel's
# headers raise with Debian 12's older compiler (Documentation/build.rst)
# are not ours and are only counted.
#
# usage: build-kernels.sh [ARCH:KVER ...]
#   default: powerpc:6.12 arm64:6.12 arm64:7 (powerpc 7 does not assemble
#   with gcc-12, see Documentation/build.rst)
#
# Exit status: 0 when every build is clean, 1 when one is not, 77 when all
# that could be built are clean but a kernel could not be downloaded at all.
set -uo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo" || exit 1
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(powerpc:6.12 arm64:6.12 arm64:7)
jobs=$(nproc 2>/dev/null || echo 2)
log_dir=build/check/kernels
mkdir -p "$log_dir"

# Diagnostics located in hvkit's sources, as kbuild prints them (paths
# relative to the module directory).
ours='^(drivers|hypercall|include|selftests)/[^:]+:[0-9]+(:[0-9]+)?: (warning|error)'

failed=0
skipped=0
for t in "${targets[@]}"; do
	arch=${t%%:*}
	kver=${t#*:}
	log=$log_dir/$arch-$kver.log
	# A kernel the Debian archive cannot serve at all (fetch-kernel.sh
	# exits 3) is not hvkit's failure: that build is skipped, loudly.
	scripts/fetch-kernel.sh "$arch" "$kver" >/dev/null 2>"$log"
	rc=$?
	if [ "$rc" -eq 3 ]; then
		printf 'build %-8s %-5s SKIP  %s\n' "$arch" "$kver" "$(tail -n1 "$log")"
		skipped=$((skipped + 1))
		continue
	fi
	make --no-print-directory -j"$jobs" ARCH="$arch" KVER="$kver" \
		HVKIT_SELFTEST=m W=1 >"$log" 2>&1
	rc=$?
	mine=$(grep -cE "$ours" "$log")
	theirs=$(grep -E 'warning:' "$log" | grep -cvE "$ours")
	if [ "$rc" -ne 0 ] || [ "$mine" -ne 0 ]; then
		printf 'build %-8s %-5s FAIL  exit %s, %s diagnostics in hvkit (log %s)\n' \
			"$arch" "$kver" "$rc" "$mine" "$log"
		grep -E "$ours" "$log" | head -n 20
		[ "$rc" -eq 0 ] || tail -n 20 "$log"
		failed=$((failed + 1))
	else
		printf 'build %-8s %-5s PASS  W=1 clean (%s warnings from the kernel headers)\n' \
			"$arch" "$kver" "$theirs"
	fi
done
[ "$failed" -eq 0 ] || exit 1
# 77: skipped (scripts/check.sh shows the step as SKIP).
[ "$skipped" -eq 0 ] || exit 77
