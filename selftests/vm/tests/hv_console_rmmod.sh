#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash # busybox ash
#
# hv_console: rmmod while a process holds a vty open. Opening a vty takes a
# module reference, so rmmod hv_console (and rmmod hv_vio under it) must
# be refused, over and over, while a transfer runs on that vty; the module
# stays, the vty keeps working, and closing gives the reference back.
# (In this boot /init holds hvc0 open as well, so hv_console can never be
# unloaded here: after an unload kernel messages would no longer reach the
# console vty.)

. /lib/hvkit/ktap.sh
. /lib/hvkit/vty.sh
# Where /init did not load hv_console (its console is another): load it.
[ "${BOOT_CONSOLE:-}" = hv_console ] || vty_load || echo "# loading hv_console: $VTY_ERR"

REF=/sys/module/hv_console/refcnt
ktap_plan 3

ref0=$(rd $REF)
ktap_diag "hv_console refcnt with the vtys of other processes open: $ref0"

# 1. Opening pins the module.
OPEN=0
if vty_open_agent 2; then
	OPEN=1
	expect_eq "refcnt with $VTY_DEV open" "$((ref0 + 1))" "$(rd $REF)"
else
	expect_bad "agent's vty 2: $VTY_ERR"
fi
ktap_result "an open vty holds a reference on hv_console"

# 2. rmmod refused 20 times each while 256 KiB go out on that vty.
N=262144
head -c $N "$HVKIT_DATA/sets/plain" >/tmp/p256
SHA=$(sha_of /tmp/p256)
if [ "$OPEN" = 1 ]; then
	( vty_put /tmp/p256 120 && echo "$VTY_SHA" >/tmp/rmmod.sha || echo "$VTY_ERR" >/tmp/rmmod.err ) &
	pid=$!
	i=0
	refused=0
	while [ "$i" -lt 20 ]; do
		for m in hv_console hv_vio; do
			if rmmod "$m" >/tmp/rmmod.out 2>&1; then
				expect_bad "rmmod $m succeeded with $VTY_DEV open"
			else
				refused=$((refused + 1))
				grep -q 'in use\|temporarily unavailable' /tmp/rmmod.out ||
					expect_bad "rmmod $m: unexpected message: $(cat /tmp/rmmod.out)"
			fi
		done
		i=$((i + 1))
	done
	alive "$pid" || ktap_diag "the transfer ended before the last rmmod"
	wait "$pid"
	ktap_diag "rmmod refused $refused times; last message: $(cat /tmp/rmmod.out)"
	[ -s /tmp/rmmod.err ] && expect_bad "PUT $N: $(cat /tmp/rmmod.err)"
	expect_eq "agent's sha256 of $N bytes sent during the rmmods" "$SHA" "$(cat /tmp/rmmod.sha 2>/dev/null)"
	for m in hv_vio hv_console; do
		hvk_loaded $m || expect_bad "module $m was unloaded"
	done
	for d in /sys/bus/hvkit/devices/*; do
		[ -d "$d/vty" ] || continue
		drv=$(readlink "$d/driver" 2>/dev/null)
		expect_eq "driver of $d" hv_console "${drv##*/}"
	done
	# And the vty still works the other way.
	if vty_get plain 16384 /tmp/g16 60; then
		expect_eq "16 KiB host -> guest afterwards" "$(head -c 16384 "$HVKIT_DATA/sets/plain" | sha256sum | cut -d' ' -f1)" \
			"$(sha_of /tmp/g16)"
	else
		expect_bad "GET 16384: $VTY_ERR"
	fi
fi
ktap_result "rmmod refused while the vty is open; module and vty unharmed"

# 3. Closing gives the reference back.
vty_close
i=0
while [ "$(rd $REF)" != "$ref0" ] && [ "$i" -lt 20 ]; do
	sleep 0.1
	i=$((i + 1))
done
expect_eq "refcnt after closing" "$ref0" "$(rd $REF)"
ktap_result "closing the vty releases the reference"

ktap_finish
