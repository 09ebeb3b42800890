#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash # busybox ash
#
# hv_net on the dt backend (arm64: the runner's hvkit hypervisor node has an
# l-lan child). QEMU's firmware is no hvkit hypervisor, so hv_vio stays
# offline and its bus does not bind drivers: hv_net must load, leave the
# l-lan unbound with one log line saying why, create no interface, and
# unload cleanly.
. /lib/hvkit/ktap.sh

UA=30000001
ktap_plan 2

loaded_vio=0
dmesg_mark
hvk_loaded hv_vio || { hvk_insmod hv_vio && loaded_vio=1; }
if expect_ok "hv_vio loaded" hvk_loaded hv_vio && expect_ok "insmod hv_net" hvk_insmod hv_net; then
	expect_exists "l-lan device" "/sys/bus/hvkit/devices/$UA"
	expect_absent "no driver bound" "/sys/bus/hvkit/devices/$UA/driver"
	expect_absent "no interface" "/sys/bus/hvkit/devices/$UA/net"
	expect_match "the reason in the log" "$UA: not binding hv_net: the hypervisor is offline" "$(dmesg_since)"
fi
ktap_result "offline hypervisor: l-lan $UA left unbound"

expect_ok "rmmod hv_net" rmmod hv_net
[ "$loaded_vio" = 0 ] || expect_ok "rmmod hv_vio" rmmod hv_vio
ktap_result "unload"

ktap_finish
