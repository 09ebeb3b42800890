#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash # busybox ash
#
# hv_console, as /init loaded it (console=hv_console, hvc_vio blacklisted),
# or as this script loads it (boots whose console is another, such as
# arm64's PL011 under hvkit-vmm): it binds every vty of the device tree
# (/data/devices lists them), the vty /chosen stdout-path names is hvc0
# and the system console (console=hv_console only), each /dev/hvcN reaches
# its own vty, and printk output reaches the console log (through hvc0
# where it is the console; checked by the host agent in the log file QEMU
# writes). Documentation/testing-console.rst.

. /lib/hvkit/ktap.sh
. /lib/hvkit/vty.sh

BUS=/sys/bus/hvkit/devices
ktap_plan 4

HVC_CONSOLE=0
[ "${BOOT_CONSOLE:-}" != hv_console ] || HVC_CONSOLE=1
# hvkit-vmm's tree names its PL011 in /chosen stdout-path, which stays a
# console beside hvc0 (console=ttyAMA0 console=hvc0), and both reach the
# one log: its vty 0, the lowest, is hvc0, with no early-console hand-over.
PEER=${BOOT_PEER:-qemu}
CONSOLE_COPIES=1
[ "$PEER$HVC_CONSOLE" != hvkit-vmm1 ] || CONSOLE_COPIES=2
[ "$HVC_CONSOLE" = 1 ] || vty_load || expect_bad "loading hv_console: $VTY_ERR"
vty_dt_units >/tmp/vtys

# 1. Every vty bound.
expect_eq "vtys in the device tree (the serial devices of $HVKIT_DATA/devices)" \
	"$(grep -c ' serial ' "$HVKIT_DATA/devices")" "$(wc -l </tmp/vtys)"
for m in hv_vio hv_console; do
	hvk_loaded $m || expect_bad "module $m is not loaded"
done
dmesg >/tmp/dmesg
while read -r ua; do
	d=$BUS/${ua#0x}
	drv=$(readlink "$d/driver" 2>/dev/null)
	expect_eq "driver of $d" hv_console "${drv##*/}"
	for a in bytes_in bytes_out put_busy put_errors bytes_dropped get_errors nuls_dropped \
		bad_counts hvc_index; do
		[ -r "$d/vty/$a" ] || expect_bad "$d/vty/$a missing"
	done
	expect_absent "hvc_vio's binding of $ua" "/sys/bus/vio/devices/${ua#0x}/driver"
	idx=$(rd "$d/vty/hvc_index")
	expect_match "probe line of $ua" "hv_console ${ua#0x}: hvc$idx( \(console\))?, interrupt driven" \
		"$(grep "hv_console ${ua#0x}: " /tmp/dmesg)"
done </tmp/vtys
ktap_result "hv_console binds all $(wc -l </tmp/vtys) vtys"

# 2. The stdout vty is hvc0 and the console (console=hv_console only).
if [ "$HVC_CONSOLE" = 1 ]; then
	path=$(dt_str /proc/device-tree/chosen/stdout-path)
	if [ "$PEER" = hvkit-vmm ]; then
		con_ua=$(sort /tmp/vtys | head -n1)
		ktap_diag "stdout-path $path (hvkit-vmm's PL011), console vty $con_ua"
		expect_match "stdout-path names the PL011" '^/pl011@' "$path"
		expect_match "console=hvc0 on the command line" '(^| )console=hvc0( |$)' \
			"$(cat /proc/cmdline)"
	else
		con_ua=$(dt_cell "/proc/device-tree$path/reg")
		ktap_diag "stdout-path $path, unit address $con_ua"
		expect_eq "lowest vty is the stdout vty" "$(sort /tmp/vtys | head -n1)" "$con_ua"
		expect_match "early console hand-over" \
			"hvkit ${con_ua#0x}: took hvc0 over from the early console" \
			"$(grep 'took hvc0 over' /tmp/dmesg)"
	fi
	expect_eq "$BUS/${con_ua#0x}/vty/hvc_index" 0 "$(rd "$BUS/${con_ua#0x}/vty/hvc_index")"
	expect_match "hvc0 in /proc/consoles, enabled" '^hvc0 .*\(.*E.*\)' "$(grep '^hvc0 ' /proc/consoles)"
	expect_match "/sys/class/tty/console/active" '(^| )hvc0( |$)' "$(rd /sys/class/tty/console/active)"
	# The other vtys: distinct, non-zero indexes.
	dups=$(cat "$BUS"/*/vty/hvc_index | sort | uniq -d)
	expect_eq "duplicate hvc indexes" "" "$dups"
	ktap_result "stdout vty is hvc0, the console"
else
	ktap_skip "stdout vty is hvc0, the console" \
		"the console is $(sed -n 's/^\([^ ]*\) .*(.*E.*).*/\1/p' /proc/consoles | head -n1), not hv_console's"
fi

# 3. /dev/hvcN of each socket vty reaches the agent on that vty.
k=1
while [ "$k" -le "${BOOT_VTYS:-0}" ]; do
	if vty_open_agent "$k"; then
		ktap_diag "agent's vty $k: $VTY_UA is $VTY_DEV"
	else
		expect_bad "agent's vty $k: $VTY_ERR"
	fi
	vty_close
	k=$((k + 1))
done
ktap_result "each /dev/hvcN reaches its own vty"

# 4. printk reaches the console log through hvc0: a kernel message with a
#    fresh token, which nothing else prints, must show up exactly once in
#    the log file QEMU writes for the console vty (twice under hvkit-vmm
#    with console=hv_console: the PL011 and hvc0 write to one log, and the
#    console vty's bytes_out must grow by the line); a token never printed
#    must not (the check itself works).
tok=$(od -An -tx8 -N8 /dev/urandom | tr -d ' ')
never=$(od -An -tx8 -N8 /dev/urandom | tr -d ' ')
if vty_open_agent 1; then
	[ "$HVC_CONSOLE" = 0 ] || out0=$(rd "$BUS/${con_ua#0x}/vty/bytes_out")
	echo "hvkit console check $tok" >/dev/kmsg
	dmesg | grep -q "hvkit console check $tok" || expect_bad "the message is not in dmesg"
	i=0
	while :; do
		vty_send "CONSOLE $tok"
		vty_reply 10 || { expect_bad "CONSOLE: $VTY_ERR"; break; }
		n=${VTY_REPLY#CONSOLE }
		case "$n" in *[!0-9]* | '') break ;; esac
		[ "$n" -lt "$CONSOLE_COPIES" ] && [ "$i" -lt 20 ] || break
		sleep 0.25
		i=$((i + 1))
	done
	expect_eq "console log lines with the token (agent)" "CONSOLE $CONSOLE_COPIES" "$VTY_REPLY"
	if [ "$HVC_CONSOLE" = 1 ]; then
		grew=$(($(rd "$BUS/${con_ua#0x}/vty/bytes_out") - out0))
		[ "$grew" -ge 36 ] ||
			expect_bad "console vty $con_ua: bytes_out grew by $grew, less than the message"
	fi
	vty_send "CONSOLE $never"
	vty_reply 10 || expect_bad "CONSOLE: $VTY_ERR"
	expect_eq "console log lines with a token never printed" "CONSOLE 0" "$VTY_REPLY"
else
	expect_bad "agent's vty 1: $VTY_ERR"
fi
vty_close
if [ "$HVC_CONSOLE" = 1 ]; then
	ktap_result "printk reaches the console log through hvc0"
else
	ktap_result "printk reaches the console log"
fi

ktap_finish
