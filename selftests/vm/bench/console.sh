#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash # busybox ash
#
# vty throughput and hypercall cost, whichever driver owns the vtys: the
# built-in hvc_vio (set A, boot hvc-vio) or hv_console (set B, boot
# hv-console, hvc_vio blacklisted). The traffic goes over the agent's vty
# 1 (a unix socket vty, not the console):
#
#   make bench-console        # = run.sh --arch ppc64le --bench console
#                             #   --alternate 3 --boots 'hvc-vio hv-console'
#
# Per boot, with tracing off: CONSOLE_BENCH_SAMPLES (2) samples of
# CONSOLE_BENCH_BYTES (1 MiB) guest -> host (STREAM OUT: the time from the
# command until the agent's reply, which comes after the last byte) and
# host -> guest (STREAM IN, data set "plain": the time from the command
# until the guest has read the last byte). Then, with a histogram trigger
# on the kernel's powerpc hcall_entry tracepoint keyed by opcode (the same
# count for an in-tree and an out-of-tree driver), one CONSOLE_BENCH_COUNT
# (256 KiB) transfer each way, and the H_PUT_TERM_CHAR (0x58) calls per 16
# bytes out and H_GET_TERM_CHAR (0x54) calls per 16 bytes in. Nothing is
# printed while counting (the console is a vty too: its 0x58 calls would
# count). Every transfer is checked by sha256.
#
# Output: BENCH g2h_bytes_per_s, h2g_bytes_per_s (B/s, one per sample),
#         BENCH put_hcalls_per_16B, get_hcalls_per_16B (hcalls)

. /lib/hvkit/ktap.sh
. /lib/hvkit/vty.sh

N=${CONSOLE_BENCH_BYTES:-1048576}
S=${CONSOLE_BENCH_SAMPLES:-2}
C=${CONSOLE_BENCH_COUNT:-262144}
EV=$HCALL_EV
UA=$(vty_ua 1)

fail() {
	echo "console bench: $*"
	exit 1
}

# The driver that owns the vty and its tty.
if [ -d "/sys/bus/hvkit/devices/${UA#0x}/vty" ]; then
	DRIVER=hv_console
	DEV=$(vty_hvc_dev "$UA")
else
	DRIVER=$(basename "$(readlink "/sys/bus/vio/devices/${UA#0x}/driver" 2>/dev/null)")
	# hvc_vio numbers the vtys in /vdevice order: the console, then this.
	DEV=/dev/hvc1
fi
echo "# set $BENCH_SET: vty $UA driven by $DRIVER as $DEV"
vty_open "$DEV" || fail "$VTY_ERR"
vty_ping || fail "no agent on $DEV: $VTY_ERR"
[ "$VTY_AGENT_INDEX" = 1 ] || fail "$DEV reaches the agent's vty $VTY_AGENT_INDEX, not 1"

head -c "$N" "$HVKIT_DATA/sets/plain" >/tmp/bench.out
SHA_N=$(sha_of /tmp/bench.out)
head -c "$C" "$HVKIT_DATA/sets/plain" >/tmp/bench.count
SHA_C=$(sha_of /tmp/bench.count)

# g2h FILE SHA : guest -> host; prints the milliseconds.
g2h() {
	local n t0 t1
	n=$(wc -c <"$1")
	t0=$(now_ns)
	vty_send "STREAM OUT $n"
	timeout 120 cat "$1" >&3 || fail "STREAM OUT $n: writing timed out"
	vty_reply 120 || fail "STREAM OUT $n: $VTY_ERR"
	t1=$(now_ns)
	set -- "$2" $VTY_REPLY
	[ "$2 $3" = "STREAM $n" ] && [ "$5" = "$1" ] || fail "STREAM OUT $n: agent said '$VTY_REPLY'"
	echo $(((t1 - t0) / 1000))
}

# h2g N SHA : host -> guest; prints the microseconds.
h2g() {
	local t0 t1
	t0=$(now_ns)
	vty_send "STREAM IN $1"
	vty_reply 20 || fail "STREAM IN $1: $VTY_ERR"
	[ "$VTY_REPLY" = "DATA $1" ] || fail "STREAM IN $1: agent said '$VTY_REPLY'"
	timeout 120 head -c "$1" <&3 >/tmp/bench.in
	t1=$(now_ns)
	[ "$(sha_of /tmp/bench.in)" = "$2" ] || fail "STREAM IN $1: $(wc -c </tmp/bench.in) bytes, wrong sha256"
	echo $(((t1 - t0) / 1000))
}

rate() { # bytes microseconds
	awk -v b="$1" -v us="$2" 'BEGIN { printf "%.0f\n", b * 1e6 / us }'
}

i=1
while [ "$i" -le "$S" ]; do
	us=$(g2h /tmp/bench.out "$SHA_N") || fail "$us"
	echo "BENCH g2h_bytes_per_s $(rate "$N" "$us") B/s"
	us=$(h2g "$N" "$SHA_N") || fail "$us"
	echo "BENCH h2g_bytes_per_s $(rate "$N" "$us") B/s"
	i=$((i + 1))
done

# hcalls per opcode so far (0 when never seen).
hits() {
	hcall_hits "$1"
}

[ -w "$EV/trigger" ] || fail "no $EV/trigger (tracefs, CONFIG_HIST_TRIGGERS)"
echo 'hist:keys=opcode' >"$EV/trigger" || fail "cannot set the histogram trigger"
# Let the console (init's tail of this output) go quiet first.
sleep 2
p0=$(hits 88)
g0=$(hits 84)
us=$(g2h /tmp/bench.count "$SHA_C") || fail "$us"
p1=$(hits 88)
g1=$(hits 84)
us2=$(h2g "$C" "$SHA_C") || fail "$us2"
p2=$(hits 88)
g2=$(hits 84)
echo '!hist:keys=opcode' >"$EV/trigger"
vty_close

echo "# counted: $C bytes out: $((p1 - p0)) x 0x58, $((g1 - g0)) x 0x54 ($us us);" \
	"$C bytes in: $((p2 - p1)) x 0x58, $((g2 - g1)) x 0x54 ($us2 us)"
awk -v c="$C" -v p="$((p1 - p0))" -v g="$((g2 - g1))" 'BEGIN {
	printf "BENCH put_hcalls_per_16B %.4f hcalls\n", p / (c / 16)
	printf "BENCH get_hcalls_per_16B %.4f hcalls\n", g / (c / 16)
}'
