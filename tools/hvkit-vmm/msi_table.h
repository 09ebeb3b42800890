/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The MSI side of one hvkit-vmm device (--irq msi): the message of each
 * vector as the guest stored it with H_VIO_SET_MSI (Documentation/
 * hcall-abi.rst, "MSI-backed vectors"), the decision whether a raise of
 * the device's interrupt is signalled to the ITS or only counted, and the
 * counts the power-off report prints. Portable (no KVM): the VMM does the
 * KVM_SIGNAL_MSI, the host unit tests drive the rest.
 */
#ifndef _HVM_MSI_TABLE_H
#define _HVM_MSI_TABLE_H

#include "hvk_portable.h"
#include "hcall_table.h"

/* Vectors of one device: an MSI device here has one, a wired device none. */
#define HVM_MSI_MAX_VECTORS	1
/* The GICv3 ITS's doorbell, GITS_TRANSLATER, from the ITS's base. */
#define HVM_GITS_TRANSLATER	0x10040ull
/* DeviceIDs KVM's vITS takes: 16 bits. */
#define HVM_MSI_DEVID_LIMIT	0x10000u

struct hvm_msi_vector {
	u64 address;		/* 0: no message */
	u32 data;
	bool written;		/* a message is stored now */
	bool was_written;	/* one was stored once (and maybe forgotten since) */
};

/* What to signal: KVM_SIGNAL_MSI's fields. */
struct hvm_msi_message {
	u64 address;
	u32 data;
	u32 devid;
};

struct hvm_msi_dev {
	u32 unit;		/* the device's unit address */
	u32 devid;		/* its DeviceID in the device tree's msi-parent */
	u64 doorbell;		/* the only address a message may name */
	unsigned int nr_vectors;	/* 0: wired (every H_VIO_SET_MSI is H_P2) */
	struct hvm_msi_vector vec[HVM_MSI_MAX_VECTORS];

	/* Raises, by what became of them. */
	u64 signalled;		/* KVM_SIGNAL_MSI delivered it */
	u64 blocked;		/* the guest's ITS had no mapping for it */
	u64 its_disabled;	/* the guest had not enabled its ITS (EBUSY) */
	u64 failed;		/* KVM_SIGNAL_MSI failed otherwise */
	u64 after_free;		/* the message was forgotten (free_irq): legal */
	/* The guest's mistakes. */
	u64 unwritten;		/* raised with no message ever written */
	u64 refused;		/* H_VIO_SET_MSI answered H_P2, H_P3 or H_P4 */
};

/*
 * @d for the device at @unit: @nr_vectors 0 (wired) or 1 (MSI, DeviceID
 * @devid, messages to @its_base's GITS_TRANSLATER), nothing stored.
 */
void hvm_msi_init(struct hvm_msi_dev *d, u32 unit, unsigned int nr_vectors, u32 devid,
		  u64 its_base);

/* Serve H_VIO_SET_MSI for @d's unit (a wired device too: it answers H_P2). */
int hvm_msi_attach(struct hvm_msi_dev *d, struct hvm_hcall_table *t);

/* The handler itself (in[0] already matched @d's unit by the table). */
long hvm_msi_set(struct hvm_msi_dev *d, const struct hvm_call *call);

/*
 * The device raises vector @vec (where a wired device pulses its SPI):
 * true with @msg filled when it is to be signalled; false when it was
 * counted instead (no message: after_free if one was forgotten, else
 * unwritten).
 */
bool hvm_msi_raise(struct hvm_msi_dev *d, unsigned int vec, struct hvm_msi_message *msg);

/*
 * Count what KVM_SIGNAL_MSI made of a signal: @ret its return value, @err
 * errno when @ret < 0 (EBUSY: the ITS is not enabled).
 */
void hvm_msi_result(struct hvm_msi_dev *d, int ret, int err);

/* Raises that reached no handler (blocked, ITS disabled, failed). */
u64 hvm_msi_lost(const struct hvm_msi_dev *d);
/* The guest's mistakes (unwritten raises, refused messages). */
u64 hvm_msi_mistakes(const struct hvm_msi_dev *d);

/*
 * The report's "msi devid N: ..." text (no newline) into @buf; its
 * wording is Documentation/hvkit-vmm.rst's.
 */
void hvm_msi_report(const struct hvm_msi_dev *d, char *buf, size_t size);
/* Add @d's counts to @sum's, for the report's line over every device. */
void hvm_msi_add(struct hvm_msi_dev *sum, const struct hvm_msi_dev *d);
/*
 * That line's text: what was lost and the mistakes first, so that a
 * runner can require "0 ... 0 guest mistakes" as one fixed string.
 */
void hvm_msi_report_total(const struct hvm_msi_dev *sum, char *buf, size_t size);

#endif /* _HVM_MSI_TABLE_H */
