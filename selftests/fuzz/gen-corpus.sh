#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Regenerate the committed seed corpora, corpus/<target>/ (make corpus).
#
# usage: gen-corpus.sh TARGET...   (BUILD: the Makefile's build directory)
#
# 1. dtc compiles dts/*.dts;
# 2. gen_seeds runs every host unit test and writes each tree they build,
#    and those blobs, as seeds for every target (gen_seeds.c);
# 3. per target, at most SEEDS_MAX (25) seeds that together cover the most
#    edges (libFuzzer's merge measures, pick() chooses) replace the
#    generated seeds in corpus/<target>/, under the name of the test or
#    .dts they came from. Files named regress-* there are reproducers of
#    fixed bugs, added by hand: they are kept.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
build=${BUILD:-$here/../../build/fuzz}
raw=$build/seeds
max=${SEEDS_MAX:-25}
[ $# -gt 0 ] || { echo "usage: $0 TARGET..." >&2; exit 2; }

rm -rf "$raw"
mkdir -p "$raw/dtb"
blobs=() dts_names=()
for dts in "$here"/dts/*.dts; do
	name=$(basename "$dts" .dts)
	dts_names+=("$name")
	dtc -q -I dts -O dtb -o "$raw/dtb/$name.dtb" "$dts"
	blobs+=("$name=$raw/dtb/$name.dtb")
done

"$build/gen_seeds" "$raw" "${blobs[@]}" >"$raw/gen_seeds.log" ||
	{ cat "$raw/gen_seeds.log"; exit 1; }
tail -n1 "$raw/gen_seeds.log"

# Greedy set cover on the control file of a libFuzzer merge: the trees of
# dts/ first, then the seed that covers most edges not covered yet, until
# no seed adds any or @max are taken. Fewer files than -merge=1 keeps,
# which takes any seed that adds a feature, however small.
pick() { # control-file max
	awk -v max="$2" -v force="${dts_names[*]}" '
	function take(f,    k, i, e) {
		taken[f] = 1
		taken_n++
		k = split(edges[f], e, " ")
		for (i = 1; i <= k; i++)
			if (!(e[i] in covered)) {
				covered[e[i]] = 1
				total++
			}
		print path[f]
	}
	NR == 1 { n = $1; next }
	NR == 2 { next }
	NR <= n + 2 { path[NR - 3] = $0; next }
	$1 == "STARTED" { size[$2] = $3 }
	$1 == "COV" { for (i = 3; i <= NF; i++) edges[$2] = edges[$2] " " $i }
	END {
		k = split(force, want, " ")
		for (f in path)
			for (i = 1; i <= k; i++)
				if (path[f] ~ ("/" want[i] "$"))
					take(f)
		while (taken_n < max) {
			best = -1; gain = 0
			for (f in edges) {
				if (f in taken)
					continue
				k = split(edges[f], e, " "); g = 0
				for (i = 1; i <= k; i++)
					if (!(e[i] in covered))
						g++
				if (g > gain || (g == gain && g && size[f] < size[best])) {
					best = f; gain = g
				}
			}
			if (best < 0)
				break
			take(best)
		}
		printf "%d edges\n", total > "/dev/stderr"
	}' "$1"
}

for t in "$@"; do
	[ -d "$raw/$t" ] || { echo "$t: no seeds generated, corpus kept"; continue; }
	mkdir -p "$raw/merged-$t"
	"$build/$t" -merge=1 -merge_control_file="$raw/merge-$t.ctl" \
		"$raw/merged-$t" "$raw/$t" >"$raw/merge-$t.log" 2>&1 ||
		{ tail -n 30 "$raw/merge-$t.log"; exit 1; }
	mapfile -t keep < <(pick "$raw/merge-$t.ctl" "$max" 2>"$raw/edges-$t")
	mkdir -p "$here/corpus/$t"
	find "$here/corpus/$t" -type f ! -name 'regress-*' -delete
	cp "${keep[@]}" "$here/corpus/$t/"
	printf '%-18s %3d of %3d seeds kept (%s of %s), %d files, %d bytes\n' \
		"$t" "${#keep[@]}" "$(find "$raw/$t" -type f | wc -l)" \
		"$(cat "$raw/edges-$t")" \
		"$(pick "$raw/merge-$t.ctl" 100000 2>&1 >/dev/null)" \
		"$(find "$here/corpus/$t" -type f | wc -l)" \
		"$(cat "$here/corpus/$t"/* | wc -c)"
done
