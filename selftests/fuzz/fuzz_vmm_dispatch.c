// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fuzz target: hvkit-vmm's hcall front door (tools/hvkit-vmm: smccc.c,
 * hcall_table.c, vty_model.c, crq_model.c, guest_mem.c, msi_table.c)
 * under guest-controlled registers. Three vtys are attached (the first
 * also at unit address 0; the first two with an MSI vector, the third
 * wired, all answering H_VIO_SET_MSI) and a CRQ device over 64 KiB of guest memory whose
 * partner answers init requests; the input is a sequence of records, each
 * one of:
 *
 *   op%4 == 0  feed:  a length byte, then that many bytes of input for vty
 *                     op/4%3 (what a socket would deliver), then a raise
 *                     of its vector;
 *   op%4 == 1  call:  x0..x9 as 80 raw bytes; with op&4, x0 becomes one
 *                     of the opcodes the devices serve, with op&8 also x1
 *                     one of their unit addresses, with op&32 x3 the ITS
 *                     doorbell (the rest stays raw);
 *   op%4 == 2  get:   H_GET_TERM_CHAR on vty op/4%3;
 *   op%4 == 3  put:   a count byte and 16 bytes, H_PUT_TERM_CHAR on vty
 *                     op/4%3.
 *
 * After every call: x0 is a status the VMM may give (success, H_PARAMETER,
 * H_FUNCTION, H_RESOURCE, NOT_SUPPORTED, or the identity answer;
 * H_P2..H_P4 from H_VIO_SET_MSI only), a stored message is the doorbell
 * and a raise signals only it with the vty's own DeviceID, an
 * answer the guest's codec decodes is exactly the input the model took
 * from its vty, output reaches the sink exactly when the count is valid,
 * and a registered queue lies in guest memory with its next slot inside.
 */
#include <string.h>

#include <hvkit/hcall_opcodes.h>
#include <hvkit/hcall_status.h>
#include <hvkit/smccc_abi.h>

#include "crq_model.h"
#include "fuzz.h"
#include "msi_table.h"
#include "smccc.h"
#include "vty_model.h"
#include "vty_codec.h"

#define VTYS	3
#define CRQ_UNIT	0x30000010
#define RAM_BASE	0x40000000ull
#define RAM_SIZE	0x10000
#define ITS_BASE	0x08080000ull
#define MSI_VTYS	2	/* vtys 0 and 1; vty 2 is wired */

static const u32 opcodes[] = {
	HVK_H_GET_TERM_CHAR, HVK_H_PUT_TERM_CHAR, HVK_H_REG_CRQ, HVK_H_FREE_CRQ,
	HVK_H_SEND_CRQ, HVK_H_VIO_SIGNAL, HVK_H_ENABLE_CRQ, HVK_H_VIO_SET_MSI,
};
static const u32 units[] = { 0, 0x30000000, 0x30000001, 0x30000002, CRQ_UNIT };

struct sink {
	unsigned int len;	/* bytes written so far */
	u8 last[HVK_VTY_CHUNK];
	unsigned int last_len;
};

static long sink_write(void *ctx, const u8 *buf, unsigned int len)
{
	struct sink *s = ctx;

	FUZZ_CHECK(len && len <= HVK_VTY_CHUNK, "write of %u bytes", len);
	memcpy(s->last, buf, len);
	s->last_len = len;
	s->len += len;
	return len;
}

static const struct hvm_vty_ops ops = { .write = sink_write };

static long partner_receive(struct hvm_crq *crq, const struct hvk_crq_msg *msg,
			    enum hvk_crq_kind kind)
{
	struct hvk_crq_msg done = { .valid = HVK_CRQ_INIT, .format = HVK_CRQ_INIT_COMPLETE };

	(void)msg;
	if (kind == HVK_CRQ_K_INIT_REQUEST)
		hvm_crq_post(crq, &done);
	return HVK_H_SUCCESS;
}

static const struct hvm_crq_ops crq_ops = { .receive = partner_receive };

struct world {
	struct hvm_hcall_table table;
	struct hvm_vty vty[VTYS];
	struct sink sink[VTYS];
	struct hvm_msi_dev msi[VTYS];
	struct hvm_crq crq;
	struct hvm_guest_mem mem;
	u8 ram[RAM_SIZE];
};

static void check_crq(const struct hvm_crq *crq)
{
	if (!crq->registered)
		return;
	FUZZ_CHECK(hvm_mem_ptr(crq->mem, crq->queue, crq->bytes),
		   "queue %llx+%llx outside guest memory",
		   (unsigned long long)crq->queue, (unsigned long long)crq->bytes);
	FUZZ_CHECK(crq->next < crq->bytes && !(crq->next % HVK_CRQ_ENTRY_SIZE),
		   "next slot at %llu of %llu", (unsigned long long)crq->next,
		   (unsigned long long)crq->bytes);
}

/* What any guest may have stored, and what a raise then signals. */
static void check_msi(struct hvm_msi_dev *m)
{
	struct hvm_msi_message msg;
	u64 counted = m->unwritten + m->after_free;

	FUZZ_CHECK(!m->vec[0].written || m->vec[0].address == ITS_BASE + HVM_GITS_TRANSLATER,
		   "unit %#x stored address %llx", m->unit,
		   (unsigned long long)m->vec[0].address);
	if (hvm_msi_raise(m, 0, &msg)) {
		FUZZ_CHECK(m->nr_vectors && m->vec[0].written, "unit %#x signals unwritten", m->unit);
		FUZZ_CHECK(msg.address == m->doorbell && msg.devid == m->devid &&
			   msg.data == m->vec[0].data, "unit %#x signals another message", m->unit);
	} else {
		FUZZ_CHECK(m->unwritten + m->after_free == counted + 1, "raise not counted");
	}
}

static void check_status(const struct hvm_smccc_regs *r, enum hvm_smccc_kind kind,
			 u32 opcode)
{
	long st = (long)r->x[0];

	if (kind == HVM_SMCCC_IDENTITY) {
		FUZZ_CHECK(r->x[0] == HVK_SMCCC_UID_W0 && r->x[3] == HVK_SMCCC_UID_W3,
			   "identity answer %llx", (unsigned long long)r->x[0]);
		return;
	}
	if (kind == HVM_SMCCC_OTHER) {
		FUZZ_CHECK(r->x[0] == HVM_SMCCC_NOT_SUPPORTED, "other: %ld", st);
		return;
	}
	FUZZ_CHECK(st == HVK_H_SUCCESS || st == HVK_H_PARAMETER ||
		   st == HVK_H_FUNCTION || st == HVK_H_RESOURCE ||
		   (opcode == HVK_H_VIO_SET_MSI && st <= HVK_H_P2 && st >= HVK_H_P4),
		   "status %ld", st);
	if (st != HVK_H_SUCCESS)
		FUZZ_CHECK(!(r->x[1] | r->x[2] | r->x[3]), "outputs with status %ld", st);
}

/* Run one call and check what it did to every vty against the model. */
static void run(struct world *w, struct hvm_smccc_regs *r)
{
	u8 before[VTYS][HVM_VTY_INPUT];
	unsigned int before_len[VTYS], written[VTYS], i;
	u64 x1 = r->x[1], x2 = r->x[2], x3 = r->x[3], x4 = r->x[4];
	enum hvm_smccc_kind kind;
	u32 opcode = 0;

	for (i = 0; i < VTYS; i++) {
		memcpy(before[i], w->vty[i].input, w->vty[i].input_len);
		before_len[i] = w->vty[i].input_len;
		written[i] = w->sink[i].len;
	}
	hvm_smccc_classify(r->x[0], &opcode);
	kind = hvm_smccc_answer(&w->table, r);
	check_status(r, kind, opcode);
	check_crq(&w->crq);
	for (i = 0; i < VTYS; i++)
		FUZZ_CHECK(!w->msi[i].vec[0].written || i < MSI_VTYS, "wired vty %u stored", i);

	for (i = 0; i < VTYS; i++) {
		struct hvm_vty *v = &w->vty[i];
		unsigned int taken = before_len[i] - v->input_len;
		bool mine = x1 == v->unit || (i == 0 && x1 == 0);
		struct hvk_vty_rx rx = { 0 };
		u8 got[HVK_VTY_CHUNK];
		int n;

		FUZZ_CHECK(v->input_len <= before_len[i], "vty %u input grew", i);
		if (taken) {
			FUZZ_CHECK(kind == HVM_SMCCC_HCALL && mine &&
				   opcode == HVK_H_GET_TERM_CHAR,
				   "vty %u gave %u bytes to another call", i, taken);
			FUZZ_CHECK(r->x[1] == taken, "count %llu, took %u",
				   (unsigned long long)r->x[1], taken);
			n = hvk_vty_decode(&rx, r->x[1], r->x[2], r->x[3], got);
			FUZZ_CHECK(n == (int)taken && !memcmp(got, before[i], taken),
				   "vty %u: the guest decodes %d of %u bytes", i, n, taken);
		}
		if (w->sink[i].len == written[i])
			continue;
		FUZZ_CHECK(kind == HVM_SMCCC_HCALL && mine &&
			   opcode == HVK_H_PUT_TERM_CHAR && x2 >= 1 && x2 <= 16,
			   "vty %u wrote for another call", i);
		FUZZ_CHECK(w->sink[i].len - written[i] == x2, "wrote %u of %llu",
			   w->sink[i].len - written[i], (unsigned long long)x2);
		hvk_vty_unpack(&rx, x2, x3, x4, got);
		FUZZ_CHECK(!memcmp(got, w->sink[i].last, x2), "vty %u: bytes changed", i);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct world w;
	size_t off = 0;
	unsigned int i;

	memset(w.ram, 0, sizeof(w.ram));
	w.mem = (struct hvm_guest_mem){ .host = w.ram, .base = RAM_BASE, .size = RAM_SIZE };
	hvm_table_init(&w.table);
	hvm_crq_init(&w.crq, CRQ_UNIT, &crq_ops, NULL, &w.mem);
	FUZZ_CHECK(!hvm_crq_attach(&w.crq, &w.table), "attach crq");
	for (i = 0; i < VTYS; i++) {
		memset(&w.sink[i], 0, sizeof(w.sink[i]));
		hvm_vty_init(&w.vty[i], 0x30000000 + i, &ops, &w.sink[i]);
		FUZZ_CHECK(!hvm_vty_attach(&w.vty[i], &w.table, i == 0), "attach %u", i);
		hvm_msi_init(&w.msi[i], 0x30000000 + i, i < MSI_VTYS, i, ITS_BASE);
		FUZZ_CHECK(!hvm_msi_attach(&w.msi[i], &w.table), "attach msi %u", i);
	}
	while (off < size) {
		uint8_t op = data[off++];
		struct hvm_vty *v = &w.vty[op / 4 % VTYS];
		struct hvm_smccc_regs r = { 0 };

		fuzz_context("record at %zu, op %u", off - 1, op);
		switch (op % 4) {
		case 0:
			if (off >= size)
				return 0;
			i = data[off] < size - off - 1 ? data[off] : size - off - 1;
			hvm_vty_feed(v, data + off + 1, i);
			off += 1 + i;
			check_msi(&w.msi[op / 4 % VTYS]);
			continue;
		case 1:
			if (size - off < sizeof(r.x))
				return 0;
			for (i = 0; i < ARRAY_SIZE(r.x); i++)
				r.x[i] = hvk_get_le64(data + off + 8 * i);
			off += sizeof(r.x);
			if (op & 4)
				r.x[0] = HVK_SMCCC_FN_BASE |
					 opcodes[r.x[0] % ARRAY_SIZE(opcodes)];
			if (op & 8)
				r.x[1] = units[r.x[1] % ARRAY_SIZE(units)];
			/* Queue addresses near guest memory, now and then. */
			if (op & 16)
				r.x[2] = RAM_BASE + (r.x[2] & 0x1ffff);
			/* The doorbell, for H_VIO_SET_MSI's address. */
			if (op & 32)
				r.x[3] = ITS_BASE + HVM_GITS_TRANSLATER;
			break;
		case 2:
			r.x[0] = HVK_SMCCC_FN_BASE | HVK_H_GET_TERM_CHAR;
			r.x[1] = v->unit;
			break;
		default:
			if (size - off < 17)
				return 0;
			r.x[0] = HVK_SMCCC_FN_BASE | HVK_H_PUT_TERM_CHAR;
			r.x[1] = v->unit;
			r.x[2] = data[off] == 0xff ? ~0ull : data[off];
			r.x[3] = hvk_get_le64(data + off + 1);
			r.x[4] = hvk_get_le64(data + off + 9);
			off += 17;
			break;
		}
		run(&w, &r);
	}
	return 0;
}
