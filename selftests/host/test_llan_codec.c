// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host unit tests of the l-lan codec (drivers/hv-net/llan_codec.c): the
 * receive buffer classes for every MTU, buffer descriptors, and the
 * receive-queue entry checks against entries a hypervisor could write.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ktest.h"
#include "llan_codec.h"

/* QEMU 7.2 keeps at most 5 pools of at most 4096 buffers each. */
#define QEMU_POOLS		5
#define QEMU_POOL_MAX		4096

static void put_be(uint8_t *p, uint64_t v, int bytes)
{
	int i;

	for (i = 0; i < bytes; i++)
		p[i] = (uint8_t)(v >> (8 * (bytes - 1 - i)));
}

/* An entry as QEMU writes it: control, 0, offset, length, correlator. */
static void entry(uint8_t *e, uint8_t flags, unsigned int offset,
		  uint32_t length, uint64_t corr)
{
	e[0] = flags;
	e[1] = 0;
	put_be(e + 2, offset, 2);
	put_be(e + 4, length, 4);
	put_be(e + 8, corr, 8);
}

static const uint8_t NEW = HVK_LLAN_RXQ_TOGGLE | HVK_LLAN_RXQ_VALID;

/*
 * The kernels hv_net builds for, as the frame builder sees them: the page
 * size, and the fewest fragments an skb holds there (MAX_SKB_FRAGS: 17
 * with 4 KiB pages; 16 with 64 KiB pages up to Linux 6.1).
 */
static const struct {
	u32 page_size;
	u32 max_frags;
} kernels[] = {
	{ 4096, 17 },
	{ 65536, 16 },
};

static u32 frame_max(unsigned int k)
{
	u32 frag = HVK_LLAN_RX_FRAG_SIZE(kernels[k].page_size);

	return HVK_LLAN_RX_BUILD_MAX(frag, kernels[k].max_frags);
}

static void layout_for(struct hvk_llan_layout *l, unsigned int mtu,
		       unsigned int k)
{
	memset(l, 0, sizeof(*l));
	hvk_llan_plan(mtu, frame_max(k), l);
	l->gen = 7;
}

/* 4 KiB pages: the tighter bound. */
static void layout_1500(struct hvk_llan_layout *l)
{
	layout_for(l, 1500, 0);
}

TEST(plan_mtu_1500)
{
	struct hvk_llan_layout l;
	unsigned int total = hvk_llan_plan(1500, 69632, &l);

	ASSERT_TRUE(l.nr_classes == 3);
	EXPECT_EQ(l.cls[0].size, 512);
	EXPECT_TRUE(l.cls[1].size >= 1500 + 14 + 8);
	EXPECT_EQ(l.cls[2].size, HVK_LLAN_RX_CLASS_MAX);
	EXPECT_EQ(HVK_LLAN_RX_CLASS_MAX, 69760);
	EXPECT_EQ(l.frame_max, 69632);
	EXPECT_EQ(total, l.cls[0].count + l.cls[1].count + l.cls[2].count);
	EXPECT_EQ(hvk_llan_rxq_entries(total), total + 1);
}

TEST(plan_every_mtu)
{
	unsigned int mtu, i, total, sum;
	struct hvk_llan_layout l;

	for (mtu = HVK_LLAN_MIN_MTU; mtu <= HVK_LLAN_MAX_MTU; mtu++) {
		bool fits_mtu = false;

		total = hvk_llan_plan(mtu, frame_max(0), &l);
		if (!EXPECT_TRUE(total > 0 && total <= HVK_LLAN_MAX_BUFFERS))
			return;
		if (!EXPECT_TRUE(l.nr_classes >= 2 && l.nr_classes <= QEMU_POOLS))
			return;
		sum = 0;
		for (i = 0; i < l.nr_classes; i++) {
			sum += l.cls[i].count;
			/* QEMU wants lengths and addresses in multiples of 4. */
			if (!EXPECT_TRUE(l.cls[i].size % 4 == 0 &&
					 l.cls[i].count > 0 &&
					 l.cls[i].count <= QEMU_POOL_MAX))
				return;
			if (i && !EXPECT_TRUE(l.cls[i].size > l.cls[i - 1].size))
				return;
			if (l.cls[i].size >= mtu + HVK_LLAN_ETH_HLEN +
			    HVK_LLAN_VLAN_HLEN + HVK_LLAN_BUF_HDR)
				fits_mtu = true;
		}
		if (!EXPECT_TRUE(fits_mtu) || !EXPECT_EQ(sum, total))
			return;
		/* The largest frame the hypervisor can deliver always fits. */
		if (!EXPECT_EQ(l.cls[l.nr_classes - 1].size,
			       HVK_LLAN_RX_CLASS_MAX))
			return;
	}
}

TEST(plan_out_of_range)
{
	struct hvk_llan_layout l;

	EXPECT_EQ(hvk_llan_plan(HVK_LLAN_MIN_MTU - 1, 69632, &l), 0);
	EXPECT_EQ(l.nr_classes, 0);
	EXPECT_EQ(hvk_llan_plan(HVK_LLAN_MAX_MTU + 1, 69632, &l), 0);
	EXPECT_EQ(HVK_LLAN_MAX_MTU, 65513);
}

TEST(buffer_descriptor)
{
	uint64_t bd = hvk_llan_bd(0x12345678, 1536);

	EXPECT_TRUE(bd & HVK_LLAN_BD_VALID);
	EXPECT_TRUE(!(bd & HVK_LLAN_BD_TOGGLE));
	EXPECT_EQ((bd >> 32) & HVK_LLAN_BD_LEN_MAX, 1536);
	EXPECT_EQ(bd & 0xffffffff, 0x12345678);
}

TEST(rxq_frame)
{
	struct hvk_llan_layout l;
	struct hvk_llan_rx rx;
	uint8_t e[16];

	layout_1500(&l);
	entry(e, NEW, 8, 1514, hvk_llan_correlator(7, 1, 42));
	ASSERT_TRUE(hvk_llan_rxq_parse(e, true, &l, &rx) == HVK_LLAN_RX_FRAME);
	EXPECT_EQ(rx.cls, 1);
	EXPECT_EQ(rx.index, 42);
	EXPECT_EQ(rx.offset, 8);
	EXPECT_EQ(rx.length, 1514);
	EXPECT_TRUE(!rx.csum_good);
	/* Second lap: toggle clear. */
	entry(e, HVK_LLAN_RXQ_VALID | HVK_LLAN_RXQ_CSUM_GOOD, 8, 60,
	      hvk_llan_correlator(7, 0, 0));
	EXPECT_TRUE(hvk_llan_rxq_parse(e, false, &l, &rx) == HVK_LLAN_RX_FRAME);
	EXPECT_TRUE(rx.csum_good);
}

TEST(rxq_empty_until_toggle_matches)
{
	struct hvk_llan_layout l;
	struct hvk_llan_rx rx;
	uint8_t e[16] = { 0 };

	layout_1500(&l);
	/* A zeroed queue (as registered) holds nothing in the first lap. */
	EXPECT_TRUE(hvk_llan_rxq_parse(e, true, &l, &rx) == HVK_LLAN_RX_EMPTY);
	entry(e, NEW, 8, 60, hvk_llan_correlator(7, 0, 0));
	EXPECT_TRUE(hvk_llan_rxq_parse(e, false, &l, &rx) == HVK_LLAN_RX_EMPTY);
}

TEST(rxq_unused_buffer)
{
	struct hvk_llan_layout l;
	struct hvk_llan_rx rx;
	uint8_t e[16];

	layout_1500(&l);
	entry(e, HVK_LLAN_RXQ_TOGGLE, 0, 0, hvk_llan_correlator(7, 2, 3));
	ASSERT_TRUE(hvk_llan_rxq_parse(e, true, &l, &rx) == HVK_LLAN_RX_UNUSED);
	EXPECT_EQ(rx.cls, 2);
	EXPECT_EQ(rx.index, 3);
}

TEST(rxq_bad_correlator)
{
	struct hvk_llan_layout l;
	struct hvk_llan_rx rx;
	uint8_t e[16];
	const uint64_t bad[] = {
		hvk_llan_correlator(6, 0, 0),		/* stale generation */
		hvk_llan_correlator(7, 3, 0),		/* no such class */
		hvk_llan_correlator(7, 0xff, 0),
		hvk_llan_correlator(7, 0, 256),		/* index past the class */
		hvk_llan_correlator(7, 2, 16),
		hvk_llan_correlator(7, 0, 0) ^ (1ULL << 60),	/* magic */
		0, ~0ULL,
	};
	unsigned int i;

	layout_1500(&l);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		entry(e, NEW, 8, 60, bad[i]);
		if (!EXPECT_TRUE(hvk_llan_rxq_parse(e, true, &l, &rx) ==
				 HVK_LLAN_RX_BAD_CORRELATOR))
			ktest_diag("correlator %#llx", (unsigned long long)bad[i]);
	}
	/* The last buffer of each class is fine. */
	for (i = 0; i < l.nr_classes; i++) {
		entry(e, NEW, 8, 60, hvk_llan_correlator(7, i, l.cls[i].count - 1));
		EXPECT_TRUE(hvk_llan_rxq_parse(e, true, &l, &rx) == HVK_LLAN_RX_FRAME);
	}
}

TEST(rxq_offset_and_length)
{
	struct hvk_llan_layout l;
	struct hvk_llan_rx rx;
	uint64_t c;
	uint32_t size;
	uint8_t e[16];

	layout_1500(&l);
	c = hvk_llan_correlator(7, 0, 1);
	size = l.cls[0].size;
	entry(e, NEW, 0, 60, c);
	EXPECT_TRUE(hvk_llan_rxq_parse(e, true, &l, &rx) == HVK_LLAN_RX_BAD_OFFSET);
	entry(e, NEW, 7, 60, c);
	EXPECT_TRUE(hvk_llan_rxq_parse(e, true, &l, &rx) == HVK_LLAN_RX_BAD_OFFSET);
	entry(e, NEW, size, 14, c);
	EXPECT_TRUE(hvk_llan_rxq_parse(e, true, &l, &rx) == HVK_LLAN_RX_BAD_OFFSET);
	entry(e, NEW, 0xffff, 14, c);
	EXPECT_TRUE(hvk_llan_rxq_parse(e, true, &l, &rx) == HVK_LLAN_RX_BAD_OFFSET);
	entry(e, NEW, 8, 13, c);
	EXPECT_TRUE(hvk_llan_rxq_parse(e, true, &l, &rx) == HVK_LLAN_RX_BAD_LENGTH);
	entry(e, NEW, 8, size - 7, c);
	EXPECT_TRUE(hvk_llan_rxq_parse(e, true, &l, &rx) == HVK_LLAN_RX_BAD_LENGTH);
	entry(e, NEW, 8, 0xffffffff, c);
	EXPECT_TRUE(hvk_llan_rxq_parse(e, true, &l, &rx) == HVK_LLAN_RX_BAD_LENGTH);
	/* Exactly filling the buffer is fine, also past the usual offset. */
	entry(e, NEW, 8, size - 8, c);
	EXPECT_TRUE(hvk_llan_rxq_parse(e, true, &l, &rx) == HVK_LLAN_RX_FRAME);
	entry(e, NEW, 100, size - 100, c);
	EXPECT_TRUE(hvk_llan_rxq_parse(e, true, &l, &rx) == HVK_LLAN_RX_FRAME);
}

TEST(rx_frag_sizes)
{
	EXPECT_EQ(HVK_LLAN_RX_FRAG_SIZE(4096), 4096);
	EXPECT_EQ(HVK_LLAN_RX_FRAG_SIZE(16384), 8192);
	EXPECT_EQ(HVK_LLAN_RX_FRAG_SIZE(65536), 8192);
	EXPECT_EQ(hvk_llan_rx_nr_frags(256, 256, 4096), 0);
	EXPECT_EQ(hvk_llan_rx_nr_frags(257, 256, 4096), 1);
	EXPECT_EQ(hvk_llan_rx_nr_frags(4097, 256, 4096), 2);
	EXPECT_EQ(hvk_llan_rx_nr_frags(69632, 0, 4096), 17);
	EXPECT_EQ(hvk_llan_rx_nr_frags(69633, 0, 4096), 18);
	EXPECT_EQ(hvk_llan_rx_nr_frags(69752, 0, 8192), 9);
	EXPECT_EQ(hvk_llan_rx_nr_frags(0xffffffff, 0, 4096), 0x100000);
	/* The bound: what the fragments hold. */
	EXPECT_EQ(frame_max(0), 69632);
	EXPECT_EQ(frame_max(1), 131072);
	EXPECT_EQ(HVK_LLAN_RX_CLASS_FRAME, 69752);
	EXPECT_EQ(HVK_LLAN_RX_BUILD_MAX(4096, 16), 65536);
}

/*
 * Issue 11, finding 1: the largest class (69760 bytes) can deliver a
 * 69752-byte frame, 18 fragments of 4 KiB, one more than MAX_SKB_FRAGS.
 * The parser must drop it (keeping the buffer) on 4 KiB pages and accept
 * it on 64 KiB pages, where it takes 9 fragments of 8 KiB.
 */
TEST(rx_longest_frame)
{
	struct hvk_llan_layout l;
	struct hvk_llan_rx rx;
	unsigned int cls;
	uint8_t e[16];

	layout_for(&l, 1500, 0);
	cls = l.nr_classes - 1;
	entry(e, NEW, 8, 69752, hvk_llan_correlator(7, cls, 15));
	ASSERT_TRUE(hvk_llan_rxq_parse(e, true, &l, &rx) == HVK_LLAN_RX_TOO_LONG);
	EXPECT_EQ(rx.cls, cls);
	EXPECT_EQ(rx.index, 15);
	EXPECT_EQ(rx.length, 69752);
	entry(e, NEW, 8, 69632, hvk_llan_correlator(7, cls, 15));
	ASSERT_TRUE(hvk_llan_rxq_parse(e, true, &l, &rx) == HVK_LLAN_RX_FRAME);
	EXPECT_EQ(hvk_llan_rx_nr_frags(rx.length, 0, 4096), 17);
	/* Longer than the buffer is still a bad entry, not a drop. */
	entry(e, NEW, 8, 69753, hvk_llan_correlator(7, cls, 15));
	EXPECT_TRUE(hvk_llan_rxq_parse(e, true, &l, &rx) == HVK_LLAN_RX_BAD_LENGTH);

	layout_for(&l, 1500, 1);
	entry(e, NEW, 8, 69752, hvk_llan_correlator(7, cls, 15));
	ASSERT_TRUE(hvk_llan_rxq_parse(e, true, &l, &rx) == HVK_LLAN_RX_FRAME);
	EXPECT_EQ(hvk_llan_rx_nr_frags(rx.length, 0, 8192), 9);
}

/*
 * Every frame the parser accepts, at every offset and length in a buffer
 * of the largest class, fits the fragments of an skb on both page sizes:
 * skb_add_rx_frag() does not check.
 */
TEST(rx_frame_fits_skb)
{
	struct hvk_llan_layout l;
	struct hvk_llan_rx rx;
	unsigned int k, cls, off;
	uint32_t size, len, frag, nr, longest;
	enum hvk_llan_rx_verdict v;
	uint8_t e[16];

	for (k = 0; k < ARRAY_SIZE(kernels); k++) {
		frag = HVK_LLAN_RX_FRAG_SIZE(kernels[k].page_size);
		layout_for(&l, 1500, k);
		cls = l.nr_classes - 1;
		size = l.cls[cls].size;
		longest = 0;
		for (off = 8; off <= 264; off += 128) {
			for (len = HVK_LLAN_ETH_HLEN; len <= size - off; len++) {
				entry(e, NEW, off, len,
				      hvk_llan_correlator(7, cls, 0));
				v = hvk_llan_rxq_parse(e, true, &l, &rx);
				if (!EXPECT_TRUE(v == HVK_LLAN_RX_FRAME ||
						 v == HVK_LLAN_RX_TOO_LONG))
					return;
				if (v != HVK_LLAN_RX_FRAME)
					continue;
				nr = hvk_llan_rx_nr_frags(rx.length, 0, frag);
				if (!EXPECT_TRUE(nr <= kernels[k].max_frags)) {
					ktest_diag("%u-byte pages: a %u-byte frame in a %u-byte buffer takes %u fragments of %u, MAX_SKB_FRAGS %u",
						   kernels[k].page_size, len,
						   size, nr, frag,
						   kernels[k].max_frags);
					return;
				}
				if (len > longest)
					longest = len;
			}
		}
		/* Nothing QEMU can deliver is dropped. */
		EXPECT_TRUE(longest >= HVK_LLAN_RX_FRAME_MAX);
	}
}

TEST(mac_property)
{
	const uint8_t six[] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
	const uint8_t eight[] = { 0, 0, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55 };
	const uint8_t want8[] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55 };
	uint8_t mac[6];

	ASSERT_TRUE(hvk_llan_parse_mac(six, 6, mac) == 0);
	EXPECT_TRUE(!memcmp(mac, six, 6));
	ASSERT_TRUE(hvk_llan_parse_mac(eight, 8, mac) == 0);
	EXPECT_TRUE(!memcmp(mac, want8, 6));
	EXPECT_EQ(hvk_llan_parse_mac(eight, 7, mac), -EINVAL);
	EXPECT_EQ(hvk_llan_parse_mac(eight, 0, mac), -EINVAL);
	EXPECT_EQ(hvk_llan_parse_mac(NULL, 6, mac), -EINVAL);
}

int main(int argc, char **argv)
{
	return ktest_main(argc, argv);
}
