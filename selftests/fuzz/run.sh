#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Run one fuzz target (called by the Makefile; see Documentation/fuzzing.rst).
#
# usage: run.sh fuzz|smoke TARGET SECONDS [libFuzzer options...]
#
#   fuzz   fuzz for SECONDS, growing the working corpus $BUILD/corpus/TARGET
#          (kept between runs) from the committed corpus/TARGET (only read)
#   smoke  replay every committed seed, then fuzz for SECONDS from a fresh
#          working corpus $BUILD/smoke-corpus/TARGET
#
# Environment: BUILD (the Makefile's build directory, holding the binary),
# FUZZ_FLAGS (more libFuzzer options).
#
# Crash, leak and timeout reproducers go to $BUILD/artifacts/TARGET-*; on a
# failure the end of the log and the commands to reproduce are printed, and
# the exit status is 1. One result line is written to
# $BUILD/logs/TARGET.MODE.result in every case.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
if [ $# -lt 3 ]; then
	echo "usage: $0 fuzz|smoke TARGET SECONDS [libFuzzer options...]" >&2
	exit 2
fi
mode=$1 target=$2 seconds=$3
shift 3
build=${BUILD:-$here/../../build/fuzz}
bin=$build/$target
seeds=$here/corpus/$target
artifacts=$build/artifacts
logs=$build/logs
log=$logs/$target.$mode.log
result=$logs/$target.$mode.result

case "$mode" in
fuzz) work=$build/corpus/$target ;;
smoke) work=$build/smoke-corpus/$target ;;
*) echo "$0: unknown mode '$mode'" >&2; exit 2 ;;
esac
[ -x "$bin" ] || { echo "$0: no binary $bin (make -C selftests/fuzz)" >&2; exit 2; }
mkdir -p "$artifacts" "$logs" "$seeds"
[ "$mode" = smoke ] && rm -rf "$work"
mkdir -p "$work"

# Symbolized reports; leak checking stays on (libFuzzer's default).
symbolizer=$(command -v llvm-symbolizer || true)
export ASAN_OPTIONS=${ASAN_OPTIONS:-${symbolizer:+external_symbolizer_path=$symbolizer}}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}

opts=(-artifact_prefix="$artifacts/$target-" -print_final_stats=1 -timeout=10
      -rss_limit_mb=2048)
[ -f "$here/$target.dict" ] && opts+=(-dict="$here/$target.dict")
opts+=("$@")
# shellcheck disable=SC2206 # FUZZ_FLAGS is a list of options
[ -n "${FUZZ_FLAGS:-}" ] && opts+=(${FUZZ_FLAGS})

nseeds=$(find "$seeds" -type f | wc -l)
stamp=$(mktemp "$logs/.$target.XXXXXX")
t0=$SECONDS
: >"$log"

report_failure() { # what
	local a
	echo "!!! $target: $1 (log: ${log#"$PWD"/})"
	# The report from its first line: the broken check or the sanitizer's
	# error, then the stack.
	first=$(grep -n -m1 -E '==hvkit-fuzz==|ERROR: |runtime error:|ALARM:' "$log" | cut -d: -f1)
	echo "--- the report:"
	if [ -n "$first" ]; then
		sed -n "${first},$((first + 39))p" "$log"
	else
		grep -v -E '^#[0-9]+[[:space:]]' "$log" | tail -n 40
	fi
	mapfile -t found < <(find "$artifacts" -maxdepth 1 -type f \
		-name "$target-*" -newer "$stamp" 2>/dev/null)
	if [ ${#found[@]} -eq 0 ]; then
		echo "--- no new artifact; the input is in the log above"
		return
	fi
	echo "--- reproduce (the input that failed is the file named):"
	for a in "${found[@]}"; do
		echo "    $bin $a"
	done
	echo "--- minimize it:"
	echo "    $bin -minimize_crash=1 -runs=100000 ${found[0]}"
	echo "--- after the fix, keep it as a regression seed:"
	echo "    cp ${found[0]} $seeds/regress-<what>"
}

status=PASS
# 1. smoke: every committed seed once, as a regression test.
if [ "$mode" = smoke ] && [ "$nseeds" -gt 0 ]; then
	echo "== $target: replaying $nseeds committed seeds"
	# libFuzzer writes to its first directory: the fresh working one.
	if ! "$bin" "${opts[@]}" -runs=0 "$work" "$seeds" >>"$log" 2>&1; then
		report_failure "a committed seed fails"
		status=FAIL
	fi
fi

# 2. fuzz for a bounded time.
if [ "$status" = PASS ]; then
	echo "== $target: fuzzing for ${seconds}s ($mode)"
	"$bin" "${opts[@]}" -max_total_time="$seconds" "$work" "$seeds" >>"$log" 2>&1
	rc=$?
	if [ "$rc" -ne 0 ]; then
		report_failure "libFuzzer exited with $rc"
		status=FAIL
	fi
fi
rm -f "$stamp"

# One line: runs, speed, coverage (edges / features) and the working corpus.
stat() { sed -n "s/^stat::$1: *//p" "$log" | tail -n1; }
final=$(grep -E '^#[0-9]+[[:space:]]+(DONE|pulse|NEW|REDUCE|INITED)' "$log" | tail -n1)
cov=$(sed -n 's/.* cov: \([0-9]*\) ft: \([0-9]*\).*/\1 edges, \2 features/p' <<<"$final")
runs=$(stat number_of_executed_units)
speed=$(stat average_exec_per_sec)
printf '%-18s %-5s %4ss  %9s runs  %7s exec/s  %-28s corpus %s files (%s committed)\n' \
	"$target" "$status" $((SECONDS - t0)) "${runs:-?}" "${speed:-?}" \
	"cov ${cov:-?}" "$(find "$work" -type f | wc -l)" "$nseeds" | tee "$result"
[ "$status" = PASS ]
