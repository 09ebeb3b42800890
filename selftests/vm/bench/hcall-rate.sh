#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash # busybox ash
#
# Harness demonstration for run.sh --bench, not a meaningful benchmark:
# issue raw H_GET_TERM_CHAR hypercalls on a vty through hvk_selftest's
# debugfs file from a shell loop and report calls per second. The shell
# (one open/write/close per call) dominates the cost.
#
# Needs the modules hv_vio and hvk_selftest (put them in the set). Knobs,
# passed as VAR=value words in a set:
#   HCALL_RATE_CALLS=N     calls per sample (default 2000)
#   HCALL_RATE_SAMPLES=N   samples, each printed as a BENCH line (default 3)
#   HCALL_RATE_INJECT=1    answer the calls by fault injection (status
#                          H_HARDWARE) instead of trapping to QEMU: compares
#                          the trap with the kit's own path, e.g.
#   run.sh --arch ppc64le --bench hcall-rate --alternate 3 \
#       --set-a 'hv_vio hvk_selftest' \
#       --set-b 'hv_vio hvk_selftest HCALL_RATE_INJECT=1'
#
# Output: BENCH hcall_rate <calls/s> calls/s   (one line per sample)
#         BENCH hcall_ns <ns per call> ns

. /lib/hvkit/ktap.sh

calls=${HCALL_RATE_CALLS:-2000}
samples=${HCALL_RATE_SAMPLES:-3}
hcall=/sys/kernel/debug/hvkit-selftest/hcall
fault=/sys/kernel/debug/hvkit/fault

[ -w "$hcall" ] || { echo "hcall-rate: $hcall missing (load hv_vio hvk_selftest)"; exit 1; }
# The vty: the second one on pseries, the first hvkit device elsewhere.
ua=$(cat "$HVKIT_DATA/vty1-ua" 2>/dev/null)
[ -n "$ua" ] || ua=$(head -n1 "$HVKIT_DATA/devices" | cut -d' ' -f1)

if [ "${HCALL_RATE_INJECT:-0}" = 1 ]; then
	echo 0x54 >"$fault/opcode"
	echo H_HARDWARE >"$fault/status"
	echo 1 >"$fault/interval"
	want=-1
else
	case "$(cat /sys/devices/hvkit/state)" in
	offline*) want=-2 ;;	# H_FUNCTION without trapping (arm64 under QEMU)
	*) want=0 ;;
	esac
fi

# One call first: check that the path works and gives the expected status.
echo "0x54 $ua" >"$hcall" || exit 1
st=$(cut -d' ' -f1 "$hcall")
[ "$st" = "$want" ] || { echo "hcall-rate: status $st, expected $want"; exit 1; }

s=1
while [ "$s" -le "$samples" ]; do
	t0=$(now_ns)
	i=0
	while [ "$i" -lt "$calls" ]; do
		echo "0x54 $ua" >"$hcall"
		i=$((i + 1))
	done
	t1=$(now_ns)
	awk -v n="$calls" -v a="$t0" -v b="$t1" 'BEGIN {
		ns = b - a
		printf "BENCH hcall_rate %.0f calls/s\n", n * 1e9 / ns
		printf "BENCH hcall_ns %.0f ns\n", ns / n
	}'
	s=$((s + 1))
done

if [ "${HCALL_RATE_INJECT:-0}" = 1 ]; then
	echo "# injected: $(cat "$fault/injected")"
	echo 0 >"$fault/status"
fi
exit 0
