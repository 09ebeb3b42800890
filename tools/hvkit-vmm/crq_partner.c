// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvkit-vmm's PowerVM-like v-scsi partner; see crq_partner.h.
 */
#include <string.h>

#include "crq_partner.h"

void hvm_partner_init(struct hvm_partner *p, struct hvm_vscsi *v, long first_ms,
		      const struct hvm_crq_events *ev)
{
	memset(p, 0, sizeof(*p));
	p->v = v;
	p->away_ms = HVM_PARTNER_AWAY_MS;
	if (ev)
		p->ev = *ev;
	if (first_ms >= 0) {
		p->first = true;
		p->first_ms = (u32)first_ms;
		v->crq.partner_away = true;
	}
}

bool hvm_partner_active(const struct hvm_partner *p)
{
	return p->first || p->ev.nr;
}

/* When item @it is next due (the tick's clock), or false when it is done. */
static bool item_due_at(const struct hvm_partner *p, const struct hvm_crq_event_item *it,
			u64 *at)
{
	if (it->period_ms ? (it->count && it->fired >= it->count) : it->fired)
		return false;
	*at = p->login_at + it->first_ms + (u64)it->fired * it->period_ms;
	return true;
}

/* The earliest item due by @now_ms, or NULL. */
static struct hvm_crq_event_item *next_due(struct hvm_partner *p, u64 now_ms)
{
	struct hvm_crq_event_item *best = NULL;
	u64 at, best_at = 0;
	unsigned int i;

	for (i = 0; i < p->ev.nr; i++) {
		if (!item_due_at(p, &p->ev.item[i], &at) || at > now_ms)
			continue;
		if (!best || at < best_at) {
			best = &p->ev.item[i];
			best_at = at;
		}
	}
	return best;
}

void hvm_partner_tick(struct hvm_partner *p, u64 now_ms)
{
	struct hvm_crq *crq = &p->v->crq;
	struct hvm_crq_event_item *it;

	if (p->first) {
		/* The delay runs from the guest's first registration. */
		if (!p->reg_seen && crq->registrations) {
			p->reg_seen = true;
			p->reg_at = now_ms;
		}
		if (!p->reg_seen || now_ms < p->reg_at + p->first_ms)
			return;
		p->first = false;
		hvm_crq_partner_arrive(crq);
	}
	if (p->away) {
		if (now_ms < p->back_at)
			return;
		p->away = false;
		hvm_crq_partner_arrive(crq);
		return;
	}
	if (!p->login_seen) {
		if (!p->v->logins)
			return;
		p->login_seen = true;
		p->login_at = now_ms;
	}
	it = next_due(p, now_ms);
	if (!it)
		return;
	/* One due while the partner was away comes now, each one once. */
	it->fired++;
	hvm_crq_partner_leave(crq, it->format);
	p->away = true;
	p->back_at = now_ms + p->away_ms;
}
