#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash # busybox ash
#
# hv_console next to the built-in hvc_vio (the default kernel command
# line): it loads, binds no vty, and says for each vty which driver owns
# it and how to hand it over; the vtys keep working under hvc_vio, and it
# unloads cleanly. Boot: vtys=3 agent=vty without a blacklist.

. /lib/hvkit/ktap.sh
. /lib/hvkit/vty.sh

BUS=/sys/bus/hvkit/devices
ktap_plan 4

vty_dt_units >/tmp/vtys
NV=$(wc -l </tmp/vtys)

# 1. Loads, binds nothing, one line per vty.
expect_ok "insmod hv_vio" hvk_insmod hv_vio
dmesg_mark
expect_ok "insmod hv_console" hvk_insmod hv_console
dmesg_since >/tmp/load.log
sed 's/^/# log| /' /tmp/load.log
while read -r ua; do
	line="hv_console ${ua#0x}: vty is driven by hvc_console; boot with initcall_blacklist=hvc_vio_init to hand it to hv_console"
	expect_eq "lines for $ua" 1 "$(grep -c -F "$line" /tmp/load.log)"
	drv=$(readlink "$BUS/${ua#0x}/driver" 2>/dev/null)
	expect_eq "hv_console bound to $ua" "" "$drv"
	expect_absent "vty attributes of $ua" "$BUS/${ua#0x}/vty"
	drv=$(readlink "/sys/bus/vio/devices/${ua#0x}/driver" 2>/dev/null)
	expect_eq "driver of vio device $ua" hvc_console "${drv##*/}"
done </tmp/vtys
expect_eq "'is driven by' lines" "$NV" "$(grep -c 'vty is driven by' /tmp/load.log)"
expect_eq "lines about hvc0" "" "$(grep 'took hvc0 over' /tmp/load.log)"
ktap_result "hv_console loads, binds none of the $NV vtys, says why for each"

# 2. The console is still hvc_vio's.
expect_match "hvc0 in /proc/consoles" '^hvc0 ' "$(grep '^hvc0 ' /proc/consoles)"
ktap_result "hvc0 stays the console"

# 3. A vty still works under hvc_vio: its /dev/hvc1 reaches the agent's
#    vty 1, both ways.
if vty_open /dev/hvc1 && vty_ping; then
	expect_eq "agent's vty behind /dev/hvc1" 1 "$VTY_AGENT_INDEX"
	head -c 8192 "$HVKIT_DATA/sets/plain" >/tmp/p8k
	vty_put /tmp/p8k 60 || expect_bad "PUT: $VTY_ERR"
	expect_eq "agent's sha256 of 8 KiB" "$(sha_of /tmp/p8k)" "$VTY_SHA"
	vty_get plain 8192 /tmp/g8k 60 || expect_bad "GET: $VTY_ERR"
	expect_eq "sha256 of 8 KiB received" "$(sha_of /tmp/p8k)" "$(sha_of /tmp/g8k)"
else
	expect_bad "/dev/hvc1: $VTY_ERR"
fi
vty_close
ktap_result "hvc_vio's /dev/hvc1 still works with hv_console loaded"

# 4. Unloads cleanly.
expect_ok "rmmod hv_console" rmmod hv_console
expect_ok "rmmod hv_vio" rmmod hv_vio
left=$(hvk_leftovers)
expect_eq "left behind" "" "$left"
ktap_result "rmmod hv_console, hv_vio"

ktap_finish
