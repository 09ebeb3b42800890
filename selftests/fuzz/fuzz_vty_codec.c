// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fuzz target: a stream of H_GET_TERM_CHAR answers, as the hypervisor
 * writes them into registers, through hvk_vty_decode() with one decoder
 * state, and H_PUT_TERM_CHAR packing through hvk_vty_encode().
 *
 * Input: records of 17 bytes, a count byte then 16 character bytes. A
 * count byte above 16 is an impossible answer (0xff stands for a huge
 * 64-bit count). The decoder's output is compared with a reference model
 * written from the ABI: characters are bytes 0..count-1 of the two
 * registers, most significant first; a NUL that directly follows a CR in
 * the same answer is removed; an impossible count delivers nothing and is
 * counted.
 */
#include <string.h>

#include "fuzz.h"
#include "vty_codec.h"

#define RECORD	(1 + HVK_VTY_CHUNK)

struct model {
	u64 nuls_dropped;
	u64 bad_counts;
};

static u64 be64(const uint8_t *p)
{
	u64 v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

static int model_decode(struct model *m, u64 count, const uint8_t *chars,
			uint8_t *out)
{
	bool after_cr = false;
	int n = 0;
	u64 i;

	if (count > HVK_VTY_CHUNK) {
		m->bad_counts++;
		return -EPROTO;
	}
	for (i = 0; i < count; i++) {
		if (after_cr && !chars[i]) {
			after_cr = false;
			m->nuls_dropped++;
			continue;
		}
		after_cr = chars[i] == '\r';
		out[n++] = chars[i];
	}
	return n;
}

static void check_encode(const uint8_t *chars, unsigned int len)
{
	uint8_t back[HVK_VTY_CHUNK] = { 0 };
	u64 hi, lo;
	unsigned int n, i;

	n = hvk_vty_encode(chars, len, &hi, &lo);
	FUZZ_CHECK(n == (len > HVK_VTY_CHUNK ? HVK_VTY_CHUNK : len),
		   "encoded %u of %u", n, len);
	for (i = 0; i < 8; i++) {
		back[i] = hi >> (56 - 8 * i);
		back[8 + i] = lo >> (56 - 8 * i);
	}
	FUZZ_CHECK(!memcmp(back, chars, n), "packing of %u bytes", n);
	for (i = n; i < HVK_VTY_CHUNK; i++)
		FUZZ_CHECK(!back[i], "byte %u beyond the count is not zero", i);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hvk_vty_rx rx = { 0 };
	struct model m = { 0 };
	size_t off;

	for (off = 0; off + RECORD <= size; off += RECORD) {
		const uint8_t *rec = data + off;
		uint8_t got[HVK_VTY_CHUNK], want[HVK_VTY_CHUNK];
		u64 count = rec[0] == 0xff ? ~0ULL : rec[0];
		int n, w;

		fuzz_context("record %zu, count %llu", off / RECORD,
			     (unsigned long long)count);
		n = hvk_vty_decode(&rx, count, be64(rec + 1), be64(rec + 9), got);
		w = model_decode(&m, count, rec + 1, want);
		FUZZ_CHECK(n == w, "decoded %d bytes, the model %d", n, w);
		if (n > 0)
			FUZZ_CHECK(!memcmp(got, want, n), "%d bytes differ", n);
		FUZZ_CHECK(rx.nuls_dropped == m.nuls_dropped &&
			   rx.bad_counts == m.bad_counts,
			   "state: dropped %llu/%llu bad %llu/%llu",
			   (unsigned long long)rx.nuls_dropped,
			   (unsigned long long)m.nuls_dropped,
			   (unsigned long long)rx.bad_counts,
			   (unsigned long long)m.bad_counts);
		check_encode(rec + 1, rec[0]);
	}
	return 0;
}
