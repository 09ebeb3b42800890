// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host unit tests of hvkit-vmm's l-lan device and switch (tools/hvkit-vmm/
 * llan_model.c), driven the way hv_net drives the device: hypercalls
 * through the SMCCC front door, buffer descriptors and correlators built
 * by hv_net's codec, receive-queue entries read back with its parser.
 * Frames are checked byte for byte; what QEMU refuses is refused with
 * QEMU's status and counted.
 */
#include <stdlib.h>
#include <string.h>

#include <hvkit/hcall_opcodes.h>
#include <hvkit/hcall_status.h>
#include <hvkit/smccc_abi.h>

#include "ktest.h"
#include "llan_model.h"
#include "smccc.h"

#define RAM_BASE	0x40000000ull
#define RAM_SIZE	(8u << 20)
#define UNIT_A		0x30000020
#define UNIT_B		0x30000021
/* Each device's guest memory: pages, queue, transmit data, buffers. */
#define DEV_SPAN	(3u << 20)
#define BUFLIST		0x0000
#define FILTER		0x1000
#define RXQ		0x2000		/* up to 0xe000: 3584 entries */
#define TXDATA		0x10000		/* 0x10000 .. 0x40000 */
#define BUFS		0x40000

static u8 ram[RAM_SIZE] __attribute__((aligned(4096)));
static struct hvm_guest_mem mem = { .host = ram, .base = RAM_BASE, .size = RAM_SIZE };
static struct hvm_hcall_table table;
static struct hvm_llan la, lb;
static unsigned int pulses_a, pulses_b;
static unsigned int ready_a;	/* rx_ready reports of device A */

static const u8 MAC_A[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x0a };
static const u8 MAC_B[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x0b };

/* The guest's side of one device, as hv_net keeps it. */
struct guest {
	u32 unit;
	u64 base;		/* of this device's memory */
	unsigned int rxq_entries, next;
	bool toggle;
	struct hvk_llan_layout lay;
	u64 cls_base[HVK_LLAN_MAX_CLASSES];
};

static struct guest ga, gb;

static u8 *gp(u64 gpa)
{
	return ram + (gpa - RAM_BASE);
}

static void pulse(struct hvm_llan *l)
{
	if (l == &la)
		pulses_a++;
	else
		pulses_b++;
}

static void rx_ready(struct hvm_llan *l)
{
	if (l == &la)
		ready_a++;
}

static long hcall9(u32 opcode, const u64 *in)
{
	struct hvm_smccc_regs r = { .x = { HVK_SMCCC_FN_BASE | opcode } };

	memcpy(&r.x[1], in, HVM_CALL_REGS * sizeof(u64));
	hvm_smccc_answer(&table, &r);
	return (long)r.x[0];
}

static long hcall(u32 opcode, u64 a0, u64 a1, u64 a2, u64 a3, u64 a4)
{
	u64 in[HVM_CALL_REGS] = { a0, a1, a2, a3, a4 };

	return hcall9(opcode, in);
}

/* A layout of three classes: sizes @s0..@s2, counts @c0..@c2. */
static void layout(struct guest *g, u32 s0, u32 c0, u32 s1, u32 c1, u32 s2, u32 c2)
{
	u64 at = g->base + BUFS;
	unsigned int i;

	memset(&g->lay, 0, sizeof(g->lay));
	g->lay.gen = 7;
	g->lay.frame_max = HVK_LLAN_RX_CLASS_FRAME;
	g->lay.nr_classes = 3;
	g->lay.cls[0] = (struct hvk_llan_class){ s0, c0 };
	g->lay.cls[1] = (struct hvk_llan_class){ s1, c1 };
	g->lay.cls[2] = (struct hvk_llan_class){ s2, c2 };
	for (i = 0; i < 3; i++) {
		g->cls_base[i] = at;
		at += (u64)g->lay.cls[i].size * g->lay.cls[i].count;
	}
	ASSERT_TRUE(at <= g->base + DEV_SPAN);
}

static u64 buf_gpa(const struct guest *g, unsigned int cls, u32 index)
{
	return g->cls_base[cls] + (u64)index * g->lay.cls[cls].size;
}

/* H_REGISTER_LOGICAL_LAN with a queue of @entries entries. */
static long reg(struct guest *g, unsigned int entries)
{
	g->rxq_entries = entries;
	g->next = 0;
	g->toggle = true;
	return hcall(HVK_H_REGISTER_LOGICAL_LAN, g->unit, g->base + BUFLIST,
		     hvk_llan_bd((u32)(g->base + RXQ), entries * HVK_LLAN_RXQ_ENTRY),
		     g->base + FILTER, 0);
}

/* Post buffer (cls, index), correlator first, as hv_net does. */
static long post(struct guest *g, unsigned int cls, u32 index)
{
	u64 gpa = buf_gpa(g, cls, index);

	hvk_put_be64(gp(gpa), hvk_llan_correlator(g->lay.gen, cls, index));
	return hcall(HVK_H_ADD_LOGICAL_LAN_BUFFER, g->unit,
		     hvk_llan_bd((u32)gpa, g->lay.cls[cls].size), 0, 0, 0);
}

static void post_all(struct guest *g)
{
	unsigned int c;
	u32 i;

	for (c = 0; c < g->lay.nr_classes; c++)
		for (i = 0; i < g->lay.cls[c].count; i++)
			ASSERT_EQ(post(g, c, i), HVK_H_SUCCESS);
}

/* The next receive-queue entry, parsed by hv_net's parser. */
static enum hvk_llan_rx_verdict take(struct guest *g, struct hvk_llan_rx *rx)
{
	const u8 *e = gp(g->base + RXQ + (u64)g->next * HVK_LLAN_RXQ_ENTRY);
	enum hvk_llan_rx_verdict v = hvk_llan_rxq_parse(e, g->toggle, &g->lay, rx);

	if (v != HVK_LLAN_RX_EMPTY && ++g->next == g->rxq_entries) {
		g->next = 0;
		g->toggle = !g->toggle;
	}
	return v;
}

static u64 drop_counter(const struct guest *g)
{
	return hvk_get_be64(gp(g->base + BUFLIST + HVK_LLAN_DROP_COUNTER));
}

static void fill(u8 *p, size_t len, unsigned int seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (u8)(i * 7 + seed * 31 + (i >> 8));
}

static u8 frame[HVK_LLAN_RX_CLASS_MAX];

/* A frame of @len bytes from @src to @dst, its payload from @seed. */
static const u8 *make_frame(const u8 *dst, const u8 *src, size_t len, unsigned int seed)
{
	fill(frame, len, seed);
	if (len >= 12) {
		memcpy(frame, dst, 6);
		memcpy(frame + 6, src, 6);
	}
	return frame;
}

/* Frames the device sent, as its owner got them. */
static u8 sent[HVK_LLAN_TX_MAX];
static size_t sent_len;
static unsigned int sent_count;

static void capture(void *ctx, struct hvm_llan *from, const u8 *f, size_t len)
{
	(void)ctx;
	(void)from;
	memcpy(sent, f, len);
	sent_len = len;
	sent_count++;
}

static void world(void)
{
	memset(ram, 0, sizeof(ram));
	pulses_a = pulses_b = 0;
	ready_a = 0;
	sent_len = 0;
	sent_count = 0;
	hvm_table_init(&table);
	hvm_llan_init(&la, UNIT_A, &mem, MAC_A, pulse, NULL);
	hvm_llan_init(&lb, UNIT_B, &mem, MAC_B, pulse, NULL);
	ASSERT_EQ(hvm_llan_attach(&la, &table), 0);
	ASSERT_EQ(hvm_llan_attach(&lb, &table), 0);
	EXPECT_EQ(hvm_llan_attach(&la, &table), -EEXIST);
	hvm_llan_set_output(&la, capture, NULL);
	memset(&ga, 0, sizeof(ga));
	memset(&gb, 0, sizeof(gb));
	ga.unit = UNIT_A;
	ga.base = RAM_BASE;
	gb.unit = UNIT_B;
	gb.base = RAM_BASE + DEV_SPAN;
}

/* Deliver @len bytes to device A and check what hv_net would see. */
static void deliver_and_check(size_t len, unsigned int want_cls, u32 want_index,
			      unsigned int seed)
{
	static const u8 bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	const u8 *f = make_frame(bcast, MAC_B, len, seed);
	struct hvk_llan_rx rx;

	ASSERT_EQ(hvm_llan_deliver(&la, f, len), 0);
	ASSERT_EQ(take(&ga, &rx), HVK_LLAN_RX_FRAME);
	EXPECT_EQ(rx.cls, want_cls);
	EXPECT_EQ(rx.index, want_index);
	EXPECT_EQ(rx.offset, HVK_LLAN_BUF_HDR);
	EXPECT_EQ(rx.length, len);
	EXPECT_TRUE(!rx.csum_good);
	EXPECT_TRUE(!memcmp(gp(buf_gpa(&ga, rx.cls, rx.index)) + rx.offset, f, len));
	/* The correlator stays where it was. */
	EXPECT_EQ(hvk_get_be64(gp(buf_gpa(&ga, rx.cls, rx.index))),
		  hvk_llan_correlator(ga.lay.gen, rx.cls, rx.index));
}

TEST(frames_take_the_smallest_buffer_that_fits_last_posted_first)
{
	struct hvk_llan_rx rx;
	u8 *e;

	world();
	layout(&ga, 256, 4, 1536, 4, HVK_LLAN_RX_CLASS_MAX, 2);
	ASSERT_EQ(reg(&ga, 16), HVK_H_SUCCESS);
	/* Posted largest class first: the pools sort themselves by length. */
	ASSERT_EQ(post(&ga, 2, 0), HVK_H_SUCCESS);
	ASSERT_EQ(post(&ga, 2, 1), HVK_H_SUCCESS);
	ASSERT_EQ(post(&ga, 1, 0), HVK_H_SUCCESS);
	ASSERT_EQ(post(&ga, 1, 1), HVK_H_SUCCESS);
	ASSERT_EQ(post(&ga, 1, 2), HVK_H_SUCCESS);
	ASSERT_EQ(post(&ga, 0, 0), HVK_H_SUCCESS);
	ASSERT_EQ(post(&ga, 0, 1), HVK_H_SUCCESS);
	EXPECT_EQ(la.rx_bufs, 7);
	EXPECT_TRUE(hvm_llan_can_receive(&la));

	deliver_and_check(60, 0, 1, 1);		/* LIFO inside a pool */
	deliver_and_check(248, 0, 0, 2);	/* 248 + 8 = 256: fits */
	deliver_and_check(60, 1, 2, 3);		/* class 0 empty: the next one */
	deliver_and_check(249, 1, 1, 4);
	deliver_and_check(1528, 1, 0, 5);
	deliver_and_check(1529, 2, 1, 6);	/* only the largest holds it */
	deliver_and_check(HVK_LLAN_RX_CLASS_FRAME, 2, 0, 7);
	EXPECT_EQ(take(&ga, &rx), HVK_LLAN_RX_EMPTY);
	EXPECT_EQ(la.rx_bufs, 0);
	EXPECT_TRUE(!hvm_llan_can_receive(&la));
	EXPECT_EQ(la.rx_frames, 7);
	EXPECT_EQ(la.rx_no_buffer, 0);
	EXPECT_EQ(drop_counter(&ga), 0);
	/* QEMU's entry: toggle and valid, byte 1 untouched, offset 8. */
	e = gp(ga.base + RXQ);
	EXPECT_EQ(e[0], HVK_LLAN_RXQ_TOGGLE | HVK_LLAN_RXQ_VALID);
	EXPECT_EQ(e[1], 0);
	EXPECT_EQ(hvk_get_be16(e + 2), 8);
	/* Registration leaves the interrupt off: no pulse yet. */
	EXPECT_EQ(pulses_a, 0);
	EXPECT_EQ(hcall(HVK_H_VIO_SIGNAL, UNIT_A, 1, 0, 0, 0), HVK_H_SUCCESS);
	ASSERT_EQ(post(&ga, 0, 0), HVK_H_SUCCESS);
	deliver_and_check(100, 0, 0, 8);
	EXPECT_EQ(pulses_a, 1);
	EXPECT_EQ(hcall(HVK_H_VIO_SIGNAL, UNIT_A, 0, 0, 0, 0), HVK_H_SUCCESS);
	ASSERT_EQ(post(&ga, 0, 0), HVK_H_SUCCESS);
	deliver_and_check(100, 0, 0, 9);
	EXPECT_EQ(pulses_a, 1);
}

TEST(the_toggle_flips_at_every_lap_of_the_queue)
{
	unsigned int i;
	u64 bd;

	world();
	layout(&ga, 256, 1, 512, 1, 1024, 1);
	ASSERT_EQ(reg(&ga, 3), HVK_H_SUCCESS);
	bd = hvk_get_be64(gp(ga.base + BUFLIST + HVK_LLAN_RXQ_BD));
	EXPECT_EQ(bd, hvk_llan_bd((u32)(ga.base + RXQ), 48));
	for (i = 0; i < 20; i++) {
		unsigned int cls = i % 3;

		ASSERT_EQ(post(&ga, cls, 0), HVK_H_SUCCESS);
		deliver_and_check(200 + 250 * cls, cls, 0, i);
		/* The buffer list's rxq BD carries the lap in its toggle bit. */
		bd = hvk_get_be64(gp(ga.base + BUFLIST + HVK_LLAN_RXQ_BD));
		EXPECT_EQ(!!(bd & HVK_LLAN_BD_TOGGLE), ((i + 1) / 3) % 2);
		EXPECT_EQ(bd & ~HVK_LLAN_BD_TOGGLE, hvk_llan_bd((u32)(ga.base + RXQ), 48));
		EXPECT_EQ(la.rxq_toggle, ((i + 1) / 3) % 2);
	}
	EXPECT_EQ(ga.next, 20 % 3);
	EXPECT_EQ(la.rx_frames, 20);
}

TEST(hv_nets_own_plan_over_many_laps)
{
	unsigned int i, bad = 0, frames = 0;
	struct hvk_llan_rx rx;
	unsigned int total;

	world();
	total = hvk_llan_plan(1500, HVK_LLAN_RX_CLASS_FRAME, &ga.lay);
	ASSERT_EQ(ga.lay.nr_classes, 3);
	layout(&ga, ga.lay.cls[0].size, ga.lay.cls[0].count, ga.lay.cls[1].size,
	       ga.lay.cls[1].count, ga.lay.cls[2].size, ga.lay.cls[2].count);
	ASSERT_EQ(reg(&ga, hvk_llan_rxq_entries(total)), HVK_H_SUCCESS);
	post_all(&ga);
	EXPECT_EQ(la.rx_bufs, total);
	EXPECT_EQ(hcall(HVK_H_VIO_SIGNAL, UNIT_A, 1, 0, 0, 0), HVK_H_SUCCESS);
	srand(1);
	for (i = 0; i < 3000; i++) {
		size_t len = 14 + (size_t)rand() % (i % 50 ? 1500 : HVK_LLAN_RX_FRAME_MAX - 14);
		const u8 *f = make_frame(MAC_A, MAC_B, len, i);

		ASSERT_EQ(hvm_llan_deliver(&la, f, len), 0);
		/* hv_net: take the entry, copy the frame out, repost the buffer. */
		ASSERT_EQ(take(&ga, &rx), HVK_LLAN_RX_FRAME);
		bad += rx.length != len ||
		       memcmp(gp(buf_gpa(&ga, rx.cls, rx.index)) + rx.offset, f, len);
		frames++;
		ASSERT_EQ(post(&ga, rx.cls, rx.index), HVK_H_SUCCESS);
	}
	EXPECT_EQ(bad, 0);
	EXPECT_EQ(frames, 3000);
	EXPECT_EQ(pulses_a, 3000);
	EXPECT_EQ(la.rx_bufs, total);
	EXPECT_EQ(la.rx_no_buffer, 0);
	/* 3000 entries in a queue of 785: three laps done, the fourth under way. */
	EXPECT_EQ(ga.toggle, false);
}

TEST(no_buffer_that_fits_drops_and_counts_at_4088)
{
	static const u8 bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	const u8 *f = make_frame(bcast, MAC_B, 1000, 1);
	struct hvk_llan_rx rx;

	world();
	layout(&ga, 256, 2, 1536, 1, 4096, 1);
	/* Not registered: nothing to count into. */
	EXPECT_EQ(hvm_llan_deliver(&la, f, 1000), -ENOTCONN);
	EXPECT_EQ(la.rx_closed, 1);
	ASSERT_EQ(reg(&ga, 8), HVK_H_SUCCESS);
	EXPECT_EQ(hvm_llan_deliver(&la, f, 0), -EINVAL);
	/* No buffers at all. */
	EXPECT_EQ(hvm_llan_deliver(&la, f, 1000), -ENOBUFS);
	EXPECT_EQ(drop_counter(&ga), 1);
	/* Only small ones. */
	ASSERT_EQ(post(&ga, 0, 0), HVK_H_SUCCESS);
	ASSERT_EQ(post(&ga, 0, 1), HVK_H_SUCCESS);
	EXPECT_EQ(hvm_llan_deliver(&la, f, 1000), -ENOBUFS);
	EXPECT_EQ(hvm_llan_deliver(&la, f, 249), -ENOBUFS);
	EXPECT_EQ(drop_counter(&ga), 3);
	EXPECT_EQ(la.rx_no_buffer, 3);
	EXPECT_EQ(la.rx_bufs, 2);
	EXPECT_EQ(take(&ga, &rx), HVK_LLAN_RX_EMPTY);
	/* A frame no buffer length can describe. */
	EXPECT_EQ(hvm_llan_deliver(&la, f, (size_t)HVK_LLAN_BD_LEN_MAX + 1), -ENOBUFS);
	EXPECT_EQ(drop_counter(&ga), 4);
	/* The counter is the guest's memory: it counts on from what is there. */
	hvk_put_be64(gp(ga.base + BUFLIST + HVK_LLAN_DROP_COUNTER), 0xfffffffeull);
	EXPECT_EQ(hvm_llan_deliver(&la, f, 1000), -ENOBUFS);
	EXPECT_EQ(drop_counter(&ga), 0xffffffffull);
	/* What fits still goes. */
	deliver_and_check(100, 0, 1, 2);
	EXPECT_EQ(la.rx_no_buffer, 5);
}

TEST(send_gathers_one_and_six_descriptors)
{
	static const u32 lens[6] = { 14, 100, 1, 4000, 333, 60000 };
	u64 in[HVM_CALL_REGS] = { UNIT_A };
	u8 want[HVK_LLAN_TX_MAX];
	unsigned int i, at = 0;
	u64 gpa;

	world();
	layout(&ga, 256, 1, 512, 1, 1024, 1);
	ASSERT_EQ(reg(&ga, 4), HVK_H_SUCCESS);

	fill(gp(ga.base + TXDATA), 1514, 5);
	in[1] = hvk_llan_bd((u32)(ga.base + TXDATA), 1514);
	EXPECT_EQ(hcall9(HVK_H_SEND_LOGICAL_LAN, in), HVK_H_SUCCESS);
	EXPECT_EQ(sent_count, 1);
	EXPECT_EQ(sent_len, 1514);
	EXPECT_TRUE(!memcmp(sent, gp(ga.base + TXDATA), 1514));

	/* Six pieces, odd lengths, out of order in memory, flags ignored. */
	gpa = ga.base + TXDATA + 0x20000;
	for (i = 0; i < 6; i++) {
		gpa -= lens[i] + 3;
		fill(gp(gpa), lens[i], 10 + i);
		memcpy(want + at, gp(gpa), lens[i]);
		at += lens[i];
		in[1 + i] = hvk_llan_bd((u32)gpa, lens[i]) | (i & 1 ? 0x0300000000000000ull : 0);
	}
	EXPECT_EQ(hcall9(HVK_H_SEND_LOGICAL_LAN, in), HVK_H_SUCCESS);
	EXPECT_EQ(sent_count, 2);
	EXPECT_EQ(sent_len, at);
	EXPECT_TRUE(!memcmp(sent, want, at));
	EXPECT_EQ(la.tx_frames, 2);
	EXPECT_EQ(la.tx_bytes, 1514 + at);

	/* Gathering stops at the first descriptor not valid. */
	in[3] &= ~HVK_LLAN_BD_VALID;
	EXPECT_EQ(hcall9(HVK_H_SEND_LOGICAL_LAN, in), HVK_H_SUCCESS);
	EXPECT_EQ(sent_len, lens[0] + lens[1]);
	EXPECT_TRUE(!memcmp(sent, want, sent_len));

	/* Exactly 64 KiB goes. */
	memset(in + 1, 0, 6 * sizeof(u64));
	in[1] = hvk_llan_bd((u32)(ga.base + TXDATA), 0x8000);
	in[2] = hvk_llan_bd((u32)(ga.base + TXDATA + 0x8000), 0x8000);
	EXPECT_EQ(hcall9(HVK_H_SEND_LOGICAL_LAN, in), HVK_H_SUCCESS);
	EXPECT_EQ(sent_len, HVK_LLAN_TX_MAX);
	EXPECT_EQ(sent_count, 4);
}

TEST(bad_sends_get_qemus_statuses_and_are_counted)
{
	u64 in[HVM_CALL_REGS] = { UNIT_A };

	world();
	layout(&ga, 256, 1, 512, 1, 1024, 1);
	in[1] = hvk_llan_bd((u32)(ga.base + TXDATA), 100);
	/* Not registered. */
	EXPECT_EQ(hcall9(HVK_H_SEND_LOGICAL_LAN, in), HVK_H_DROPPED);
	EXPECT_EQ(la.closed_sends, 1);
	ASSERT_EQ(reg(&ga, 4), HVK_H_SUCCESS);
	/* A seventh piece can only be the continuation token: refused. */
	in[7] = hvk_llan_bd((u32)(ga.base + TXDATA), 100);
	EXPECT_EQ(hcall9(HVK_H_SEND_LOGICAL_LAN, in), HVK_H_HARDWARE);
	EXPECT_EQ(la.continued_sends, 1);
	in[7] = 0;
	/* More than 64 KiB. */
	in[1] = hvk_llan_bd((u32)(ga.base + TXDATA), 0x8000);
	in[2] = hvk_llan_bd((u32)(ga.base + TXDATA), 0x8001);
	EXPECT_EQ(hcall9(HVK_H_SEND_LOGICAL_LAN, in), HVK_H_RESOURCE);
	EXPECT_EQ(la.oversize_sends, 1);
	/* Six of the longest a BD can say: the sum must not wrap. */
	for (int i = 1; i <= 6; i++)
		in[i] = HVK_LLAN_BD_VALID | 0x00ffffffffffffffull;
	EXPECT_EQ(hcall9(HVK_H_SEND_LOGICAL_LAN, in), HVK_H_RESOURCE);
	EXPECT_EQ(la.oversize_sends, 2);
	memset(in + 1, 0, 6 * sizeof(u64));
	/* Outside guest memory, below it, straddling its end. */
	in[1] = hvk_llan_bd((u32)(ga.base + TXDATA), 10);
	in[2] = hvk_llan_bd(0x1000, 64);
	EXPECT_EQ(hcall9(HVK_H_SEND_LOGICAL_LAN, in), HVK_H_DEST_PARM);
	in[2] = hvk_llan_bd((u32)(RAM_BASE + RAM_SIZE - 32), 64);
	EXPECT_EQ(hcall9(HVK_H_SEND_LOGICAL_LAN, in), HVK_H_DEST_PARM);
	in[2] = hvk_llan_bd(0xffffffc0u, 0x100);
	EXPECT_EQ(hcall9(HVK_H_SEND_LOGICAL_LAN, in), HVK_H_DEST_PARM);
	EXPECT_EQ(la.bad_send_addresses, 3);
	/* Nothing valid, or only empty pieces: success, nothing sent. */
	memset(in + 1, 0, 6 * sizeof(u64));
	EXPECT_EQ(hcall9(HVK_H_SEND_LOGICAL_LAN, in), HVK_H_SUCCESS);
	in[1] = hvk_llan_bd(0x1000, 0);
	EXPECT_EQ(hcall9(HVK_H_SEND_LOGICAL_LAN, in), HVK_H_SUCCESS);
	EXPECT_EQ(sent_count, 0);
	EXPECT_EQ(la.tx_frames, 0);
}

TEST(bad_registrations_get_qemus_statuses_and_are_counted)
{
	u64 rxq;

	world();
	rxq = hvk_llan_bd((u32)(ga.base + RXQ), 256);
#define REG(buf, q, filt) hcall(HVK_H_REGISTER_LOGICAL_LAN, UNIT_A, (buf), (q), (filt), 0)
	EXPECT_EQ(REG(ga.base + 0x800, rxq, ga.base + FILTER), HVK_H_PARAMETER);
	EXPECT_EQ(REG(0x1000, rxq, ga.base + FILTER), HVK_H_PARAMETER);
	EXPECT_EQ(REG(RAM_BASE + RAM_SIZE, rxq, ga.base + FILTER), HVK_H_PARAMETER);
	EXPECT_EQ(REG((1ull << 32) | ga.base, rxq, ga.base + FILTER), HVK_H_PARAMETER);
	EXPECT_EQ(REG(ga.base, rxq, ga.base + FILTER + 8), HVK_H_PARAMETER);
	EXPECT_EQ(REG(ga.base, rxq, 0), HVK_H_PARAMETER);
	EXPECT_EQ(REG(ga.base, rxq & ~HVK_LLAN_BD_VALID, ga.base + FILTER), HVK_H_PARAMETER);
	EXPECT_EQ(REG(ga.base, hvk_llan_bd((u32)(ga.base + RXQ + 8), 256), ga.base + FILTER),
		  HVK_H_PARAMETER);
	EXPECT_EQ(REG(ga.base, hvk_llan_bd((u32)(ga.base + RXQ), 250), ga.base + FILTER),
		  HVK_H_PARAMETER);
	EXPECT_EQ(REG(ga.base, hvk_llan_bd((u32)(ga.base + RXQ), 0), ga.base + FILTER),
		  HVK_H_PARAMETER);
	EXPECT_EQ(REG(ga.base, hvk_llan_bd((u32)(RAM_BASE + RAM_SIZE - 128), 256),
		      ga.base + FILTER), HVK_H_PARAMETER);
	EXPECT_EQ(la.bad_registrations, 11);
	EXPECT_TRUE(!la.registered);
	/* Freeing what is not registered. */
	EXPECT_EQ(hcall(HVK_H_FREE_LOGICAL_LAN, UNIT_A, 0, 0, 0, 0), HVK_H_RESOURCE);
	EXPECT_EQ(la.bad_frees, 1);
	/* Good, with the toggle set in the BD (cleared), then once more. */
	EXPECT_EQ(REG(ga.base, rxq | HVK_LLAN_BD_TOGGLE, ga.base + FILTER), HVK_H_SUCCESS);
	EXPECT_EQ(hvk_get_be64(gp(ga.base + BUFLIST)), rxq);
	EXPECT_EQ(hvk_get_be64(gp(ga.base + BUFLIST + HVK_LLAN_FILTER_BD)),
		  hvk_llan_bd((u32)(ga.base + FILTER), 4096));
	EXPECT_EQ(REG(ga.base, rxq, ga.base + FILTER), HVK_H_RESOURCE);
	/* Even a bad one is "already registered" first, as on QEMU. */
	EXPECT_EQ(REG(1, 0, 1), HVK_H_RESOURCE);
	EXPECT_EQ(la.double_registrations, 2);
	EXPECT_EQ(la.bad_registrations, 11);
#undef REG
}

TEST(bad_buffers_get_qemus_statuses_and_pools_are_qemus)
{
	u64 good;
	unsigned int i;

	world();
	layout(&ga, 256, 4, 512, 1, 1024, 1);
	good = hvk_llan_bd((u32)buf_gpa(&ga, 0, 0), 256);
	/* Not registered: a good buffer is refused, a bad one is bad. */
	EXPECT_EQ(hcall(HVK_H_ADD_LOGICAL_LAN_BUFFER, UNIT_A, good, 0, 0, 0), HVK_H_RESOURCE);
	EXPECT_EQ(la.refused_buffers, 1);
	EXPECT_EQ(hcall(HVK_H_ADD_LOGICAL_LAN_BUFFER, UNIT_A, good + 2, 0, 0, 0),
		  HVK_H_PARAMETER);
	ASSERT_EQ(reg(&ga, 8), HVK_H_SUCCESS);
#define ADD(bd) hcall(HVK_H_ADD_LOGICAL_LAN_BUFFER, UNIT_A, (bd), 0, 0, 0)
	EXPECT_EQ(ADD(good + 2), HVK_H_PARAMETER);				/* address % 4 */
	EXPECT_EQ(ADD(hvk_llan_bd((u32)buf_gpa(&ga, 0, 0), 254)), HVK_H_PARAMETER);
	EXPECT_EQ(ADD(hvk_llan_bd((u32)buf_gpa(&ga, 0, 0), 12)), HVK_H_PARAMETER);
	EXPECT_EQ(ADD(hvk_llan_bd((u32)buf_gpa(&ga, 0, 0), 0)), HVK_H_PARAMETER);
	EXPECT_EQ(ADD(hvk_llan_bd(0x1000, 256)), HVK_H_PARAMETER);
	EXPECT_EQ(ADD(hvk_llan_bd((u32)(RAM_BASE + RAM_SIZE - 128), 256)), HVK_H_PARAMETER);
	EXPECT_EQ(ADD(hvk_llan_bd(0xfffffff0u, 0x100)), HVK_H_PARAMETER);
	EXPECT_EQ(la.bad_buffers, 8);
	EXPECT_EQ(la.rx_bufs, 0);
	/* The valid bit is not looked at. */
	EXPECT_EQ(ADD(good & ~HVK_LLAN_BD_VALID), HVK_H_SUCCESS);
	/* Five lengths take the five pools; a sixth has none. */
	for (i = 1; i < 5; i++)
		EXPECT_EQ(ADD(hvk_llan_bd((u32)buf_gpa(&ga, 0, 0), 16 + 4 * i)), HVK_H_SUCCESS);
	EXPECT_EQ(ADD(hvk_llan_bd((u32)buf_gpa(&ga, 0, 0), 40)), HVK_H_RESOURCE);
	EXPECT_EQ(la.refused_buffers, 2);
	/* A frame empties the 20-byte pool (12 + 8 fits): the sixth length takes it. */
	EXPECT_EQ(hvm_llan_deliver(&la, make_frame(MAC_A, MAC_B, 12, 0), 12), 0);
	EXPECT_EQ(ADD(hvk_llan_bd((u32)buf_gpa(&ga, 0, 0), 40)), HVK_H_SUCCESS);
	EXPECT_EQ(la.pool[la.order[0]].size, 24);
	EXPECT_EQ(la.pool[la.order[4]].size, 256);
	EXPECT_EQ(la.pool[la.order[3]].size, 40);
	/* A pool holds 4096 buffers (QEMU takes the same BD twice, so do we). */
	for (i = 1; i < HVM_LLAN_POOL_BDS; i++)
		ASSERT_EQ(ADD(good), HVK_H_SUCCESS);
	EXPECT_EQ(ADD(good), HVK_H_RESOURCE);
	EXPECT_EQ(la.refused_buffers, 3);
	EXPECT_EQ(la.rx_bufs, HVM_LLAN_POOL_BDS + 4);
#undef ADD
}

TEST(signal_multicast_mac_and_what_qemu_does_not_serve)
{
	static const u8 mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };

	world();
	layout(&ga, 256, 1, 512, 1, 1024, 1);
	EXPECT_EQ(hcall(HVK_H_VIO_SIGNAL, UNIT_A, 2, 0, 0, 0), HVK_H_PARAMETER);
	EXPECT_EQ(hcall(HVK_H_VIO_SIGNAL, UNIT_A, 3, 0, 0, 0), HVK_H_PARAMETER);
	EXPECT_EQ(la.bad_signals, 2);
	EXPECT_EQ(hcall(HVK_H_VIO_SIGNAL, UNIT_A, 1, 0, 0, 0), HVK_H_SUCCESS);
	EXPECT_TRUE(la.irq_enabled);
	/* Registering turns it off again, as on QEMU. */
	ASSERT_EQ(reg(&ga, 4), HVK_H_SUCCESS);
	EXPECT_TRUE(!la.irq_enabled);
	EXPECT_EQ(hcall(HVK_H_ILLAN_ATTRIBUTES, UNIT_A, 0, 0, 0, 0), HVK_H_FUNCTION);
	EXPECT_EQ(hcall(HVK_H_ADD_LOGICAL_LAN_BUFFERS, UNIT_A, 0, 0, 0, 0), HVK_H_FUNCTION);
	EXPECT_EQ(hcall(HVK_H_MULTICAST_CTRL, UNIT_A, 0x80000 | 0x20000, 0, 0, 0), HVK_H_SUCCESS);
	EXPECT_EQ(hcall(HVK_H_MULTICAST_CTRL, UNIT_A, 0x1, 0x01005e000001ull, 0, 0),
		  HVK_H_SUCCESS);
	/* Another unit's call never reaches this device. */
	EXPECT_EQ(hcall(HVK_H_SEND_LOGICAL_LAN, 0x30000099, 0, 0, 0, 0), HVK_H_PARAMETER);
	EXPECT_EQ(hcall(HVK_H_CHANGE_LOGICAL_LAN_MAC, UNIT_A, 0xffff525400123456ull, 0, 0, 0),
		  HVK_H_SUCCESS);
	EXPECT_TRUE(!memcmp(la.mac, mac, 6));
	EXPECT_TRUE(!memcmp(la.perm_mac, MAC_A, 6));
	EXPECT_EQ(hcall(HVK_H_FREE_LOGICAL_LAN, UNIT_A, 0, 0, 0, 0), HVK_H_SUCCESS);
	EXPECT_TRUE(!memcmp(la.mac, MAC_A, 6));
}

TEST(buffers_over_the_queue_and_the_list_harm_only_the_guest)
{
	struct hvk_llan_rx rx;
	u64 q = ga.base + RXQ;

	world();
	layout(&ga, 256, 1, 512, 1, 1024, 1);
	ASSERT_EQ(reg(&ga, 4), HVK_H_SUCCESS);
	/* A buffer whose correlator is half in the entry's length, half in its own ... */
	hvk_put_be64(gp(q + 4), 0x1122334455667788ull);
	ASSERT_EQ(hcall(HVK_H_ADD_LOGICAL_LAN_BUFFER, UNIT_A, hvk_llan_bd((u32)q + 4, 256),
			0, 0, 0), HVK_H_SUCCESS);
	EXPECT_EQ(hvm_llan_deliver(&la, make_frame(MAC_A, MAC_B, 60, 1), 60), 0);
	/* ... is overwritten by the entry, which carries the old bytes. */
	EXPECT_EQ(gp(q)[0], HVK_LLAN_RXQ_TOGGLE | HVK_LLAN_RXQ_VALID);
	EXPECT_EQ(hvk_get_be32(gp(q) + 4), 60);
	EXPECT_EQ(hvk_get_be64(gp(q) + 8), 0x1122334455667788ull);
	/* A buffer that is the buffer list: the frame lands on the drop counter. */
	ASSERT_EQ(hcall(HVK_H_ADD_LOGICAL_LAN_BUFFER, UNIT_A,
			hvk_llan_bd((u32)(ga.base + BUFLIST + 4080), 16), 0, 0, 0), HVK_H_SUCCESS);
	EXPECT_EQ(hvm_llan_deliver(&la, make_frame(MAC_A, MAC_B, 8, 2), 8), 0);
	EXPECT_TRUE(!memcmp(gp(ga.base + BUFLIST + HVK_LLAN_DROP_COUNTER), frame, 8));
	EXPECT_EQ(la.rx_frames, 2);
	/* The guest's parser says what it makes of it; nothing else broke. */
	ga.lay.frame_max = 4096;
	take(&ga, &rx);
	EXPECT_EQ(la.rx_bad_addresses, 0);
}

/* Frames an external port (a TAP, say) got. */
static unsigned int ext_count;
static size_t ext_len;

static void ext_out(void *ctx, const u8 *f, size_t len)
{
	(void)ctx;
	(void)f;
	ext_count++;
	ext_len = len;
}

/* Device @g's send of @len bytes from @src to @dst through one BD. */
static long send_frame(struct guest *g, const u8 *dst, const u8 *src, size_t len,
		       unsigned int seed)
{
	memcpy(gp(g->base + TXDATA), make_frame(dst, src, len, seed), len);
	return hcall(HVK_H_SEND_LOGICAL_LAN, g->unit,
		     hvk_llan_bd((u32)(g->base + TXDATA), (u32)len), 0, 0, 0);
}

TEST(two_llans_on_a_switch_exchange_frames)
{
	static const u8 bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	static const u8 other[6] = { 0x02, 0x99, 0x99, 0x99, 0x99, 0x99 };
	static struct hvm_lan_switch sw;
	struct hvk_llan_rx rx;
	int ext;

	world();
	hvm_lan_switch_init(&sw);
	EXPECT_EQ(hvm_lan_switch_add_llan(&sw, &la), 0);
	EXPECT_EQ(hvm_lan_switch_add_llan(&sw, &lb), 1);
	ext = hvm_lan_switch_add_external(&sw, ext_out, NULL);
	EXPECT_EQ(ext, 2);
	layout(&ga, 256, 2, 2048, 2, 4096, 1);
	layout(&gb, 256, 2, 2048, 2, 4096, 1);
	ASSERT_EQ(reg(&ga, 8), HVK_H_SUCCESS);
	ASSERT_EQ(reg(&gb, 8), HVK_H_SUCCESS);
	post_all(&ga);
	post_all(&gb);
	EXPECT_EQ(hcall(HVK_H_VIO_SIGNAL, UNIT_B, 1, 0, 0, 0), HVK_H_SUCCESS);

	/* A broadcast from A: B and the outside get it, A does not. */
	ASSERT_EQ(send_frame(&ga, bcast, MAC_A, 60, 1), HVK_H_SUCCESS);
	ASSERT_EQ(take(&gb, &rx), HVK_LLAN_RX_FRAME);
	EXPECT_EQ(rx.length, 60);
	EXPECT_TRUE(!memcmp(gp(buf_gpa(&gb, rx.cls, rx.index)) + rx.offset,
			    gp(ga.base + TXDATA), 60));
	EXPECT_EQ(take(&ga, &rx), HVK_LLAN_RX_EMPTY);
	EXPECT_EQ(ext_count, 1);
	EXPECT_EQ(pulses_b, 1);
	EXPECT_EQ(sw.flooded, 1);

	/* B answers A: A's MAC was learned, only A gets it. */
	ASSERT_EQ(send_frame(&gb, MAC_A, MAC_B, 1500, 2), HVK_H_SUCCESS);
	ASSERT_EQ(take(&ga, &rx), HVK_LLAN_RX_FRAME);
	EXPECT_EQ(rx.length, 1500);
	EXPECT_EQ(rx.cls, 1);
	EXPECT_TRUE(!memcmp(gp(buf_gpa(&ga, rx.cls, rx.index)) + rx.offset,
			    gp(gb.base + TXDATA), 1500));
	EXPECT_EQ(ext_count, 1);
	EXPECT_EQ(sw.forwarded, 1);
	EXPECT_EQ(pulses_a, 0);		/* A never enabled its interrupt */

	/* An unknown destination floods; from outside to B, only B. */
	ASSERT_EQ(send_frame(&ga, other, MAC_A, 100, 3), HVK_H_SUCCESS);
	EXPECT_EQ(take(&gb, &rx), HVK_LLAN_RX_FRAME);
	EXPECT_EQ(ext_count, 2);
	EXPECT_EQ(ext_len, 100);
	hvm_lan_switch_input(&sw, (unsigned int)ext, make_frame(MAC_B, other, 200, 4), 200);
	ASSERT_EQ(take(&gb, &rx), HVK_LLAN_RX_FRAME);
	EXPECT_EQ(rx.length, 200);
	EXPECT_EQ(take(&ga, &rx), HVK_LLAN_RX_EMPTY);
	/* Back to the outside's MAC: learned on the external port. */
	ASSERT_EQ(send_frame(&ga, other, MAC_A, 64, 5), HVK_H_SUCCESS);
	EXPECT_EQ(ext_count, 3);
	EXPECT_EQ(take(&gb, &rx), HVK_LLAN_RX_EMPTY);
	EXPECT_EQ(sw.forwarded, 3);

	/* Runts, a frame to its own port, a port that is not there. */
	ASSERT_EQ(send_frame(&ga, bcast, MAC_A, 10, 6), HVK_H_SUCCESS);
	EXPECT_EQ(sw.runts, 1);
	ASSERT_EQ(send_frame(&ga, MAC_A, MAC_A, 64, 7), HVK_H_SUCCESS);
	EXPECT_EQ(sw.filtered, 1);
	hvm_lan_switch_input(&sw, 7, frame, 64);
	EXPECT_EQ(sw.bad_ports, 1);
	EXPECT_EQ(take(&ga, &rx), HVK_LLAN_RX_EMPTY);
	EXPECT_EQ(take(&gb, &rx), HVK_LLAN_RX_EMPTY);
	EXPECT_EQ(ext_count, 3);
	EXPECT_EQ(sw.port[0].frames_out, 1);
	EXPECT_EQ(sw.port[1].frames_out, 3);
	EXPECT_EQ(sw.port[2].frames_out, 3);
}

TEST(free_then_register_again_starts_afresh)
{
	u64 in[HVM_CALL_REGS] = { UNIT_A };
	struct hvk_llan_rx rx;

	world();
	layout(&ga, 256, 2, 512, 2, 1024, 2);
	ASSERT_EQ(reg(&ga, 3), HVK_H_SUCCESS);
	post_all(&ga);
	deliver_and_check(100, 0, 1, 1);
	deliver_and_check(100, 0, 0, 2);
	deliver_and_check(100, 1, 1, 3);
	deliver_and_check(100, 1, 0, 4);	/* the second lap */
	EXPECT_EQ(hvm_llan_deliver(&la, frame, 5000), -ENOBUFS);
	EXPECT_EQ(drop_counter(&ga), 1);
	EXPECT_EQ(hcall(HVK_H_FREE_LOGICAL_LAN, UNIT_A, 0, 0, 0, 0), HVK_H_SUCCESS);
	EXPECT_EQ(la.rx_bufs, 0);
	EXPECT_EQ(hvm_llan_deliver(&la, frame, 100), -ENOTCONN);
	in[1] = hvk_llan_bd((u32)(ga.base + TXDATA), 100);
	EXPECT_EQ(hcall9(HVK_H_SEND_LOGICAL_LAN, in), HVK_H_DROPPED);
	EXPECT_EQ(post(&ga, 0, 0), HVK_H_RESOURCE);
	EXPECT_EQ(hcall(HVK_H_FREE_LOGICAL_LAN, UNIT_A, 0, 0, 0, 0), HVK_H_RESOURCE);

	/* Again, with a new generation and a longer queue. */
	ga.lay.gen++;
	memset(gp(ga.base + RXQ), 0xa5, 16 * 16);	/* left-overs the hypervisor clears */
	ASSERT_EQ(reg(&ga, 16), HVK_H_SUCCESS);
	EXPECT_EQ(drop_counter(&ga), 0);
	EXPECT_EQ(take(&ga, &rx), HVK_LLAN_RX_EMPTY);
	EXPECT_EQ(hvm_llan_deliver(&la, frame, 100), -ENOBUFS);	/* the old buffers are gone */
	EXPECT_EQ(drop_counter(&ga), 1);
	ASSERT_EQ(post(&ga, 2, 1), HVK_H_SUCCESS);
	deliver_and_check(900, 2, 1, 5);
	EXPECT_EQ(ga.next, 1);
	EXPECT_EQ(hcall9(HVK_H_SEND_LOGICAL_LAN, in), HVK_H_SUCCESS);
	EXPECT_EQ(sent_count, 1);
}

/*
 * The owner stops reading its backend while no device can receive: it is
 * told when one can again (the first buffer after registering or after
 * running out), once per such change, not per buffer.
 */
TEST(rx_ready_reports_when_the_device_can_receive_again)
{
	world();
	hvm_llan_set_rx_ready(&la, rx_ready);
	layout(&ga, 256, 3, 512, 1, 1024, 1);
	EXPECT_EQ(post(&ga, 0, 0), HVK_H_RESOURCE);	/* not registered: refused */
	ASSERT_EQ(reg(&ga, 8), HVK_H_SUCCESS);
	EXPECT_EQ(ready_a, 0);			/* registered, no buffer: cannot */
	EXPECT_TRUE(!hvm_llan_can_receive(&la));
	ASSERT_EQ(post(&ga, 0, 0), HVK_H_SUCCESS);
	EXPECT_EQ(ready_a, 1);
	EXPECT_TRUE(hvm_llan_can_receive(&la));
	ASSERT_EQ(post(&ga, 0, 1), HVK_H_SUCCESS);
	ASSERT_EQ(post(&ga, 1, 0), HVK_H_SUCCESS);
	EXPECT_EQ(ready_a, 1);			/* more buffers: no news */
	/* A bad buffer changes nothing. */
	EXPECT_EQ(hcall(HVK_H_ADD_LOGICAL_LAN_BUFFER, UNIT_A, 0, 0, 0, 0), HVK_H_PARAMETER);
	EXPECT_EQ(ready_a, 1);

	/* Ran out: the next buffer is news again. */
	deliver_and_check(100, 0, 1, 1);
	deliver_and_check(100, 0, 0, 2);
	deliver_and_check(100, 1, 0, 3);
	EXPECT_TRUE(!hvm_llan_can_receive(&la));
	ASSERT_EQ(post(&ga, 0, 2), HVK_H_SUCCESS);
	EXPECT_EQ(ready_a, 2);

	/* Freed with buffers held, then registered again: the first buffer. */
	EXPECT_EQ(hcall(HVK_H_FREE_LOGICAL_LAN, UNIT_A, 0, 0, 0, 0), HVK_H_SUCCESS);
	ASSERT_EQ(reg(&ga, 8), HVK_H_SUCCESS);
	EXPECT_EQ(ready_a, 2);
	ASSERT_EQ(post(&ga, 2, 0), HVK_H_SUCCESS);
	EXPECT_EQ(ready_a, 3);
	/* Device B has no callback: its buffers tell nobody. */
	layout(&gb, 256, 1, 512, 1, 1024, 1);
	ASSERT_EQ(reg(&gb, 8), HVK_H_SUCCESS);
	ASSERT_EQ(post(&gb, 0, 0), HVK_H_SUCCESS);
	EXPECT_EQ(ready_a, 3);
}

/* ---------------------------------------------------------------------- */
/* PowerVM's H_ADD_LOGICAL_LAN_BUFFERS and H_ILLAN_ATTRIBUTES */

/* Device A plays PowerVM: attached again into a fresh table. */
static void powervm_world(void)
{
	world();
	hvm_table_init(&table);
	hvm_llan_init(&la, UNIT_A, &mem, MAC_A, pulse, NULL);
	hvm_llan_set_rx_ready(&la, rx_ready);
	hvm_llan_set_powervm(&la, true);
	ASSERT_EQ(hvm_llan_attach(&la, &table), 0);
	ASSERT_EQ(hvm_llan_attach(&lb, &table), 0);
	hvm_llan_set_output(&la, capture, NULL);
}

/* The BD of buffer (cls, index), its correlator written, as hv_net posts. */
static u64 bd_of(struct guest *g, unsigned int cls, u32 index)
{
	u64 gpa = buf_gpa(g, cls, index);

	hvk_put_be64(gp(gpa), hvk_llan_correlator(g->lay.gen, cls, index));
	return hvk_llan_bd((u32)gpa, g->lay.cls[cls].size);
}

/* H_ADD_LOGICAL_LAN_BUFFERS with @n BDs of @bd, zeros after them. */
static long add_many(u32 unit, const u64 *bd, unsigned int n)
{
	u64 in[HVM_CALL_REGS] = { unit };

	memcpy(&in[1], bd, n * sizeof(u64));
	return hcall9(HVK_H_ADD_LOGICAL_LAN_BUFFERS, in);
}

/* How many buffers of each pool, by length: a fingerprint of the pools. */
static u64 pools_sum(const struct hvm_llan *l)
{
	u64 sum = 0;
	unsigned int i;

	for (i = 0; i < HVM_LLAN_POOLS; i++)
		sum = sum * 1000003 + (u64)l->pool[l->order[i]].size * 4099 +
		      l->pool[l->order[i]].count;
	return sum;
}

TEST(qemu_mode_serves_neither_powervm_call)
{
	u64 bd[2];

	world();
	layout(&ga, 256, 4, 512, 1, 1024, 1);
	ASSERT_EQ(reg(&ga, 8), HVK_H_SUCCESS);
	bd[0] = bd_of(&ga, 0, 0);
	bd[1] = bd_of(&ga, 0, 1);
	EXPECT_EQ(add_many(UNIT_A, bd, 2), HVK_H_FUNCTION);
	EXPECT_EQ(la.rx_bufs, 0);
	EXPECT_EQ(table.unknown_opcodes, 1);
	EXPECT_TRUE(!la.powervm);
}

TEST(multi_add_takes_eight_and_frames_use_them)
{
	u64 bd[HVM_LLAN_ADD_MAX];
	struct hvk_llan_rx rx;
	unsigned int i;

	powervm_world();
	layout(&ga, 256, 16, 512, 4, 1024, 4);
	ASSERT_EQ(reg(&ga, 64), HVK_H_SUCCESS);
	for (i = 0; i < 8; i++)
		bd[i] = bd_of(&ga, 0, i);
	EXPECT_EQ(ready_a, 0);
	EXPECT_EQ(add_many(UNIT_A, bd, 8), HVK_H_SUCCESS);
	EXPECT_EQ(ready_a, 1);
	EXPECT_EQ(la.rx_bufs, 8);
	EXPECT_EQ(la.multi_calls, 1);
	EXPECT_EQ(la.multi_adds, 8);
	/* Three of two classes, zeros after: the list ends there. */
	bd[0] = bd_of(&ga, 1, 0);
	bd[1] = bd_of(&ga, 2, 0);
	bd[2] = bd_of(&ga, 1, 1);
	EXPECT_EQ(add_many(UNIT_A, bd, 3), HVK_H_SUCCESS);
	EXPECT_EQ(la.rx_bufs, 11);
	EXPECT_EQ(la.multi_adds, 11);
	EXPECT_EQ(ready_a, 1);
	/* One is a list too. */
	bd[0] = bd_of(&ga, 0, 8);
	EXPECT_EQ(add_many(UNIT_A, bd, 1), HVK_H_SUCCESS);
	EXPECT_EQ(la.multi_calls, 3);
	EXPECT_EQ(la.single_adds, 0);
	/* Last added of the shortest pool that fits, as with single adds. */
	deliver_and_check(100, 0, 8, 1);
	deliver_and_check(100, 0, 7, 2);
	deliver_and_check(300, 1, 1, 3);
	deliver_and_check(600, 2, 0, 4);
	deliver_and_check(400, 1, 0, 5);
	EXPECT_EQ(la.rx_bufs, 7);
	EXPECT_EQ(take(&ga, &rx), HVK_LLAN_RX_EMPTY);
	/* The single call still works beside it. */
	EXPECT_EQ(post(&ga, 0, 9), HVK_H_SUCCESS);
	EXPECT_EQ(la.single_adds, 1);
	EXPECT_EQ(la.bad_buffers + la.refused_buffers + la.bad_batches + la.failed_batches, 0);
}

/* A bad BD anywhere in the list: its status, nothing added, the pools unchanged. */
TEST(a_bad_descriptor_in_the_middle_adds_nothing)
{
	u64 bd[HVM_LLAN_ADD_MAX], good, before;
	static const u64 bad_bd_of[] = { 2, 0, 1, 3 };	/* kinds, see below */
	unsigned int i, k, at;

	powervm_world();
	layout(&ga, 256, 16, 512, 4, 1024, 4);
	ASSERT_EQ(reg(&ga, 64), HVK_H_SUCCESS);
	ASSERT_EQ(post(&ga, 2, 0), HVK_H_SUCCESS);	/* one pool in use */
	good = bd_of(&ga, 0, 0);
	for (k = 0; k < ARRAY_SIZE(bad_bd_of); k++) {
		for (at = 0; at < HVM_LLAN_ADD_MAX; at++) {
			u64 bad;

			for (i = 0; i < HVM_LLAN_ADD_MAX; i++)
				bd[i] = i & 1 ? bd_of(&ga, 1, i / 2) : bd_of(&ga, 0, i);
			switch (bad_bd_of[k]) {
			case 0:		/* address not a multiple of 4 */
				bad = good + 2;
				break;
			case 1:		/* shorter than 16 bytes */
				bad = hvk_llan_bd((u32)buf_gpa(&ga, 0, 0), 12);
				break;
			case 2:		/* outside guest memory */
				bad = hvk_llan_bd((u32)(RAM_BASE + RAM_SIZE - 128), 256);
				break;
			default:	/* length not a multiple of 4 */
				bad = hvk_llan_bd((u32)buf_gpa(&ga, 0, 0), 254);
				break;
			}
			bd[at] = bad;
			before = pools_sum(&la);
			EXPECT_EQ(add_many(UNIT_A, bd, HVM_LLAN_ADD_MAX), HVK_H_PARAMETER);
			EXPECT_EQ(la.rx_bufs, 1);
			EXPECT_EQ(pools_sum(&la), before);
		}
	}
	EXPECT_EQ(la.bad_buffers, ARRAY_SIZE(bad_bd_of) * HVM_LLAN_ADD_MAX);
	EXPECT_EQ(la.failed_batches, ARRAY_SIZE(bad_bd_of) * HVM_LLAN_ADD_MAX);
	EXPECT_EQ(la.multi_calls, 0);
	/* Delivery still sees only the one buffer posted. */
	deliver_and_check(600, 2, 0, 9);
	EXPECT_EQ(hvm_llan_deliver(&la, make_frame(MAC_A, MAC_B, 100, 1), 100), -ENOBUFS);
}

/* H_RESOURCE partway: the pools as they were, even lengths claimed in the call. */
TEST(a_refused_descriptor_takes_back_the_ones_before_it)
{
	u64 bd[HVM_LLAN_ADD_MAX], before;
	unsigned int i;

	powervm_world();
	layout(&ga, 256, 16, 512, 4, 1024, 4);
	/* Not registered: H_RESOURCE for a good list, nothing kept. */
	for (i = 0; i < 4; i++)
		bd[i] = bd_of(&ga, 0, i);
	EXPECT_EQ(add_many(UNIT_A, bd, 4), HVK_H_RESOURCE);
	EXPECT_EQ(la.refused_buffers, 1);
	/* ... and H_PARAMETER for a bad BD before any good one fails. */
	bd[0] = bd[1] + 2;
	EXPECT_EQ(add_many(UNIT_A, bd, 4), HVK_H_PARAMETER);
	ASSERT_EQ(reg(&ga, 64), HVK_H_SUCCESS);
	/* Four lengths take four pools. */
	for (i = 0; i < 4; i++)
		ASSERT_EQ(post(&ga, 0, i), HVK_H_SUCCESS);
	ASSERT_EQ(hcall(HVK_H_ADD_LOGICAL_LAN_BUFFER, UNIT_A,
			hvk_llan_bd((u32)buf_gpa(&ga, 0, 4), 20), 0, 0, 0), HVK_H_SUCCESS);
	ASSERT_EQ(hcall(HVK_H_ADD_LOGICAL_LAN_BUFFER, UNIT_A,
			hvk_llan_bd((u32)buf_gpa(&ga, 0, 5), 24), 0, 0, 0), HVK_H_SUCCESS);
	ASSERT_EQ(hcall(HVK_H_ADD_LOGICAL_LAN_BUFFER, UNIT_A,
			hvk_llan_bd((u32)buf_gpa(&ga, 0, 6), 28), 0, 0, 0), HVK_H_SUCCESS);
	EXPECT_EQ(la.rx_bufs, 7);
	/*
	 * 256s, then a fifth length (512, takes the last pool), then a sixth
	 * (1024: no pool): H_RESOURCE, and the fifth pool is free again.
	 */
	before = pools_sum(&la);
	bd[0] = bd_of(&ga, 0, 7);
	bd[1] = bd_of(&ga, 0, 8);
	bd[2] = bd_of(&ga, 1, 0);
	bd[3] = bd_of(&ga, 1, 1);
	bd[4] = bd_of(&ga, 2, 0);
	bd[5] = bd_of(&ga, 0, 9);
	EXPECT_EQ(add_many(UNIT_A, bd, 6), HVK_H_RESOURCE);
	EXPECT_EQ(la.rx_bufs, 7);
	EXPECT_EQ(pools_sum(&la), before);
	EXPECT_EQ(la.refused_buffers, 2);
	EXPECT_EQ(la.failed_batches, 3);
	/* Without the 1024 the same list goes in whole. */
	bd[4] = bd_of(&ga, 0, 10);
	EXPECT_EQ(add_many(UNIT_A, bd, 6), HVK_H_SUCCESS);
	EXPECT_EQ(la.rx_bufs, 13);
	/* The 512s were added, the taken-back ones are not there twice. */
	deliver_and_check(400, 1, 1, 1);
	deliver_and_check(400, 1, 0, 2);
	EXPECT_EQ(hvm_llan_deliver(&la, make_frame(MAC_A, MAC_B, 400, 3), 400), -ENOBUFS);
	deliver_and_check(200, 0, 9, 4);
	deliver_and_check(200, 0, 10, 5);
	deliver_and_check(200, 0, 8, 6);
	deliver_and_check(200, 0, 7, 7);
	deliver_and_check(200, 0, 3, 8);
}

TEST(a_full_pool_refuses_the_whole_list)
{
	u64 bd[HVM_LLAN_ADD_MAX], good;
	unsigned int i;

	powervm_world();
	layout(&ga, 256, 4, 512, 1, 1024, 1);
	ASSERT_EQ(reg(&ga, 8), HVK_H_SUCCESS);
	good = bd_of(&ga, 0, 0);
	for (i = 0; i < HVM_LLAN_ADD_MAX; i++)
		bd[i] = good;
	/* 4096 = 512 lists of 8; one more list finds the pool full at its first. */
	for (i = 0; i < HVM_LLAN_POOL_BDS / HVM_LLAN_ADD_MAX - 1; i++)
		ASSERT_EQ(add_many(UNIT_A, bd, HVM_LLAN_ADD_MAX), HVK_H_SUCCESS);
	ASSERT_EQ(add_many(UNIT_A, bd, 5), HVK_H_SUCCESS);
	EXPECT_EQ(la.rx_bufs, HVM_LLAN_POOL_BDS - 3);
	/* Room for three, the list has four: the fourth is refused, none kept. */
	EXPECT_EQ(add_many(UNIT_A, bd, 4), HVK_H_RESOURCE);
	EXPECT_EQ(la.rx_bufs, HVM_LLAN_POOL_BDS - 3);
	EXPECT_EQ(add_many(UNIT_A, bd, 3), HVK_H_SUCCESS);
	EXPECT_EQ(la.rx_bufs, HVM_LLAN_POOL_BDS);
	EXPECT_EQ(add_many(UNIT_A, bd, 1), HVK_H_RESOURCE);
	EXPECT_EQ(la.refused_buffers, 2);
	EXPECT_EQ(la.pool[la.order[0]].bd[HVM_LLAN_POOL_BDS - 1], good);
}

TEST(a_list_must_start_valid_and_have_no_holes)
{
	u64 bd[HVM_LLAN_ADD_MAX] = { 0 };
	u64 in[HVM_CALL_REGS] = { UNIT_A };

	powervm_world();
	layout(&ga, 256, 16, 512, 4, 1024, 4);
	ASSERT_EQ(reg(&ga, 64), HVK_H_SUCCESS);
	/* Empty: nothing to add is a bad call. */
	EXPECT_EQ(add_many(UNIT_A, bd, 0), HVK_H_PARAMETER);
	/* BD1 not valid, a valid one after it: a hole. */
	bd[0] = bd_of(&ga, 0, 0) & ~HVK_LLAN_BD_VALID;
	bd[1] = bd_of(&ga, 0, 1);
	EXPECT_EQ(add_many(UNIT_A, bd, 2), HVK_H_PARAMETER);
	/* A hole at BD8. */
	memset(bd, 0, sizeof(bd));
	bd[0] = bd_of(&ga, 0, 0);
	bd[7] = bd_of(&ga, 0, 7);
	EXPECT_EQ(add_many(UNIT_A, bd, 8), HVK_H_PARAMETER);
	EXPECT_EQ(la.bad_batches, 3);
	EXPECT_EQ(la.rx_bufs, 0);
	/* An invalid BD with an address after the end is just the end. */
	bd[7] = bd_of(&ga, 0, 7) & ~HVK_LLAN_BD_VALID;
	EXPECT_EQ(add_many(UNIT_A, bd, 8), HVK_H_SUCCESS);
	EXPECT_EQ(la.rx_bufs, 1);
	/*
	 * Another unit's list never reaches this device; B plays QEMU, so
	 * the table has no handler of the opcode for its unit.
	 */
	EXPECT_EQ(add_many(0x30000099, bd, 1), HVK_H_PARAMETER);
	EXPECT_EQ(add_many(UNIT_B, bd, 1), HVK_H_PARAMETER);
	in[0] = UNIT_B;
	EXPECT_EQ(hcall9(HVK_H_ILLAN_ATTRIBUTES, in), HVK_H_PARAMETER);
	EXPECT_EQ(lb.rx_bufs, 0);
}

/* H_ILLAN_ATTRIBUTES(unit, reset, set) and what r4 (x1) says. */
static long attrs(u64 reset, u64 set, u64 *out)
{
	struct hvm_smccc_regs r = { .x = { HVK_SMCCC_FN_BASE | HVK_H_ILLAN_ATTRIBUTES,
					   UNIT_A, reset, set } };

	hvm_smccc_answer(&table, &r);
	*out = r.x[1];
	return (long)r.x[0];
}

TEST(illan_attributes_tell_the_truth_and_refuse_offloads)
{
	u64 a = 1;

	powervm_world();
	/* Before registration, as hv_net and ibmveth ask at probe. */
	EXPECT_EQ(attrs(0, 0, &a), HVK_H_SUCCESS);
	EXPECT_EQ(a, HVM_ILLAN_RX_MULTI_BUFF);
	/* No checksum offload, no large send: turning them on is refused. */
	EXPECT_EQ(attrs(0, HVM_ILLAN_IPV4_TCP_CSUM, &a), HVK_H_PARAMETER);
	EXPECT_EQ(attrs(0, HVM_ILLAN_IPV6_TCP_CSUM, &a), HVK_H_PARAMETER);
	EXPECT_EQ(attrs(0, HVM_ILLAN_LRG_SR_ENABLED, &a), HVK_H_PARAMETER);
	/* ibmveth's undo of a refused set: off what is off. */
	EXPECT_EQ(attrs(HVM_ILLAN_IPV4_TCP_CSUM | HVM_ILLAN_IPV6_TCP_CSUM, 0, &a), HVK_H_SUCCESS);
	EXPECT_EQ(a, HVM_ILLAN_RX_MULTI_BUFF);
	EXPECT_EQ(attrs(HVM_ILLAN_LRG_SR_ENABLED, 0, &a), HVK_H_SUCCESS);
	/* What the hypervisor can do is not the guest's to change ... */
	EXPECT_EQ(attrs(HVM_ILLAN_RX_MULTI_BUFF, 0, &a), HVK_H_PARAMETER);
	EXPECT_EQ(attrs(0, HVM_ILLAN_ACTIVE_TRUNK, &a), HVK_H_PARAMETER);
	EXPECT_EQ(attrs(0, HVM_ILLAN_LRG_SND_SUPPORT, &a), HVK_H_PARAMETER);
	EXPECT_EQ(attrs(HVM_ILLAN_TRUNK_PRI_MASK, 0, &a), HVK_H_PARAMETER);
	/* ... and bits nobody defined are refused. */
	EXPECT_EQ(attrs(0, 1ull << 40, &a), HVK_H_PARAMETER);
	EXPECT_EQ(attrs(0x80000, 0, &a), HVK_H_PARAMETER);
	EXPECT_EQ(la.bad_attributes, 9);
	/* Nothing changed. */
	EXPECT_EQ(attrs(0, 0, &a), HVK_H_SUCCESS);
	EXPECT_EQ(a, HVM_ILLAN_RX_MULTI_BUFF);
	EXPECT_EQ(la.attribute_calls, 4);
	ASSERT_EQ(reg(&ga, 8), HVK_H_SUCCESS);
	EXPECT_EQ(attrs(0, 0, &a), HVK_H_SUCCESS);
	EXPECT_EQ(a, HVM_ILLAN_RX_MULTI_BUFF);
}

/* Whether [@from, @to) of guest RAM is all zero. */
static bool zero_between(u64 from, u64 to)
{
	const u8 *p = gp(from);
	u64 i;

	for (i = 0; i < to - from; i++)
		if (p[i])
			return false;
	return true;
}

/*
 * --hostile's llan site at every frame: the entries are garbage, but the
 * device writes only its queue, the buffers it took and the buffer list,
 * keeps its queue pointer in step (an entry the guest must not take does
 * not use its slot) and its pools whole.
 */
TEST(a_hostile_peer_mutates_entries_only)
{
	static const u8 bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	static struct hvm_hostile h;
	unsigned int i, c, held, skipped;
	u64 sum, kinds[HVM_HOSTILE_NR_KINDS];
	u32 ptr;
	size_t len;

	world();
	layout(&ga, 256, 8, 1536, 8, HVK_LLAN_RX_CLASS_MAX, 2);
	ASSERT_EQ(reg(&ga, 16), HVK_H_SUCCESS);
	post_all(&ga);
	hvm_hostile_init(&h, 1000, 1u << HVM_HOSTILE_LLAN, 21);
	la.hostile = &h;
	for (i = 0; i < 600; i++) {
		if (la.rx_bufs <= 8) {
			/*
			 * Before a frame can find no buffer (the 8 small ones
			 * may be all that is left), the guest starts again:
			 * every buffer its own once more.
			 */
			ASSERT_EQ(hcall(HVK_H_FREE_LOGICAL_LAN, UNIT_A, 0, 0, 0, 0), HVK_H_SUCCESS);
			ASSERT_EQ(reg(&ga, 16), HVK_H_SUCCESS);
			post_all(&ga);
		}
		len = 60 + (i * 97) % 1400;
		held = la.rx_bufs;
		ptr = la.rxq_ptr;
		memcpy(kinds, h.kinds, sizeof(kinds));
		ASSERT_EQ(hvm_llan_deliver(&la, make_frame(bcast, MAC_B, len, i), len), 0);
		EXPECT_EQ(la.rx_bufs, held - 1);
		skipped = h.kinds[HVM_HK_LLAN_TOGGLE] - kinds[HVM_HK_LLAN_TOGGLE] +
			  h.kinds[HVM_HK_LLAN_VALID] - kinds[HVM_HK_LLAN_VALID];
		EXPECT_EQ(la.rxq_ptr,
			  skipped ? ptr : (ptr + HVK_LLAN_RXQ_ENTRY) % (16 * HVK_LLAN_RXQ_ENTRY));
		for (sum = 0, c = 0; c < HVM_LLAN_POOLS; c++)
			sum += la.pool[c].count;
		EXPECT_EQ(sum, la.rx_bufs);
	}
	EXPECT_EQ(h.mutations[HVM_HOSTILE_LLAN], 600);
	for (c = HVM_HK_LLAN_TOGGLE; c <= HVM_HK_LLAN_OTHER_CORR; c++)
		EXPECT_TRUE(h.kinds[c] > 0);
	/* Nothing outside the queue, the buffers and the buffer list. */
	EXPECT_TRUE(zero_between(ga.base + FILTER, ga.base + RXQ));
	EXPECT_TRUE(zero_between(ga.base + RXQ + 16 * HVK_LLAN_RXQ_ENTRY, ga.base + BUFS));
	EXPECT_TRUE(zero_between(gb.base, RAM_BASE + RAM_SIZE));
}

int main(int argc, char **argv)
{
	return ktest_main(argc, argv);
}
