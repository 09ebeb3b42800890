#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash # busybox ash
#
# hv_scsi under interrupt affinity changes (issue 13): while rounds of
# random data are written with O_DIRECT to LUN 0:0:0 and read back by
# sha256 in the background, the adapter's CRQ interrupt is moved between
# CPU0 and CPU1 through /proc/irq/N/smp_affinity; /proc/interrupts must
# show it following (lib/affinity.sh) and every round must read back what
# it wrote. Needs two CPUs online (plan key cpus=2), else the cases skip.

. /lib/hvkit/ktap.sh
. /lib/hvkit/scsi.sh
. /lib/hvkit/affinity.sh

ktap_plan 3
MIB=1048576
# One round: LEN bytes written in WBS requests, read back in RBS ones
# (many commands, so many interrupts per window), at the next of SLOTS
# places of LUN 0:0:0 from OFF0 on. The small end of hv_scsi_dio's sizes,
# halved again on a slower machine.
LEN=$((2 * MIB))
[ "$HVK_SLOWDOWN" -le 1 ] || LEN=$MIB
WBS=16384
RBS=8192
OFF0=$((32 * MIB))
SLOTS=8
# A round is bounded too: hvk-dio under the test's own limit.
RT=$((120 * HVK_SLOWDOWN))

# shellcheck disable=SC2119 # hv_scsi's default parameters
if ! hvs_load; then
	ktap_diag "$HVS_ERR"
	ktap_fail "hv_scsi loaded, its irq found"
	ktap_skip "data intact while the irq moves" "no disks"
	ktap_skip "interrupts follow smp_affinity" "no disks"
	ktap_finish
fi
DEV=$(hvs_disk 0 0 0)
if ! IRQ=$(aff_irq "$HVS_UNIT"); then
	ktap_diag "$AFF_ERR"
	ktap_fail "hv_scsi loaded, its irq found"
	ktap_skip "data intact while the irq moves" "no irq"
	ktap_skip "interrupts follow smp_affinity" "no irq"
	ktap_finish
fi
ktap_diag "$DEV; irq $IRQ: $(grep "^ *$IRQ:" /proc/interrupts | tr -s ' ')"
ktap_pass "hv_scsi loaded, its irq found"

if ! aff_need_cpus; then
	ktap_skip "data intact while the irq moves" "$AFF_ERR"
	ktap_skip "interrupts follow smp_affinity" "$AFF_ERR"
	ktap_finish
fi

# The transfer: rounds until asked to stop, one line per round in
# /tmp/aff-rounds ("ok" or what went wrong); its status 1 if any failed.
xfer() {
	local r=0 off sha got rc=0
	while ! aff_stop_requested; do
		off=$((OFF0 + (r % SLOTS) * LEN))
		head -c "$LEN" /dev/urandom >/tmp/aff-src
		sha=$(sha_of /tmp/aff-src)
		if ! timeout "$RT" hvk-dio write "$DEV" "$off" "$LEN" "$WBS" 0 </tmp/aff-src 2>/tmp/aff-err; then
			echo "round $r: write at $off: $(cat /tmp/aff-err)" >>/tmp/aff-rounds
			rc=1
		else
			got=$(timeout "$RT" hvk-dio read "$DEV" "$off" "$LEN" "$RBS" 0 2>/tmp/aff-err | sha256sum | cut -d' ' -f1)
			if [ -s /tmp/aff-err ] || [ "$got" != "$sha" ]; then
				echo "round $r: at $off, sha256 $got, wrote $sha $(cat /tmp/aff-err)" >>/tmp/aff-rounds
				rc=1
			else
				echo ok >>/tmp/aff-rounds
			fi
		fi
		r=$((r + 1))
	done
	rm -f /tmp/aff-src
	return $rc
}

aff_reset
: >/tmp/aff-rounds
c0=$(hvs_counter commands)
t0=$(($(now_ns) / 1000000))
xfer &
pid=$!
aff_flips "$IRQ" "$pid"
aff_stop "$pid"
rc=$?
t1=$(($(now_ns) / 1000000))
rounds=$(wc -l </tmp/aff-rounds)
okr=$(grep -c '^ok$' /tmp/aff-rounds)
ktap_diag "$rounds rounds of $LEN bytes ($okr read back identical), $(($(hvs_counter commands) - c0)) commands, $((t1 - t0)) ms"
grep -v '^ok$' /tmp/aff-rounds | head -n 5 | sed 's/^/# /'
expect_eq "transfer's exit status" 0 "$rc"
[ "$rounds" -ge 1 ] || expect_bad "no round finished"
expect_eq "rounds read back identical" "$rounds" "$okr"
for k in unknown_tags bad_responses; do
	expect_eq "counter $k" 0 "$(hvs_counter $k)"
done
ktap_result "data intact while the irq moves: $okr rounds of $((LEN / 1024)) KiB"

aff_judge "$IRQ"
ktap_result "interrupts follow smp_affinity: irq $IRQ, $(wc -l <"$AFF_LOG") flips"

ktap_finish
