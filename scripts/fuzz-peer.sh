#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# make fuzz-peer: the drivers against hvkit-vmm's hostile peer on the arm64
# debug kernel (KASAN, lockdep, kmemleak), longer than make check's smoke
# and over several seeds: one boot of the plan's vmm-hostile per seed
# (selftests/vm/tests/hvkit_hostile.sh; Documentation/testing-vm.rst,
# "Hostile peer").
#
#   FUZZ_PEER_SEEDS    seeds, one boot each        (default: 1 2 3 4 5)
#   FUZZ_PEER_SECONDS  traffic per driver per boot (default: 120)
#   FUZZ_PEER_RATE     hvkit-vmm --hostile=...     (default: 20, per mille,
#                      every site; e.g. 50:srp,crq)
#   FUZZ_PEER_KERNEL   debug or distro             (default: debug)
#
# Prints a line per seed and, for a failed one, the command that runs it
# again. Exit status 0 when every seed passed, 1 otherwise, 2 on usage.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
seeds=${FUZZ_PEER_SEEDS:-1 2 3 4 5}
secs=${FUZZ_PEER_SECONDS:-120}
rate=${FUZZ_PEER_RATE:-20}
kernel=${FUZZ_PEER_KERNEL:-debug}
out=$repo/build/fuzz-peer/$(date +%Y%m%d-%H%M%S)

die() { echo "fuzz-peer: $*" >&2; exit 2; }
case "$secs" in '' | *[!0-9]*) die "FUZZ_PEER_SECONDS=$secs is not a number" ;; esac
case "$kernel" in debug | distro) ;; *) die "FUZZ_PEER_KERNEL=$kernel (debug or distro)" ;; esac
for s in $seeds; do
	case "$s" in *[!0-9]*) die "FUZZ_PEER_SEEDS: '$s' is not a number" ;; esac
done
[ -n "$seeds" ] || die "FUZZ_PEER_SEEDS is empty"

mkdir -p "$out"
failed=()
for s in $seeds; do
	set_kv="seed=$s hostile=$rate hostile_seconds=$secs"
	# Three drivers' traffic plus their unloads (bounded in the test)
	# and the boot itself on the debug kernel.
	rc=0
	"$repo/selftests/vm/run.sh" --arch arm64 --kernel "$kernel" --boots vmm-hostile \
		--set "$set_kv" --test-timeout $((3 * secs + 1500)) --timeout $((3 * secs + 2700)) \
		--out "$out/seed-$s" >"$out/seed-$s.log" 2>&1 || rc=$?
	# run.sh read hvkit-vmm's count off the console (judge_hostile).
	n=$(sed -n 's/^mutations=//p' "$out/seed-$s/vmm-hostile/hostile" 2>/dev/null || true)
	if [ "$rc" = 0 ]; then
		echo "fuzz-peer: seed $s: passed, ${n:-?} mutations ($out/seed-$s)"
	else
		failed+=("$s")
		echo "fuzz-peer: seed $s: FAILED (run.sh exit $rc), ${n:-?} mutations; log $out/seed-$s.log"
		echo "fuzz-peer:   again: selftests/vm/run.sh --arch arm64 --kernel $kernel --boots vmm-hostile --set '$set_kv'"
		grep -h '^# arm64:vmm-hostile:' "$out/seed-$s.log" | head -n 30 | sed 's/^/fuzz-peer:   /' || true
	fi
done
if [ ${#failed[@]} -gt 0 ]; then
	echo "fuzz-peer: ${#failed[@]} of $(wc -w <<<"$seeds") seeds failed: ${failed[*]}"
	exit 1
fi
echo "fuzz-peer: $(wc -w <<<"$seeds") seeds passed, $secs s per driver each"
