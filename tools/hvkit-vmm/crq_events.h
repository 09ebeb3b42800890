/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hvkit-vmm's --crq-events schedule and --crq-partner-first's bounds:
 * what the v-scsi partner (crq_partner.h) does when. Portable, with no
 * other dependency, so that options.c (and its unit test) parse with it.
 */
#ifndef _HVM_CRQ_EVENTS_H
#define _HVM_CRQ_EVENTS_H

#include "hvk_portable.h"

/* Items of one --crq-events. */
#define HVM_CRQ_EVENTS_MAX	16
/* How long the partner stays away after an event, in ms. */
#define HVM_PARTNER_AWAY_MS	500
/* --crq-partner-first without a value, in ms. */
#define HVM_PARTNER_FIRST_DEFAULT_MS	2000
/* The longest time --crq-partner-first and --crq-events take, in ms (a day). */
#define HVM_PARTNER_MAX_MS	86400000u
/* An item's count: for ever. */
#define HVM_CRQ_EVENTS_FOREVER	0

struct hvm_crq_event_item {
	u8 format;		/* HVK_CRQ_PARTNER_FAILED, _DEREG, HVK_CRQ_MIGRATED */
	u32 first_ms;		/* after the guest's first login */
	u32 period_ms;		/* 0: once */
	u32 count;		/* with a period: how many, HVM_CRQ_EVENTS_FOREVER */
	u32 fired;
};

struct hvm_crq_events {
	unsigned int nr;
	struct hvm_crq_event_item item[HVM_CRQ_EVENTS_MAX];
};

/*
 * Parse @spec, "ITEM[,ITEM...]" with ITEM = KIND@SEC (once, SEC after the
 * guest's first SRP login), KIND/PERIOD[xCOUNT] (every PERIOD seconds
 * from then, COUNT times or for ever) or KIND@SEC/PERIOD[xCOUNT] (the
 * first at SEC); KIND failed, deregistered or migrated; SEC and PERIOD
 * seconds with up to three decimals. 0, or -1 with the cause in @why.
 */
int hvm_crq_events_parse(struct hvm_crq_events *ev, const char *spec, char *why,
			 size_t why_len);

#endif /* _HVM_CRQ_EVENTS_H */
