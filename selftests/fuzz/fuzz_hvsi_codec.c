// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fuzz target: the HVSI receiver (hvk_hvsi_push/hvk_hvsi_next) on
 * arbitrary byte streams, as a hostile hypervisor could deliver them.
 *
 * Input: one byte that picks the piece size (1..16, as H_GET_TERM_CHAR
 * answers), then the stream. The same stream is parsed three times, in
 * pieces of that size, one byte at a time and in pieces as large as the
 * buffer takes; the packets and counters must be identical (where an
 * answer ends must never matter), every packet must be well formed
 * (known type, data within bounds) and the buffer must never overflow.
 * Then the console's reader, hvk_hvsi_read(), takes the stream in answers
 * of that size, 1..16 bytes per read: no read may ask for more than
 * HVK_HVSI_ANSWERS_PER_READ answers, and it must hand out the same data
 * bytes and the same other packets as the parser.
 */
#include <string.h>

#include "fuzz.h"
#include "hvsi_codec.h"

struct digest {
	u64 packets, data_bytes, hash;
	u64 bad_type, bad_length, bad_verb;
	u64 data_hash, others;	/* data bytes alone; non-data packets */
	unsigned int left;
};

static void mix(struct digest *d, u64 v)
{
	d->hash = (d->hash ^ v) * 0x100000001b3ULL;
}

static void check_packet(const struct hvk_hvsi_packet *p)
{
	FUZZ_CHECK(p->type >= HVK_HVSI_RESPONSE, "packet type %#x", p->type);
	FUZZ_CHECK(p->data_len <= HVK_HVSI_MAX_DATA, "data_len %u",
		   p->data_len);
	if (p->type != HVK_HVSI_DATA)
		FUZZ_CHECK(!p->data_len, "data_len %u in a type %#x packet",
			   p->data_len, p->type);
}

static void parse(const uint8_t *in, size_t len, unsigned int piece,
		  struct digest *d)
{
	struct hvk_hvsi_rx rx;
	struct hvk_hvsi_packet pkt;
	size_t pos = 0;
	unsigned int i;

	memset(&rx, 0, sizeof(rx));
	memset(d, 0, sizeof(*d));
	while (pos < len) {
		unsigned int n = len - pos < piece ? len - pos : piece;

		n = hvk_hvsi_push(&rx, in + pos, n);
		FUZZ_CHECK(rx.len <= sizeof(rx.buf), "buffer holds %u", rx.len);
		pos += n;
		while (hvk_hvsi_next(&rx, &pkt) == 1) {
			check_packet(&pkt);
			d->packets++;
			d->data_bytes += pkt.data_len;
			mix(d, pkt.type);
			mix(d, pkt.seqno);
			mix(d, pkt.verb);
			mix(d, pkt.query_seqno);
			mix(d, pkt.word);
			mix(d, pkt.mask);
			mix(d, pkt.version);
			for (i = 0; i < pkt.data_len; i++) {
				mix(d, pkt.data[i]);
				d->data_hash = (d->data_hash ^ pkt.data[i]) *
					       0x100000001b3ULL;
			}
			if (pkt.type != HVK_HVSI_DATA)
				d->others++;
		}
		/* After next() has run dry the buffer always has room. */
		FUZZ_CHECK(rx.len < sizeof(rx.buf), "stuck with a full buffer");
	}
	d->bad_type = rx.bad_type;
	d->bad_length = rx.bad_length;
	d->bad_verb = rx.bad_verb;
	d->left = rx.len;
}

static void same(const struct digest *a, const struct digest *b,
		 const char *what)
{
	FUZZ_CHECK(!memcmp(a, b, sizeof(*a)),
		   "%s: %llu/%llu packets, %llu/%llu data bytes, bad %llu/%llu %llu/%llu %llu/%llu",
		   what, (unsigned long long)a->packets,
		   (unsigned long long)b->packets,
		   (unsigned long long)a->data_bytes,
		   (unsigned long long)b->data_bytes,
		   (unsigned long long)a->bad_type,
		   (unsigned long long)b->bad_type,
		   (unsigned long long)a->bad_length,
		   (unsigned long long)b->bad_length,
		   (unsigned long long)a->bad_verb,
		   (unsigned long long)b->bad_verb);
}

/* The hypervisor of read_all(): the stream, @piece bytes per answer. */
struct answers {
	const uint8_t *in;
	size_t len, pos;
	unsigned int piece, asked;
	struct digest *d;
};

static int answer(void *ctx, u8 *raw)
{
	struct answers *a = ctx;
	unsigned int n = a->len - a->pos < a->piece ? a->len - a->pos :
						       a->piece;

	a->asked++;
	memcpy(raw, a->in + a->pos, n);
	a->pos += n;
	return (int)n;
}

static void other_packet(void *ctx, const struct hvk_hvsi_packet *pkt)
{
	struct answers *a = ctx;

	check_packet(pkt);
	FUZZ_CHECK(pkt->type != HVK_HVSI_DATA, "data packet as another");
	a->d->others++;
}

static const struct hvk_hvsi_in_ops read_ops = {
	.answer = answer,
	.packet = other_packet,
};

static void read_all(const uint8_t *in, size_t len, unsigned int piece,
		     unsigned int count, struct digest *d)
{
	static struct hvk_hvsi_in hin;
	struct answers a = { .in = in, .len = len, .piece = piece, .d = d };
	unsigned int got, i, reads = 0;
	uint8_t out[16];
	bool again;

	memset(&hin, 0, sizeof(hin));
	memset(d, 0, sizeof(*d));
	do {
		a.asked = 0;
		got = hvk_hvsi_read(&hin, &read_ops, &a, out, count, &again);
		FUZZ_CHECK(got <= count, "read %u of %u bytes", got, count);
		FUZZ_CHECK(a.asked <= HVK_HVSI_ANSWERS_PER_READ,
			   "a read asked for %u answers", a.asked);
		for (i = 0; i < got; i++)
			d->data_hash = (d->data_hash ^ out[i]) *
				       0x100000001b3ULL;
		d->data_bytes += got;
		FUZZ_CHECK(++reads <= 2 * len + 2, "%u reads of %zu bytes",
			   reads, len);
	} while (got || again);
	FUZZ_CHECK(a.pos == len, "stopped at %zu of %zu bytes", a.pos, len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct digest a, b, c, r;
	unsigned int piece;

	if (!size)
		return 0;
	piece = 1 + data[0] % 16;
	fuzz_context("piece %u, %zu bytes", piece, size - 1);
	parse(data + 1, size - 1, piece, &a);
	parse(data + 1, size - 1, 1, &b);
	parse(data + 1, size - 1, HVK_HVSI_MAX_PACKET, &c);
	same(&a, &b, "piece vs byte");
	same(&a, &c, "piece vs whole");
	read_all(data + 1, size - 1, piece, 1 + (data[0] >> 4), &r);
	FUZZ_CHECK(r.data_bytes == a.data_bytes && r.data_hash == a.data_hash &&
		   r.others == a.others,
		   "reader: %llu/%llu data bytes, %llu/%llu other packets",
		   (unsigned long long)r.data_bytes,
		   (unsigned long long)a.data_bytes,
		   (unsigned long long)r.others,
		   (unsigned long long)a.others);
	return 0;
}
