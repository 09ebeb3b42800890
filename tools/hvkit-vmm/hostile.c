// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvkit-vmm's hostile peer; see hostile.h and Documentation/hvkit-vmm.rst,
 * "Hostile peer (--hostile)".
 *
 * A hit picks one kind of mutation among those that apply, then one value
 * for the field among a few that cross a boundary (0, the largest, one
 * past, all-ones, off by one, random); a value that would leave the field
 * as it was is replaced by its complement, so every hit changes the field
 * it names. Offsets are the wire formats' (srp_wire.h, llan_codec.h, the
 * CRQ codec), never repeated here.
 */
#include <stdio.h>
#include <string.h>

#include <hvkit/hcall_opcodes.h>
#include <hvkit/hcall_status.h>

#include "hostile.h"
#include "llan_codec.h"
#include "srp_codec.h"
#include "srp_wire.h"

static const char *const site_names[HVM_HOSTILE_NR_SITES] = {
	[HVM_HOSTILE_CRQ] = "crq",
	[HVM_HOSTILE_SRP] = "srp",
	[HVM_HOSTILE_LLAN] = "llan",
	[HVM_HOSTILE_VTY] = "vty",
	[HVM_HOSTILE_STATUS] = "status",
};

static const struct {
	enum hvm_hostile_site site;
	const char *name;
} kinds[HVM_HOSTILE_NR_KINDS] = {
	[HVM_HK_CRQ_VALID_FREE] = { HVM_HOSTILE_CRQ, "valid-free" },
	[HVM_HK_CRQ_VALID_INIT] = { HVM_HOSTILE_CRQ, "valid-init" },
	[HVM_HK_CRQ_VALID_TRANSPORT] = { HVM_HOSTILE_CRQ, "valid-transport" },
	[HVM_HK_CRQ_VALID_RANDOM] = { HVM_HOSTILE_CRQ, "valid-random" },
	[HVM_HK_CRQ_FORMAT] = { HVM_HOSTILE_CRQ, "format" },
	[HVM_HK_CRQ_STATUS] = { HVM_HOSTILE_CRQ, "status" },
	[HVM_HK_CRQ_IU_LEN] = { HVM_HOSTILE_CRQ, "iu-len" },
	[HVM_HK_CRQ_TOKEN] = { HVM_HOSTILE_CRQ, "token" },
	[HVM_HK_CRQ_STALE_TOKEN] = { HVM_HOSTILE_CRQ, "stale-token" },
	[HVM_HK_CRQ_DUPLICATE] = { HVM_HOSTILE_CRQ, "duplicate" },
	[HVM_HK_SRP_OPCODE] = { HVM_HOSTILE_SRP, "opcode" },
	[HVM_HK_SRP_FLAGS] = { HVM_HOSTILE_SRP, "flags" },
	[HVM_HK_SRP_LIM_DELTA] = { HVM_HOSTILE_SRP, "req-lim-delta" },
	[HVM_HK_SRP_STATUS] = { HVM_HOSTILE_SRP, "status" },
	[HVM_HK_SRP_RESP_LEN] = { HVM_HOSTILE_SRP, "resp-len" },
	[HVM_HK_SRP_SENSE_LEN] = { HVM_HOSTILE_SRP, "sense-len" },
	[HVM_HK_SRP_RESIDUAL] = { HVM_HOSTILE_SRP, "residual" },
	[HVM_HK_SRP_TAG] = { HVM_HOSTILE_SRP, "tag" },
	[HVM_HK_MAD_TYPE] = { HVM_HOSTILE_SRP, "mad-type" },
	[HVM_HK_MAD_STATUS] = { HVM_HOSTILE_SRP, "mad-status" },
	[HVM_HK_MAD_LEN] = { HVM_HOSTILE_SRP, "mad-len" },
	[HVM_HK_MAD_TAG] = { HVM_HOSTILE_SRP, "mad-tag" },
	[HVM_HK_SRP_IU_LEN] = { HVM_HOSTILE_SRP, "iu-len" },
	[HVM_HK_LLAN_TOGGLE] = { HVM_HOSTILE_LLAN, "toggle" },
	[HVM_HK_LLAN_VALID] = { HVM_HOSTILE_LLAN, "valid" },
	[HVM_HK_LLAN_OFFSET] = { HVM_HOSTILE_LLAN, "offset" },
	[HVM_HK_LLAN_LENGTH] = { HVM_HOSTILE_LLAN, "length" },
	[HVM_HK_LLAN_CORR] = { HVM_HOSTILE_LLAN, "correlator" },
	[HVM_HK_LLAN_STALE_CORR] = { HVM_HOSTILE_LLAN, "stale-correlator" },
	[HVM_HK_LLAN_OTHER_CORR] = { HVM_HOSTILE_LLAN, "other-correlator" },
	[HVM_HK_VTY_COUNT] = { HVM_HOSTILE_VTY, "count" },
	[HVM_HK_VTY_EMPTY_DATA] = { HVM_HOSTILE_VTY, "empty-with-data" },
	[HVM_HK_VTY_BYTES] = { HVM_HOSTILE_VTY, "bytes" },
	[HVM_HK_STATUS_BEFORE] = { HVM_HOSTILE_STATUS, "before" },
	[HVM_HK_STATUS_AFTER] = { HVM_HOSTILE_STATUS, "after" },
	[HVM_HK_STATUS_OUTPUTS] = { HVM_HOSTILE_STATUS, "outputs" },
};

/* Mixed into the seed, one per site: the streams never coincide. */
static const u64 site_salt[HVM_HOSTILE_NR_SITES] = {
	0x6372712d68737431ull, 0x7372702d68737432ull, 0x6c6c616e68737433ull,
	0x7674792d68737434ull, 0x7374617468737435ull,
};

/* The statuses a status hit answers: failures, busy, closed, unknown ones. */
static const long hostile_statuses[] = {
	HVK_H_HARDWARE, HVK_H_PARAMETER, HVK_H_RESOURCE, HVK_H_CLOSED, HVK_H_DROPPED,
	HVK_H_BUSY, HVK_H_LONG_BUSY_1MS, HVK_H_LONG_BUSY_10MS, HVK_H_LONG_BUSY_100MS,
	HVK_H_LONG_BUSY_1S, HVK_H_LONG_BUSY_10S, HVK_H_LONG_BUSY_100S,
	-9999,		/* a failure no PAPR version defines */
	42,		/* a positive status no PAPR version defines */
};

/* splitmix64's output function. */
static u64 mix(u64 z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

void hvm_hostile_init(struct hvm_hostile *h, unsigned int permille, unsigned int sites,
		      u64 seed)
{
	unsigned int i;

	memset(h, 0, sizeof(*h));
	h->permille = permille > 1000 ? 1000 : permille;
	h->sites = sites & HVM_HOSTILE_ALL_SITES;
	h->seed = seed;
	for (i = 0; i < HVM_HOSTILE_NR_SITES; i++)
		h->state[i] = mix(seed ^ site_salt[i]);
}

const char *hvm_hostile_site_name(enum hvm_hostile_site site)
{
	return (unsigned int)site < HVM_HOSTILE_NR_SITES ? site_names[site] : "?";
}

const char *hvm_hostile_kind_name(enum hvm_hostile_kind kind)
{
	return (unsigned int)kind < HVM_HOSTILE_NR_KINDS ? kinds[kind].name : "?";
}

int hvm_hostile_parse_sites(const char *list, unsigned int *sites)
{
	unsigned int mask = 0, i;
	const char *s = list, *end;
	size_t n;

	for (;;) {
		end = strchr(s, ',');
		n = end ? (size_t)(end - s) : strlen(s);
		for (i = 0; i < HVM_HOSTILE_NR_SITES; i++)
			if (strlen(site_names[i]) == n && !strncmp(s, site_names[i], n))
				break;
		if (i == HVM_HOSTILE_NR_SITES)
			return -1;	/* unknown, or empty */
		mask |= 1u << i;
		if (!end)
			break;
		s = end + 1;
	}
	*sites = mask;
	return 0;
}

void hvm_hostile_sites_text(unsigned int sites, char *buf, size_t size)
{
	size_t at = 0;
	unsigned int i;

	if (size)
		buf[0] = '\0';
	for (i = 0; i < HVM_HOSTILE_NR_SITES && at < size; i++)
		if (sites & (1u << i))
			at += (size_t)snprintf(buf + at, size - at, "%s%s", at ? "," : "",
					       site_names[i]);
}

u64 hvm_hostile_next(struct hvm_hostile *h, enum hvm_hostile_site site)
{
	return mix(h->state[site] += 0x9e3779b97f4a7c15ull);
}

static bool site_on(const struct hvm_hostile *h, enum hvm_hostile_site site)
{
	return h && h->permille && (h->sites & (1u << site));
}

bool hvm_hostile_draw(struct hvm_hostile *h, enum hvm_hostile_site site)
{
	if (!site_on(h, site))
		return false;
	h->chances[site]++;
	if (hvm_hostile_next(h, site) % 1000 >= h->permille)
		return false;
	h->mutations[site]++;
	return true;
}

/* A value below @n from @site's stream. */
static unsigned int below(struct hvm_hostile *h, enum hvm_hostile_site site, unsigned int n)
{
	return (unsigned int)(hvm_hostile_next(h, site) % n);
}

/* A kind done: counted, returned. */
static int done(struct hvm_hostile *h, enum hvm_hostile_kind kind)
{
	h->kinds[kind]++;
	return (int)kind;
}

/*
 * One of @vals (@n of them; the random ones are drawn by the caller) for a
 * field of @mask bits now @old; never @old itself.
 */
static u64 other(struct hvm_hostile *h, enum hvm_hostile_site site, u64 old, u64 mask,
		 const u64 *vals, unsigned int n)
{
	u64 v = vals[below(h, site, n)] & mask;

	return v == old ? ~old & mask : v;
}

static void ring_put(struct hvm_hostile_ring *r, u64 v)
{
	r->v[r->at] = v;
	r->at = (r->at + 1) % HVM_HOSTILE_RING;
	if (r->n < HVM_HOSTILE_RING)
		r->n++;
}

/* An earlier value of @r other than @now; false when it holds none. */
static bool ring_pick(struct hvm_hostile *h, enum hvm_hostile_site site,
		      const struct hvm_hostile_ring *r, u64 now, u64 *v)
{
	unsigned int i, start;

	if (!r->n)
		return false;
	start = below(h, site, r->n);
	for (i = 0; i < r->n; i++) {
		*v = r->v[(start + i) % r->n];
		if (*v != now)
			return true;
	}
	return false;
}

/* ---------------------------------------------------------------- crq */

int hvm_hostile_crq(struct hvm_hostile *h, struct hvk_crq_msg *m, bool *dup)
{
	enum hvm_hostile_site s = HVM_HOSTILE_CRQ;
	u64 vals[5], stale;
	int kind = -1;

	*dup = false;
	if (!hvm_hostile_draw(h, s))
		goto out;
	switch (below(h, s, 10)) {
	case 0:
		m->valid = HVK_CRQ_FREE;
		kind = done(h, HVM_HK_CRQ_VALID_FREE);
		break;
	case 1:
		m->valid = HVK_CRQ_INIT;
		m->format = (u8)hvm_hostile_next(h, s);
		kind = done(h, HVM_HK_CRQ_VALID_INIT);
		break;
	case 2:
		m->valid = HVK_CRQ_TRANSPORT;
		m->format = (u8)hvm_hostile_next(h, s);
		kind = done(h, HVM_HK_CRQ_VALID_TRANSPORT);
		break;
	case 3:
		vals[0] = hvm_hostile_next(h, s);
		m->valid = (u8)other(h, s, m->valid, 0xff, vals, 1);
		kind = done(h, m->valid == HVK_CRQ_FREE ? HVM_HK_CRQ_VALID_FREE :
			       HVM_HK_CRQ_VALID_RANDOM);
		break;
	case 4:
		vals[0] = 0;
		vals[1] = 0xff;
		vals[2] = m->format + 1u;
		vals[3] = hvm_hostile_next(h, s);
		m->format = (u8)other(h, s, m->format, 0xff, vals, 4);
		kind = done(h, HVM_HK_CRQ_FORMAT);
		break;
	case 5:
		vals[0] = 0xff;
		vals[1] = m->status + 1u;
		vals[2] = hvm_hostile_next(h, s);
		m->status = (u8)other(h, s, m->status, 0xff, vals, 3);
		kind = done(h, HVM_HK_CRQ_STATUS);
		break;
	case 6:
		vals[0] = 0;
		vals[1] = 0xffff;
		vals[2] = m->iu_len + 1u;
		vals[3] = m->iu_len - 1u;
		vals[4] = hvm_hostile_next(h, s);
		m->iu_len = (u16)other(h, s, m->iu_len, 0xffff, vals, 5);
		kind = done(h, HVM_HK_CRQ_IU_LEN);
		break;
	case 7:
		if (ring_pick(h, s, &h->tokens, m->token, &stale)) {
			ring_put(&h->tokens, m->token);
			m->token = stale;
			return done(h, HVM_HK_CRQ_STALE_TOKEN);
		}
		/* None earlier: a random one. */
		/* fall through */
	case 8:
		vals[0] = 0;
		vals[1] = ~0ull;
		vals[2] = m->token + 1;
		vals[3] = hvm_hostile_next(h, s);
		ring_put(&h->tokens, m->token);
		m->token = other(h, s, m->token, ~0ull, vals, 4);
		return done(h, HVM_HK_CRQ_TOKEN);
	default:
		*dup = true;
		kind = done(h, HVM_HK_CRQ_DUPLICATE);
	}
out:
	if (site_on(h, s))
		ring_put(&h->tokens, m->token);
	return kind;
}

/* ---------------------------------------------------------------- srp */

/* A big-endian field of @bytes (1, 2, 4, 8) at @p, set to one of @vals. */
static void set_field(struct hvm_hostile *h, u8 *p, unsigned int bytes, const u64 *vals,
		      unsigned int n)
{
	enum hvm_hostile_site s = HVM_HOSTILE_SRP;
	u64 old, mask = bytes == 8 ? ~0ull : (1ull << (bytes * 8)) - 1;

	switch (bytes) {
	case 1:
		old = p[0];
		p[0] = (u8)other(h, s, old, mask, vals, n);
		break;
	case 2:
		old = hvk_get_be16(p);
		hvk_put_be16(p, (u16)other(h, s, old, mask, vals, n));
		break;
	case 4:
		old = hvk_get_be32(p);
		hvk_put_be32(p, (u32)other(h, s, old, mask, vals, n));
		break;
	default:
		old = hvk_get_be64(p);
		hvk_put_be64(p, other(h, s, old, mask, vals, n));
	}
}

/* The CRQ entry's IU length, no longer the IU's: either kind of answer. */
static int srp_entry_len(struct hvm_hostile *h, unsigned int len, u16 *iu_len, u64 r)
{
	u64 vals[5] = { 0, len + 1u, len - 1u, 0xffff, r };

	*iu_len = (u16)other(h, HVM_HOSTILE_SRP, *iu_len, 0xffff, vals, 5);
	return done(h, HVM_HK_SRP_IU_LEN);
}

static int srp_rsp(struct hvm_hostile *h, u8 *iu, unsigned int len, u16 *iu_len)
{
	enum hvm_hostile_site s = HVM_HOSTILE_SRP;
	u64 vals[6], r = hvm_hostile_next(h, s);
	u32 past = len - RSP_DATA + 1;	/* one byte more than the IU holds */

	switch (below(h, s, 9)) {
	case 0:
		vals[0] = 0;
		vals[1] = 0xff;
		vals[2] = HVK_SRP_LOGIN_RSP;
		vals[3] = HVK_SRP_LOGIN_REJ;
		vals[4] = r;
		set_field(h, iu, 1, vals, 5);
		return done(h, HVM_HK_SRP_OPCODE);
	case 1:
		vals[0] = iu[RSP_FLAGS] | HVK_SRP_SNSVALID;
		vals[1] = iu[RSP_FLAGS] | HVK_SRP_RSPVALID;
		vals[2] = iu[RSP_FLAGS] | HVK_SRP_DIOVER | HVK_SRP_DIUNDER;
		vals[3] = iu[RSP_FLAGS] | HVK_SRP_DOOVER | HVK_SRP_DOUNDER;
		vals[4] = 0xff;
		vals[5] = r;
		set_field(h, iu + RSP_FLAGS, 1, vals, 6);
		return done(h, HVM_HK_SRP_FLAGS);
	case 2:
		vals[0] = 0;
		vals[1] = 0x7fffffff;
		vals[2] = 0x80000000;	/* negative */
		vals[3] = 0xffffffff;	/* -1 */
		vals[4] = r;
		set_field(h, iu + RSP_LIM_DELTA, 4, vals, 5);
		return done(h, HVM_HK_SRP_LIM_DELTA);
	case 3:
		vals[0] = 0x02;		/* CHECK CONDITION */
		vals[1] = 0xff;
		vals[2] = r;
		set_field(h, iu + RSP_STATUS, 1, vals, 3);
		return done(h, HVM_HK_SRP_STATUS);
	case 4:
	case 5:
		/* The length and its valid bit: bigger than the IU. */
		vals[0] = past;
		vals[1] = HVK_SRP_IU_MAX;
		vals[2] = 0xffffffff;
		vals[3] = 0x80000000;
		vals[4] = r;
		if (below(h, s, 2)) {
			set_field(h, iu + RSP_RESP_LEN, 4, vals, 5);
			iu[RSP_FLAGS] |= HVK_SRP_RSPVALID;
			return done(h, HVM_HK_SRP_RESP_LEN);
		}
		set_field(h, iu + RSP_SENSE_LEN, 4, vals, 5);
		iu[RSP_FLAGS] |= HVK_SRP_SNSVALID;
		return done(h, HVM_HK_SRP_SENSE_LEN);
	case 6:
		vals[0] = 0xffffffff;
		vals[1] = 0x80000000;
		vals[2] = 0x7fffffff;
		vals[3] = r;
		set_field(h, iu + (below(h, s, 2) ? RSP_DI_RES : RSP_DO_RES), 4, vals, 4);
		return done(h, HVM_HK_SRP_RESIDUAL);
	case 7:
		vals[0] = hvk_srp_tag(iu) + 1;
		vals[1] = ~hvk_srp_tag(iu);
		vals[2] = r;
		set_field(h, iu + IU_TAG, 8, vals, 3);
		return done(h, HVM_HK_SRP_TAG);
	default:
		return srp_entry_len(h, len, iu_len, r);
	}
}

static int srp_mad(struct hvm_hostile *h, u8 *iu, unsigned int len, u16 *iu_len)
{
	enum hvm_hostile_site s = HVM_HOSTILE_SRP;
	u64 vals[5], r = hvm_hostile_next(h, s);
	/* Without a whole header, only the entry's length can go wrong. */
	unsigned int pick = len >= HVK_MAD_HDR_LEN ? below(h, s, 5) : 4;

	switch (pick) {
	case 0:
		vals[0] = 0;
		vals[1] = 0xffffffff;
		vals[2] = hvk_get_be32(iu + MAD_TYPE) == HVK_MAD_ADAPTER_INFO ?
			  HVK_MAD_CAPABILITIES : HVK_MAD_ADAPTER_INFO;
		vals[3] = r;
		set_field(h, iu + MAD_TYPE, 4, vals, 4);
		return done(h, HVM_HK_MAD_TYPE);
	case 1:
		vals[0] = HVK_MAD_SUCCESS;
		vals[1] = 0xffff;
		vals[2] = HVK_MAD_FAILED;
		vals[3] = r;
		set_field(h, iu + MAD_STATUS, 2, vals, 4);
		return done(h, HVM_HK_MAD_STATUS);
	case 2:
		vals[0] = 0;
		vals[1] = 0xffff;
		vals[2] = hvk_get_be16(iu + MAD_LEN) + 1u;
		vals[3] = r;
		set_field(h, iu + MAD_LEN, 2, vals, 4);
		return done(h, HVM_HK_MAD_LEN);
	case 3:
		vals[0] = hvk_get_be64(iu + MAD_TAG) + 1;
		vals[1] = r;
		set_field(h, iu + MAD_TAG, 8, vals, 2);
		return done(h, HVM_HK_MAD_TAG);
	default:
		return srp_entry_len(h, len, iu_len, r);
	}
}

int hvm_hostile_srp(struct hvm_hostile *h, u8 *iu, unsigned int len, u8 format, u16 *iu_len)
{
	bool rsp = format == HVK_VIOSRP_SRP && len >= HVK_SRP_RSP_LEN &&
		   hvk_srp_opcode(iu) == HVK_SRP_RSP;

	/* Only SRP_RSP and MAD answers are chances. */
	if (len > HVK_SRP_IU_MAX || (!rsp && format != HVK_VIOSRP_MAD))
		return -1;
	if (!hvm_hostile_draw(h, HVM_HOSTILE_SRP))
		return -1;
	return rsp ? srp_rsp(h, iu, len, iu_len) : srp_mad(h, iu, len, iu_len);
}

/* --------------------------------------------------------------- llan */

int hvm_hostile_llan(struct hvm_hostile *h, u8 *entry, u32 buf_len, const u8 *other_corr)
{
	enum hvm_hostile_site s = HVM_HOSTILE_LLAN;
	u64 vals[6], corr = hvk_get_be64(entry + HVK_LLAN_RXQ_CORR_AT), stale;
	u32 length = hvk_get_be32(entry + HVK_LLAN_RXQ_LENGTH_AT);
	u16 offset = hvk_get_be16(entry + HVK_LLAN_RXQ_OFFSET_AT);
	int kind = -1;

	if (!hvm_hostile_draw(h, s))
		goto out;
	switch (below(h, s, 7)) {
	case 0:
		entry[HVK_LLAN_RXQ_FLAGS_AT] ^= HVK_LLAN_RXQ_TOGGLE;
		kind = done(h, HVM_HK_LLAN_TOGGLE);
		break;
	case 1:
		entry[HVK_LLAN_RXQ_FLAGS_AT] &= (u8)~HVK_LLAN_RXQ_VALID;
		kind = done(h, HVM_HK_LLAN_VALID);
		break;
	case 2:
		vals[0] = 0;
		vals[1] = 0xffff;
		vals[2] = buf_len;	/* at the buffer's end */
		vals[3] = offset + 1u;
		vals[4] = offset - 1u;
		vals[5] = hvm_hostile_next(h, s);
		hvk_put_be16(entry + HVK_LLAN_RXQ_OFFSET_AT,
			     (u16)other(h, s, offset, 0xffff, vals, 6));
		kind = done(h, HVM_HK_LLAN_OFFSET);
		break;
	case 3:
		vals[0] = 0;
		vals[1] = buf_len;	/* more than fits after the correlator */
		vals[2] = 0xffffffff;
		vals[3] = length + 1u;
		vals[4] = 0x80000000;
		vals[5] = hvm_hostile_next(h, s);
		hvk_put_be32(entry + HVK_LLAN_RXQ_LENGTH_AT,
			     (u32)other(h, s, length, 0xffffffff, vals, 6));
		kind = done(h, HVM_HK_LLAN_LENGTH);
		break;
	case 4:
		if (ring_pick(h, s, &h->corrs, corr, &stale)) {
			hvk_put_be64(entry + HVK_LLAN_RXQ_CORR_AT, stale);
			kind = done(h, HVM_HK_LLAN_STALE_CORR);
			break;
		}
		goto random_corr;
	case 5:
		if (other_corr && hvk_get_be64(other_corr) != corr) {
			memcpy(entry + HVK_LLAN_RXQ_CORR_AT, other_corr, 8);
			kind = done(h, HVM_HK_LLAN_OTHER_CORR);
			break;
		}
		/* fall through */
	default:
random_corr:
		vals[0] = hvm_hostile_next(h, s);
		vals[1] = ~0ull;
		vals[2] = corr ^ 1;
		hvk_put_be64(entry + HVK_LLAN_RXQ_CORR_AT, other(h, s, corr, ~0ull, vals, 3));
		kind = done(h, HVM_HK_LLAN_CORR);
	}
out:
	if (site_on(h, s))
		ring_put(&h->corrs, corr);
	return kind;
}

/* ---------------------------------------------------------------- vty */

int hvm_hostile_vty(struct hvm_hostile *h, u64 *out)
{
	enum hvm_hostile_site s = HVM_HOSTILE_VTY;
	u64 vals[4];

	if (!hvm_hostile_draw(h, s))
		return -1;
	/* Replacing the bytes needs some; the count always can go wrong. */
	switch (below(h, s, out[0] ? 3 : 2)) {
	case 0:
		vals[0] = 17;
		vals[1] = 0xff;
		vals[2] = ~0ull;
		vals[3] = 17 + hvm_hostile_next(h, s) % 1000;
		out[0] = other(h, s, out[0], ~0ull, vals, 4);
		return done(h, HVM_HK_VTY_COUNT);
	case 1:
		out[0] = 0;
		if (!out[1] && !out[2]) {
			out[1] = hvm_hostile_next(h, s) | 1;
			out[2] = hvm_hostile_next(h, s);
		}
		return done(h, HVM_HK_VTY_EMPTY_DATA);
	default:
		vals[0] = hvm_hostile_next(h, s);
		out[1] = other(h, s, out[1], ~0ull, vals, 1);
		out[2] = hvm_hostile_next(h, s);
		return done(h, HVM_HK_VTY_BYTES);
	}
}

/* ------------------------------------------------------------- status */

/* The calls whose answer carries values in the output registers. */
static bool returns_values(u32 opcode)
{
	return opcode == HVK_H_GET_TERM_CHAR || opcode == HVK_H_ILLAN_ATTRIBUTES ||
	       opcode == HVK_H_GET_TCE;
}

int hvm_hostile_status(struct hvm_hostile *h, u32 opcode, long *status)
{
	enum hvm_hostile_site s = HVM_HOSTILE_STATUS;
	unsigned int pick;

	if (!hvm_hostile_draw(h, s))
		return -1;
	pick = below(h, s, returns_values(opcode) ? 3 : 2);
	*status = hostile_statuses[below(h, s, ARRAY_SIZE(hostile_statuses))];
	if (pick == 0)
		return done(h, HVM_HK_STATUS_BEFORE);
	if (pick == 1)
		return done(h, HVM_HK_STATUS_AFTER);
	return done(h, HVM_HK_STATUS_OUTPUTS);
}

void hvm_hostile_garble(struct hvm_hostile *h, u64 *out, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		out[i] = hvm_hostile_next(h, HVM_HOSTILE_STATUS);
}

/* ------------------------------------------------------------- report */

void hvm_hostile_report(const struct hvm_hostile *h, char *buf, size_t size)
{
	u64 chances = 0, mutations = 0;
	bool first = true;
	unsigned int i;
	size_t at;

	for (i = 0; i < HVM_HOSTILE_NR_SITES; i++) {
		chances += h->chances[i];
		mutations += h->mutations[i];
	}
	at = (size_t)snprintf(buf, size, "%llu mutations of %llu chances",
			      (unsigned long long)mutations, (unsigned long long)chances);
	for (i = 0; i < HVM_HOSTILE_NR_SITES && at < size; i++)
		at += (size_t)snprintf(buf + at, size - at, "%s %s %llu/%llu", i ? "," : ":",
				       site_names[i], (unsigned long long)h->mutations[i],
				       (unsigned long long)h->chances[i]);
	for (i = 0; i < HVM_HOSTILE_NR_KINDS && at < size; i++) {
		if (!h->kinds[i])
			continue;
		at += (size_t)snprintf(buf + at, size - at, "%s %s.%s %llu", first ? ";" : ",",
				       site_names[kinds[i].site], kinds[i].name,
				       (unsigned long long)h->kinds[i]);
		first = false;
	}
}
