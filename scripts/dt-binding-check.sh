#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Check the devicetree bindings under Documentation/devicetree/bindings:
#
#  1. every *.yaml against the devicetree meta-schema (dt-doc-validate);
#  2. if dt-mk-schema, dt-validate and dtc are installed, every example:
#     wrapped in a root node, compiled with dtc and validated against the
#     processed schemas (the bindings here plus dt-schema's core schemas).
#
# Installs nothing. Needs the dt-schema tools (Debian: apt-get install
# dt-schema device-tree-compiler; elsewhere: pip install dtschema).
# Exits non-zero on any error or warning, or if a binding has no example.
#
#   scripts/dt-binding-check.sh [binding.yaml ...]

set -u -o pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
bindings=$top/Documentation/devicetree/bindings
failed=0

die() {
	echo "dt-binding-check: $*" >&2
	exit 2
}

fail() {
	echo "FAIL: $*" >&2
	failed=1
}

command -v dt-doc-validate >/dev/null ||
	die "dt-doc-validate not found: install dt-schema (Debian: apt-get install dt-schema; or: pip install dtschema)"
[ -d "$bindings" ] || die "no $bindings directory"

if [ $# -gt 0 ]; then
	files=("$@")
else
	mapfile -t files < <(find "$bindings" -name '*.yaml' | sort)
fi
[ ${#files[@]} -gt 0 ] || die "no *.yaml under $bindings"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/dt-binding-check.XXXXXX") || die "mktemp failed"
trap 'rm -rf "$tmp"' EXIT

# Run a checker; any output counts as a failure since these tools report
# some problems with exit status 0.
run_quiet() {
	local what=$1 out rc

	shift
	out=$("$@" 2>&1)
	rc=$?
	if [ $rc -ne 0 ] || [ -n "$out" ]; then
		[ -n "$out" ] && printf '%s\n' "$out" >&2
		fail "$what (exit status $rc)"
		return 1
	fi
	return 0
}

# 1. The meta-schema.
for f in "${files[@]}"; do
	[ -f "$f" ] || { fail "$f: no such file"; continue; }
	if run_quiet "$f: dt-doc-validate" dt-doc-validate -u "$bindings" "$f"; then
		echo "ok: dt-doc-validate ${f#"$top"/}"
	fi
done

# 2. The examples.
missing=
for tool in dt-mk-schema dt-validate dtc; do
	command -v $tool >/dev/null || missing="$missing $tool"
done
if [ -n "$missing" ]; then
	echo "skip: examples not validated, missing:$missing (packages dt-schema, device-tree-compiler)"
	exit $failed
fi

# The examples need a YAML parser; use the Python that runs dt-schema.
read -r -a python < <(sed -n '1s/^#![[:space:]]*//p' "$(command -v dt-doc-validate)")
if [ ${#python[@]} -eq 0 ] || ! "${python[@]}" -c 'import ruamel.yaml' 2>/dev/null; then
	python=(python3)
fi
"${python[@]}" -c 'import ruamel.yaml' 2>/dev/null ||
	die "no Python with ruamel.yaml found to read the examples"

schema=$tmp/processed-schema.json
run_quiet "dt-mk-schema" dt-mk-schema -j -o "$schema" "$bindings" ||
	exit 1

# Write each example of binding $1 as $2-<n>.dts, wrapped in a root node
# with a stand-in interrupt controller whose #interrupt-cells matches the
# first "interrupts" in the example. Prints the file names.
extract_examples() {
	"${python[@]}" - "$1" "$2" <<'PY'
import re
import sys

import ruamel.yaml

src, prefix = sys.argv[1], sys.argv[2]
with open(src, encoding="utf-8") as f:
    binding = ruamel.yaml.YAML(typ="safe").load(f)

for n, example in enumerate(binding.get("examples") or []):
    if re.search(r"^\s*/\s*\{", example, re.M):
        body = example
    else:
        m = re.search(r"\binterrupts\s*=\s*<([^>]*)>", example)
        cells = len(m.group(1).split()) if m else 1
        body = ("/ {\n"
                "\tcompatible = \"hvkit,dt-binding-example\";\n"
                "\tmodel = \"dt-binding-check example\";\n"
                "\t#address-cells = <1>;\n"
                "\t#size-cells = <1>;\n"
                "\tinterrupt-parent = <&example_intc>;\n\n"
                "\texample_intc: interrupt-controller {\n"
                "\t\tinterrupt-controller;\n"
                "\t\t#address-cells = <0>;\n"
                f"\t\t#interrupt-cells = <{cells}>;\n"
                "\t};\n\n"
                + example + "\n};\n")
    name = f"{prefix}-{n}.dts"
    with open(name, "w", encoding="utf-8") as f:
        f.write("/dts-v1/;\n\n" + body)
    print(name)
PY
}

for f in "${files[@]}"; do
	[ -f "$f" ] || continue
	rel=${f#"$bindings"/}
	base=$tmp/$(printf '%s' "$rel" | tr '/,' '__')
	if ! dts_files=$(extract_examples "$f" "${base%.yaml}"); then
		fail "$rel: cannot extract the examples"
		continue
	fi
	if [ -z "$dts_files" ]; then
		fail "$rel: no examples"
		continue
	fi
	n=-1
	while read -r dts; do
		n=$((n + 1))
		dtb=${dts%.dts}.dtb
		src=$dts
		# Examples may use the kernel's #include <dt-bindings/...> macros.
		if grep -q '^[[:space:]]*#include' "$dts"; then
			command -v cpp >/dev/null || { fail "$rel: example $n needs cpp"; continue; }
			src=${dts%.dts}.pp.dts
			if ! cpp -nostdinc -undef -x assembler-with-cpp -D__DTS__ \
				-I "$top/include" -o "$src" "$dts"; then
				fail "$rel: example $n: cpp failed"
				continue
			fi
		fi
		if ! run_quiet "$rel: example $n: dtc" \
			dtc -I dts -O dtb -o "$dtb" "$src"; then
			cat -n "$src" >&2
			continue
		fi
		run_quiet "$rel: example $n: dt-validate" \
			dt-validate -s "$schema" "$dtb" || continue
		# Make sure the binding itself was applied, not just core schemas.
		# shellcheck disable=SC2016 # a literal $ in the pattern
		id=$(sed -n 's/^\$id:[[:space:]]*//p' "$f" | tr -d "\"'")
		matched=$(dt-validate -M -s "$schema" "$dtb" 2>&1)
		if ! grep -qF -- "$id" <<<"$matched"; then
			fail "$rel: example $n: no node matched $id"
			continue
		fi
		echo "ok: example $n of $rel"
	done <<<"$dts_files"
done

# The trees hvkit-vmm gives its guests (tools/hvkit-vmm/fdt_gen.c), as
# the host test test_vmm_fdt builds them, the whole tree against every
# schema and the hypervisor node against the binding. Only when checking
# every binding: the generator's node is one of them.
vmm_trees() {
	local dtb id matched
	if ! make -s -C "$top/selftests/host" test_vmm_fdt >"$tmp/vmm-build.log" 2>&1; then
		cat "$tmp/vmm-build.log" >&2
		fail "hvkit-vmm trees: cannot build selftests/host/test_vmm_fdt"
		return
	fi
	mkdir -p "$tmp/vmm"
	if ! HVKIT_DTB_OUT=$tmp/vmm "$top/selftests/host/test_vmm_fdt" >"$tmp/vmm.log" 2>&1; then
		cat "$tmp/vmm.log" >&2
		fail "hvkit-vmm trees: test_vmm_fdt failed"
		return
	fi
	# shellcheck disable=SC2016 # a literal $ in the pattern
	id=$(sed -n 's/^\$id:[[:space:]]*//p' "$bindings/hvkit/hvkit,hypervisor.yaml" | tr -d "\"'")
	for dtb in hvc smc; do
		[ -s "$tmp/vmm/$dtb.dtb" ] || { fail "hvkit-vmm trees: no $dtb.dtb written"; continue; }
		run_quiet "hvkit-vmm tree ($dtb): dt-validate" \
			dt-validate -s "$schema" "$tmp/vmm/$dtb.dtb" || continue
		matched=$(dt-validate -M -s "$schema" "$tmp/vmm/$dtb.dtb" 2>&1)
		if ! grep -qF -- "$id" <<<"$matched"; then
			fail "hvkit-vmm tree ($dtb): the hypervisor node matched no binding"
			continue
		fi
		echo "ok: hvkit-vmm's guest tree, method $dtb"
	done
}
[ $# -gt 0 ] || vmm_trees

if [ $failed -ne 0 ]; then
	echo "dt-binding-check: FAILED" >&2
	exit 1
fi
echo "dt-binding-check: all bindings and examples passed"
