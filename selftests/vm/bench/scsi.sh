#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash # busybox ash
#
# v-scsi block I/O with Debian's fio, whichever driver owns the adapter:
# ibmvscsi (set A) or hv_scsi (set B), on the same boot of the plan
# (scsi-bench: one 1 GiB raw LUN, fio from Debian):
#
#   make bench-scsi           # = run.sh --arch ppc64le --bench scsi
#                             #   --alternate 3 --boots scsi-bench
#                             #   --set-a 'sd_mod ibmvscsi'
#                             #   --set-b 'sd_mod hv_vio hv_scsi'
#
# After writing the 256 MiB test area once, each for SCSI_BENCH_SECONDS
# (10), O_DIRECT, libaio:
#   randread_4k_qd1, randread_4k_qd16, randwrite_4k_qd1, randwrite_4k_qd16
#                   IOPS
#   read_1m_qd4, write_1m_qd4
#                   sequential MiB/s
# then, with a histogram trigger on the kernel's powerpc hcall_entry
# tracepoint keyed by opcode (the same count for both drivers):
#   hcalls_4k_qd1, hcalls_4k_qd16
#                   CRQ, VIO and TCE hypercalls per completed 4 KiB read
#                   (the disk's own I/O counters), SCSI_BENCH_IOS (4000)
# Output: BENCH lines.
#
# HVS_BOUNCE_MAX (a set's VAR=value word): hv_scsi's bounce_max for the
# run, e.g. 0 to map every transfer as ibmvscsi does.

. /lib/hvkit/ktap.sh

T=${SCSI_BENCH_SECONDS:-10}
N=${SCSI_BENCH_IOS:-4000}
EV=$HCALL_EV
# H_PUT_TCE, H_VIO_SIGNAL, H_SEND_CRQ, H_STUFF_TCE, H_PUT_TCE_INDIRECT
# (decimal, as the histogram prints them)
OPCODES="32 260 264 312 316"

fail() {
	echo "scsi bench: $*"
	exit 1
}

# The disk at 0:0:0 of the host whose driver is $1.
disk_of() {
	local h b
	for h in /sys/class/scsi_host/host*; do
		[ "$(cat "$h/proc_name" 2>/dev/null)" = "$1" ] || continue
		for b in /sys/class/scsi_device/"${h##*host}":0:0:0/device/block/*; do
			[ -d "$b" ] && { echo "${b##*/}"; return 0; }
		done
	done
	return 1
}

if grep -q '^hv_scsi ' /proc/modules; then DRIVER=hv_scsi; else DRIVER=ibmvscsi; fi
i=0
while ! DISK=$(disk_of $DRIVER); do
	i=$((i + 1))
	[ $i -lt 300 ] || fail "no disk from $DRIVER after 30 s"
	sleep 0.1
done
echo "# set $BENCH_SET: v-scsi driven by $DRIVER, disk /dev/$DISK"
if [ -n "${HVS_BOUNCE_MAX:-}" ]; then
	[ "$DRIVER" = hv_scsi ] || fail "HVS_BOUNCE_MAX is for hv_scsi"
	echo "$HVS_BOUNCE_MAX" >/sys/module/hv_scsi/parameters/bounce_max ||
		fail "bounce_max $HVS_BOUNCE_MAX refused"
	echo "# bounce_max $HVS_BOUNCE_MAX"
fi
command -v fio >/dev/null || fail "no fio"

# fio NAME RW BS QD: one job; prints "iops KiB/s" of its direction.
run_fio() {
	fio --name="$1" --filename="/dev/$DISK" --direct=1 --ioengine=libaio \
		--rw="$2" --bs="$3" --iodepth="$4" --size=256M --time_based \
		--runtime="$T" --randrepeat=0 --output-format=terse --terse-version=3 \
		>/tmp/fio.out 2>/tmp/fio.err || { sed 's/^/# fio: /' /tmp/fio.err; return 1; }
	case "$2" in
	*read) awk -F';' '{ print $8, $7 }' /tmp/fio.out ;;
	*) awk -F';' '{ print $49, $48 }' /tmp/fio.out ;;
	esac
}

hcalls() {
	# shellcheck disable=SC2086 # one opcode per word
	hcall_hits $OPCODES
}

# Interrupts of the adapter (ibmvscsi names its irq "ibmvscsi", hv_scsi
# after the unit address).
irqs() {
	awk '/ibmvscsi|71000020/ { n = 0; for (i = 2; i <= NF && $i ~ /^[0-9]+$/; i++) n += $i; print n; exit }' \
		/proc/interrupts
}

reads_done() {
	awk '{ print $1 }' "/sys/block/$DISK/stat"
}

fio --name=fill --filename="/dev/$DISK" --direct=1 --ioengine=libaio --rw=write \
	--bs=1M --iodepth=4 --size=256M >/dev/null 2>/tmp/fio.err || fail "fill: $(cat /tmp/fio.err)"

for qd in 1 16; do
	r=$(run_fio rr randread 4k $qd) || fail "randread qd$qd"
	echo "BENCH randread_4k_qd$qd ${r% *} IOPS"
	r=$(run_fio rw randwrite 4k $qd) || fail "randwrite qd$qd"
	echo "BENCH randwrite_4k_qd$qd ${r% *} IOPS"
done
r=$(run_fio sr read 1M 4) || fail "read 1M"
echo "BENCH read_1m_qd4 $((${r#* } / 1024)) MiB/s"
r=$(run_fio sw write 1M 4) || fail "write 1M"
echo "BENCH write_1m_qd4 $((${r#* } / 1024)) MiB/s"

[ -w "$EV/trigger" ] || fail "no $EV/trigger (tracefs, CONFIG_HIST_TRIGGERS)"
for qd in 1 16; do
	echo 'hist:keys=opcode' >"$EV/trigger" || fail "cannot set the histogram trigger"
	h0=$(hcalls)
	r0=$(reads_done)
	q0=$(irqs)
	fio --name=hc --filename="/dev/$DISK" --direct=1 --ioengine=libaio --rw=randread \
		--bs=4k --iodepth=$qd --size=256M --number_ios=$N --randrepeat=0 \
		>/dev/null 2>/tmp/fio.err || fail "counted run: $(cat /tmp/fio.err)"
	h1=$(hcalls)
	r1=$(reads_done)
	q1=$(irqs)
	echo "# qd$qd: hcalls by opcode: $(for op in $OPCODES; do
		n=$(sed -n "s/^{ opcode: *$op } hitcount: *\([0-9]*\).*/\1/p" "$EV/hist" | head -n1)
		[ -z "$n" ] || printf '%s=%s ' "$op" "$n"
	done)"
	echo '!hist:keys=opcode' >"$EV/trigger"
	echo "# qd$qd: $((h1 - h0)) hcalls for $((r1 - r0)) reads"
	awk -v h=$((h1 - h0)) -v r=$((r1 - r0)) -v q=$qd \
		'BEGIN { printf "BENCH hcalls_4k_qd%s %.3f hcalls\n", q, h / r }'
	awk -v n=$((q1 - q0)) -v r=$((r1 - r0)) -v q=$qd \
		'BEGIN { printf "BENCH irqs_4k_qd%s %.3f irqs\n", q, n / r }'
done
if [ $DRIVER = hv_scsi ]; then
	h=$(ls -d /sys/class/scsi_host/host*/hv_scsi)
	sed 's/^/# /' "$h/counters" | tr '\n' ' '
	echo
	echo "# $(cat "$h/credit")"
fi
