/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The vty character transport: 16 bytes per hypercall, packed big-endian in
 * two registers, and the NUL the hypervisor inserts after every CR.
 * Portable (kernel, host unit tests, fuzzers): it parses what the
 * hypervisor returns.
 */
#ifndef _HVK_VTY_CODEC_H
#define _HVK_VTY_CODEC_H

#include "hvk_portable.h"

#define HVK_VTY_CHUNK	16

struct hvk_vty_rx {
	u64 nuls_dropped;	/* NULs removed after a CR */
	u64 bad_counts;		/* answers with an impossible count */
};

/*
 * Decode one H_GET_TERM_CHAR answer (count, bytes 0-7, bytes 8-15) into
 * @out, removing a NUL that directly follows a CR in the same answer.
 * Returns the number of
 * bytes stored (0..16), or -EPROTO for a count above 16, which is counted
 * and delivers nothing.
 */
int hvk_vty_decode(struct hvk_vty_rx *rx, u64 count, u64 hi, u64 lo, u8 *out);

/*
 * Unpack one answer as it is, NULs included (for protocols such as HVSI
 * that carry binary packets). Returns the count, or -EPROTO for a count
 * above 16, which is counted and delivers nothing.
 */
int hvk_vty_unpack(struct hvk_vty_rx *rx, u64 count, u64 hi, u64 lo, u8 *out);

/* Pack up to 16 bytes for H_PUT_TERM_CHAR. Returns the number packed. */
unsigned int hvk_vty_encode(const u8 *buf, unsigned int len, u64 *hi, u64 *lo);

/*
 * The hypervisor's side of H_GET_TERM_CHAR, as QEMU 7.2 answers (and
 * hvkit-vmm): how many of the @avail bytes waiting at @buf one answer
 * carries. At most 16, and an answer ends at a CR that a NUL follows, so
 * that hvk_vty_decode() never takes that NUL for an inserted one: every
 * byte sequence arrives unchanged. Inline: the guest never answers.
 */
static inline unsigned int hvk_vty_answer_len(const u8 *buf, unsigned int avail)
{
	unsigned int n = avail < HVK_VTY_CHUNK ? avail : HVK_VTY_CHUNK;
	unsigned int i;

	for (i = 0; i + 1 < n; i++)
		if (buf[i] == '\r' && buf[i + 1] == '\0')
			return i + 1;
	return n;
}

#endif /* _HVK_VTY_CODEC_H */
