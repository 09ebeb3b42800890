// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host unit tests of the vty codec (drivers/hv-console/vty_codec.c): the
 * 16-byte big-endian packing, the count check, and the CR NUL rule against
 * both hypervisor behaviours: PowerVM (and older QEMU) insert a NUL after
 * each CR within an answer; QEMU 7.2 inserts none but ends an answer at a
 * CR that a NUL follows.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ktest.h"
#include "vty_codec.h"

/* PowerVM's view: a NUL after every CR. */
static size_t powervm_view(const uint8_t *in, size_t len, uint8_t *out)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++) {
		out[n++] = in[i];
		if (in[i] == '\r')
			out[n++] = '\0';
	}
	return n;
}

/*
 * Feed @wire through the decoder in answers of at most @chunk bytes. With
 * @qemu, answers as hvk_vty_answer_len() cuts them (QEMU 7.2, hvkit-vmm):
 * an answer ends at a CR that a NUL follows; otherwise a
 * CR is never split from the NUL after it (PowerVM inserts it in place).
 */
static size_t deliver(struct hvk_vty_rx *rx, const uint8_t *wire, size_t len,
		      unsigned int chunk, bool qemu, uint8_t *out)
{
	size_t pos = 0, got = 0;

	while (pos < len) {
		unsigned int n = len - pos < chunk ? len - pos : chunk;
		u64 hi, lo;
		int dec;

		if (qemu)
			n = hvk_vty_answer_len(wire + pos, n);
		if (!qemu && wire[pos + n - 1] == '\r' && pos + n < len && n > 1)
			n--;
		hvk_vty_encode(wire + pos, n, &hi, &lo);
		dec = hvk_vty_decode(rx, n, hi, lo, out + got);
		if (!EXPECT_TRUE(dec >= 0))
			return got;
		got += dec;
		pos += n;
	}
	return got;
}

static void round_trip(const uint8_t *data, size_t len, unsigned int chunk)
{
	uint8_t *wire = malloc(2 * len + 1), *out = malloc(2 * len + 1);
	struct hvk_vty_rx rx = {};
	size_t wlen, got, crs = 0, i;

	for (i = 0; i < len; i++)
		crs += data[i] == '\r';

	/*
	 * PowerVM: every inserted NUL removed, nothing else. It inserts the
	 * NUL in the same answer as its CR, which needs room for two bytes.
	 */
	if (chunk >= 2) {
		wlen = powervm_view(data, len, wire);
		got = deliver(&rx, wire, wlen, chunk, false, out);
		EXPECT_EQ(got, len);
		EXPECT_TRUE(!memcmp(out, data, len));
		EXPECT_EQ(rx.nuls_dropped, crs);
	}

	/* QEMU 7.2: the bytes as they are, nothing removed. */
	memset(&rx, 0, sizeof(rx));
	got = deliver(&rx, data, len, chunk, true, out);
	EXPECT_EQ(got, len);
	EXPECT_TRUE(!memcmp(out, data, len));
	EXPECT_EQ(rx.nuls_dropped, 0);
	free(wire);
	free(out);
}

TEST(encode_packs_big_endian)
{
	const uint8_t in[16] = "ABCDEFGHIJKLMNOP";
	u64 hi, lo;

	EXPECT_EQ(hvk_vty_encode(in, 16, &hi, &lo), 16);
	EXPECT_EQ(hi, 0x4142434445464748ULL);
	EXPECT_EQ(lo, 0x494a4b4c4d4e4f50ULL);
	EXPECT_EQ(hvk_vty_encode(in, 3, &hi, &lo), 3);
	EXPECT_EQ(hi, 0x4142430000000000ULL);
	EXPECT_EQ(lo, 0);
	EXPECT_EQ(hvk_vty_encode(in, 40, &hi, &lo), 16);
}

TEST(decode_unpacks_big_endian)
{
	struct hvk_vty_rx rx = {};
	uint8_t out[16];

	EXPECT_EQ(hvk_vty_decode(&rx, 10, 0x3031323334353637ULL,
				 0x3839000000000000ULL, out), 10);
	EXPECT_TRUE(!memcmp(out, "0123456789", 10));
	EXPECT_EQ(hvk_vty_decode(&rx, 0, ~0ULL, ~0ULL, out), 0);
}

TEST(decode_rejects_impossible_counts)
{
	struct hvk_vty_rx rx = {};
	uint8_t out[16];

	EXPECT_EQ(hvk_vty_decode(&rx, 17, 0, 0, out), -EPROTO);
	EXPECT_EQ(hvk_vty_decode(&rx, ~0ULL, 0, 0, out), -EPROTO);
	EXPECT_EQ(rx.bad_counts, 2);
	EXPECT_EQ(hvk_vty_decode(&rx, 16, 0, 0, out), 16);
}

TEST(one_nul_after_each_cr_is_removed)
{
	const uint8_t typed[] = "a\r\0b\r\r\0\0c\r";

	round_trip(typed, sizeof(typed) - 1, 16);
}

TEST(nul_after_cr_in_the_next_answer_is_data)
{
	struct hvk_vty_rx rx = {};
	uint8_t out[16];
	u64 hi, lo;

	/* QEMU 7.2 ends an answer at a CR that a real NUL follows. */
	hvk_vty_encode((const uint8_t *)"xy\r", 3, &hi, &lo);
	EXPECT_EQ(hvk_vty_decode(&rx, 3, hi, lo, out), 3);
	hvk_vty_encode((const uint8_t *)"\0\0z", 3, &hi, &lo);
	EXPECT_EQ(hvk_vty_decode(&rx, 3, hi, lo, out), 3);
	EXPECT_EQ(out[0], 0);
	EXPECT_EQ(out[1], 0);
	EXPECT_EQ(out[2], 'z');
	EXPECT_EQ(rx.nuls_dropped, 0);
}

TEST(qemu_7_2_answers_seen_in_a_guest)
{
	/* Host sent 61 0d 00 62 0d 0a 0d 0d 00 00; QEMU answered so. */
	static const char *const answers[] = {
		"a\r", "\0b\r\n\r\r", "\0\0",
	};
	static const unsigned int lens[] = { 2, 6, 2 };
	static const uint8_t sent[] = "a\r\0b\r\n\r\r\0\0";
	struct hvk_vty_rx rx = {};
	uint8_t out[16], all[16];
	unsigned int i, n = 0;
	u64 hi, lo;
	int got;

	for (i = 0; i < 3; i++) {
		hvk_vty_encode((const uint8_t *)answers[i], lens[i], &hi, &lo);
		got = hvk_vty_decode(&rx, lens[i], hi, lo, out);
		EXPECT_EQ(got, lens[i]);
		memcpy(all + n, out, got);
		n += got;
	}
	EXPECT_EQ(n, 10);
	EXPECT_TRUE(!memcmp(all, sent, 10));
}

TEST(every_short_sequence_of_cr_lf_nul_survives)
{
	static const uint8_t alphabet[] = { '\r', '\n', '\0', 'a' };
	uint8_t buf[4 * 4 * 4 * 4 * 4];
	size_t n = 0;
	unsigned int i, j, k, c;

	for (i = 0; i < 4; i++)
		for (j = 0; j < 4; j++)
			for (k = 0; k < 4; k++) {
				buf[n++] = alphabet[i];
				buf[n++] = alphabet[j];
				buf[n++] = alphabet[k];
			}
	for (c = 1; c <= 16; c++)
		round_trip(buf, n, c);
}

TEST(random_binary_data_survives)
{
	uint8_t *buf = malloc(1 << 16);
	unsigned int seed = 12345, i;

	for (i = 0; i < 1u << 16; i++) {
		seed = seed * 1103515245 + 12345;
		buf[i] = (seed >> 16) & 0xff;
		if (!(i % 7))
			buf[i] = "\r\0\n"[(seed >> 8) % 3];
	}
	round_trip(buf, 1 << 16, 16);
	round_trip(buf, 1 << 16, 5);
	free(buf);
}

TEST(unpack_keeps_every_byte)
{
	struct hvk_vty_rx rx = { 0 };
	uint8_t out[16];

	EXPECT_EQ(hvk_vty_unpack(&rx, 4, 0x0d000d0000000000ULL, ~0ULL, out), 4);
	EXPECT_TRUE(!memcmp(out, "\r\0\r\0", 4));
	EXPECT_EQ(hvk_vty_unpack(&rx, 16, 0x0102030405060708ULL,
				 0x090a0b0c0d0e0f10ULL, out), 16);
	EXPECT_EQ(out[0], 1);
	EXPECT_EQ(out[15], 16);
	EXPECT_EQ(rx.nuls_dropped, 0);
	EXPECT_EQ(hvk_vty_unpack(&rx, 17, 0, 0, out), -EPROTO);
	EXPECT_EQ(rx.bad_counts, 1);
}

int main(int argc, char **argv)
{
	return ktest_main(argc, argv);
}
