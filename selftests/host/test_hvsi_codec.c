// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host unit tests of the HVSI codec (drivers/hv-console/hvsi_codec.c):
 * packet layout of what the guest sends, reassembly of what arrives in
 * 16-byte answers, and what happens to malformed input: skipped, counted,
 * and the stream carries on at the next good packet.
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

int main(int argc, char **argv)
{
	return ktest_main(argc, argv);
}
