# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash # busybox ash: local
#
# Guest-side helpers for the interrupt affinity tests (hv_*_affinity.sh,
# Documentation/testing-vm.rst), sourced after ktap.sh. A test starts a
# transfer of its driver in the background, in rounds that each check
# their content, until aff_stop_requested says to stop; meanwhile
# aff_flips moves the device's interrupt between CPU0 and CPU1 through
# /proc/irq/N/smp_affinity and, after each move, records how much each
# CPU's count of that interrupt in /proc/interrupts grew. aff_judge then
# checks that the interrupts followed:
#
#   IRQ=$(aff_irq 30000100) || ...
#   aff_need_cpus || { ktap_skip ...; }
#   ( while ! aff_stop_requested; do one round; done ) &
#   aff_flips "$IRQ" $!
#   aff_stop $!
#   aff_judge "$IRQ"
#
# The window of each flip starts AFF_SETTLE s after the write to
# smp_affinity (an interrupt already on its way to the old CPU may still
# land there meanwhile) and ends at the next write, AFF_PERIOD s later.
# GICv3 routes both a wired SPI (GICD_IROUTER) and an MSI (an LPI, by its
# ITS collection) to one CPU of the mask, so either kind must follow.

AFF_FLIPS=${AFF_FLIPS:-12}
AFF_PERIOD=${AFF_PERIOD:-0.6}
AFF_SETTLE=${AFF_SETTLE:-0.1}
# Interrupts a window may show on the CPU the affinity does not point to
# (one late delivery), and the share of windows that may show any: one
# in AFF_STRAY_RATIO of those where the count grew.
AFF_STRAY=${AFF_STRAY:-1}
AFF_STRAY_RATIO=${AFF_STRAY_RATIO:-4}
# Windows in which the count grew, at least, in all and toward each CPU.
AFF_MIN_GREW=${AFF_MIN_GREW:-4}
AFF_MIN_GREW_EACH=${AFF_MIN_GREW_EACH:-2}
# AFF_INVERT=1 judges against the other CPU: a run that shows the check
# fails when the interrupts do not go where it expects.
AFF_INVERT=${AFF_INVERT:-0}
AFF_LOG=/tmp/aff-flips
AFF_STOP=/tmp/aff-stop
# Why aff_irq or aff_need_cpus failed, for the test scripts.
# shellcheck disable=SC2034
AFF_ERR=

# aff_irq UNIT : the Linux irq of the hvkit device at UNIT (hex, without
# 0x), from its sysfs irq attribute; fails (AFF_ERR) when it has none or
# nobody requested it (no line in /proc/interrupts).
aff_irq() {
	local irq
	irq=$(cat "/sys/bus/hvkit/devices/${1#0x}/irq" 2>/dev/null)
	case "$irq" in
	"" | 0 | *[!0-9]*)
		AFF_ERR="device ${1#0x} has no irq (sysfs irq: '${irq}')"
		return 1
		;;
	esac
	if [ -z "$(aff_counts "$irq")" ]; then
		AFF_ERR="irq $irq of ${1#0x} is not in /proc/interrupts (not requested)"
		return 1
	fi
	aff_irq_type "${1#0x}" "$irq" || return 1
	echo "$irq"
}

# aff_irq_type UNIT IRQ : under hvkit-vmm, the device took its interrupt
# the way the boot's irq= key had hvkit-vmm offer it (wired by default):
# sysfs interrupt_type, and for msi an MSI chip in /proc/interrupts.
aff_irq_type() {
	local want=${BOOT_IRQ:-wired} type
	[ "${BOOT_PEER:-}" = hvkit-vmm ] || return 0
	type=$(cat "/sys/bus/hvkit/devices/$1/interrupt_type" 2>/dev/null)
	if [ "$type" != "$want" ]; then
		AFF_ERR="device $1 has interrupt_type '$type'; the boot has hvkit-vmm offer irq=$want"
		return 1
	fi
	if [ "$want" = msi ] && ! grep "^ *$2:" /proc/interrupts | grep -q MSI; then
		AFF_ERR="irq $2 of $1 is no MSI in /proc/interrupts: $(grep "^ *$2:" /proc/interrupts | tr -s ' ')"
		return 1
	fi
}

# aff_cpu_online K : CPU K is online (cpu0 may have no online file).
aff_cpu_online() {
	local f=/sys/devices/system/cpu/cpu$1/online
	[ -d "/sys/devices/system/cpu/cpu$1" ] || return 1
	[ ! -f "$f" ] || [ "$(cat "$f")" = 1 ]
}

# aff_need_cpus : CPU0 and CPU1 online; else AFF_ERR says why not.
# shellcheck disable=SC2034 # AFF_ERR is for the test scripts
aff_need_cpus() {
	local on
	on=$(cat /sys/devices/system/cpu/online 2>/dev/null)
	if aff_cpu_online 0 && aff_cpu_online 1; then
		return 0
	fi
	AFF_ERR="needs CPU0 and CPU1 online, online: '${on}' (plan key cpus=2)"
	return 1
}

# aff_counts IRQ : the per-CPU counts of IRQ in /proc/interrupts, one
# word per CPU column of its header, CPU0 first; nothing if no line.
aff_counts() {
	awk -v irq="$1:" 'NR == 1 { n = NF; next }
		$1 == irq { s = $2; for (i = 3; i <= n + 1; i++) s = s " " $i; print s; exit }' \
		/proc/interrupts
}

# aff_mask FILE : a cpumask file (hex words, commas between them) as a
# decimal number; -1 if it cannot be read.
aff_mask() {
	local v
	v=$(tr -d ',\n' <"$1" 2>/dev/null)
	case "$v" in
	"" | *[!0-9a-fA-F]*) echo -1 ;;
	*) echo $((0x$v)) ;;
	esac
}

# A process that still runs (not a zombie).
aff_alive() {
	[ -r "/proc/$1/status" ] && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null
}

# For the background transfer: 0 once the test asked it to stop.
aff_stop_requested() {
	[ -e "$AFF_STOP" ]
}

# aff_flips IRQ PID : up to AFF_FLIPS moves of IRQ, CPU1 first, then
# CPU0, CPU1, ..., while PID (the transfer) runs. One line per flip in
# AFF_LOG: "flip cpu growth-on-CPU0 growth-on-CPU1 effective-mask
# write-status". The irq's affinity is put back as it was afterwards.
aff_flips() {
	local irq=$1 pid=$2 i=0 cpu mask a b eff st orig
	local d=/proc/irq/$1
	: >"$AFF_LOG"
	orig=$(cat "$d/smp_affinity")
	while [ "$i" -lt "$AFF_FLIPS" ] && aff_alive "$pid"; do
		cpu=$(((i + 1) % 2))
		mask=$((1 << cpu))
		st=ok
		echo "$mask" >"$d/smp_affinity" 2>/dev/null || st=refused
		sleep "$AFF_SETTLE"
		a=$(aff_counts "$irq")
		eff=-
		[ ! -f "$d/effective_affinity" ] || eff=$(aff_mask "$d/effective_affinity")
		sleep "$AFF_PERIOD"
		b=$(aff_counts "$irq")
		# shellcheck disable=SC2086 # the counts are words
		echo "$i $cpu $(echo $a $b | awk '{ h = NF / 2; print $(h + 1) - $1, $(h + 2) - $2 }') $eff $st" >>"$AFF_LOG"
		i=$((i + 1))
	done
	echo "$orig" >"$d/smp_affinity" 2>/dev/null ||
		ktap_diag "could not put irq $irq's smp_affinity back to $orig"
}

# aff_stop PID [SECONDS] : ask the transfer to stop after its round and
# wait for it (60 s times the slowdown unless given); its exit status.
aff_stop() {
	local t=${2:-$((60 * ${HVK_SLOWDOWN:-1}))} i=0
	touch "$AFF_STOP"
	while aff_alive "$1"; do
		i=$((i + 1))
		if [ "$i" -gt $((t * 5)) ]; then
			ktap_diag "the transfer did not stop within $t s; killed"
			kill "$1" 2>/dev/null
			break
		fi
		sleep 0.2
	done
	wait "$1"
}

# aff_reset : before the transfer starts.
aff_reset() {
	rm -f "$AFF_STOP" "$AFF_LOG"
}

# aff_judge IRQ : diagnostics of every flip and the expectations of the
# current case (expect_bad on any failure): at least AFF_MIN_FLIPS (all
# of AFF_FLIPS unless given) flips, every write to smp_affinity taken,
# effective_affinity (where the kernel has it) the CPU written, enough
# windows in which the count grew, toward each CPU, and the growth on the
# CPU the affinity did not point to within AFF_STRAY per window, in at
# most one of AFF_STRAY_RATIO windows that grew.
aff_judge() {
	local sum flips grew g0 g1 stray bad effbad refused on0 off
	local min=${AFF_MIN_FLIPS:-$AFF_FLIPS}
	# shellcheck disable=SC2016 # awk's own variables
	awk -v inv="$AFF_INVERT" '{
		want = inv ? 1 - $2 : $2
		on = want ? $4 : $3; off = want ? $3 : $4
		printf "# flip %d: affinity CPU%d, effective %s%s: CPU0 +%d, CPU1 +%d\n",
			$1, $2, $5 == "-" ? "(no file)" : "mask " $5, $6 == "ok" ? "" : " (write " $6 ")", $3, $4
	}' "$AFF_LOG"
	sum=$(awk -v inv="$AFF_INVERT" -v stray="$AFF_STRAY" '
		{ want = inv ? 1 - $2 : $2
		  on = want ? $4 : $3; off = want ? $3 : $4
		  n++; ton += on; toff += off
		  if (on + off > 0) { grew++; if (want) g1++; else g0++ }
		  if (off > 0) s++
		  if (off > stray) b++
		  if ($5 != "-" && $5 != ($2 ? 2 : 1)) e++
		  if ($6 != "ok") r++ }
		END { print n + 0, grew + 0, g0 + 0, g1 + 0, s + 0, b + 0, e + 0, r + 0, ton + 0, toff + 0 }' "$AFF_LOG")
	# shellcheck disable=SC2086 # ten numbers
	set -- $sum
	flips=$1 grew=$2 g0=$3 g1=$4 stray=$5 bad=$6 effbad=$7 refused=$8 on0=$9
	off=${10}
	ktap_diag "$flips flips; the count grew in $grew windows ($g0 with the affinity on CPU0, $g1 on CPU1);" \
		"$on0 interrupts on the CPU the affinity points to, $off on the other, in $stray windows"
	[ "$AFF_INVERT" = 0 ] || ktap_diag "AFF_INVERT=1: judged against the other CPU"
	[ "$flips" -ge "$min" ] || expect_bad "only $flips flips, wanted $min (the transfer ended early?)"
	[ "$refused" = 0 ] || expect_bad "$refused writes to smp_affinity refused"
	[ "$effbad" = 0 ] || expect_bad "effective_affinity differed from the CPU written in $effbad flips"
	[ "$grew" -ge "$AFF_MIN_GREW" ] || expect_bad "the count grew in $grew windows, wanted $AFF_MIN_GREW"
	if [ "$g0" -lt "$AFF_MIN_GREW_EACH" ] || [ "$g1" -lt "$AFF_MIN_GREW_EACH" ]; then
		expect_bad "windows with interrupts: $g0 toward CPU0, $g1 toward CPU1, wanted $AFF_MIN_GREW_EACH each"
	fi
	[ "$bad" = 0 ] || expect_bad "$bad windows with more than $AFF_STRAY interrupts on the CPU the affinity does not point to"
	[ $((stray * AFF_STRAY_RATIO)) -le "$grew" ] ||
		expect_bad "$stray of $grew windows had interrupts on the other CPU (at most 1 in $AFF_STRAY_RATIO)"
}
