# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash # busybox ash: local, read -t
# shellcheck disable=SC2034 # VTY_* results are for the calling scripts
#
# Guest side of the host vty agent (selftests/vm/host/vty_agent.py), for
# boots with the plan keys vtys=N agent=vty. Source after ktap.sh.
#
# The agent's vty K (1..N) is the vty whose unit address /data/vtys gives
# (QEMU pseries: the spapr-vty at 0x3000K000; hvkit-vmm: its vty K, at
# 0x30000000 + K). On boots whose console is not hv_console's (arm64), a
# script first calls vty_load, which loads hv_vio and hv_console.
# A script opens one on fd 3, which stays in raw mode without echo while
# open; every exchange is a command line and its reply, so the guest never
# reads more than it asked for:
#
#   vty_open_agent 1 || ...        # hv_console's tty of the agent's vty 1
#   vty_get random 4096 /tmp/x     # host -> guest, exactly 4096 bytes
#   vty_put /tmp/x                 # guest -> host; VTY_SHA = agent's sha256
#   vty_close
#
# Data sets: /data/sets/<name>, described by /data/sets/index lines
# "<name> <size> <sha256> <CRs> <CR NUL pairs>": random, crlf (CR, LF and
# NUL in every combination) and plain (random without a NUL after a CR).
# Every step is bounded by a timeout (VTY_T seconds unless given); on
# failure a helper returns non-zero with the reason in VTY_ERR.

VTY_T=${VTY_T:-60}
# A read that makes no progress for this long has stalled: 15 s, times
# the kernel's slowdown (the debug kernel's vCPU, saturated by console
# input under TCG, has gone 15 s without a read on a loaded host).
VTY_STALL=${VTY_STALL:-$((15 * ${HVK_SLOWDOWN:-1}))}
VTY_ERR=
VTY_REPLY=
# Unit address of the open vty when it is hv_console's (its counters show
# progress), else empty.
VTY_UA=

# Unit address of the agent's vty K.
vty_ua() {
	awk -v k="$1" '$1 == k { print $2 }' "$HVKIT_DATA/vtys"
}

# The unit address of every vty in the device tree, one per line: those
# of /vdevice (pseries) or of the hvkit hypervisor node (arm64).
vty_dt_units() {
	local n
	for n in /proc/device-tree/vdevice/vty@* /proc/device-tree/hypervisor/vty@*; do
		[ -f "$n/reg" ] && dt_cell "$n/reg"
	done
	return 0
}

# vty_load : hv_vio and hv_console loaded where /init did not load them
# (boots without console=hv_console), and every vty of the device tree
# bound to hv_console, within 10 s times the slowdown. VTY_ERR says what
# is missing.
vty_load() {
	local m i=0 ua missing
	for m in hv_vio hv_console; do
		hvk_loaded $m || hvk_insmod $m || { VTY_ERR="insmod $m failed"; return 1; }
	done
	while :; do
		missing=
		for ua in $(vty_dt_units); do
			[ -r "/sys/bus/hvkit/devices/${ua#0x}/vty/hvc_index" ] || missing="$missing $ua"
		done
		[ -n "$missing" ] || return 0
		i=$((i + 1))
		[ "$i" -le $((100 * ${HVK_SLOWDOWN:-1})) ] ||
			{ VTY_ERR="vtys hv_console did not bind:$missing"; return 1; }
		sleep 0.1
	done
}

# The /dev/hvcN hv_console made for the vty at unit address UA.
vty_hvc_dev() {
	local i
	i=$(cat "/sys/bus/hvkit/devices/${1#0x}/vty/hvc_index" 2>/dev/null) || return 1
	echo "/dev/hvc$i"
}

# Field N (2 size, 3 sha256, 4 CRs, 5 CR NUL pairs) of data set NAME.
set_field() {
	awk -v n="$1" -v f="$2" '$1 == n { print $f }' "$HVKIT_DATA/sets/index"
}

sha_of() {
	sha256sum "$1" | cut -d' ' -f1
}

# hv_console's counter C of the vty at UA (bytes_in, put_busy, ...).
vty_counter() {
	cat "/sys/bus/hvkit/devices/${1#0x}/vty/$2" 2>/dev/null || echo "<no $2>"
}

# vty_open DEV : fd 3 on DEV, raw, no echo, no flow control (stty on the
# same open file, through stdin).
vty_open() {
	[ -c "$1" ] || { VTY_ERR="$1 is not a character device"; return 1; }
	exec 3<>"$1"
	stty raw -echo -ixon -ixoff <&3 || { VTY_ERR="stty on $1 failed"; return 1; }
}

vty_close() {
	exec 3>&-
	VTY_UA=
}

# vty_open_agent K : open hv_console's tty of the agent's vty K and check
# that the agent answers there as vty K. Sets VTY_UA and VTY_DEV.
vty_open_agent() {
	local ua
	ua=$(vty_ua "$1")
	[ -n "$ua" ] || { VTY_ERR="no vty $1 in $HVKIT_DATA/vtys"; return 1; }
	VTY_DEV=$(vty_hvc_dev "$ua") || { VTY_ERR="vty $ua has no vty/hvc_index"; return 1; }
	vty_open "$VTY_DEV" || return 1
	VTY_UA=$ua
	vty_ping || return 1
	[ "$VTY_AGENT_INDEX" = "$1" ] ||
		{ VTY_ERR="$VTY_DEV ($ua) reaches the agent's vty $VTY_AGENT_INDEX, not $1"; return 1; }
}

# A process that still runs (not a zombie).
alive() {
	[ -r "/proc/$1/status" ] && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null
}

vty_send() {
	printf '%s\n' "$*" >&3
}

# vty_reply [SECONDS] : the next reply line in VTY_REPLY.
vty_reply() {
	VTY_REPLY=
	# shellcheck disable=SC3045 # busybox ash has read -t
	if ! read -r -t "${1:-$VTY_T}" VTY_REPLY <&3; then
		VTY_ERR="no reply from the agent within ${1:-$VTY_T} s${VTY_REPLY:+ (partial: $VTY_REPLY)}"
		return 1
	fi
}

# vty_ping [SECONDS] : the agent answers on this vty; its index for the vty
# in VTY_AGENT_INDEX. Lines before the answer (left over from an earlier
# failure) are skipped.
# shellcheck disable=SC2120 # the argument is optional
vty_ping() {
	local tok i=0
	tok=$(od -An -tx4 -N4 /dev/urandom | tr -d ' ')
	vty_send "PING $tok"
	while [ "$i" -lt 20 ]; do
		vty_reply "${1:-10}" || return 1
		case "$VTY_REPLY" in
		"PONG $tok "*)
			VTY_AGENT_INDEX=${VTY_REPLY##* }
			return 0
			;;
		esac
		i=$((i + 1))
	done
	VTY_ERR="no PONG $tok among 20 lines (last: $VTY_REPLY)"
	return 1
}

# vty_stall_diag WHY [PID FILE] : when a transfer stops, what the driver
# and the kernel were doing, as diagnostics: the vty's counters, the
# reader's state and stack, khvcd's stack, and every blocked task (sysrq
# w, on the console).
vty_stall_diag() {
	local d f p
	ktap_diag "$1: diagnostics follow"
	[ -z "${3:-}" ] || ktap_diag "  $3 holds $(wc -c <"$3") bytes"
	if [ -n "${2:-}" ]; then
		ktap_diag_cmd "  reader state" sed -n 's/^State://p' "/proc/$2/status"
		ktap_diag_cmd "  reader stack" cat "/proc/$2/stack"
	fi
	for p in /proc/[0-9]*; do
		[ "$(cat "$p/comm" 2>/dev/null)" = khvcd ] &&
			ktap_diag_cmd "  khvcd stack" cat "$p/stack"
	done
	if [ -n "$VTY_UA" ]; then
		d=/sys/bus/hvkit/devices/${VTY_UA#0x}
		for f in "$d"/vty/* "$d"/hvsi/*; do
			[ -f "$f" ] && ktap_diag "  ${f#"$d"/} $(cat "$f" 2>/dev/null)"
		done
	fi
	[ -w /proc/sysrq-trigger ] && echo w >/proc/sysrq-trigger
	return 0
}

# Progress of a read into FILE: hv_console's bytes_in of the vty, else the
# file's size (which lags by head's output buffer; 0 before it exists).
vty_progress() {
	if [ -n "$VTY_UA" ]; then
		vty_counter "$VTY_UA" bytes_in
	elif [ -f "$1" ]; then
		wc -c <"$1"
	else
		echo 0
	fi
}

# vty_cost : "HCALLS IRQS" so far for the open vty (hv_console's device
# stats and its line in /proc/interrupts, named after the unit address);
# "- -" where the vty is not hv_console's.
vty_cost() {
	local h="-" i="-" name
	if [ -n "$VTY_UA" ]; then
		name=${VTY_UA#0x}
		h=$(cat "/sys/bus/hvkit/devices/$name/stats/hcalls" 2>/dev/null || echo -)
		i=$(awk -v n="$name" '$NF == n { s = 0; for (k = 2; k <= NF && $k ~ /^[0-9]+$/; k++) s += $k; print s; f = 1; exit }
			END { if (!f) print "-" }' /proc/interrupts)
	fi
	echo "$h $i"
}

# vty_cost_diag WHAT BYTES BEFORE : hypercalls and interrupts per KiB
# since BEFORE (a vty_cost answer), as a diagnostic line.
vty_cost_diag() {
	# shellcheck disable=SC2046,SC2086 # two words each
	set -- "$1" "$2" $3 $(vty_cost)
	[ "$3" != - ] && [ "$5" != - ] || return 0
	ktap_diag "$1: $(($5 - $3)) hcalls, $(($6 - $4)) interrupts for $2 bytes" \
		"($((($5 - $3) * 1024 / ($2 + 1))) hcalls/KiB, $((($6 - $4) * 1024 / ($2 + 1))) interrupts/KiB)"
}

# vty_get NAME N FILE [SECONDS] : N bytes of data set NAME into FILE.
# When the read stalls with bytes missing (the driver lost some), the
# agent sends the missing count of '~' so that head ends with what did
# arrive; VTY_PADDED says how many, and the call fails. VTY_GET_MS: from
# the command to the last progress seen (to the end when nothing stalled).
vty_get() {
	local n=$2 t=${4:-$VTY_T} got pid in0 last cur el=0 hdr t0 tl stalled=0
	VTY_PADDED=0
	VTY_GET_MS=0
	t0=$(now_ms)
	tl=$t0
	in0=$(vty_progress "$3")
	vty_send "GET $1 $n"
	vty_reply 10 || return 1
	[ "$VTY_REPLY" = "DATA $n" ] || { VTY_ERR="agent: $VTY_REPLY"; return 1; }
	hdr=$(printf '%s\n' "$VTY_REPLY" | wc -c)
	: >"$3"
	head -c "$n" <&3 >"$3" &
	pid=$!
	last=$(vty_progress "$3")
	# Five looks a second, timed by the clock: on a slow kernel a look
	# takes longer than its 0.2 s of sleep.
	while alive "$pid"; do
		sleep 0.2
		el=$(now_ms)
		cur=$(vty_progress "$3")
		[ "$cur" = "$last" ] || tl=$el
		last=$cur
		if [ $((el - tl)) -ge $((VTY_STALL * 1000)) ] && [ -n "$VTY_UA" ] && [ "$stalled" = 0 ]; then
			stalled=1
			vty_stall_diag "read stalled for $VTY_STALL s" "$pid" "$3"
			# What the driver has not handed to the tty yet, if anything,
			# is asked for as padding so that the read can end.
			VTY_PADDED=$((n - (cur - in0 - hdr)))
			[ "$VTY_PADDED" -gt 0 ] || VTY_PADDED=0
			[ "$VTY_PADDED" = 0 ] || vty_send "PAD $VTY_PADDED"
		fi
		[ $((el - t0)) -lt $((t * 1000)) ] || break
	done
	if alive "$pid"; then
		vty_stall_diag "read not done within $t s" "$pid" "$3"
		kill "$pid"
		wait "$pid"
		VTY_ERR="got $(wc -c <"$3") of $n bytes within $t s (the file lags up to 8 KiB)"
		return 1
	fi
	wait "$pid"
	[ "$VTY_PADDED" != 0 ] || tl=$(now_ms)
	VTY_GET_MS=$((tl - t0))
	got=$(wc -c <"$3")
	if [ "$VTY_PADDED" != 0 ]; then
		VTY_ERR="the read stalled with $VTY_PADDED of $n bytes missing (filled with '~')"
		return 1
	fi
	[ "$got" = "$n" ] || { VTY_ERR="got $got of $n bytes"; return 1; }
}

# vty_first_diff GOT EXPECTED : where GOT first differs from EXPECTED,
# with the bytes around it in both, as diagnostics.
vty_first_diff() {
	local off from
	off=$(cmp "$1" "$2" 2>/dev/null | sed -n 's/.* differ: char \([0-9]*\).*/\1/p')
	[ -n "$off" ] || return 0
	from=$((off > 8 ? off - 8 : 1))
	ktap_diag "first difference at byte $((off - 1)) (0-based); bytes $((from - 1))..:"
	ktap_diag "  expected: $(dd if="$2" bs=1 skip=$((from - 1)) count=24 2>/dev/null | od -An -tx1 | tr -s ' \n' ' ')"
	ktap_diag "  received: $(dd if="$1" bs=1 skip=$((from - 1)) count=24 2>/dev/null | od -An -tx1 | tr -s ' \n' ' ')"
}

# vty_put FILE [SECONDS] : send FILE; the agent's sha256 of what it
# received in VTY_SHA.
vty_put() {
	local n
	VTY_SHA=
	n=$(wc -c <"$1")
	vty_send "PUT $n"
	timeout "${2:-$VTY_T}" cat "$1" >&3 ||
		{ VTY_ERR="writing $n bytes did not finish within ${2:-$VTY_T} s"; return 1; }
	vty_reply "${2:-$VTY_T}" || return 1
	case "$VTY_REPLY" in
	"SHA256 "*) VTY_SHA=${VTY_REPLY#SHA256 } ;;
	*) VTY_ERR="agent: $VTY_REPLY"; return 1 ;;
	esac
}

# vty_put_faulted STATUS INTERVAL FILE [SECONDS] : vty_put FILE with every
# INTERVALth H_PUT_TERM_CHAR of the open vty (VTY_UA) answered STATUS by
# hv_vio's fault rule; the calls the rule saw and those it answered in
# VTY_FAULT_MATCHED and VTY_FAULT_INJECTED. The rule is off afterwards.
vty_put_faulted() {
	local rc=0
	hvk_fault_on "$1" 0x58 "$VTY_UA" "$2" -1
	vty_put "$3" "${4:-$VTY_T}" || rc=1
	VTY_FAULT_INJECTED=$(rd "$HVK_FAULT/injected")
	VTY_FAULT_MATCHED=$(rd "$HVK_FAULT/matched")
	hvk_fault_off
	return $rc
}

# vty_shell K COMMAND : the agent types COMMAND into the shell on its vty
# K; the output (CRs removed) in FILE VTY_OUT.
VTY_OUT=/tmp/vty-shell.out
vty_shell() {
	local k=$1 n sha
	shift
	vty_send "SHELL $k $*"
	vty_reply 40 || return 1
	case "$VTY_REPLY" in
	"OUTPUT "*) ;;
	*) VTY_ERR="agent: $VTY_REPLY"; return 1 ;;
	esac
	set -- $VTY_REPLY
	n=$2
	sha=$3
	timeout 10 head -c "$n" <&3 >"$VTY_OUT"
	[ "$(sha_of "$VTY_OUT")" = "$sha" ] ||
		{ VTY_ERR="shell output: $(wc -c <"$VTY_OUT") bytes, not the $n the agent sent"; return 1; }
}

# now_ms : monotonic milliseconds.
now_ms() {
	echo $(($(now_ns) / 1000000))
}
