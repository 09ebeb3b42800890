#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# hvkit demo (make demo): install what is missing, cross-build the modules
# for Debian's ppc64el 6.1 kernel, boot that kernel in QEMU's pseries
# machine with a vty, an l-lan and a v-scsi adapter, load hv_vio and show
# the devices it found.
#
# The VM part goes through the VM test runner (selftests/vm/run.sh): it
# builds the initramfs, starts QEMU and prints the guest's KTAP report. The
# guest side of the demo is scripts/demo-guest/hvkit-devices.sh.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"

say() { printf '\n==== demo: %s\n' "$*"; }

say "host packages"
scripts/install-deps.sh

say "cross-building hv_vio, hv_console, hv_net, hv_scsi for powerpc (Debian 6.1)"
make --no-print-directory ARCH=powerpc KVER=6.1 HVKIT_SELFTEST=m
ls -l build/powerpc-6.1/*.ko

say "booting a pseries VM (QEMU TCG, POWER9) and listing hv_vio's devices"
selftests/vm/run.sh --arch ppc64le --kver 6.1 --no-build --tests-dir scripts/demo-guest \
	--tests hvkit-devices
