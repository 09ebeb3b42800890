#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash # busybox ash
#
# hv_console: an interactive shell on a vty, driven from the host. The
# guest starts "sh -i" with the agent's vty 3 as its controlling terminal
# and asks the agent (over vty 1) to type commands into it; the agent
# answers with the output, which must be what the commands print here.
# The agent keeps vty 3 as a shell vty for the rest of the boot.

. /lib/hvkit/ktap.sh
. /lib/hvkit/vty.sh
# Where /init did not load hv_console (its console is another): load it.
[ "${BOOT_CONSOLE:-}" = hv_console ] || vty_load || echo "# loading hv_console: $VTY_ERR"

ktap_plan 3

UA3=$(vty_ua 3)
DEV3=$(vty_hvc_dev "$UA3")
IDX3=$(rd "/sys/bus/hvkit/devices/${UA3#0x}/vty/hvc_index")
in0=$(vty_counter "$UA3" bytes_in)
out0=$(vty_counter "$UA3" bytes_out)

# 1. The shell runs with the vty as its controlling terminal.
setsid sh -c "exec sh -i <>$DEV3 >&0 2>&1" &
SHPID=
i=0
while [ "$i" -lt 50 ]; do
	for p in /proc/[0-9]*; do
		[ "$(tr '\0' ' ' <"$p/cmdline" 2>/dev/null)" = "sh -i " ] || continue
		[ "$(readlink "$p/fd/0" 2>/dev/null)" = "$DEV3" ] && SHPID=${p#/proc/}
	done
	[ -z "$SHPID" ] || break
	sleep 0.1
	i=$((i + 1))
done
if [ -n "$SHPID" ]; then
	# /proc/PID/stat: field 6 session, field 7 tty_nr (major 229 = hvc).
	# shellcheck disable=SC2046 # the fields of stat
	set -- $(sed 's/.*) //' "/proc/$SHPID/stat")
	expect_eq "session of the shell (setsid)" "$SHPID" "$4"
	expect_eq "controlling tty of the shell (229:$IDX3)" "$((229 * 256 + IDX3))" "$5"
else
	expect_bad "no 'sh -i' with $DEV3 as stdin within 5 s"
fi
ktap_result "sh -i on $DEV3 ($UA3) with it as controlling tty"

OPEN=0
if vty_open_agent 1; then
	OPEN=1
else
	expect_bad "agent's vty 1: $VTY_ERR"
fi

# 2. Commands typed on vty 3 run in that shell: arithmetic with a fresh
#    token (the echo of the typed line shows $((6*7)), only the output has
#    42), its tty and its pid.
tok=$(od -An -tx4 -N4 /dev/urandom | tr -d ' ')
if [ "$OPEN" = 1 ] && [ -n "$SHPID" ]; then
	# shellcheck disable=SC2016 # expanded by the shell on vty 3
	if vty_shell 3 'echo $((6*7))-'"$tok"; then
		expect_eq "output of echo \$((6*7))-$tok" "42-$tok" "$(cat "$VTY_OUT")"
	else
		expect_bad "SHELL 3: $VTY_ERR"
	fi
	if vty_shell 3 tty; then
		expect_eq "output of tty" "$DEV3" "$(cat "$VTY_OUT")"
	else
		expect_bad "SHELL 3: $VTY_ERR"
	fi
	# shellcheck disable=SC2016 # expanded by the shell on vty 3
	if vty_shell 3 'echo $$'; then
		expect_eq "output of echo \$\$" "$SHPID" "$(cat "$VTY_OUT")"
	else
		expect_bad "SHELL 3: $VTY_ERR"
	fi
fi
ktap_result "commands typed by the host run in the shell"

# 3. A longer output, whose content the guest knows: 200 numbered lines
#    through the shell's stdout, CR LF on the wire (onlcr), LF after the
#    agent removed the CRs. The counters of vty 3 saw both directions.
if [ "$OPEN" = 1 ] && [ -n "$SHPID" ]; then
	seq 1 200 | sed "s/^/line-$tok-/" >/tmp/want.txt
	if vty_shell 3 "seq 1 200 | sed s/^/line-$tok-/"; then
		if ! cmp -s /tmp/want.txt "$VTY_OUT"; then
			expect_bad "output of seq differs: $(wc -c <"$VTY_OUT") bytes, want $(wc -c </tmp/want.txt)"
			vty_first_diff "$VTY_OUT" /tmp/want.txt
		fi
	else
		expect_bad "SHELL 3: $VTY_ERR"
	fi
	in1=$(vty_counter "$UA3" bytes_in)
	out1=$(vty_counter "$UA3" bytes_out)
	[ "$in1" -gt "$in0" ] || expect_bad "vty/bytes_in of $UA3 did not grow ($in0 -> $in1)"
	[ "$((out1 - out0))" -gt "$(wc -c </tmp/want.txt)" ] ||
		expect_bad "vty/bytes_out of $UA3 grew by $((out1 - out0)), less than the seq output"
fi
ktap_result "200 lines of shell output arrive intact"

vty_close
[ -z "$SHPID" ] || kill -9 "$SHPID" 2>/dev/null
ktap_finish
