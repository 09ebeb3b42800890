#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Checks that selftests/vm/run.sh fails when it must: runs it on the
# deliberately broken scripts in selftests/vm/meta/ and checks the exit
# status and the report of each. Prints KTAP; exits 1 if the runner missed
# anything.
#
# usage: harness-check.sh [--arch ppc64le|arm64] [--kver K] [only...]
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
arch=ppc64le
kver=6.1
while [ $# -gt 0 ]; do
	case "$1" in
	--arch) arch=$2; shift 2 ;;
	--kver) kver=$2; shift 2 ;;
	*) break ;;
	esac
done
only=("$@")
work=$(mktemp -d "${TMPDIR:-/tmp}/hvkit-harness.XXXXXX")
trap 'rm -rf "$work"' EXIT

# One boot is enough for arm64 (the plan has four), and the ppc64le
# scenarios count the results of its default boot only.
boots=()
[ "$arch" = arm64 ] && boots=(--boots hvc)
[ "$arch" = ppc64le ] && boots=(--boots default)

# name | expected exit | EREs, separated by ";;", that must each match a
# line of the output | run.sh arguments
scenarios=(
	"pass|0|^[0-9]+ passed, 0 failed$|--tests devtree"
	"fail|1|not ok 2 this case fails on purpose;;^2 passed, 1 failed$|--tests fail"
	"multi|1|^    ok 1 devtree$;;^    not ok 2 fail$;;^6 passed, 1 failed$|--tests 'devtree fail'"
	"kmsg-warning|1|not ok [0-9]+ dmesg$;;console shows kernel oops|--tests kmsg-warning"
	"noplan|1|# noplan: no plan|--tests noplan"
	"panic|1|did not reach the end marker \\(QEMU exit status 0\\)|--tests panic"
	"test-timeout|1|# hang: timed out after 5 s|--tests hang --test-timeout 5"
	"distro-modules|0|^        ok 1 modprobe ibmveth$|--tests modprobe --distro-modules ibmveth"
	"bench|0|^hcall_rate +calls/s +[0-9.]+ +[0-9.]+ +[0-9.]+ 1/1$;;^6 passed, 0 failed$|--bench hcall-rate --alternate 1 --set-a 'hv_vio hvk_selftest HCALL_RATE_CALLS=200 HCALL_RATE_SAMPLES=1' --set-b 'hv_vio hvk_selftest HCALL_RATE_CALLS=200 HCALL_RATE_SAMPLES=1 HCALL_RATE_INJECT=1'"
	"bench-fail|1|not ok 2 bench-hcall-rate$|--bench hcall-rate --alternate 1 --set-a 'hv_vio hvk_selftest HCALL_RATE_CALLS=200 HCALL_RATE_SAMPLES=1' --set-b 'hv_vio'"
	"boot-timeout|1|did not reach the end marker: killed after the 25 s timeout|--tests hang --timeout 25"
)
# Socket vtys, the host agent and console modules mode (plan boot hv-console),
# and a failing test run through the kernel's run_kselftest.sh (plan boot
# kselftest).
[ "$arch" = ppc64le ] && scenarios+=(
	"kselftest-fail|1|^        not ok 2 selftests: hvkit: fail.sh # exit=1$;;^    ok 1 kselftest-runner$;;^    ok 2 devtree$;;^    not ok 3 fail$|--boots kselftest --tests 'devtree fail'"
	"console-modules|0|^        ok 4 printk reaches the console log through hvc0$;;^5 passed, 0 failed$|--boots hv-console --tests hv_console_load"
)

selected() {
	local o
	[ ${#only[@]} -eq 0 ] && return 0
	for o in "${only[@]}"; do [ "$o" = "$1" ] && return 0; done
	return 1
}

n=0
for s in "${scenarios[@]}"; do
	IFS='|' read -r name _ _ _ <<<"$s"
	selected "$name" && n=$((n + 1))
done
echo "KTAP version 1"
echo "1..$n"
i=0
bad=0
for s in "${scenarios[@]}"; do
	IFS='|' read -r name want_rc pattern args <<<"$s"
	selected "$name" || continue
	i=$((i + 1))
	t0=$(date +%s)
	eval "set -- $args"
	"$here/run.sh" --arch "$arch" --kver "$kver" --tests-dir "$here/meta" \
		"${boots[@]}" --out "$work/$name" "$@" >"$work/$name.out" 2>&1
	rc=$?
	t1=$(date +%s)
	problems=()
	[ "$rc" = "$want_rc" ] || problems+=("exit status $rc, expected $want_rc")
	while IFS= read -r -d ';' re; do
		[ -n "$re" ] || continue
		grep -q -E -- "$re" "$work/$name.out" || problems+=("no line matches /$re/")
	done <<<"${pattern//;;/;};"
	if [ ${#problems[@]} -eq 0 ]; then
		echo "ok $i $name # $((t1 - t0)) s"
	else
		bad=$((bad + 1))
		for p in "${problems[@]}"; do echo "# $name: $p"; done
		sed 's/^/# | /' "$work/$name.out" | tail -n 40
		echo "not ok $i $name"
	fi
done
echo "# $((i - bad)) passed, $bad failed"
[ "$bad" = 0 ]
