#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Build the hvkit-dkms Debian package from this checkout, in a temporary
# copy (the packaging lives in packaging/debian, not in ./debian).
#
# usage: packaging/build-deb.sh [OUTDIR]     (default OUTDIR: build/deb)
# Needs: build-essential dpkg-dev debhelper dh-dkms
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$repo/build/deb}
mkdir -p "$out"
out=$(cd "$out" && pwd)

for tool in dpkg-buildpackage dh dh_dkms; do
	command -v "$tool" >/dev/null || {
		echo "build-deb: $tool is missing: apt-get install build-essential dpkg-dev debhelper dh-dkms" >&2
		exit 1
	}
done

version=$(dpkg-parsechangelog -l "$repo/packaging/debian/changelog" -S Version)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
src=$tmp/hvkit-$version

# The package ships what DKMS needs: Kbuild and the module sources.
mkdir -p "$src"
if git -C "$repo" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	git -C "$repo" ls-files -z --cached --others --exclude-standard -- \
		Kbuild dkms.conf drivers hypercall include packaging/prefer |
		while IFS= read -r -d '' f; do
			[ ! -f "$repo/$f" ] || (cd "$repo" && cp --parents "$f" "$src")
		done
else
	(cd "$repo" && cp -a --parents Kbuild dkms.conf drivers hypercall include \
		packaging/prefer "$src")
fi
# The opt-in helper (hvkit-prefer) sits at the top of the package tree.
mv "$src/packaging/prefer" "$src/prefer"
rmdir "$src/packaging"
cp -a "$repo/packaging/debian" "$src/debian"

(cd "$src" && dpkg-buildpackage -us -uc -b)
cp "$tmp"/*.deb "$out"/
ls -l "$out"/*.deb
