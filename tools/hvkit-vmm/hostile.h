/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hvkit-vmm's hostile peer (--hostile=PERMILLE[:SITE,...], --seed N): at
 * the rate asked, what hvkit-vmm writes into guest memory or answers from
 * an hcall is mutated on its way to the guest, one field per hit, with
 * values chosen to cross boundaries, so that the guest drivers'
 * validation runs through their real paths. Sites:
 *
 *   crq     every CRQ entry posted (crq_model.c hvm_crq_post())
 *   srp     SRP_RSP and MAD answers before they are copied (vscsi_model.c)
 *   llan    the receive queue entry of a delivered frame (llan_model.c)
 *   vty     H_GET_TERM_CHAR's answer (vty_model.c)
 *   status  the status (and output registers) of an hcall that reaches a
 *           device (hcall_table.c hvm_table_dispatch())
 *
 * Only the copy the guest sees is mutated, never the VMM's own state.
 * Each site draws from its own generator, derived from the seed and the
 * site, so a site's decisions depend only on the seed and the sequence of
 * calls at that site, not on how threads interleave with other sites.
 *
 * Portable (no KVM): the host unit tests and the fuzzers compile it. Not
 * locked: its callers serialise (every site runs under vm->lock).
 */
#ifndef _HVM_HOSTILE_H
#define _HVM_HOSTILE_H

#include <hvkit/crq_codec.h>

#include "hvk_portable.h"

enum hvm_hostile_site {
	HVM_HOSTILE_CRQ,
	HVM_HOSTILE_SRP,
	HVM_HOSTILE_LLAN,
	HVM_HOSTILE_VTY,
	HVM_HOSTILE_STATUS,
	HVM_HOSTILE_NR_SITES,
};

#define HVM_HOSTILE_ALL_SITES	((1u << HVM_HOSTILE_NR_SITES) - 1)

/* What one hit did, per site; the report counts each. */
enum hvm_hostile_kind {
	/* crq */
	HVM_HK_CRQ_VALID_FREE,		/* 0x00: nothing posted, the slot stays free */
	HVM_HK_CRQ_VALID_INIT,		/* 0xC0 with a random format */
	HVM_HK_CRQ_VALID_TRANSPORT,	/* 0xFF with a random format */
	HVM_HK_CRQ_VALID_RANDOM,
	HVM_HK_CRQ_FORMAT,
	HVM_HK_CRQ_STATUS,
	HVM_HK_CRQ_IU_LEN,
	HVM_HK_CRQ_TOKEN,		/* random, 0 or all-ones */
	HVM_HK_CRQ_STALE_TOKEN,		/* one posted earlier */
	HVM_HK_CRQ_DUPLICATE,		/* the same entry posted twice */
	/* srp: SRP_RSP */
	HVM_HK_SRP_OPCODE,
	HVM_HK_SRP_FLAGS,
	HVM_HK_SRP_LIM_DELTA,
	HVM_HK_SRP_STATUS,
	HVM_HK_SRP_RESP_LEN,
	HVM_HK_SRP_SENSE_LEN,
	HVM_HK_SRP_RESIDUAL,
	HVM_HK_SRP_TAG,
	/* srp: MAD */
	HVM_HK_MAD_TYPE,
	HVM_HK_MAD_STATUS,
	HVM_HK_MAD_LEN,
	HVM_HK_MAD_TAG,
	/* srp: either */
	HVM_HK_SRP_IU_LEN,		/* the CRQ entry's iu_len, not the IU's */
	/* llan */
	HVM_HK_LLAN_TOGGLE,		/* not taken by the guest: the slot is reused */
	HVM_HK_LLAN_VALID,		/* ditto */
	HVM_HK_LLAN_OFFSET,
	HVM_HK_LLAN_LENGTH,
	HVM_HK_LLAN_CORR,		/* random */
	HVM_HK_LLAN_STALE_CORR,		/* one delivered earlier */
	HVM_HK_LLAN_OTHER_CORR,		/* another buffer's, still the guest's */
	/* vty */
	HVM_HK_VTY_COUNT,		/* above 16 */
	HVM_HK_VTY_EMPTY_DATA,		/* count 0 with data */
	HVM_HK_VTY_BYTES,		/* the bytes replaced, the count kept */
	/* status */
	HVM_HK_STATUS_BEFORE,		/* a failure answered, the call not made */
	HVM_HK_STATUS_AFTER,		/* the call made, its result replaced */
	HVM_HK_STATUS_OUTPUTS,		/* the call made, its outputs garbage */
	HVM_HOSTILE_NR_KINDS,
};

/* Recent tokens (crq) and correlators (llan) kept for the stale ones. */
#define HVM_HOSTILE_RING	8

struct hvm_hostile_ring {
	u64 v[HVM_HOSTILE_RING];
	unsigned int n;			/* held, up to HVM_HOSTILE_RING */
	unsigned int at;		/* where the next goes */
};

struct hvm_hostile {
	unsigned int permille;		/* 0: off */
	unsigned int sites;		/* 1 << enum hvm_hostile_site */
	u64 seed;
	u64 state[HVM_HOSTILE_NR_SITES];	/* each site's own generator */
	u64 chances[HVM_HOSTILE_NR_SITES];
	u64 mutations[HVM_HOSTILE_NR_SITES];
	u64 kinds[HVM_HOSTILE_NR_KINDS];
	struct hvm_hostile_ring tokens;	/* crq */
	struct hvm_hostile_ring corrs;	/* llan */
};

void hvm_hostile_init(struct hvm_hostile *h, unsigned int permille, unsigned int sites,
		      u64 seed);

const char *hvm_hostile_site_name(enum hvm_hostile_site site);
const char *hvm_hostile_kind_name(enum hvm_hostile_kind kind);

/*
 * "crq,srp" and the like into a mask of sites: 0, or -1 for an empty
 * list, an empty item or an unknown name.
 */
int hvm_hostile_parse_sites(const char *list, unsigned int *sites);

/* The sites of @sites, comma-separated, in the order of the enum. */
void hvm_hostile_sites_text(unsigned int sites, char *buf, size_t size);

/* The next value of @site's generator (the draws use it; the tests too). */
u64 hvm_hostile_next(struct hvm_hostile *h, enum hvm_hostile_site site);

/*
 * One chance at @site: false, nothing counted, when the site is off;
 * else counted, and true (a mutation, counted) at the rate asked.
 */
bool hvm_hostile_draw(struct hvm_hostile *h, enum hvm_hostile_site site);

/*
 * The site helpers. Each takes one chance at its site (h may be NULL:
 * none) and, on a hit, mutates ONE field of what it is given; it returns
 * the kind done, or -1 for none.
 */

/*
 * crq: @m is the copy to be written. HVM_HK_CRQ_VALID_FREE (also a random
 * valid byte that came out 0x00) means: write nothing. *@dup: post it a
 * second time into the next slot.
 */
int hvm_hostile_crq(struct hvm_hostile *h, struct hvk_crq_msg *m, bool *dup);

/*
 * srp: @iu (@len bytes, what will be copied to the guest) of CRQ format
 * @format (HVK_VIOSRP_SRP: only an SRP_RSP is touched; HVK_VIOSRP_MAD),
 * and @iu_len, the CRQ entry's. Fields lie within @len, always.
 */
int hvm_hostile_srp(struct hvm_hostile *h, u8 *iu, unsigned int len, u8 format, u16 *iu_len);

/*
 * llan: @entry, the 16-byte receive queue entry about to be written, of a
 * buffer of @buf_len bytes; @other_corr (NULL: none) the correlator of
 * another buffer the guest holds. HVM_HK_LLAN_TOGGLE and _VALID mean:
 * write it, but do not count the slot as used (the next frame takes it).
 */
int hvm_hostile_llan(struct hvm_hostile *h, u8 *entry, u32 buf_len, const u8 *other_corr);

/* vty: H_GET_TERM_CHAR's @out[0] (the count), @out[1] and @out[2] (the bytes). */
int hvm_hostile_vty(struct hvm_hostile *h, u64 *out);

/*
 * status, for a call of @opcode that reaches a device: -1 to answer as
 * the device does; HVM_HK_STATUS_BEFORE (answer *@status, the call not
 * made), _AFTER (make the call, answer *@status), _OUTPUTS (make the
 * call, keep its status, then hvm_hostile_garble() its outputs; only for
 * calls that return values).
 */
int hvm_hostile_status(struct hvm_hostile *h, u32 opcode, long *status);

/* Garbage into @n output registers, from the status site's generator. */
void hvm_hostile_garble(struct hvm_hostile *h, u64 *out, unsigned int n);

/*
 * "M mutations of C chances: crq x/y, srp x/y, llan x/y, vty x/y,
 * status x/y" (mutations/chances), then "; site.kind n, ..." for each kind
 * done, into @buf.
 */
void hvm_hostile_report(const struct hvm_hostile *h, char *buf, size_t size);

#endif /* _HVM_HOSTILE_H */
