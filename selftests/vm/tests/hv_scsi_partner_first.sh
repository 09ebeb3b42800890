#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash # busybox ash
#
# A PowerVM partner that is not there when hv_scsi registers its queue:
# hvkit-vmm --crq-partner-first=MS (plan key crq_partner_first) answers
# H_REG_CRQ and H_SEND_CRQ H_CLOSED until MS ms after the first
# registration, then posts its own init request (0xC0/0x01). hv_scsi must
# take H_CLOSED as "registered, nobody yet" (crq_send_closed counts its
# init request that reached nobody), answer the partner's init request,
# come up once (crq_inits 1) and log in, no sooner than MS after its
# load; then data written with O_DIRECT reads back.
# Documentation/hv-scsi.rst, Documentation/hvkit-vmm.rst.

. /lib/hvkit/ktap.sh
. /lib/hvkit/scsi.sh

ktap_plan 2
MIB=1048576
DELAY=${BOOT_CRQ_PARTNER_FIRST:-}

if [ -z "$DELAY" ]; then
	ktap_skip "loaded after the partner came" "the boot has no crq_partner_first"
	ktap_skip "data intact" "the boot has no crq_partner_first"
	ktap_finish
fi
if hvk_loaded hv_scsi; then
	ktap_skip "loaded after the partner came" "hv_scsi was loaded before this test"
	ktap_skip "data intact" "hv_scsi was loaded before this test"
	ktap_finish
fi

dmesg_mark
t0=$(now_ns)
if ! hvs_load; then
	ktap_diag "$HVS_ERR"
	dmesg_since | tail -n 20 | sed 's/^/# /'
	ktap_fail "loaded after the partner came"
	ktap_skip "data intact" "not loaded"
	ktap_finish
fi
ms=$((($(now_ns) - t0) / 1000000))
closed=$(hvs_counter crq_send_closed)
ktap_diag "loaded and logged in $ms ms after insmod (partner first after $DELAY ms): crq_send_closed $closed, crq_inits $(hvs_counter crq_inits), logins $(hvs_counter logins)"
[ "$ms" -ge "$DELAY" ] || expect_bad "logged in after $ms ms, before the partner came ($DELAY ms)"
[ "${closed:-0}" -ge 1 ] 2>/dev/null ||
	expect_bad "crq_send_closed $closed: no send was answered H_CLOSED"
expect_eq "crq_inits (up once)" 1 "$(hvs_counter crq_inits)"
expect_eq "crq_send_errors" 0 "$(hvs_counter crq_send_errors)"
grep -q 'state 1$' "$(hvs_sysfs)/partner" || expect_bad "not logged in: $(cat "$(hvs_sysfs)/partner")"
if dmesg_since | grep -E 'H_REG_CRQ failed|init request failed|SRP login failed'; then
	expect_bad "hv_scsi logged a failure while the partner was away"
fi
ktap_result "loaded after the partner came: H_CLOSED taken, its init request answered"

A=$(hvs_disk 0 0 0)
hvs_write_random "$A" 0 $MIB 65536 || expect_bad "O_DIRECT write of 1 MiB"
expect_eq "sha256 of 1 MiB read back" "$HVS_SHA" "$(hvs_read_sha "$A" 0 $MIB 65536)"
ktap_result "data intact"

ktap_finish
