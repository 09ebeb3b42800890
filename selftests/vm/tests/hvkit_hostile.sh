#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash # busybox ash
#
# The drivers against a hostile peer (issue 13): hvkit-vmm --hostile
# (plan keys hostile=PERMILLE[:SITES], seed=N) mutates what it writes into
# guest memory and what it answers: CRQ entries, SRP responses and MADs,
# l-lan receive entries, vty answers, hcall statuses (hvkit-vmm.rst,
# "Hostile peer"). For hostile_seconds= (default 20) per driver the test
# loads the driver and drives it through the interfaces users use (O_DIRECT
# reads and writes of the disk, TCP from the host agent and pings, the
# agent's vty), expecting errors and no answer to be right. Then:
#  1-3. each driver's traffic stops and its module unloads within a bound:
#       a command, a socket or a tty the garbage left hanging is a failure;
#  4.   the drivers counted rejected input between them (the garbage
#       reached their checks), and hv_vio unloads too.
# What the kernel says decides the rest: any KASAN, lockdep, kmemleak,
# WARN or BUG report fails the boot (the runner's console scan), which then
# prints the seed and the command that runs the same boot again
# (Documentation/testing-vm.rst, "Hostile peer").

. /lib/hvkit/ktap.sh
. /lib/hvkit/scsi.sh
. /lib/hvkit/net.sh
. /lib/hvkit/vty.sh

ktap_plan 4
SECS=${BOOT_HOSTILE_SECONDS:-20}
# How long stopping the traffic and unloading a module may take: SCSI
# error handling (5 s command timeout, abort, LUN and host reset) and TCP
# timeouts, scaled by the kernel's slowdown.
BOUND=$((120 * HVK_SLOWDOWN))
STOP=/tmp/hostile-stop
# One transfer from the agent may take this long before the next starts.
# shellcheck disable=SC2034 # read by net.sh's tcp_from_host
NET_T=20

if [ -z "${BOOT_HOSTILE:-}" ]; then
	for c in hv_scsi hv_net hv_console "rejected input counted"; do
		ktap_skip "$c" "the boot has no hostile="
	done
	ktap_finish
fi
ktap_diag "hostile peer ${BOOT_HOSTILE}, seed ${BOOT_SEED:-?}: $SECS s per driver"

# wait_gone PID SECONDS: 0 once PID has exited, 1 if it still runs then.
wait_gone() {
	local i=0
	while alive "$1"; do
		i=$((i + 1))
		[ "$i" -le $(($2 * 10)) ] || return 1
		sleep 0.1
	done
	wait "$1" 2>/dev/null
	return 0
}

# drive WHAT LOOP-FUNCTION: run the function in the background for SECS,
# then ask it to stop; fails if it has not stopped BOUND s later.
drive() {
	local pid
	rm -f "$STOP"
	"$2" &
	pid=$!
	sleep "$SECS"
	touch "$STOP"
	wait_gone "$pid" "$BOUND" && return 0
	expect_bad "$1: traffic still running $BOUND s after it was asked to stop (ps: $(tr '\0' ' ' </proc/"$pid"/cmdline 2>/dev/null))"
	return 1
}

# unload MODULE: rmmod within BOUND s.
unload() {
	local pid
	hvk_loaded "$1" || return 0
	rmmod "$1" &
	pid=$!
	wait_gone "$pid" "$BOUND" || { expect_bad "rmmod $1 has not returned after $BOUND s"; return 1; }
	hvk_loaded "$1" && { expect_bad "rmmod $1 failed"; return 1; }
	return 0
}

# What the drivers rejected, summed as they go (read before each unloads).
REJECTED=0
count_rejected() { # label value...
	local what=$1 v sum=0
	shift
	for v in "$@"; do
		sum=$((sum + ${v:-0}))
	done
	ktap_diag "$what: $sum ($*)"
	REJECTED=$((REJECTED + sum))
}

# Hypercalls of every hvkit device that came back with an error status.
dev_errors() {
	local f sum=0
	for f in /sys/bus/hvkit/devices/*/stats/errors; do
		[ -r "$f" ] && sum=$((sum + $(cat "$f")))
	done
	echo "$sum"
}

scsi_traffic() {
	local d n=0 off
	while [ ! -e "$STOP" ]; do
		n=$((n + 1))
		off=$(((n % 64) * 65536))
		for d in $(hvs_disks | awk '{ print $5 }'); do
			hvs_write_random "$d" "$off" 65536 4096 >/dev/null 2>&1
			hvs_read_sha "$d" "$off" 65536 65536 >/dev/null 2>&1
			cat "$(hvs_sysfs)/credit" "$(hvs_sysfs)/mads" >/dev/null 2>&1
		done
		[ -n "$d" ] || sleep 1
	done
}

# The load, like hv_net's up, may meet a refusal it does not retry (an
# SRP login that failed with -EIO: the probe gives up): a user would load it
# again, so the test does, a few times (seed 2 of make fuzz-peer left
# hv_scsi without traffic for its 120 s).
SCSI_UP=0
for try in 1 2 3 4 5; do
	if hvs_load; then
		SCSI_UP=1
		ktap_diag "hv_scsi: $(hvs_disks | wc -l) disk(s) (attempt $try)"
		break
	fi
	ktap_diag "hv_scsi load, attempt $try: $HVS_ERR (the peer may refuse it)"
	unload hv_scsi
done
if [ "$SCSI_UP" = 1 ]; then
	for q in /sys/class/scsi_host/host"$(hvs_host)"/device/target*/*/timeout; do
		[ -w "$q" ] && echo 5 >"$q"
	done
fi
if hvk_loaded hv_scsi; then
	drive hv_scsi scsi_traffic
	if [ -r "$(hvs_sysfs)/counters" ]; then
		count_rejected "hv_scsi bad_responses unknown_tags crq_invalid host_resets" \
			"$(hvs_counter bad_responses)" "$(hvs_counter unknown_tags)" \
			"$(hvs_counter crq_invalid)" "$(hvs_counter host_resets)"
	fi
fi
unload hv_scsi
ktap_result "hv_scsi: traffic stopped and rmmod returned"

net_traffic() {
	local n=0
	while [ ! -e "$STOP" ]; do
		n=$((n + 1))
		tcp_from_host 65536 "$n" /tmp/hostile-rx >/dev/null 2>&1
		ping -c 2 -W 1 "$NET_AGENT" >/dev/null 2>&1
		ethtool -S "$IF" >/dev/null 2>&1
	done
}

# The up makes many calls, any of which the peer may refuse: try a few
# times, or hv_net meets the peer only on its way down (seed 1 of make
# fuzz-peer drove a down interface for its 120 s, after one busy answer
# to its registration that hv_net did not wait out then).
IF=
NET_UP=0
for try in 1 2 3 4 5; do
	if hvn_setup >/tmp/hostile-net.log 2>&1; then
		NET_UP=1
		ktap_diag "hv_net: $IF up (attempt $try)"
		break
	fi
	ktap_diag "hv_net up, attempt $try: $(cat /tmp/hostile-net.log) (the peer may refuse it)"
	[ -z "$IF" ] || ip link set "$IF" down 2>/dev/null
done
if [ "$NET_UP" = 1 ] && hvk_loaded hv_net; then
	drive hv_net net_traffic
	count_rejected "hv_net rx_bad_correlator rx_bad_offset rx_bad_length rx_too_long resets" \
		"$(hvn_stat "$IF" rx_bad_correlator)" "$(hvn_stat "$IF" rx_bad_offset)" \
		"$(hvn_stat "$IF" rx_bad_length)" "$(hvn_stat "$IF" rx_too_long)" \
		"$(hvn_stat "$IF" resets)"
	ip link set "$IF" down 2>/dev/null
fi
unload hv_net
ktap_result "hv_net: traffic stopped and rmmod returned"

vty_traffic() {
	while [ ! -e "$STOP" ]; do
		vty_get random 4096 /tmp/hostile-vty 10 >/dev/null 2>&1
		vty_put "$HVKIT_DATA/sets/plain" 10 >/dev/null 2>&1
	done
}

if vty_load && vty_open_agent 1; then
	ktap_diag "hv_console: the agent's vty 1 is $VTY_DEV"
	drive hv_console vty_traffic
	count_rejected "hv_console bad_counts get_errors put_errors" \
		"$(vty_counter "$VTY_UA" bad_counts)" "$(vty_counter "$VTY_UA" get_errors)" \
		"$(vty_counter "$VTY_UA" put_errors)"
	vty_close
elif hvk_loaded hv_console; then
	# The agent's handshake itself may be garbled: drive the tty blind.
	ktap_diag "hv_console: agent not reached ($VTY_ERR); writing and reading its tty blind"
	ua=$(vty_ua 1)
	dev=$(vty_hvc_dev "$ua") && [ -c "$dev" ] && {
		blind() {
			while [ ! -e "$STOP" ]; do
				timeout 5 sh -c "head -c 4096 /dev/urandom >$dev; head -c 4096 $dev >/dev/null" \
					2>/dev/null
			done
		}
		drive hv_console blind
		count_rejected "hv_console bad_counts get_errors put_errors" \
			"$(vty_counter "$ua" bad_counts)" "$(vty_counter "$ua" get_errors)" \
			"$(vty_counter "$ua" put_errors)"
	}
else
	ktap_diag "hv_console did not come up: $VTY_ERR (the peer may refuse it)"
fi
unload hv_console
ktap_result "hv_console: traffic stopped and rmmod returned"

# hv_vio's devices outlive the drivers: their hypercall counts are read
# once, here.
count_rejected "hvkit hypercalls answered with an error" "$(dev_errors)"
ktap_diag "rejected input counted by the drivers: $REJECTED"
[ "$REJECTED" -gt 0 ] || expect_bad "no driver counted any rejected input: did the garbage reach them?"
unload hv_vio
ktap_result "rejected input counted, hv_vio unloaded"
ktap_finish
