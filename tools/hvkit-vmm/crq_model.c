// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvkit-vmm's CRQ transport; see crq_model.h.
 */
#include <string.h>

#include <hvkit/hcall_opcodes.h>
#include <hvkit/hcall_status.h>

#include "crq_model.h"

void hvm_crq_init(struct hvm_crq *crq, u32 unit, const struct hvm_crq_ops *ops,
		  void *owner, const struct hvm_guest_mem *mem)
{
	memset(crq, 0, sizeof(*crq));
	crq->unit = unit;
	crq->ops = ops;
	crq->owner = owner;
	crq->mem = mem;
}

/*
 * H_REG_CRQ(unit, ioba, bytes). QEMU's checks, plus the two a VMM cannot
 * skip: the whole queue in guest memory, and whole entries only.
 */
static long reg_crq(void *dev, struct hvm_call *call)
{
	struct hvm_crq *crq = dev;
	u64 ioba = call->in[1], bytes = call->in[2];

	if (bytes < HVM_CRQ_MIN_BYTES || bytes > HVM_CRQ_MAX_BYTES ||
	    (ioba & 0xfff) || (bytes % HVK_CRQ_ENTRY_SIZE) ||
	    !hvm_mem_ptr(crq->mem, ioba, bytes)) {
		crq->bad_registrations++;
		return HVK_H_PARAMETER;
	}
	if (crq->registered)
		return HVK_H_RESOURCE;
	crq->queue = ioba;
	crq->bytes = bytes;
	crq->next = 0;
	crq->registered = true;
	crq->disabled = false;
	crq->registrations++;
	if (crq->ops->reset)
		crq->ops->reset(crq);
	/* PowerVM: registered, but nobody at the other end yet. */
	if (crq->partner_away) {
		crq->closed_regs++;
		return HVK_H_CLOSED;
	}
	return HVK_H_SUCCESS;
}

/* H_FREE_CRQ: success for the device whether or not a queue exists. */
static long free_crq(void *dev, struct hvm_call *call)
{
	struct hvm_crq *crq = dev;

	(void)call;
	crq->registered = false;
	crq->disabled = false;
	if (crq->ops->reset)
		crq->ops->reset(crq);
	return HVK_H_SUCCESS;
}

static long send_crq(void *dev, struct hvm_call *call)
{
	struct hvm_crq *crq = dev;
	struct hvk_crq_msg msg;
	enum hvk_crq_kind kind;
	u8 entry[HVK_CRQ_ENTRY_SIZE];

	/* PowerVM: the partner is gone (or the queue not enabled again). */
	if (crq->partner_away || crq->disabled) {
		crq->closed_sends++;
		return HVK_H_CLOSED;
	}
	hvk_put_be64(entry, call->in[1]);
	hvk_put_be64(entry + 8, call->in[2]);
	kind = hvk_crq_decode(entry, &msg);
	return crq->ops->receive(crq, &msg, kind);
}

/* H_VIO_SIGNAL(unit, mode): bit 0 is the only bit a CRQ device has. */
static long vio_signal(void *dev, struct hvm_call *call)
{
	struct hvm_crq *crq = dev;

	if (call->in[1] & ~1ull)
		return HVK_H_PARAMETER;
	crq->irq_enabled = call->in[1] & 1;
	return HVK_H_SUCCESS;
}

/*
 * H_ENABLE_CRQ: nothing to reopen without migration, as on QEMU; after a
 * "migrated" event it enables the queue again (sends go through once the
 * partner is there).
 */
static long enable_crq(void *dev, struct hvm_call *call)
{
	struct hvm_crq *crq = dev;

	(void)call;
	crq->enables++;
	crq->disabled = false;
	return HVK_H_SUCCESS;
}

int hvm_crq_attach(struct hvm_crq *crq, struct hvm_hcall_table *t)
{
	static const struct {
		u32 opcode;
		hvm_hcall_fn fn;
	} calls[] = {
		{ HVK_H_REG_CRQ, reg_crq },
		{ HVK_H_FREE_CRQ, free_crq },
		{ HVK_H_SEND_CRQ, send_crq },
		{ HVK_H_VIO_SIGNAL, vio_signal },
		{ HVK_H_ENABLE_CRQ, enable_crq },
	};
	unsigned int i;
	int err;

	for (i = 0; i < ARRAY_SIZE(calls); i++) {
		err = hvm_table_register(t, calls[i].opcode, crq->unit,
					 calls[i].fn, crq);
		if (err)
			return err;
	}
	return 0;
}

/*
 * Write @entry into the next slot and move on; -ENOSPC when it is still
 * the guest's. The guest may take the slot as soon as byte 0 is set, so
 * that goes last.
 */
static int put_entry(struct hvm_crq *crq, const u8 *entry)
{
	u8 *slot;

	/* Checked at registration; checked again, the region is the truth. */
	slot = hvm_mem_ptr(crq->mem, crq->queue + crq->next, HVK_CRQ_ENTRY_SIZE);
	if (!slot)
		return -ENOTCONN;
	if (__atomic_load_n(&slot[0], __ATOMIC_ACQUIRE) != HVK_CRQ_FREE)
		return -ENOSPC;
	memcpy(slot + 1, entry + 1, HVK_CRQ_ENTRY_SIZE - 1);
	__atomic_store_n(&slot[0], entry[0], __ATOMIC_RELEASE);
	crq->next = (crq->next + HVK_CRQ_ENTRY_SIZE) % crq->bytes;
	return 0;
}

int hvm_crq_post(struct hvm_crq *crq, const struct hvk_crq_msg *msg)
{
	struct hvk_crq_msg m = *msg;
	u8 entry[HVK_CRQ_ENTRY_SIZE];
	bool dup = false;
	u64 hi, lo;
	int err;

	if (!crq->registered) {
		crq->dropped_closed++;
		return -ENOTCONN;
	}
	/* --hostile: the guest's copy only; crq's own state is untouched. */
	if (crq->hostile)
		hvm_hostile_crq(crq->hostile, &m, &dup);
	/* The entry as the guest reads it, from the codec's two halves. */
	hvk_crq_encode(&m, &hi, &lo);
	hvk_put_be64(entry, hi);
	hvk_put_be64(entry + 8, lo);
	/*
	 * A hostile valid byte of 0x00: nothing the guest could see, so
	 * nothing written and the slot stays the next (the message is lost).
	 */
	if (crq->hostile && entry[0] == HVK_CRQ_FREE)
		return 0;
	err = put_entry(crq, entry);
	if (err == -ENOTCONN)
		crq->dropped_closed++;
	else if (err)
		crq->dropped_full++;
	if (err)
		return err;
	if (dup && put_entry(crq, entry))
		crq->dropped_full++;
	if (crq->irq_enabled && crq->ops->pulse)
		crq->ops->pulse(crq);
	return 0;
}

int hvm_crq_event_index(u8 format)
{
	switch (format) {
	case HVK_CRQ_PARTNER_FAILED:
		return 0;
	case HVK_CRQ_PARTNER_DEREG:
		return 1;
	case HVK_CRQ_MIGRATED:
		return 2;
	default:
		return -1;
	}
}

int hvm_crq_partner_leave(struct hvm_crq *crq, u8 format)
{
	struct hvk_crq_msg ev = { .valid = HVK_CRQ_TRANSPORT, .format = format };
	int i = hvm_crq_event_index(format), err;

	if (i < 0)
		return -EINVAL;
	err = hvm_crq_post(crq, &ev);
	if (err)
		crq->events_unposted++;
	else
		crq->events[i]++;
	crq->partner_away = true;
	/* Migrated: the queue stays registered, disabled until H_ENABLE_CRQ. */
	if (format == HVK_CRQ_MIGRATED && crq->registered)
		crq->disabled = true;
	if (crq->ops->partner_lost)
		crq->ops->partner_lost(crq);
	return err;
}

void hvm_crq_partner_arrive(struct hvm_crq *crq)
{
	struct hvk_crq_msg init = { .valid = HVK_CRQ_INIT, .format = HVK_CRQ_INIT_REQUEST };

	crq->partner_away = false;
	if (!crq->registered || crq->disabled)
		return;
	if (!hvm_crq_post(crq, &init))
		crq->partner_inits++;
}
