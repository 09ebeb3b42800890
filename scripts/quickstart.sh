#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Entry point for a fresh Debian 12 machine that has nothing but git (and
# maybe not even make): install the host packages, then run a make target.
#
# usage: scripts/quickstart.sh demo | check | MAKE-TARGET...
#   demo    build the modules, show them working in a pseries VM and under hvkit-vmm
#   check   every test: lint, unit tests, builds, VM tests
#
# Run it as root, or as a user who may use sudo.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"

if [ $# -eq 0 ]; then
	sed -n '7,10s/^# \{0,1\}//p' "$0" >&2
	exit 2
fi

"$repo"/scripts/install-deps.sh
exec make --no-print-directory "$@"
