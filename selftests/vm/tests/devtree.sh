#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash # busybox ash
#
# The VM looks the way the runner built it: the device tree holds exactly
# the devices listed in /data/devices (written by the host from the QEMU
# command line or the DTB it generated). Needs no hvkit module; it checks
# the test plumbing itself.
#
# ppc64le: children of /vdevice; arm64: children of /hypervisor (absent
# when the boot adds no hvkit node).

. /lib/hvkit/ktap.sh

case "$ARCH" in
ppc64le) parent=/proc/device-tree/vdevice ;;
arm64) parent=/proc/device-tree/hypervisor ;;
*) parent=/nonexistent ;;
esac

ktap_plan 4

# 1. The parent node.
if [ "$ARCH" = ppc64le ]; then
	expect_eq "/vdevice compatible" "IBM,vdevice" "$(dt_str $parent/compatible)"
	expect_eq "/vdevice device_type" "vdevice" "$(dt_str $parent/device_type)"
elif [ -n "${BOOT_METHOD:-}" ]; then
	expect_eq "/hypervisor compatible" "hvkit,hypervisor-v1" "$(dt_str $parent/compatible)"
	expect_eq "/hypervisor method" "$BOOT_METHOD" "$(dt_str $parent/method)"
else
	expect_absent "no hvkit node" "$parent"
fi
ktap_result "parent node"

# 2. Same set of devices, with the expected type and compatible.
: >/tmp/dt-devices
for n in "$parent"/*/; do
	[ -f "$n/reg" ] && [ -f "$n/device_type" ] || continue
	echo "$(dt_cell "$n/reg") $(dt_str "$n/device_type") $(dt_str "$n/compatible")"
done | sort >/tmp/dt-devices
sort "$HVKIT_DATA/devices" >/tmp/want-devices
if cmp -s /tmp/dt-devices /tmp/want-devices; then
	ktap_pass "devices match the runner's list"
else
	ktap_diag "expected:"
	sed 's/^/#   /' /tmp/want-devices
	ktap_diag "device tree:"
	sed 's/^/#   /' /tmp/dt-devices
	ktap_fail "devices match the runner's list"
fi

# 3. The console is where the runner expects it.
case "$ARCH" in
ppc64le)
	expect_match "stdout-path" "^/vdevice/vty@30000000$" \
		"$(dt_str /proc/device-tree/chosen/stdout-path)"
	;;
arm64)
	expect_match "stdout-path" "pl011" "$(dt_str /proc/device-tree/chosen/stdout-path)"
	;;
esac
expect_match "kernel command line" "console=" "$(cat /proc/cmdline)"
ktap_result "console"

# 4. The vty input file: 16 bytes, no CR, no NUL.
f=$HVKIT_DATA/vty1-input
expect_eq "vty1-input size" 16 "$(wc -c <"$f")"
hex=$(hexof "$f")
case "$hex" in
*0d* | *00*)
	# Only byte-aligned matches count.
	if echo "$hex" | sed 's/../& /g' | grep -q -w -E '0d|00'; then
		expect_bad "vty1-input contains CR or NUL: $hex"
	fi
	;;
esac
ktap_result "vty input data"

ktap_finish
