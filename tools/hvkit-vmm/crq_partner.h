/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hvkit-vmm's PowerVM-like v-scsi partner (--crq-partner-first,
 * --crq-events): when it comes up first, and when it goes away and comes
 * back, on a schedule. Portable and clock-free: the VM's timer thread
 * calls hvm_partner_tick() with the time, under vm->lock; the unit tests
 * call it with theirs. The CRQ side of each step is crq_model.c's
 * hvm_crq_partner_leave() / hvm_crq_partner_arrive().
 */
#ifndef _HVM_CRQ_PARTNER_H
#define _HVM_CRQ_PARTNER_H

#include "crq_events.h"
#include "vscsi_model.h"

struct hvm_partner {
	struct hvm_vscsi *v;
	struct hvm_crq_events ev;
	bool first;			/* --crq-partner-first: away until first_ms */
	u32 first_ms;			/* after the guest's first H_REG_CRQ */
	u32 away_ms;			/* after an event */
	/* State. */
	bool reg_seen, login_seen;
	u64 reg_at, login_at;		/* when first seen (the tick's clock) */
	bool away;			/* after an event, back at back_at */
	u64 back_at;
};

/*
 * @p for adapter @v: @first_ms < 0 for no --crq-partner-first, and the
 * schedule @ev (NULL for none). With a first, the partner is away now.
 */
void hvm_partner_init(struct hvm_partner *p, struct hvm_vscsi *v, long first_ms,
		      const struct hvm_crq_events *ev);

/* Whether @p has anything to do at all (else no thread is needed). */
bool hvm_partner_active(const struct hvm_partner *p);

/*
 * What is due at @now_ms (a monotonic clock): the first arrival, an
 * event (one per call at most), a return. Under the adapter's lock.
 */
void hvm_partner_tick(struct hvm_partner *p, u64 now_ms);

#endif /* _HVM_CRQ_PARTNER_H */
