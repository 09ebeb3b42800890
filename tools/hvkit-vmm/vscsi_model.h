/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hvkit-vmm's v-scsi target: an SRP target over the CRQ transport with
 * SCSI disks on image files, answering the way QEMU pseries' spapr-vscsi
 * does (papr-vio-abi.md section 5): MADs, logins and task management are
 * answered inside the H_SEND_CRQ that brings them; an SRP_CMD is copied
 * (IU and descriptor list, read once), queued, and answered later by the
 * adapter's worker, as QEMU answers from AIO. The answer overwrites the
 * request IU, and the CRQ entry echoes the IU's tag. Everything the guest
 * wrote (IU, descriptor lists, data addresses) is copied or checked
 * against guest RAM before use; what cannot be served is counted.
 */
#ifndef _HVM_VSCSI_MODEL_H
#define _HVM_VSCSI_MODEL_H

#include <pthread.h>

#include "crq_model.h"
#include "scsi_disk.h"
#include "srp_target.h"

#define HVM_VSCSI_MAX_LUNS	8
/* The login's credit, as QEMU grants it. */
#define HVM_VSCSI_CREDIT	22
/* MAD status for types this target does not serve (QEMU's). */
#define HVM_MAD_NOT_SUPPORTED	HVK_MAD_NOT_SUPPORTED
/* The CRQ status of a command fast-failed (VIOSRP_ADAPTER_FAIL). */
#define HVM_CRQ_ADAPTER_FAIL	0x10

/*
 * How the adapter answers the MADs beyond ADAPTER_INFO (--vscsi-mads).
 * QEMU: CAPABILITIES with nothing supported, ENABLE_FAST_FAIL unknown
 * (status 0xf1, an answer of no bytes), as spapr-vscsi. POWERVM: as a
 * VIOS, ENABLE_FAST_FAIL granted before the login (then honoured: a READ
 * or WRITE whose image I/O failed is answered with CRQ status
 * HVM_CRQ_ADAPTER_FAIL instead of MEDIUM ERROR), CAPABILITIES answered
 * capability by capability (hvkit-vmm supports none: no partition
 * migration, no client reserve) with the adapter's name.
 */
enum hvm_vscsi_mads {
	HVM_VSCSI_MADS_QEMU,
	HVM_VSCSI_MADS_POWERVM,
};

struct hvm_vscsi_lun {
	u8 channel, id, lun;
	struct hvm_disk disk;
};

/* Image I/O goes through a bounce buffer of this many bytes at a time. */
#define HVM_VSCSI_CHUNK		(128 << 10)

/* An SRP_CMD accepted and not yet answered (vscsi_model.c). */
struct hvm_vscsi_req;

struct hvm_vscsi {
	struct hvm_crq crq;
	const struct hvm_guest_mem *mem;
	struct hvm_vscsi_lun luns[HVM_VSCSI_MAX_LUNS];
	unsigned int nluns;
	bool logged_in;
	enum hvm_vscsi_mads mads;	/* hvm_vscsi_set_mads(); default QEMU */
	bool fast_fail;			/* POWERVM: granted since the last init */
	void (*pulse)(struct hvm_crq *crq);	/* the VM's interrupt line */
	/*
	 * Scratch of the request being received: the device receives one
	 * H_SEND_CRQ at a time (its caller serialises its hcalls).
	 */
	u8 iu[HVK_SRP_IU_MAX];

	/*
	 * The commands accepted and not answered: queued in order, and the
	 * one the worker serves. All of it under *lock (the VM's) with a
	 * worker; without one the caller serialises (unit tests, fuzzers).
	 */
	pthread_mutex_t *lock;
	pthread_cond_t work;		/* signalled when a command is queued */
	pthread_t worker;
	bool worker_started, stopping;
	bool deferred;			/* queue only: a worker or run_queued serves */
	struct hvm_vscsi_req *head, *tail, *running;
	unsigned int outstanding;	/* credits held: queued + running */
	unsigned int peak_outstanding;
	/* The worker's, for image I/O outside the lock: one user at a time. */
	u8 bounce[HVM_VSCSI_CHUNK];

	/* Counters, for the logs. */
	u64 commands;		/* SRP_CMDs answered */
	u64 dropped_ius;	/* oversize, unreadable, unknown, over the credit: no answer */
	u64 over_credit;	/* ... of which SRP_CMDs beyond the login's credit */
	u64 bad_descriptors;	/* data outside guest RAM: ABORTED COMMAND */
	u64 lost_answers;	/* the queue had no room or was gone */
	u64 cancelled;		/* by task management, a queue reset or power-off */
	u64 logins;		/* SRP logins answered */
	u64 partner_drops;	/* ... of the cancelled: the partner went away */
	u64 fast_failed;	/* commands answered HVM_CRQ_ADAPTER_FAIL */

	/*
	 * --hostile (NULL: off): SRP_RSP and MAD answers may be mutated on
	 * their way into guest memory (hostile.h, the srp site); the CRQ's
	 * own pointer (crq.hostile) is the crq site.
	 */
	struct hvm_hostile *hostile;
};

void hvm_vscsi_init(struct hvm_vscsi *v, u32 unit, const struct hvm_guest_mem *mem,
		    void (*pulse)(struct hvm_crq *crq));

/* How MADs are answered from now on; after hvm_vscsi_init(). */
void hvm_vscsi_set_mads(struct hvm_vscsi *v, enum hvm_vscsi_mads mads);

/* Add a disk at channel:id:lun; -ENOSPC when full, -EEXIST when taken. */
int hvm_vscsi_add_lun(struct hvm_vscsi *v, u8 channel, u8 id, u8 lun,
		      const struct hvm_disk *disk);

/*
 * Answering modes. After hvm_vscsi_init() a command is served before its
 * H_SEND_CRQ returns, through the same queue (deterministic: the
 * fuzzers). hvm_vscsi_defer() leaves commands queued until
 * hvm_vscsi_run_queued() (deterministic: the unit tests);
 * hvm_vscsi_start() serves them on a worker thread taking @lock, which
 * every other caller of the adapter must hold (the VM's).
 */
void hvm_vscsi_defer(struct hvm_vscsi *v);
/* Serve every queued command now; returns how many. Not with a worker. */
unsigned int hvm_vscsi_run_queued(struct hvm_vscsi *v);
/* 0, or -errno when the thread could not be created. */
int hvm_vscsi_start(struct hvm_vscsi *v, pthread_mutex_t *lock);
/*
 * Stop and join the worker (when started); then drop what is still
 * queued, unanswered and counted as cancelled. Call without the lock.
 */
void hvm_vscsi_stop(struct hvm_vscsi *v);

#endif /* _HVM_VSCSI_MODEL_H */
