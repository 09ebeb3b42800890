/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hvkit-vmm's CRQ transport, the hypervisor's half: H_REG_CRQ, H_FREE_CRQ,
 * H_SEND_CRQ, H_VIO_SIGNAL and H_ENABLE_CRQ with QEMU pseries' statuses,
 * and posting entries into the guest's queue the way QEMU does (only
 * into a free slot; bytes 8-15 before bytes 0-7). Entries are the kit's
 * CRQ codec (include/hvkit/crq_codec.h) on both sides. The protocol above
 * (v-scsi) gets each message the guest sends.
 */
#ifndef _HVM_CRQ_MODEL_H
#define _HVM_CRQ_MODEL_H

#include <hvkit/crq_codec.h>

#include "guest_mem.h"
#include "hcall_table.h"

/* Queue sizes QEMU accepts. */
#define HVM_CRQ_MIN_BYTES	0x1000
#define HVM_CRQ_MAX_BYTES	0x10000000

struct hvm_crq;

struct hvm_crq_ops {
	/*
	 * A message the guest sent (H_SEND_CRQ), decoded. Runs inside the
	 * hcall, as QEMU's do; may post answers. Returns the hcall status.
	 */
	long (*receive)(struct hvm_crq *crq, const struct hvk_crq_msg *msg,
			enum hvk_crq_kind kind);
	/* Pulse the device's interrupt (only while the guest enabled it). */
	void (*pulse)(struct hvm_crq *crq);
	/*
	 * The queue was freed or registered anew (optional): nothing the
	 * protocol still owes the old queue may be posted to the new one.
	 */
	void (*reset)(struct hvm_crq *crq);
	/*
	 * The partner went away (a transport event, optional): what it had
	 * accepted and not answered is gone with it, never answered.
	 */
	void (*partner_lost)(struct hvm_crq *crq);
};

struct hvm_crq {
	u32 unit;
	const struct hvm_crq_ops *ops;
	void *owner;			/* the protocol's state */
	const struct hvm_guest_mem *mem;
	bool registered;
	bool irq_enabled;
	u64 queue;			/* guest physical address */
	u64 bytes;
	u64 next;			/* byte offset of the next slot */
	/* Counters, for the logs. */
	u64 dropped_full;		/* posts that found the slot busy */
	u64 dropped_closed;		/* posts with no queue registered */
	u64 bad_registrations;		/* H_REG_CRQ answered H_PARAMETER */

	/*
	 * The partner, as PowerVM has one (--crq-partner-first,
	 * --crq-events): while it is away H_REG_CRQ registers and answers
	 * H_CLOSED, and H_SEND_CRQ answers H_CLOSED without delivering.
	 * After "migrated" the queue stays registered but disabled (sends
	 * H_CLOSED) until the guest's H_ENABLE_CRQ. Never set: QEMU's CRQ.
	 */
	bool partner_away;
	bool disabled;
	u64 registrations;		/* H_REG_CRQ that registered */
	u64 closed_regs;		/* ... of which answered H_CLOSED */
	u64 closed_sends;		/* H_SEND_CRQ answered H_CLOSED */
	u64 enables;			/* H_ENABLE_CRQ */
	u64 events[3];			/* transport events posted: failed, deregistered, migrated */
	u64 events_unposted;		/* no queue, or no room in it */
	u64 partner_inits;		/* init requests the partner posted on coming back */

	/*
	 * --hostile (NULL: off): each entry posted may be mutated on its way
	 * into the guest's queue, or posted twice (hostile.h, the crq site).
	 */
	struct hvm_hostile *hostile;
};

void hvm_crq_init(struct hvm_crq *crq, u32 unit, const struct hvm_crq_ops *ops,
		  void *owner, const struct hvm_guest_mem *mem);

/* Serve the five CRQ opcodes at the unit address. */
int hvm_crq_attach(struct hvm_crq *crq, struct hvm_hcall_table *t);

/*
 * Post @msg into the guest's queue. Returns 0, -ENOTCONN with no queue
 * registered or -ENOSPC when the next slot is still the guest's (QEMU
 * drops the message then; so does this, counted). With crq->hostile the
 * entry written may differ from @msg; a duplicate that finds no room is
 * counted in dropped_full, the post itself still succeeded.
 */
int hvm_crq_post(struct hvm_crq *crq, const struct hvk_crq_msg *msg);

/* Index into hvm_crq.events of transport event @format; -1 if not one. */
int hvm_crq_event_index(u8 format);

/*
 * The partner goes away with transport event @format (0xFF/@format:
 * HVK_CRQ_PARTNER_FAILED, _DEREG or HVK_CRQ_MIGRATED), posted into the
 * guest's queue when there is one (0, else as hvm_crq_post() says, and
 * counted); the protocol drops what it holds (ops->partner_lost), and
 * the CRQ is closed until hvm_crq_partner_arrive(). -EINVAL for another
 * format.
 */
int hvm_crq_partner_leave(struct hvm_crq *crq, u8 format);

/*
 * The partner is (back) up: with a queue registered and enabled it posts
 * its init request (0xC0/0x01), which the guest answers to start the
 * protocol; without one the guest's own init request, when it registers,
 * is answered as ever. Away or not, @crq's partner is up afterwards.
 */
void hvm_crq_partner_arrive(struct hvm_crq *crq);

#endif /* _HVM_CRQ_MODEL_H */
