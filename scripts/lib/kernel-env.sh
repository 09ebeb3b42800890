# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
#
# The env file a kernel provider leaves next to its kernel (fetch-kernel.sh
# for Debian's, build-debug-kernel.sh for the debug one): KDIR, IMAGE,
# MODULES, RELEASE and (Debian's kernels) VERSION as shell assignments.
# Sourced by both.

# kernel_env_print FILE WHAT DIR : one value of FILE (kdir, image, modules,
# release, version; dir prints DIR), or all of it for "", "all" or "env".
# Returns 2 for anything else.
kernel_env_print() {
	local KDIR IMAGE MODULES RELEASE VERSION
	# shellcheck disable=SC1090 # the file is written by the provider
	. "$1"
	case "$2" in
	kdir) echo "$KDIR" ;;
	image) echo "$IMAGE" ;;
	modules) echo "$MODULES" ;;
	release) echo "$RELEASE" ;;
	version) echo "${VERSION:-}" ;;
	dir) echo "$3" ;;
	"" | all | env) cat "$1" ;;
	*) return 2 ;;
	esac
}
