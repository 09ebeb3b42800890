// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host unit tests of the HVSI codec (drivers/hv-console/hvsi_codec.c):
 * packet layout of what the guest sends, reassembly of what arrives in
 * 16-byte answers, and what happens to malformed input: skipped, counted,
 * and the stream carries on at the next good packet. hvk_hvsi_read(), the
 * console's input path, against a fake hypervisor: data in order, and a
 * bounded number of hypercalls per read whatever the hypervisor sends.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ktest.h"
#include "hvsi_codec.h"

struct sink {
	struct hvk_hvsi_packet pkts[64];
	unsigned int n;
	uint8_t data[1 << 17];
	size_t data_len;
};

/* Push @len bytes in pieces of at most @piece, collecting every packet. */
static void feed(struct hvk_hvsi_rx *rx, struct sink *s, const uint8_t *in,
		 size_t len, unsigned int piece)
{
	struct hvk_hvsi_packet pkt;
	size_t pos = 0;

	while (pos < len) {
		unsigned int n = len - pos < piece ? len - pos : piece;
		unsigned int took = hvk_hvsi_push(rx, in + pos, n);

		pos += took;
		while (hvk_hvsi_next(rx, &pkt) == 1) {
			if (pkt.type == HVK_HVSI_DATA) {
				memcpy(s->data + s->data_len, pkt.data,
				       pkt.data_len);
				s->data_len += pkt.data_len;
			} else if (s->n < 64) {
				s->pkts[s->n++] = pkt;
			}
		}
	}
}

TEST(builders_lay_out_the_wire_format)
{
	uint8_t out[HVK_HVSI_MAX_PACKET];
	static const uint8_t ctl[] = { 0xfe, 14, 0x12, 0x34, 0, 1,
				       0, 0, 0, 1, 0, 0, 0, 1 };
	static const uint8_t query[] = { 0xfd, 6, 0, 7, 0, 1 };
	static const uint8_t resp[] = { 0xfc, 12, 0xff, 0xff, 0, 1,
					0xab, 0xcd, 1, 0, 0, 0 };
	static const uint8_t data[] = { 0xff, 7, 0, 2, 'a', 'b', 'c' };

	EXPECT_EQ(hvk_hvsi_build_control(out, 0x1234, HVK_HVSI_SET_MODEM_CTL,
					 HVK_HVSI_DTR, HVK_HVSI_DTR), 14);
	EXPECT_TRUE(!memcmp(out, ctl, sizeof(ctl)));
	EXPECT_EQ(hvk_hvsi_build_query(out, 7, HVK_HVSI_QUERY_VERSION), 6);
	EXPECT_TRUE(!memcmp(out, query, sizeof(query)));
	EXPECT_EQ(hvk_hvsi_build_version_response(out, 0xffff, 0xabcd), 12);
	EXPECT_TRUE(!memcmp(out, resp, sizeof(resp)));
	EXPECT_EQ(hvk_hvsi_build_data(out, 2, (const uint8_t *)"abc", 3), 7);
	EXPECT_TRUE(!memcmp(out, data, sizeof(data)));
}

TEST(data_longer_than_a_packet_is_cut)
{
	uint8_t big[300], out[HVK_HVSI_MAX_PACKET];

	memset(big, 'x', sizeof(big));
	EXPECT_EQ(hvk_hvsi_build_data(out, 1, big, sizeof(big)), 255);
	EXPECT_EQ(out[1], 255);
}

/* Every piece size, every packet size: the data comes out unchanged. */
TEST(data_reassembles_across_answers)
{
	static struct sink s;
	static uint8_t wire[1 << 17], want[1 << 16];
	struct hvk_hvsi_rx rx;
	unsigned int seed = 99, piece;
	size_t w = 0, d = 0;

	while (d < sizeof(want) - HVK_HVSI_MAX_DATA) {
		unsigned int n, i;

		seed = seed * 1103515245 + 12345;
		n = (seed >> 8) % (HVK_HVSI_MAX_DATA + 1);
		for (i = 0; i < n; i++) {
			seed = seed * 1103515245 + 12345;
			want[d + i] = (uint8_t)(seed >> 16);
		}
		w += hvk_hvsi_build_data(wire + w, (uint16_t)d, want + d, n);
		d += n;
	}
	for (piece = 1; piece <= 16; piece++) {
		memset(&rx, 0, sizeof(rx));
		memset(&s, 0, sizeof(s));
		feed(&rx, &s, wire, w, piece);
		EXPECT_EQ(s.data_len, d);
		EXPECT_TRUE(!memcmp(s.data, want, d));
		EXPECT_EQ(rx.len, 0);
		EXPECT_EQ(rx.bad_type + rx.bad_length + rx.bad_verb, 0);
	}
}

TEST(control_query_and_response_fields)
{
	static struct sink s;
	struct hvk_hvsi_rx rx = { 0 };
	uint8_t wire[64];
	size_t w = 0;
	static const uint8_t update[] = { 0xfe, 10, 0, 9, 0, 2, 0, 0, 0, 0x20 };
	static const uint8_t mresp[] = { 0xfc, 12, 0, 10, 0, 2, 0, 5,
					 0, 0, 0, 0x20 };
	static const uint8_t close_short[] = { 0xfe, 6, 0, 11, 0, 3 };

	memcpy(wire + w, update, sizeof(update));
	w += sizeof(update);
	w += hvk_hvsi_build_query(wire + w, 3, HVK_HVSI_QUERY_VERSION);
	memcpy(wire + w, mresp, sizeof(mresp));
	w += sizeof(mresp);
	memcpy(wire + w, close_short, sizeof(close_short));
	w += sizeof(close_short);
	feed(&rx, &s, wire, w, 16);
	ASSERT_EQ(s.n, 4);
	EXPECT_EQ(s.pkts[0].type, HVK_HVSI_CONTROL);
	EXPECT_EQ(s.pkts[0].verb, HVK_HVSI_MODEM_CTL_UPDATE);
	EXPECT_EQ(s.pkts[0].word, HVK_HVSI_CD);
	EXPECT_EQ(s.pkts[0].seqno, 9);
	EXPECT_EQ(s.pkts[1].type, HVK_HVSI_QUERY);
	EXPECT_EQ(s.pkts[1].seqno, 3);
	EXPECT_EQ(s.pkts[2].type, HVK_HVSI_RESPONSE);
	EXPECT_EQ(s.pkts[2].verb, HVK_HVSI_QUERY_MODEM_CTL);
	EXPECT_EQ(s.pkts[2].query_seqno, 5);
	EXPECT_EQ(s.pkts[2].word, HVK_HVSI_CD);
	EXPECT_EQ(s.pkts[3].verb, HVK_HVSI_CLOSE_PROTOCOL);
}

TEST(version_response_round_trip)
{
	static struct sink s;
	struct hvk_hvsi_rx rx = { 0 };
	uint8_t wire[16];
	size_t w = hvk_hvsi_build_version_response(wire, 4, 0x0102);

	feed(&rx, &s, wire, w, 5);
	ASSERT_EQ(s.n, 1);
	EXPECT_EQ(s.pkts[0].version, HVK_HVSI_VERSION);
	EXPECT_EQ(s.pkts[0].query_seqno, 0x0102);
}

TEST(garbage_is_skipped_and_counted)
{
	static struct sink s;
	struct hvk_hvsi_rx rx = { 0 };
	uint8_t wire[64];
	size_t w = 0;

	/* Bytes that cannot start a packet, then a good data packet. */
	memcpy(wire, "\x00\x41\xfb\x0d", 4);
	w = 4;
	w += hvk_hvsi_build_data(wire + w, 1, (const uint8_t *)"ok", 2);
	feed(&rx, &s, wire, w, 3);
	EXPECT_EQ(rx.bad_type, 4);
	EXPECT_EQ(s.data_len, 2);
	EXPECT_TRUE(!memcmp(s.data, "ok", 2));
}

TEST(impossible_lengths_are_not_acted_on)
{
	static struct sink s;
	struct hvk_hvsi_rx rx = { 0 };
	/* len 3 (< header), a control of length 5, a carrier update too
	 * short for its word, a version response without the version; then
	 * a good query.
	 */
	static const uint8_t bad[] = {
		0xff, 3, 0, 0,
		0xfe, 5, 0, 0, 0,
		0xfe, 8, 0, 0, 0, 2, 0, 0,
		0xfc, 8, 0, 0, 0, 1, 0, 0,
	};
	uint8_t wire[64];
	size_t w = sizeof(bad);

	memcpy(wire, bad, sizeof(bad));
	w += hvk_hvsi_build_query(wire + w, 5, HVK_HVSI_QUERY_MODEM_CTL);
	feed(&rx, &s, wire, w, 16);
	EXPECT_EQ(s.data_len, 0);
	ASSERT_EQ(s.n, 1);
	EXPECT_EQ(s.pkts[0].type, HVK_HVSI_QUERY);
	EXPECT_EQ(s.pkts[0].verb, HVK_HVSI_QUERY_MODEM_CTL);
	EXPECT_TRUE(rx.bad_length >= 4);
}

TEST(unknown_verbs_are_counted_and_dropped_whole)
{
	static struct sink s;
	struct hvk_hvsi_rx rx = { 0 };
	static const uint8_t odd[] = { 0xfe, 14, 0, 1, 0, 9,
				       0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	uint8_t wire[64];
	size_t w = sizeof(odd);

	memcpy(wire, odd, sizeof(odd));
	w += hvk_hvsi_build_data(wire + w, 2, (const uint8_t *)"z", 1);
	feed(&rx, &s, wire, w, 16);
	EXPECT_EQ(rx.bad_verb, 1);
	EXPECT_EQ(rx.bad_type + rx.bad_length, 0);
	EXPECT_EQ(s.n, 0);
	EXPECT_EQ(s.data_len, 1);
}

TEST(push_stops_when_full)
{
	struct hvk_hvsi_rx rx = { 0 };
	uint8_t junk[300];

	memset(junk, 0xff, sizeof(junk));
	/* A data header announcing 255 bytes, then filler. */
	junk[1] = 255;
	EXPECT_EQ(hvk_hvsi_push(&rx, junk, sizeof(junk)), HVK_HVSI_MAX_PACKET);
	EXPECT_EQ(hvk_hvsi_push(&rx, junk, 1), 0);
}

/*
 * A hypervisor for hvk_hvsi_read(): it answers @wire in pieces of
 * @piece bytes, then, with @repeat set, the @repeat_len bytes of @repeat
 * for ever (packets without data, say); otherwise nothing.
 */
struct fake_hv {
	const uint8_t *wire;
	size_t len, pos;
	unsigned int piece;
	const uint8_t *repeat;
	unsigned int repeat_len;
	int fail;		/* answer with this errno instead */
	unsigned int answers;	/* calls of answer() */
	unsigned int packets;	/* non-data packets handed over */
};

static int fake_answer(void *ctx, u8 *raw)
{
	struct fake_hv *f = ctx;
	unsigned int n;

	f->answers++;
	if (f->fail)
		return f->fail;
	if (f->pos < f->len) {
		n = f->len - f->pos < f->piece ? f->len - f->pos : f->piece;
		memcpy(raw, f->wire + f->pos, n);
		f->pos += n;
		return (int)n;
	}
	if (!f->repeat)
		return 0;
	memcpy(raw, f->repeat, f->repeat_len);
	return (int)f->repeat_len;
}

static void fake_packet(void *ctx, const struct hvk_hvsi_packet *pkt)
{
	struct fake_hv *f = ctx;

	(void)pkt;
	f->packets++;
}

static const struct hvk_hvsi_in_ops fake_ops = {
	.answer = fake_answer,
	.packet = fake_packet,
};

/* One read as hv_console's get_chars makes it (hvc asks for 16 bytes). */
static unsigned int read_once(struct hvk_hvsi_in *in, struct fake_hv *f,
			      uint8_t *out, bool *again)
{
	return hvk_hvsi_read(in, &fake_ops, f, out, 16, again);
}

TEST(read_hands_out_data_packets_in_order)
{
	static struct hvk_hvsi_in in;
	struct fake_hv f = { 0 };
	uint8_t wire[256], out[64], want[48];
	unsigned int got = 0, n, i;
	size_t w = 0;
	bool again;

	for (i = 0; i < sizeof(want); i++)
		want[i] = (uint8_t)('a' + i % 26);
	/* Four 12-byte data packets with a carrier update between two. */
	for (i = 0; i < 4; i++) {
		w += hvk_hvsi_build_data(wire + w, i, want + 12 * i, 12);
		if (i == 1)
			w += hvk_hvsi_build_control(wire + w, 9,
						    HVK_HVSI_MODEM_CTL_UPDATE,
						    HVK_HVSI_CD, HVK_HVSI_CD);
	}
	f.wire = wire;
	f.len = w;
	f.piece = 16;
	while ((n = read_once(&in, &f, out + got, &again)) > 0) {
		ASSERT_TRUE(got + n <= sizeof(want));
		got += n;
	}
	EXPECT_EQ(got, sizeof(want));
	EXPECT_TRUE(!memcmp(out, want, sizeof(want)));
	EXPECT_EQ(f.packets, 1);
	EXPECT_TRUE(!again);
}

TEST(read_of_nothing_and_of_a_failure)
{
	static struct hvk_hvsi_in in;
	struct fake_hv f = { 0 };
	uint8_t out[16];
	bool again = true;

	EXPECT_EQ(read_once(&in, &f, out, &again), 0);
	EXPECT_TRUE(!again);
	EXPECT_EQ(f.answers, 1);
	f.fail = -EIO;
	again = true;
	EXPECT_EQ(read_once(&in, &f, out, &again), 0);
	EXPECT_TRUE(!again);
}

/*
 * A hypervisor that never stops sending packets without data: one read
 * (made with interrupts off) must end after HVK_HVSI_ANSWERS_PER_READ
 * answers and say that input is still waiting.
 */
static void check_bounded(const uint8_t *pkt, unsigned int len)
{
	static struct hvk_hvsi_in in;
	struct fake_hv f = { 0 };
	uint8_t out[16];
	bool again = false;
	unsigned int r;

	memset(&in, 0, sizeof(in));
	f.repeat = pkt;
	f.repeat_len = len;
	for (r = 0; r < 3; r++) {
		f.answers = 0;
		EXPECT_EQ(read_once(&in, &f, out, &again), 0);
		EXPECT_TRUE(again);
		if (f.answers > HVK_HVSI_ANSWERS_PER_READ)
			ktest_fail(__FILE__, __LINE__,
				   "read %u asked for %u answers, more than %u",
				   r, f.answers, HVK_HVSI_ANSWERS_PER_READ);
	}
	EXPECT_EQ(in.reads_cut, 3);
}

TEST(read_is_bounded_when_control_packets_never_stop)
{
	uint8_t pkt[HVK_HVSI_CONTROL_LEN];
	unsigned int len;

	/* A 14-byte carrier update per answer. */
	len = hvk_hvsi_build_control(pkt, 1, HVK_HVSI_MODEM_CTL_UPDATE,
				     HVK_HVSI_CD, HVK_HVSI_CD);
	check_bounded(pkt, len);
}

TEST(read_is_bounded_when_empty_data_packets_never_stop)
{
	/* Four data packets without data per answer. */
	static const uint8_t empty[16] = {
		0xff, 4, 0, 1, 0xff, 4, 0, 2, 0xff, 4, 0, 3, 0xff, 4, 0, 4,
	};

	check_bounded(empty, sizeof(empty));
}

TEST(a_packet_one_byte_per_answer_arrives_across_reads)
{
	static struct hvk_hvsi_in in;
	struct fake_hv f = { 0 };
	uint8_t wire[HVK_HVSI_MAX_PACKET], data[HVK_HVSI_MAX_DATA];
	uint8_t out[HVK_HVSI_MAX_DATA];
	unsigned int got = 0, reads = 0, i, n;
	bool again = true;

	for (i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 7);
	f.wire = wire;
	f.len = hvk_hvsi_build_data(wire, 3, data, sizeof(data));
	f.piece = 1;
	while (got < sizeof(data) && reads < 1000) {
		f.answers = 0;
		n = hvk_hvsi_read(&in, &fake_ops, &f, out + got,
				  sizeof(out) - got, &again);
		got += n;
		reads++;
		EXPECT_TRUE(f.answers <= HVK_HVSI_ANSWERS_PER_READ);
		if (!n && !again)
			break;
	}
	EXPECT_EQ(got, sizeof(data));
	EXPECT_TRUE(!memcmp(out, data, sizeof(data)));
}

int main(int argc, char **argv)
{
	return ktest_main(argc, argv);
}
