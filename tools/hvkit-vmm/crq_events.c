// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvkit-vmm's --crq-events schedule; see crq_events.h.
 */
#include <stdio.h>
#include <string.h>

#include <hvkit/crq_codec.h>

#include "crq_events.h"

/* Seconds with up to three decimals, as ms, at most HVM_PARTNER_MAX_MS. */
static const char *get_ms(const char *s, u32 *ms)
{
	u64 n = 0;
	unsigned int frac = 0;

	if (*s < '0' || *s > '9')
		return NULL;
	for (; *s >= '0' && *s <= '9'; s++) {
		n = n * 10 + (u64)(*s - '0');
		if (n * 1000 > HVM_PARTNER_MAX_MS)
			return NULL;
	}
	n *= 1000;
	if (*s == '.') {
		s++;
		if (*s < '0' || *s > '9')
			return NULL;
		for (; *s >= '0' && *s <= '9'; s++) {
			if (++frac > 3)
				return NULL;
			n += (u64)(*s - '0') * (frac == 1 ? 100 : frac == 2 ? 10 : 1);
		}
		if (n > HVM_PARTNER_MAX_MS)
			return NULL;
	}
	*ms = (u32)n;
	return s;
}

static const char *get_kind(const char *s, u8 *format)
{
	static const struct {
		const char *name;
		u8 format;
	} kinds[] = {
		{ "failed", HVK_CRQ_PARTNER_FAILED },
		{ "deregistered", HVK_CRQ_PARTNER_DEREG },
		{ "migrated", HVK_CRQ_MIGRATED },
	};
	unsigned int i;
	size_t n;

	for (i = 0; i < ARRAY_SIZE(kinds); i++) {
		n = strlen(kinds[i].name);
		if (!strncmp(s, kinds[i].name, n) && (s[n] == '@' || s[n] == '/')) {
			*format = kinds[i].format;
			return s + n;
		}
	}
	return NULL;
}

/* One ITEM from @s up to a ',' or the end; where it ends, or NULL. */
static const char *parse_item(struct hvm_crq_event_item *it, const char *s)
{
	bool at = false;

	memset(it, 0, sizeof(*it));
	s = get_kind(s, &it->format);
	if (!s)
		return NULL;
	if (*s == '@') {
		s = get_ms(s + 1, &it->first_ms);
		if (!s)
			return NULL;
		at = true;
	}
	if (*s == '/') {
		s = get_ms(s + 1, &it->period_ms);
		if (!s || !it->period_ms)
			return NULL;
		if (!at)
			it->first_ms = it->period_ms;
		if (*s == 'x') {
			u64 c = 0;

			if (s[1] < '1' || s[1] > '9')
				return NULL;
			for (s++; *s >= '0' && *s <= '9'; s++) {
				c = c * 10 + (u64)(*s - '0');
				if (c > 1000000)
					return NULL;
			}
			it->count = (u32)c;
		}
	} else if (!at) {
		return NULL;
	}
	return *s == ',' || !*s ? s : NULL;
}

int hvm_crq_events_parse(struct hvm_crq_events *ev, const char *spec, char *why,
			 size_t why_len)
{
	const char *s = spec, *end;

	memset(ev, 0, sizeof(*ev));
	for (;;) {
		if (ev->nr == HVM_CRQ_EVENTS_MAX) {
			snprintf(why, why_len, "at most %d events", HVM_CRQ_EVENTS_MAX);
			return -1;
		}
		end = parse_item(&ev->item[ev->nr], s);
		if (!end) {
			snprintf(why, why_len,
				 "\"%.*s\": expected KIND@SEC, KIND/PERIOD[xCOUNT] or KIND@SEC/PERIOD[xCOUNT], KIND failed|deregistered|migrated, seconds up to 86400 with up to 3 decimals",
				 (int)strcspn(s, ","), s);
			return -1;
		}
		ev->nr++;
		if (!*end)
			return 0;
		s = end + 1;
	}
}
