# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
#
# Distro kernel modules for busybox guests (the nested tests' L1 and L2):
# which files a set of modules needs, in load order, and copies of them
# that busybox's insmod can read (Debian trixie compresses with xz).
# Sourced by selftests/vm/run.sh and selftests/vmm/nested.sh.

# kmod_paths MODULES_DIR NAME... : the files of NAMEs and of every module
# they depend on (modinfo's depends), each after its dependencies, each
# once; built-in modules are left out. Returns 1, naming the module, if
# one is missing.
kmod_paths() {
	local seen=" "
	_kmod_paths "$@"
}

_kmod_paths() {
	local dir=$1 n f d
	shift
	for n in "$@"; do
		n=${n//-/_}
		case "$seen" in *" $n "*) continue ;; esac
		seen="$seen$n "
		grep -q "/${n}\.ko" "$dir/modules.builtin" 2>/dev/null && continue
		f=$(find "$dir/kernel" \( -name "$n.ko*" -o -name "${n//_/-}.ko*" \) -print -quit)
		if [ -z "$f" ]; then
			echo "kmods: $(basename "$dir") has no module $n" >&2
			return 1
		fi
		d=$(modinfo -F depends "$f" | tr ',' ' ')
		# shellcheck disable=SC2086 # module names have no spaces
		[ -z "$d" ] || _kmod_paths "$dir" $d || return 1
		echo "$f"
	done
}

# kmod_copy DEST : copies the modules whose paths come on stdin (in load
# order) uncompressed into DEST and lists their file names, in that
# order, in DEST/order.
kmod_copy() {
	local f k
	mkdir -p "$1"
	: >"$1/order"
	while read -r f; do
		k=$(basename "$f" .xz)
		grep -qx "$k" "$1/order" && continue
		case "$f" in
		*.xz) xz -dc "$f" >"$1/$k" ;;
		*) cp "$f" "$1/$k" ;;
		esac
		echo "$k" >>"$1/order"
	done
}
