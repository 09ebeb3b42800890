/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hvkit-vmm's v-scsi target: an SRP target over the CRQ transport with
 * SCSI disks on image files, answering the way QEMU pseries' spapr-vscsi
 * does (papr-vio-abi.md section 5): requests are served inside the
 * H_SEND_CRQ that brings them, the answer overwrites the request IU, and
 * the CRQ entry echoes the IU's tag. Everything the guest wrote (IU,
 * descriptor lists, data addresses) is copied or checked against guest
 * RAM before use; what cannot be served is counted.
 */
#ifndef _HVM_VSCSI_MODEL_H
#define _HVM_VSCSI_MODEL_H

#include "crq_model.h"
#include "scsi_disk.h"
#include "srp_target.h"

#define HVM_VSCSI_MAX_LUNS	8
/* The login's credit, as QEMU grants it. */
#define HVM_VSCSI_CREDIT	22
/* MAD status for types this target does not serve (QEMU's). */
#define HVM_MAD_NOT_SUPPORTED	0xf1

struct hvm_vscsi_lun {
	u8 channel, id, lun;
	struct hvm_disk disk;
};

struct hvm_vscsi {
	struct hvm_crq crq;
	const struct hvm_guest_mem *mem;
	struct hvm_vscsi_lun luns[HVM_VSCSI_MAX_LUNS];
	unsigned int nluns;
	bool logged_in;
	void (*pulse)(struct hvm_crq *crq);	/* the VM's interrupt line */
	/*
	 * Scratch of the request being served: the device serves one
	 * H_SEND_CRQ at a time (its caller serialises its hcalls).
	 */
	u8 iu[HVK_SRP_IU_MAX];
	u8 table[HVM_SRP_MAX_DESCS * HVK_SRP_DESC_LEN];
	struct hvm_sg sg;
	/* Counters, for the logs. */
	u64 commands;		/* SRP_CMDs answered */
	u64 dropped_ius;	/* oversize, unreadable or unknown: no answer */
	u64 bad_descriptors;	/* data outside guest RAM: ABORTED COMMAND */
	u64 lost_answers;	/* the queue had no room or was gone */
};

void hvm_vscsi_init(struct hvm_vscsi *v, u32 unit, const struct hvm_guest_mem *mem,
		    void (*pulse)(struct hvm_crq *crq));

/* Add a disk at channel:id:lun; -ENOSPC when full, -EEXIST when taken. */
int hvm_vscsi_add_lun(struct hvm_vscsi *v, u8 channel, u8 id, u8 lun,
		      const struct hvm_disk *disk);

#endif /* _HVM_VSCSI_MODEL_H */
