#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash # busybox ash
#
# hv_scsi's optional MADs against its peer: after ADAPTER_INFO it sends
# ENABLE_FAST_FAIL and CAPABILITIES (migration offered), records the
# answers in hv_scsi/mads, and logs in whatever they were. QEMU's
# spapr-vscsi (and hvkit-vmm by default, HVS_MADS=qemu) does not know
# fast fail (status 0xf1, an answer of no bytes) and gives our
# capabilities block back with nothing supported; hvkit-vmm with
# --vscsi-mads powervm (HVS_MADS=powervm) grants fast fail and answers
# CAPABILITIES as a VIOS, with its name and no migration (it cannot
# migrate a partition). Then data written and read back by sha256: the
# data path works after the MADs. Documentation/hv-scsi.rst.

. /lib/hvkit/ktap.sh
. /lib/hvkit/scsi.sh

ktap_plan 4
MADS=${HVS_MADS:-qemu}

# 1. Loaded and logged in after the MADs.
if ! hvs_load; then
	ktap_diag "$HVS_ERR"
	ktap_fail "hv_scsi loaded"
	ktap_skip "fast fail" "not loaded"
	ktap_skip "capabilities" "not loaded"
	ktap_skip "data" "not loaded"
	ktap_finish
fi
S=$(hvs_sysfs)
ktap_diag "peer answers MADs as $MADS"
rd "$S/mads" | sed 's/^/# /'
ktap_pass "hv_scsi loaded, $(hvs_disks | wc -l) disks"

# 2. ENABLE_FAST_FAIL.
ff=$(sed -n 's/^fast_fail //p' "$S/mads")
case "$MADS" in
powervm) expect_eq "fast_fail" "enabled status 0x0" "$ff" ;;
*) expect_eq "fast_fail" "not_supported status 0xf1" "$ff" ;;
esac
ktap_result "ENABLE_FAST_FAIL answered as the $MADS peer answers it"

# 3. CAPABILITIES: answered, migration not supported by either peer.
# QEMU zeroes the ecl and gives our name back; the VIOS keeps the ecl we
# offered (1) and writes its own name.
caps=$(sed -n 's/^capabilities //p' "$S/mads")
case "$MADS" in
powervm) want="answered status 0x0 flags 0x0 migration 0 ecl 1 name $HVS_PARTITION" ;;
*) want="answered status 0x0 flags 0x0 migration 0 ecl 0 name host$(hvs_host)" ;;
esac
expect_eq "capabilities" "$want" "$caps"
for c in bad_responses unknown_tags send_errors; do
	expect_eq "counter $c" 0 "$(hvs_counter $c)"
done
ktap_result "CAPABILITIES answered as the $MADS peer answers it"

# 4. The data path after the MADs: 1 MiB out and back, by sha256.
d=$(hvs_disk 0 0 0)
if hvs_write_random "$d" $((8 * 1048576)) 1048576 65536; then
	expect_eq "sha256 of 1 MiB read back from $d" "$HVS_SHA" \
		"$(hvs_read_sha "$d" $((8 * 1048576)) 1048576 131072)"
else
	expect_bad "write of 1 MiB to $d failed"
fi
expect_eq "credit back to the limit when idle" "$(hvs_credit limit)" "$(hvs_credit available)"
ktap_result "1 MiB written and read back intact"

ktap_finish
