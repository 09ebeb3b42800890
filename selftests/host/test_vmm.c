// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host unit tests of hvkit-vmm's portable core (tools/hvkit-vmm): the SMCCC
 * front door, the hcall registration table, guest memory checks, the vty
 * model, the CRQ transport, the boot layout and the PL011, each driven
 * the way the guest drives them:
 * registers in, registers out, and the guest's own codecs (vty, CRQ) on
 * the other side of the answers.
 */
#include <stdlib.h>
#include <string.h>

#include <hvkit/hcall_opcodes.h>
#include <hvkit/hcall_status.h>
#include <hvkit/smccc_abi.h>

#include "boot_layout.h"
#include "crq_model.h"
#include "guest_mem.h"
#include "ktest.h"
#include "pl011.h"
#include "smccc.h"
#include "vty_model.h"
#include "vty_codec.h"

/* A guest's call as it leaves hvk_arch_hcall(): x0 and x1..x9. */
static long call(struct hvm_hcall_table *t, u32 opcode, u64 a0, u64 a1,
		 u64 a2, u64 a3, struct hvm_smccc_regs *r)
{
	memset(r, 0, sizeof(*r));
	r->x[0] = HVK_SMCCC_FN_BASE | opcode;
	r->x[1] = a0;
	r->x[2] = a1;
	r->x[3] = a2;
	r->x[4] = a3;
	EXPECT_EQ(hvm_smccc_answer(t, r), HVM_SMCCC_HCALL);
	return (long)r->x[0];
}

static long echo_unit(void *dev, struct hvm_call *c)
{
	c->out[0] = c->in[0];
	c->out[1] = *(u32 *)dev;
	return HVK_H_SUCCESS;
}

TEST(identity_call_answers_hvkit_uid)
{
	struct hvm_hcall_table t;
	struct hvm_smccc_regs r = { .x = { HVK_SMCCC_CALL_UID, 7, 7, 7, 7 } };
	/* The UID as the guest prints it, bytes 4k..4k+3 from register k. */
	static const u8 want[16] = { 0x68, 0x76, 0xb1, 0xf3, 0x7f, 0x5e,
				     0x4c, 0x1a, 0x9b, 0x52, 0x8d, 0x2a,
				     0x4c, 0x6e, 0x0a, 0x11 };
	unsigned int i;

	hvm_table_init(&t);
	EXPECT_EQ(hvm_smccc_answer(&t, &r), HVM_SMCCC_IDENTITY);
	for (i = 0; i < 16; i++)
		EXPECT_EQ((r.x[i / 4] >> (8 * (i % 4))) & 0xff, want[i]);
	EXPECT_EQ(r.x[4], 0);
}

TEST(function_ids_outside_the_range_are_not_supported)
{
	struct hvm_hcall_table t;
	struct hvm_smccc_regs r;
	static const u64 fids[] = { 0x84000000, 0xc5000054, 0x86000054,
				    0xc7000054, 0x8600ff00 };
	unsigned int i;

	hvm_table_init(&t);
	for (i = 0; i < ARRAY_SIZE(fids); i++) {
		memset(&r, 0, sizeof(r));
		r.x[0] = fids[i];
		EXPECT_EQ(hvm_smccc_answer(&t, &r), HVM_SMCCC_OTHER);
		EXPECT_EQ(r.x[0], HVM_SMCCC_NOT_SUPPORTED);
	}
	/* SMCCC's function ID is W0: the upper half of X0 is not part of it. */
	memset(&r, 0, sizeof(r));
	r.x[0] = 0xdead0000ull << 32 | HVK_SMCCC_CALL_UID;
	EXPECT_EQ(hvm_smccc_answer(&t, &r), HVM_SMCCC_IDENTITY);
}

TEST(calls_route_by_opcode_then_unit)
{
	struct hvm_hcall_table t;
	struct hvm_smccc_regs r;
	u32 a = 1, b = 2;

	hvm_table_init(&t);
	ASSERT_EQ(hvm_table_register(&t, 0x54, 0x30000000, echo_unit, &a), 0);
	ASSERT_EQ(hvm_table_register(&t, 0x54, 0x30000001, echo_unit, &b), 0);
	EXPECT_EQ(call(&t, 0x54, 0x30000001, 0, 0, 0, &r), HVK_H_SUCCESS);
	EXPECT_EQ(r.x[1], 0x30000001);
	EXPECT_EQ(r.x[2], 2);
	EXPECT_EQ(call(&t, 0x54, 0x30000000, 0, 0, 0, &r), HVK_H_SUCCESS);
	EXPECT_EQ(r.x[2], 1);
	/* A known opcode for a unit nobody has: H_PARAMETER, as QEMU. */
	EXPECT_EQ(call(&t, 0x54, 0x30000002, 0, 0, 0, &r), HVK_H_PARAMETER);
	/* The unit is 64 bits wide on the wire: no match on the low half. */
	EXPECT_EQ(call(&t, 0x54, 1ull << 32 | 0x30000000, 0, 0, 0, &r),
		  HVK_H_PARAMETER);
	/* An opcode nobody serves: H_FUNCTION, outputs zero. */
	EXPECT_EQ(call(&t, 0x58, 0x30000000, 5, 5, 5, &r), HVK_H_FUNCTION);
	EXPECT_EQ(r.x[1] | r.x[2] | r.x[3], 0);
	EXPECT_EQ(t.unknown_units, 2);
	EXPECT_EQ(t.unknown_opcodes, 1);
}

TEST(registration_refuses_duplicates_and_bad_opcodes)
{
	struct hvm_hcall_table *t = malloc(sizeof(*t));
	u32 a = 1;
	unsigned int i;

	ASSERT_TRUE(t);
	hvm_table_init(t);
	EXPECT_EQ(hvm_table_register(t, 0x54, 1, echo_unit, &a), 0);
	EXPECT_EQ(hvm_table_register(t, 0x54, 1, echo_unit, &a), -EEXIST);
	EXPECT_EQ(hvm_table_register(t, 0x10000, 1, echo_unit, &a), -EINVAL);
	EXPECT_EQ(hvm_table_register(t, 0x58, 1, NULL, &a), -EINVAL);
	for (i = 2; i <= HVM_TABLE_MAX; i++)
		EXPECT_EQ(hvm_table_register(t, 0x54, i, echo_unit, &a), 0);
	EXPECT_EQ(hvm_table_register(t, 0x54, i, echo_unit, &a), -ENOSPC);
	free(t);
}

/* A vty backend that records output and interrupts. */
struct sink {
	u8 out[4096];
	unsigned int len;
	unsigned int refuse_after;	/* 0: take everything */
	unsigned int interrupts;
	unsigned int rooms;		/* input_room reports */
};

static long sink_write(void *ctx, const u8 *buf, unsigned int len)
{
	struct sink *s = ctx;

	if (s->refuse_after && s->len + len > s->refuse_after)
		return -EAGAIN;
	memcpy(s->out + s->len, buf, len);
	s->len += len;
	return len;
}

static void sink_ready(void *ctx)
{
	((struct sink *)ctx)->interrupts++;
}

static void sink_room(void *ctx)
{
	((struct sink *)ctx)->rooms++;
}

static const struct hvm_vty_ops sink_ops = {
	.write = sink_write,
	.input_ready = sink_ready,
	.input_room = sink_room,
};

TEST(vty_output_arrives_as_the_guest_packed_it)
{
	struct hvm_hcall_table t;
	struct hvm_smccc_regs r;
	struct hvm_vty vty;
	struct sink s = { 0 };
	const u8 msg[] = "hvkit\r\n\0 over hvc, sixteen+ bytes";
	unsigned int pos = 0, n;
	u64 hi, lo;

	hvm_table_init(&t);
	hvm_vty_init(&vty, 0x30000000, &sink_ops, &s);
	ASSERT_EQ(hvm_vty_attach(&vty, &t, true), 0);
	while (pos < sizeof(msg)) {
		n = hvk_vty_encode(msg + pos, sizeof(msg) - pos, &hi, &lo);
		EXPECT_EQ(call(&t, HVK_H_PUT_TERM_CHAR, 0x30000000, n, hi, lo, &r),
			  HVK_H_SUCCESS);
		pos += n;
	}
	EXPECT_EQ(s.len, sizeof(msg));
	EXPECT_TRUE(!memcmp(s.out, msg, sizeof(msg)));
	/* Unit address 0 is the lowest vty, as on QEMU and PowerVM. */
	n = hvk_vty_encode((const u8 *)"!", 1, &hi, &lo);
	EXPECT_EQ(call(&t, HVK_H_PUT_TERM_CHAR, 0, n, hi, lo, &r), HVK_H_SUCCESS);
	EXPECT_EQ(s.out[s.len - 1], '!');
	/* A count above 16 is refused and counted; nothing is written. */
	EXPECT_EQ(call(&t, HVK_H_PUT_TERM_CHAR, 0x30000000, 17, hi, lo, &r),
		  HVK_H_PARAMETER);
	EXPECT_EQ(call(&t, HVK_H_PUT_TERM_CHAR, 0x30000000, ~0ull, hi, lo, &r),
		  HVK_H_PARAMETER);
	EXPECT_EQ(vty.put_rx.bad_counts, 2);
	EXPECT_EQ(s.len, sizeof(msg) + 1);
}

TEST(vty_lost_output_is_counted)
{
	struct hvm_hcall_table t;
	struct hvm_smccc_regs r;
	struct hvm_vty vty;
	struct sink s = { .refuse_after = 20 };
	u64 hi, lo;

	hvm_table_init(&t);
	hvm_vty_init(&vty, 0x30000000, &sink_ops, &s);
	ASSERT_EQ(hvm_vty_attach(&vty, &t, false), 0);
	hvk_vty_encode((const u8 *)"0123456789abcdef", 16, &hi, &lo);
	EXPECT_EQ(call(&t, HVK_H_PUT_TERM_CHAR, 0x30000000, 16, hi, lo, &r),
		  HVK_H_SUCCESS);
	EXPECT_EQ(call(&t, HVK_H_PUT_TERM_CHAR, 0x30000000, 16, hi, lo, &r),
		  HVK_H_SUCCESS);
	EXPECT_EQ(vty.output_lost, 16);
	/* Without @lowest, unit 0 is nobody's. */
	EXPECT_EQ(call(&t, HVK_H_PUT_TERM_CHAR, 0, 1, hi, lo, &r), HVK_H_PARAMETER);
}

/*
 * Every byte sequence fed to the model reaches the guest unchanged through
 * its own decoder, CR NUL included: the two halves of the vty codec agree.
 */
TEST(vty_input_reaches_the_guest_decoder_unchanged)
{
	struct hvm_hcall_table t;
	struct hvm_smccc_regs r;
	struct hvk_vty_rx rx = { 0 };
	struct hvm_vty vty;
	struct sink s = { 0 };
	static u8 data[20000], got[20000];
	unsigned int fed = 0, have = 0, calls = 0, i;
	u8 chunk[HVK_VTY_CHUNK];
	int n;

	srand(12);
	for (i = 0; i < sizeof(data); i++) {
		static const u8 pick[] = { '\r', '\n', '\0', 'a', 0xff };

		data[i] = rand() % 3 ? pick[rand() % 5] : (u8)rand();
	}
	hvm_table_init(&t);
	hvm_vty_init(&vty, 0x30000002, &sink_ops, &s);
	ASSERT_EQ(hvm_vty_attach(&vty, &t, false), 0);
	while (have < sizeof(data) && calls < 10 * sizeof(data)) {
		unsigned int more = rand() % 300;

		if (more > sizeof(data) - fed)
			more = sizeof(data) - fed;
		fed += hvm_vty_feed(&vty, data + fed, more);
		calls++;
		ASSERT_EQ(call(&t, HVK_H_GET_TERM_CHAR, 0x30000002, 0, 0, 0, &r),
			  HVK_H_SUCCESS);
		ASSERT_TRUE(r.x[1] <= HVK_VTY_CHUNK);
		n = hvk_vty_decode(&rx, r.x[1], r.x[2], r.x[3], chunk);
		ASSERT_TRUE(n >= 0 && have + n <= sizeof(got));
		memcpy(got + have, chunk, n);
		have += n;
	}
	EXPECT_EQ(have, sizeof(data));
	EXPECT_TRUE(!memcmp(got, data, sizeof(data)));
	EXPECT_EQ(rx.nuls_dropped, 0);
	EXPECT_TRUE(s.interrupts >= 1);
	/* Nothing waiting: count 0 and zeroed registers, as QEMU answers. */
	EXPECT_EQ(call(&t, HVK_H_GET_TERM_CHAR, 0x30000002, 0, 0, 0, &r),
		  HVK_H_SUCCESS);
	EXPECT_EQ(r.x[1] | r.x[2] | r.x[3], 0);
}

TEST(vty_feed_stops_at_its_buffer)
{
	struct hvm_vty vty;
	struct sink s = { 0 };
	static u8 big[HVM_VTY_INPUT + 50];

	hvm_vty_init(&vty, 1, &sink_ops, &s);
	EXPECT_EQ(hvm_vty_feed(&vty, big, sizeof(big)), HVM_VTY_INPUT);
	EXPECT_EQ(hvm_vty_feed(&vty, big, 1), 0);
	EXPECT_EQ(s.interrupts, 1);
}

/* Take one H_GET_TERM_CHAR's worth from the vty at unit 1; its count. */
static u64 get_chars(struct hvm_hcall_table *t)
{
	struct hvm_smccc_regs r;

	EXPECT_EQ(call(t, HVK_H_GET_TERM_CHAR, 1, 0, 0, 0, &r), HVK_H_SUCCESS);
	return r.x[1];
}

/*
 * --hostile's vty site at every read: the answer is garbage, but the vty
 * takes from its input what it would have (the guest lost those bytes).
 */
TEST(vty_hostile_answers_take_what_they_would_have)
{
	static struct hvm_hostile h;
	struct hvm_hcall_table t;
	struct hvm_smccc_regs r;
	struct hvm_vty vty;
	struct sink s = { 0 };
	unsigned int i, want, left;
	static u8 text[100];
	u64 hi, lo;

	for (i = 0; i < sizeof(text); i++)
		text[i] = (u8)('a' + i % 26);
	hvm_table_init(&t);
	hvm_vty_init(&vty, 1, &sink_ops, &s);
	ASSERT_EQ(hvm_vty_attach(&vty, &t, false), 0);
	hvm_hostile_init(&h, 1000, 1u << HVM_HOSTILE_VTY, 3);
	vty.hostile = &h;
	EXPECT_EQ(hvm_vty_feed(&vty, text, sizeof(text)), sizeof(text));
	for (i = 0; i < 20; i++) {
		/* What an honest answer would be. */
		want = hvk_vty_encode(vty.input, vty.input_len, &hi, &lo);
		left = vty.input_len - want;
		EXPECT_EQ(call(&t, HVK_H_GET_TERM_CHAR, 1, 0, 0, 0, &r), HVK_H_SUCCESS);
		EXPECT_EQ(vty.input_len, left);
		EXPECT_TRUE(r.x[1] != want || r.x[2] != hi || r.x[3] != lo);
	}
	EXPECT_EQ(vty.input_len, 0);
	EXPECT_EQ(h.mutations[HVM_HOSTILE_VTY], 20);
}

/*
 * The backend reader stops reading while the buffer is full and sleeps
 * until told: a guest read that drains a full buffer to the low mark says
 * so, once; reads of a buffer no feed filled say nothing.
 */
TEST(vty_reports_room_once_a_full_buffer_drains)
{
	struct hvm_hcall_table t;
	struct hvm_vty vty;
	struct sink s = { 0 };
	static u8 big[HVM_VTY_INPUT];
	unsigned int left = HVM_VTY_INPUT;

	memset(big, 'x', sizeof(big));
	hvm_table_init(&t);
	hvm_vty_init(&vty, 1, &sink_ops, &s);
	ASSERT_EQ(hvm_vty_attach(&vty, &t, false), 0);

	/* Not full: the reader never stopped, nothing to report. */
	EXPECT_EQ(hvm_vty_feed(&vty, big, HVM_VTY_INPUT - 1), HVM_VTY_INPUT - 1);
	while (vty.input_len)
		get_chars(&t);
	EXPECT_EQ(s.rooms, 0);

	/* Full: reported when the guest has taken it down to the low mark. */
	EXPECT_EQ(hvm_vty_feed(&vty, big, HVM_VTY_INPUT), HVM_VTY_INPUT);
	while (left > HVM_VTY_INPUT_LOW) {
		EXPECT_EQ(s.rooms, 0);
		left -= get_chars(&t);
		EXPECT_EQ(vty.input_len, left);
	}
	EXPECT_EQ(s.rooms, 1);
	/* Once per filling, not per read. */
	while (vty.input_len)
		get_chars(&t);
	get_chars(&t);
	EXPECT_EQ(s.rooms, 1);

	/* A refill that fills it again arms the next report. */
	EXPECT_EQ(hvm_vty_feed(&vty, big, HVM_VTY_INPUT), HVM_VTY_INPUT);
	while (vty.input_len)
		get_chars(&t);
	EXPECT_EQ(s.rooms, 2);
}

TEST(guest_memory_bounds)
{
	static u8 ram[8192];
	const struct hvm_guest_mem m = { .host = ram, .base = 0x40000000, .size = sizeof(ram) };

	EXPECT_TRUE(hvm_mem_ptr(&m, 0x40000000, 8192) == ram);
	EXPECT_TRUE(hvm_mem_ptr(&m, 0x40001ff0, 16) == ram + 0x1ff0);
	EXPECT_TRUE(!hvm_mem_ptr(&m, 0x40001ff0, 17));
	EXPECT_TRUE(!hvm_mem_ptr(&m, 0x3ffffff0, 32));
	EXPECT_TRUE(!hvm_mem_ptr(&m, 0x40002000, 1));
	EXPECT_TRUE(!hvm_mem_ptr(&m, 0x40000000, 0));
	/* Sums that wrap must not pass. */
	EXPECT_TRUE(!hvm_mem_ptr(&m, 0x40000010, ~0ull - 8));
	EXPECT_TRUE(!hvm_mem_ptr(&m, ~0ull - 4, 16));
}

/* A v-scsi-like partner: answers the init request, keeps payloads. */
struct partner {
	unsigned int pulses;
	unsigned int payloads;
	struct hvk_crq_msg last;
};

static long partner_receive(struct hvm_crq *crq, const struct hvk_crq_msg *msg,
			    enum hvk_crq_kind kind)
{
	struct partner *p = crq->owner;
	struct hvk_crq_msg done = { .valid = HVK_CRQ_INIT, .format = HVK_CRQ_INIT_COMPLETE };

	if (kind == HVK_CRQ_K_INIT_REQUEST)
		hvm_crq_post(crq, &done);
	if (kind == HVK_CRQ_K_MESSAGE) {
		p->payloads++;
		p->last = *msg;
	}
	return HVK_H_SUCCESS;
}

static void partner_pulse(struct hvm_crq *crq)
{
	((struct partner *)crq->owner)->pulses++;
}

static const struct hvm_crq_ops partner_ops = {
	.receive = partner_receive,
	.pulse = partner_pulse,
};

#define RAM_BASE 0x40000000ull
static u8 crq_ram[4 * 4096] __attribute__((aligned(4096)));

static void crq_world(struct hvm_hcall_table *t, struct hvm_crq *crq,
		      struct hvm_guest_mem *m, struct partner *p)
{
	memset(crq_ram, 0, sizeof(crq_ram));
	memset(p, 0, sizeof(*p));
	*m = (struct hvm_guest_mem){ .host = crq_ram, .base = RAM_BASE, .size = sizeof(crq_ram) };
	hvm_table_init(t);
	hvm_crq_init(crq, 0x30000003, &partner_ops, p, m);
	ASSERT_EQ(hvm_crq_attach(crq, t), 0);
}

/* The client's handshake as hv_vio makes it, read back by its own codec. */
TEST(crq_handshake_reaches_the_guest_state_machine)
{
	struct hvm_hcall_table t;
	struct hvm_guest_mem m;
	struct hvm_crq crq;
	struct partner p;
	struct hvm_smccc_regs r;
	struct hvk_crq_msg msg, init = { .valid = HVK_CRQ_INIT, .format = HVK_CRQ_INIT_REQUEST };
	u64 hi, lo;
	int next;

	crq_world(&t, &crq, &m, &p);
	EXPECT_EQ(call(&t, HVK_H_REG_CRQ, 0x30000003, RAM_BASE + 4096, 4096, 0, &r), HVK_H_SUCCESS);
	EXPECT_EQ(call(&t, HVK_H_VIO_SIGNAL, 0x30000003, 1, 0, 0, &r), HVK_H_SUCCESS);
	hvk_crq_encode(&init, &hi, &lo);
	EXPECT_EQ(call(&t, HVK_H_SEND_CRQ, 0x30000003, hi, lo, 0, &r), HVK_H_SUCCESS);
	EXPECT_EQ(hvk_crq_decode(crq_ram + 4096, &msg), HVK_CRQ_K_INIT_COMPLETE);
	EXPECT_EQ(hvk_crq_transition(HVK_CRQ_ST_WAITING, HVK_CRQ_K_INIT_COMPLETE, &next),
		  HVK_CRQ_A_UP);
	EXPECT_EQ(next, HVK_CRQ_ST_UP);
	EXPECT_EQ(p.pulses, 1);
	/* A payload reaches the protocol decoded, token and length intact. */
	msg = (struct hvk_crq_msg){ .valid = HVK_CRQ_PAYLOAD, .format = 1, .iu_len = 96,
				    .token = RAM_BASE + 8192 };
	hvk_crq_encode(&msg, &hi, &lo);
	EXPECT_EQ(call(&t, HVK_H_SEND_CRQ, 0x30000003, hi, lo, 0, &r), HVK_H_SUCCESS);
	EXPECT_EQ(p.payloads, 1);
	EXPECT_EQ(p.last.iu_len, 96);
	EXPECT_EQ(p.last.token, RAM_BASE + 8192);
	/* Interrupts off: entries still posted, no pulse. */
	EXPECT_EQ(call(&t, HVK_H_VIO_SIGNAL, 0x30000003, 0, 0, 0, &r), HVK_H_SUCCESS);
	EXPECT_EQ(hvm_crq_post(&crq, &msg), 0);
	EXPECT_EQ(p.pulses, 1);
	EXPECT_EQ(call(&t, HVK_H_VIO_SIGNAL, 0x30000003, 2, 0, 0, &r), HVK_H_PARAMETER);
	EXPECT_EQ(call(&t, HVK_H_ENABLE_CRQ, 0x30000003, 0, 0, 0, &r), HVK_H_SUCCESS);
}

/*
 * What the model posts is what the guest's decoder reads: every field of
 * the header (status is byte 3, the timeout bytes 4-5) and the token.
 */
TEST(crq_post_writes_every_field_where_the_guest_reads_it)
{
	struct hvm_hcall_table t;
	struct hvm_guest_mem m;
	struct partner p = {};
	struct hvm_crq crq;
	struct hvk_crq_msg got, msg = { .valid = HVK_CRQ_PAYLOAD, .format = 0x02, .status = 0x5a,
					.timeout = 0x1234, .iu_len = 0x0060,
					.token = 0x0102030405060708ULL };
	struct hvm_smccc_regs r;

	crq_world(&t, &crq, &m, &p);
	EXPECT_EQ(call(&t, HVK_H_REG_CRQ, 0x30000003, RAM_BASE + 4096, 4096, 0, &r), HVK_H_SUCCESS);
	EXPECT_EQ(hvm_crq_post(&crq, &msg), 0);
	EXPECT_EQ(hvk_crq_decode(crq_ram + 4096, &got), HVK_CRQ_K_MESSAGE);
	EXPECT_EQ(got.valid, msg.valid);
	EXPECT_EQ(got.format, msg.format);
	EXPECT_EQ(got.status, msg.status);
	EXPECT_EQ(got.timeout, msg.timeout);
	EXPECT_EQ(got.iu_len, msg.iu_len);
	EXPECT_EQ(got.token, msg.token);
	EXPECT_EQ(crq_ram[4096 + 2], 0);
}

TEST(crq_registration_is_checked_against_guest_memory)
{
	struct hvm_hcall_table t;
	struct hvm_guest_mem m;
	struct hvm_crq crq;
	struct partner p;
	struct hvm_smccc_regs r;

	crq_world(&t, &crq, &m, &p);
	/* QEMU's refusals: size out of range, ioba not 4 KiB aligned. */
	EXPECT_EQ(call(&t, HVK_H_REG_CRQ, 0x30000003, RAM_BASE, 0xff0, 0, &r), HVK_H_PARAMETER);
	EXPECT_EQ(call(&t, HVK_H_REG_CRQ, 0x30000003, RAM_BASE + 16, 4096, 0, &r),
		  HVK_H_PARAMETER);
	/* The VMM's own: inside guest memory, whole entries. */
	EXPECT_EQ(call(&t, HVK_H_REG_CRQ, 0x30000003, RAM_BASE + 3 * 4096, 8192, 0, &r),
		  HVK_H_PARAMETER);
	EXPECT_EQ(call(&t, HVK_H_REG_CRQ, 0x30000003, 0x1000, 4096, 0, &r), HVK_H_PARAMETER);
	EXPECT_EQ(call(&t, HVK_H_REG_CRQ, 0x30000003, RAM_BASE, 4096 + 8, 0, &r), HVK_H_PARAMETER);
	EXPECT_EQ(crq.bad_registrations, 5);
	/* Registered once; again is H_RESOURCE until freed (kexec's case). */
	EXPECT_EQ(call(&t, HVK_H_REG_CRQ, 0x30000003, RAM_BASE, 4096, 0, &r), HVK_H_SUCCESS);
	EXPECT_EQ(call(&t, HVK_H_REG_CRQ, 0x30000003, RAM_BASE, 4096, 0, &r), HVK_H_RESOURCE);
	EXPECT_EQ(call(&t, HVK_H_FREE_CRQ, 0x30000003, 0, 0, 0, &r), HVK_H_SUCCESS);
	EXPECT_EQ(call(&t, HVK_H_FREE_CRQ, 0x30000003, 0, 0, 0, &r), HVK_H_SUCCESS);
	EXPECT_EQ(call(&t, HVK_H_REG_CRQ, 0x30000003, RAM_BASE, 4096, 0, &r), HVK_H_SUCCESS);
}

TEST(crq_posts_only_into_free_slots_and_wraps)
{
	struct hvm_hcall_table t;
	struct hvm_guest_mem m;
	struct hvm_crq crq;
	struct partner p;
	struct hvm_smccc_regs r;
	struct hvk_crq_msg msg = { .valid = HVK_CRQ_PAYLOAD, .format = 2 }, got;
	unsigned int i;

	crq_world(&t, &crq, &m, &p);
	EXPECT_EQ(hvm_crq_post(&crq, &msg), -ENOTCONN);
	EXPECT_EQ(call(&t, HVK_H_REG_CRQ, 0x30000003, RAM_BASE, 4096, 0, &r), HVK_H_SUCCESS);
	for (i = 0; i < 256; i++) {
		msg.token = i;
		ASSERT_EQ(hvm_crq_post(&crq, &msg), 0);
	}
	/* Full: the next slot is still the guest's, so the post is dropped. */
	EXPECT_EQ(hvm_crq_post(&crq, &msg), -ENOSPC);
	EXPECT_EQ(crq.dropped_full, 1);
	/* The guest consumes slot 0 (stores 0 to byte 0): room for one. */
	EXPECT_EQ(hvk_crq_decode(crq_ram, &got), HVK_CRQ_K_MESSAGE);
	EXPECT_EQ(got.token, 0);
	crq_ram[0] = 0;
	msg.token = 1000;
	EXPECT_EQ(hvm_crq_post(&crq, &msg), 0);
	EXPECT_EQ(hvk_crq_decode(crq_ram, &got), HVK_CRQ_K_MESSAGE);
	EXPECT_EQ(got.token, 1000);
	EXPECT_EQ(hvk_crq_decode(crq_ram + 255 * 16, &got), HVK_CRQ_K_MESSAGE);
	EXPECT_EQ(got.token, 255);
}

/* An arm64 Image header as the kernel's head.S lays it out. */
static void image_header(u8 *h, u64 text_offset, u64 image_size, u64 flags)
{
	unsigned int i;

	memset(h, 0, HVM_IMAGE_HEADER);
	for (i = 0; i < 8; i++) {
		h[8 + i] = (u8)(text_offset >> (8 * i));
		h[16 + i] = (u8)(image_size >> (8 * i));
		h[24 + i] = (u8)(flags >> (8 * i));
	}
	memcpy(h + 56, "ARM\x64", 4);
}

TEST(image_header_is_checked)
{
	struct hvm_image_info info;
	char why[160];
	u8 h[HVM_IMAGE_HEADER];

	/* Debian bookworm's arm64 6.1 Image: text_offset 0, 2 MiB-aligned anywhere. */
	image_header(h, 0, 33 << 20, 0xa);
	EXPECT_EQ(hvm_image_parse(h, 31 << 20, &info, why, sizeof(why)), 0);
	EXPECT_EQ(info.image_size, 33 << 20);
	EXPECT_TRUE(info.any_placement);
	/* Before 3.17: image_size 0, text_offset taken as 0x80000. */
	image_header(h, 0, 0, 0);
	EXPECT_EQ(hvm_image_parse(h, 9 << 20, &info, why, sizeof(why)), 0);
	EXPECT_EQ(info.text_offset, 0x80000);
	image_header(h, 0, 33 << 20, 1);
	EXPECT_EQ(hvm_image_parse(h, 31 << 20, &info, why, sizeof(why)), -EINVAL);
	EXPECT_CONTAINS(why, "big-endian");
	image_header(h, 0x201000, 33 << 20, 0);
	EXPECT_EQ(hvm_image_parse(h, 31 << 20, &info, why, sizeof(why)), -EINVAL);
	image_header(h, 0, 1 << 20, 0);
	EXPECT_EQ(hvm_image_parse(h, 2 << 20, &info, why, sizeof(why)), -EINVAL);
	EXPECT_CONTAINS(why, "larger than the image size");
	memcpy(h + 56, "ARM\x65", 4);
	EXPECT_EQ(hvm_image_parse(h, 2 << 20, &info, why, sizeof(why)), -EINVAL);
	EXPECT_CONTAINS(why, "not an arm64 Image");
	EXPECT_EQ(hvm_image_parse(h, 63, &info, why, sizeof(why)), -EINVAL);
}

TEST(boot_layout_places_without_overlap)
{
	struct hvm_image_info info = { .text_offset = 0, .image_size = (33 << 20) + 4096 };
	struct hvm_boot_layout l;
	char why[160];

	ASSERT_EQ(hvm_boot_place(&info, 40 << 20, 0x40000000, 256 << 20, &l, why, sizeof(why)), 0);
	EXPECT_EQ(l.kernel, 0x40000000);
	EXPECT_EQ(l.initrd, 0x40000000 + (34 << 20));
	EXPECT_EQ(l.initrd_size, 40 << 20);
	EXPECT_EQ(l.dtb, 0x40000000 + (254 << 20));
	EXPECT_TRUE(l.initrd + l.initrd_size <= l.dtb);
	/* No initrd. */
	ASSERT_EQ(hvm_boot_place(&info, 0, 0x40000000, 64 << 20, &l, why, sizeof(why)), 0);
	EXPECT_EQ(l.initrd, 0);
	/* Too small, and sizes that would wrap a sum: refused, with the sizes. */
	EXPECT_EQ(hvm_boot_place(&info, 40 << 20, 0x40000000, 64 << 20, &l, why, sizeof(why)),
		  -ENOSPC);
	EXPECT_CONTAINS(why, "do not fit in 64 MiB");
	EXPECT_EQ(hvm_boot_place(&info, ~0ull - 4096, 0x40000000, 256 << 20, &l, why, sizeof(why)),
		  -ENOSPC);
	info.image_size = ~0ull - 4096;
	EXPECT_EQ(hvm_boot_place(&info, 0, 0x40000000, 256 << 20, &l, why, sizeof(why)), -ENOSPC);
	info.image_size = 1 << 20;
	EXPECT_EQ(hvm_boot_place(&info, 0, 0x40001000, 256 << 20, &l, why, sizeof(why)), -ENOSPC);
	/* The initrd must stay in the kernel's 32 GiB window. */
	EXPECT_EQ(hvm_boot_place(&info, 33ull << 30, 0x40000000, 40ull << 30, &l, why, sizeof(why)),
		  -ENOSPC);
	EXPECT_CONTAINS(why, "32 GiB");
}

struct uart_sink {
	u8 out[64];
	unsigned int len;
	bool level;
	unsigned int edges;
	unsigned int rooms;	/* rx_room reports */
};

static void uart_write(void *ctx, u8 c)
{
	struct uart_sink *s = ctx;

	if (s->len < sizeof(s->out))
		s->out[s->len++] = c;
}

static void uart_irq(void *ctx, bool level)
{
	struct uart_sink *s = ctx;

	s->level = level;
	s->edges++;
}

static void uart_room(void *ctx)
{
	((struct uart_sink *)ctx)->rooms++;
}

static const struct hvm_pl011_ops uart_ops = {
	.write = uart_write,
	.set_irq = uart_irq,
	.rx_room = uart_room,
};

/* What amba-pl011 does: probe the IDs, set up, send, take input by interrupt. */
TEST(pl011_as_the_linux_driver_uses_it)
{
	struct hvm_pl011 u;
	struct uart_sink s = { 0 };
	u32 id = 0, cid = 0;
	unsigned int i;

	hvm_pl011_init(&u, &uart_ops, &s);
	for (i = 0; i < 4; i++) {
		id |= (u32)hvm_pl011_read(&u, 0xfe0 + 4 * i, 4) << (8 * i);
		cid |= (u32)hvm_pl011_read(&u, 0xff0 + 4 * i, 4) << (8 * i);
	}
	/* amba-pl011 matches id 0x00041011 under mask 0x000fffff. */
	EXPECT_EQ(id & 0x000fffff, 0x00041011);
	EXPECT_EQ(cid, 0xb105f00d);
	EXPECT_EQ(s.level, false);
	/* Transmit: the FIFO is never full and empties at once. */
	EXPECT_EQ(hvm_pl011_read(&u, 0x018, 4) & 0xb0, 0x90);
	hvm_pl011_write(&u, 0x000, 4, 'o');
	hvm_pl011_write(&u, 0x000, 4, 'k');
	EXPECT_EQ(s.len, 2);
	EXPECT_TRUE(!memcmp(s.out, "ok", 2));
	/* TX unmasked: the line rises (the FIFO is empty) until masked again. */
	hvm_pl011_write(&u, 0x038, 4, 1 << 5);
	EXPECT_EQ(s.level, true);
	hvm_pl011_write(&u, 0x044, 4, 0x7ff);
	EXPECT_EQ(s.level, true);
	hvm_pl011_write(&u, 0x038, 4, 0);
	EXPECT_EQ(s.level, false);
	/* Receive: RX and RT unmasked, the line follows the FIFO. */
	hvm_pl011_write(&u, 0x038, 4, (1 << 4) | (1 << 6));
	EXPECT_EQ(s.level, false);
	EXPECT_EQ(hvm_pl011_feed(&u, (const u8 *)"hi", 2), 2);
	EXPECT_EQ(s.level, true);
	EXPECT_EQ(hvm_pl011_read(&u, 0x040, 4), (1 << 4) | (1 << 6));
	EXPECT_EQ(hvm_pl011_read(&u, 0x000, 4), 'h');
	EXPECT_EQ(hvm_pl011_read(&u, 0x000, 4), 'i');
	EXPECT_EQ(s.level, false);
	EXPECT_EQ(hvm_pl011_read(&u, 0x018, 4) & 0x10, 0x10);
	EXPECT_EQ(hvm_pl011_read(&u, 0x000, 4), 0);
}

TEST(pl011_fifo_holds_32)
{
	struct hvm_pl011 u;
	struct uart_sink s = { 0 };
	static const u8 many[40] = "0123456789012345678901234567890123456789";
	unsigned int i;

	hvm_pl011_init(&u, &uart_ops, &s);
	EXPECT_EQ(hvm_pl011_feed(&u, many, 40), 32);
	EXPECT_EQ(hvm_pl011_read(&u, 0x018, 4) & 0x40, 0x40);
	EXPECT_EQ(hvm_pl011_feed(&u, many, 1), 0);
	for (i = 0; i < 32; i++)
		EXPECT_EQ(hvm_pl011_read(&u, 0x000, 1), many[i]);
	EXPECT_EQ(hvm_pl011_feed(&u, many + 32, 8), 8);
	EXPECT_EQ(hvm_pl011_read(&u, 0x000, 1), '2');
	/* Offsets it does not have: 0, writes ignored. */
	hvm_pl011_write(&u, 0x800, 4, 5);
	EXPECT_EQ(hvm_pl011_read(&u, 0x800, 4), 0);
	EXPECT_EQ(hvm_pl011_read(&u, 0xfe2, 1), 0);
}

/* As the vty: a full FIFO read down to half reports room, once. */
TEST(pl011_reports_room_once_a_full_fifo_drains)
{
	struct hvm_pl011 u;
	struct uart_sink s = { 0 };
	static const u8 many[HVM_PL011_RXQ] = "0123456789abcdefghijklmnopqrstuv";
	unsigned int i;

	hvm_pl011_init(&u, &uart_ops, &s);
	EXPECT_EQ(hvm_pl011_feed(&u, many, HVM_PL011_RXQ - 1), HVM_PL011_RXQ - 1);
	for (i = 0; i < HVM_PL011_RXQ - 1; i++)
		EXPECT_EQ(hvm_pl011_read(&u, 0x000, 4), many[i]);
	EXPECT_EQ(s.rooms, 0);

	EXPECT_EQ(hvm_pl011_feed(&u, many, HVM_PL011_RXQ), HVM_PL011_RXQ);
	for (i = 0; i < HVM_PL011_RXQ - HVM_PL011_RXQ_LOW; i++) {
		EXPECT_EQ(s.rooms, 0);
		EXPECT_EQ(hvm_pl011_read(&u, 0x000, 4), many[i]);
	}
	EXPECT_EQ(s.rooms, 1);
	/* Reads of other registers, and the rest of the FIFO: no more. */
	EXPECT_EQ(hvm_pl011_read(&u, 0x018, 4) & 0x40, 0);
	while (u.rx_len)
		hvm_pl011_read(&u, 0x000, 4);
	hvm_pl011_read(&u, 0x000, 4);
	EXPECT_EQ(s.rooms, 1);
}

int main(int argc, char **argv)
{
	return ktest_main(argc, argv);
}
