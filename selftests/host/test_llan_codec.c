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

static void layout_1500(struct hvk_llan_layout *l)
{
	memset(l, 0, sizeof(*l));
	hvk_llan_plan(1500, l);
	l->gen = 7;
}

TEST(plan_mtu_1500)
{
	struct hvk_llan_layout l;
	unsigned int total = hvk_llan_plan(1500, &l);

	ASSERT_TRUE(l.nr_classes == 3);
	EXPECT_EQ(l.cls[0].size, 512);
	EXPECT_TRUE(l.cls[1].size >= 1500 + 14 + 8);
	EXPECT_TRUE(l.cls[2].size >= HVK_LLAN_RX_FRAME_MAX + HVK_LLAN_BUF_HDR);
	EXPECT_EQ(total, l.cls[0].count + l.cls[1].count + l.cls[2].count);
	EXPECT_EQ(hvk_llan_rxq_entries(total), total + 1);
}

TEST(plan_every_mtu)
{
	unsigned int mtu, i, total, sum;
	struct hvk_llan_layout l;

	for (mtu = HVK_LLAN_MIN_MTU; mtu <= HVK_LLAN_MAX_MTU; mtu++) {
		bool fits_mtu = false;

		total = hvk_llan_plan(mtu, &l);
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
		if (!EXPECT_TRUE(l.cls[l.nr_classes - 1].size >=
				 HVK_LLAN_RX_FRAME_MAX + HVK_LLAN_BUF_HDR))
			return;
	}
}

TEST(plan_out_of_range)
{
	struct hvk_llan_layout l;

	EXPECT_EQ(hvk_llan_plan(HVK_LLAN_MIN_MTU - 1, &l), 0);
	EXPECT_EQ(l.nr_classes, 0);
	EXPECT_EQ(hvk_llan_plan(HVK_LLAN_MAX_MTU + 1, &l), 0);
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
