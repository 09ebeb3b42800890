#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash # busybox ash
#
# What a device's interrupt costs as an MSI through hvkit-vmm's ITS (set B,
# boot vmm-bench-msi) against a wired GIC SPI (set A, vmm-bench-wired), the
# same VM otherwise (two vCPUs, one LUN), hv_scsi driving the v-scsi
# adapter:
#
#   make bench-irq            # = run.sh --arch arm64 --bench irq
#                             #   --alternate 3
#                             #   --boots 'vmm-bench-wired vmm-bench-msi'
#                             #   --set-a 'sd_mod hv_vio hv_scsi'
#                             #   --set-b 'sd_mod hv_vio hv_scsi'
#
# Per 4 KiB O_DIRECT read, one at a time (IRQ_BENCH_IOS, 2000), counted by
# hv_scsi (commands), the v-scsi device's stats (hypercalls) and
# /proc/interrupts (its irq, all CPUs):
#   irqs_per_cmd, hcalls_per_cmd, us_per_cmd
# Moving the adapter's idle interrupt between CPU0 and CPU1
# (IRQ_BENCH_MOVES, 200 writes to smp_affinity):
#   us_per_move       the write and the shell loop around it, by the
#                     guest's clock
#   hcalls_per_move   the device's hypercalls meanwhile (an ITS keeps the
#                     message, so MSI needs no H_VIO_SET_MSI to move)
# Output: BENCH lines. Wall-clock figures under nested TCG drift with the
# host's load; the counts per unit do not.

. /lib/hvkit/ktap.sh
. /lib/hvkit/scsi.sh

IOS=${IRQ_BENCH_IOS:-2000}
MOVES=${IRQ_BENCH_MOVES:-200}

fail() {
	echo "irq bench: $*"
	exit 1
}

# The irq's count summed over the CPUs.
irq_total() {
	awk -v irq="$1:" 'NR == 1 { n = NF; next }
		$1 == irq { s = 0; for (i = 2; i <= n + 1; i++) s += $i; print s; exit }' \
		/proc/interrupts
}

dev_hcalls() {
	cat "/sys/bus/hvkit/devices/$HVS_UNIT/stats/hcalls"
}

# shellcheck disable=SC2119 # the set loaded the modules; this waits for the disks
hvs_load || fail "$HVS_ERR"
DISK=$(hvs_disk 0 0 0) || fail "no disk at 0:0:0"
IRQ=$(cat "/sys/bus/hvkit/devices/$HVS_UNIT/irq")
TYPE=$(cat "/sys/bus/hvkit/devices/$HVS_UNIT/interrupt_type")
[ "$(grep -c . /sys/devices/system/cpu/online)" -ge 1 ] || fail "no CPUs?"
ktap_diag "$DISK, irq $IRQ ($TYPE): $(grep "^ *$IRQ:" /proc/interrupts | tr -s ' ')"

# Warm up (the first reads fault the page cache of hvk-dio itself).
hvk-dio read "$DISK" 0 $((64 * 4096)) 4096 >/dev/null || fail "warm-up read"

c0=$(hvs_counter commands)
h0=$(dev_hcalls)
i0=$(irq_total "$IRQ")
t0=$(now_ns)
hvk-dio read "$DISK" 1048576 $((IOS * 4096)) 4096 >/dev/null || fail "reads"
t1=$(now_ns)
cmds=$(($(hvs_counter commands) - c0))
[ "$cmds" -ge "$IOS" ] || fail "$cmds commands for $IOS reads"
echo "BENCH irqs_per_cmd $(awk -v a="$(($(irq_total "$IRQ") - i0))" -v c="$cmds" 'BEGIN { printf "%.3f", a / c }') irqs"
echo "BENCH hcalls_per_cmd $(awk -v a="$(($(dev_hcalls) - h0))" -v c="$cmds" 'BEGIN { printf "%.3f", a / c }') hcalls"
echo "BENCH us_per_cmd $(awk -v a="$((t1 - t0))" -v c="$cmds" 'BEGIN { printf "%.1f", a / c / 1000 }') us"

aff=/proc/irq/$IRQ/smp_affinity
orig=$(cat "$aff")
h0=$(dev_hcalls)
t0=$(now_ns)
n=0
while [ "$n" -lt "$MOVES" ]; do
	echo $((n % 2 + 1)) >"$aff" || fail "write to $aff refused"
	n=$((n + 1))
done
t1=$(now_ns)
echo "$orig" >"$aff"
echo "BENCH us_per_move $(awk -v a="$((t1 - t0))" -v c="$MOVES" 'BEGIN { printf "%.1f", a / c / 1000 }') us"
echo "BENCH hcalls_per_move $(awk -v a="$(($(dev_hcalls) - h0))" -v c="$MOVES" 'BEGIN { printf "%.3f", a / c }') hcalls"
