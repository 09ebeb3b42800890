// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host unit tests of hvkit-vmm's v-scsi target (tools/hvkit-vmm/
 * vscsi_model.c), driven the way hv_scsi drives it: hypercalls through
 * the SMCCC front door, IUs built by hv_scsi's codec in guest memory,
 * answers read from the CRQ with the guest's decoders. Data written is
 * read back byte for byte; malformed requests are dropped or answered
 * with sense, and counted. Commands answered later (deferred, or by the
 * worker thread) have their own tests at the end.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <hvkit/hcall_opcodes.h>
#include <hvkit/hcall_status.h>
#include <hvkit/smccc_abi.h>

#include "busy_inject.h"
#include "crq_partner.h"
#include "ktest.h"
#include "smccc.h"
#include "vscsi_model.h"

#define RAM_BASE	0x40000000ull
#define RAM_SIZE	(32 << 20)
#define UNIT		0x30000010
#define QUEUE		(RAM_BASE)		/* one page of 256 entries */
#define IU		(RAM_BASE + 0x1000)	/* the request IU */
#define TABLE		(RAM_BASE + 0x2000)	/* an external descriptor list */
#define DATA_OUT	(RAM_BASE + 0x10000)
#define DATA_IN		(RAM_BASE + 0x40000)
#define BLOCKS		64

static u8 ram[RAM_SIZE] __attribute__((aligned(4096)));
static struct hvm_guest_mem mem = { .host = ram, .base = RAM_BASE, .size = RAM_SIZE };
static struct hvm_hcall_table table;
static struct hvm_vscsi vs;
static unsigned int pulses, next_slot;

static u8 *gp(u64 gpa)
{
	return ram + (gpa - RAM_BASE);
}

static void pulse(struct hvm_crq *crq)
{
	(void)crq;
	pulses++;
}

static long hcall(u32 opcode, u64 a0, u64 a1, u64 a2, u64 a3)
{
	struct hvm_smccc_regs r = { .x = { HVK_SMCCC_FN_BASE | opcode, a0, a1, a2, a3 } };

	hvm_smccc_answer(&table, &r);
	return (long)r.x[0];
}

static int disk_on_tmp(struct hvm_disk *d)
{
	char path[] = "/tmp/hvkit-vscsi-XXXXXX";

	memset(d, 0, sizeof(*d));
	d->fd = mkstemp(path);
	unlink(path);
	d->blocks = BLOCKS;
	strcpy(d->serial, "T1");
	return d->fd >= 0 && !ftruncate(d->fd, BLOCKS * HVM_SCSI_BLOCK) ? 0 : -1;
}

/* A target with disks at 0:0:0 and 0:0:3, its queue registered, interrupts on. */
static void world(void)
{
	struct hvm_disk d;

	memset(ram, 0, sizeof(ram));
	pulses = 0;
	next_slot = 0;
	hvm_table_init(&table);
	hvm_vscsi_init(&vs, UNIT, &mem, pulse);
	ASSERT_EQ(hvm_crq_attach(&vs.crq, &table), 0);
	ASSERT_EQ(disk_on_tmp(&d), 0);
	ASSERT_EQ(hvm_vscsi_add_lun(&vs, 0, 0, 0, &d), 0);
	ASSERT_EQ(disk_on_tmp(&d), 0);
	ASSERT_EQ(hvm_vscsi_add_lun(&vs, 0, 0, 3, &d), 0);
	EXPECT_EQ(hvm_vscsi_add_lun(&vs, 0, 0, 3, &d), -EEXIST);
	EXPECT_EQ(hcall(HVK_H_REG_CRQ, UNIT, QUEUE, 4096, 0), HVK_H_SUCCESS);
	EXPECT_EQ(hcall(HVK_H_VIO_SIGNAL, UNIT, 1, 0, 0), HVK_H_SUCCESS);
}

static void send(u8 format, u64 iu, unsigned int len)
{
	struct hvk_crq_msg m = { .valid = HVK_CRQ_PAYLOAD, .format = format,
				 .iu_len = (u16)len, .token = iu };
	u64 hi, lo;

	hvk_crq_encode(&m, &hi, &lo);
	EXPECT_EQ(hcall(HVK_H_SEND_CRQ, UNIT, hi, lo, 0), HVK_H_SUCCESS);
}

/* The next entry of the queue, taken the way the guest takes it. */
static enum hvk_crq_kind take(struct hvk_crq_msg *m)
{
	u8 *e = gp(QUEUE) + 16 * next_slot;
	enum hvk_crq_kind k = hvk_crq_decode(e, m);

	if (k != HVK_CRQ_K_EMPTY) {
		e[0] = 0;
		next_slot = (next_slot + 1) % 256;
	}
	return k;
}

/* An SRP command through the target; its SRP_RSP parsed. */
static void command(const struct hvk_srp_cmd_args *a, struct hvk_srp_rsp *r)
{
	struct hvk_crq_msg m;
	int len = hvk_srp_build_cmd(gp(IU), a);

	ASSERT_TRUE(len > 0);
	send(HVK_VIOSRP_SRP, IU, (unsigned int)len);
	ASSERT_EQ(take(&m), HVK_CRQ_K_MESSAGE);
	EXPECT_EQ(m.format, HVK_VIOSRP_SRP);
	EXPECT_EQ(m.token, a->tag);
	EXPECT_EQ(hvk_srp_parse_rsp(gp(IU), m.iu_len, r), 0);
	EXPECT_EQ(r->tag, a->tag);
	EXPECT_EQ(r->req_lim_delta, 1);
}

TEST(handshake_adapter_info_and_login)
{
	struct hvk_crq_msg m, init = { .valid = HVK_CRQ_INIT, .format = HVK_CRQ_INIT_REQUEST };
	struct hvk_adapter_info ai;
	struct hvk_srp_login login;
	u64 hi, lo;

	world();
	hvk_crq_encode(&init, &hi, &lo);
	EXPECT_EQ(hcall(HVK_H_SEND_CRQ, UNIT, hi, lo, 0), HVK_H_SUCCESS);
	EXPECT_EQ(take(&m), HVK_CRQ_K_INIT_COMPLETE);
	EXPECT_EQ(pulses, 1);

	send(HVK_VIOSRP_MAD, IU, hvk_mad_build_adapter_info(gp(IU), 0x51, DATA_IN));
	ASSERT_EQ(take(&m), HVK_CRQ_K_MESSAGE);
	EXPECT_EQ(m.format, HVK_VIOSRP_MAD);
	EXPECT_EQ(m.token, 0x51);
	EXPECT_EQ(hvk_mad_parse_adapter_info(gp(IU), m.iu_len, 0x51, gp(DATA_IN), &ai), 0);
	EXPECT_EQ(strcmp(ai.partition_name, "hvkit-vmm"), 0);
	EXPECT_EQ(ai.os_type, 2);
	EXPECT_EQ(ai.max_transfer, 1 << 20);

	send(HVK_VIOSRP_SRP, IU, hvk_srp_build_login(gp(IU), 0x52, 256));
	ASSERT_EQ(take(&m), HVK_CRQ_K_MESSAGE);
	EXPECT_EQ(hvk_srp_parse_login(gp(IU), m.iu_len, 0x52, &login), 0);
	EXPECT_TRUE(login.accepted);
	EXPECT_EQ(login.req_lim_delta, HVM_VSCSI_CREDIT);
	EXPECT_EQ(login.max_it_iu_len, 256);
	EXPECT_TRUE(vs.logged_in);
	EXPECT_EQ(pulses, 3);
}

TEST(data_written_reads_back_through_both_list_kinds)
{
	static const u8 w10[10] = { 0x2a, 0, 0, 0, 0, 5, 0, 0, 8, 0 };
	static const u8 r10[10] = { 0x28, 0, 0, 0, 0, 5, 0, 0, 8, 0 };
	struct hvk_srp_desc out[3] = { { DATA_OUT, 1024 }, { DATA_OUT + 8192, 1536 },
				       { DATA_OUT + 20000, 1536 } };
	struct hvk_srp_desc in[8];
	struct hvk_srp_cmd_args a = {
		.tag = 1, .lun = hvk_srp_lun(0, 0, 3), .cdb = w10, .cdb_len = 10,
		.dir = HVK_SRP_DIR_OUT, .descs = out, .nr_descs = 3, .total_len = 4096,
		.max_iu_len = 256, .indirect_ok = true, .iu_ioba = IU,
	};
	struct hvk_srp_rsp r;
	unsigned int i, j, k, bad = 0;

	world();
	for (i = 0, k = 0; i < 3; i++)
		for (j = 0; j < out[i].len; j++, k++)
			gp(out[i].va)[j] = (u8)(k * 13 + 1);
	command(&a, &r);
	EXPECT_EQ(r.status, 0);
	EXPECT_EQ(r.flags, 0);

	/* Read it back through eight 512-byte pieces of an external table. */
	for (i = 0; i < 8; i++)
		in[i] = (struct hvk_srp_desc){ DATA_IN + i * 4096, 512 };
	a = (struct hvk_srp_cmd_args){
		.tag = 2, .lun = hvk_srp_lun(0, 0, 3), .cdb = r10, .cdb_len = 10,
		.dir = HVK_SRP_DIR_IN, .descs = in, .nr_descs = 8, .total_len = 4096,
		.max_iu_len = 96, .indirect_ok = true, .iu_ioba = IU, .table = gp(TABLE),
		.table_ioba = TABLE, .table_max = 8,
	};
	command(&a, &r);
	EXPECT_EQ(r.status, 0);
	for (i = 0, k = 0; i < 8; i++)
		for (j = 0; j < 512; j++, k++)
			bad += gp(in[i].va)[j] != (u8)(k * 13 + 1);
	EXPECT_EQ(bad, 0);
	EXPECT_EQ(vs.commands, 2);
}

TEST(short_data_bad_addresses_and_absent_luns)
{
	static const u8 r1[10] = { 0x28, 0, 0, 0, 0, 0, 0, 0, 1, 0 };
	static const u8 inq[6] = { 0x12, 0, 0, 0, 36, 0 };
	static const u8 rl[12] = { 0xa0, 0, 0, 0, 0, 0, 0, 0, 0, 64, 0, 0 };
	struct hvk_srp_desc d = { DATA_IN, 4096 };
	struct hvk_srp_cmd_args a = {
		.tag = 3, .lun = hvk_srp_lun(0, 0, 0), .cdb = r1, .cdb_len = 10,
		.dir = HVK_SRP_DIR_IN, .descs = &d, .nr_descs = 1, .total_len = 4096,
		.max_iu_len = 256,
	};
	struct hvk_srp_rsp r;

	world();
	/* One block into a 4 KiB buffer: the rest is the residual. */
	command(&a, &r);
	EXPECT_EQ(r.status, 0);
	EXPECT_EQ(r.flags, HVK_SRP_DIUNDER);
	EXPECT_EQ(r.data_in_res, 4096 - 512);

	/* A buffer outside guest RAM: ABORTED COMMAND, counted. */
	d.va = RAM_BASE + RAM_SIZE - 100;
	command(&a, &r);
	EXPECT_EQ(r.status, HVM_SAM_CHECK);
	ASSERT_TRUE(r.sense_len >= 14);
	EXPECT_EQ(r.sense[2], 0x0b);
	EXPECT_EQ(vs.bad_descriptors, 1);

	/* No disk at 0:2:0: INQUIRY says so in its first byte. */
	d.va = DATA_IN;
	a.lun = hvk_srp_lun(0, 2, 0);
	a.cdb = inq;
	a.cdb_len = 6;
	command(&a, &r);
	EXPECT_EQ(r.status, 0);
	EXPECT_EQ(gp(DATA_IN)[0], 0x7f);

	/* REPORT LUNS on target 0: LUN 0 and LUN 3. */
	a.lun = hvk_srp_lun(0, 0, 0);
	a.cdb = rl;
	a.cdb_len = 12;
	command(&a, &r);
	EXPECT_EQ(r.status, 0);
	EXPECT_EQ(hvk_get_be32(gp(DATA_IN)), 16);
	EXPECT_EQ(gp(DATA_IN)[8 + 1], 0);
	EXPECT_EQ(gp(DATA_IN)[16 + 1], 3);
	EXPECT_EQ(r.data_in_res, 4096 - 24);
}

/*
 * SRP carries residuals in 32 bits, and a list of 256 descriptors can
 * describe more: each 16 MiB + 4 here, all over one buffer, 4 GiB + 1 KiB
 * in all. What is left is reported as the most there is, not as the low
 * 32 bits of it (1024 - 36 after INQUIRY, 1024 - 512 after a write).
 */
TEST(a_residual_past_32_bits_is_the_most_there_is)
{
	static const u8 inq[6] = { 0x12, 0, 0, 0, 36, 0 };
	static const u8 w1[10] = { 0x2a, 0, 0, 0, 0, 0, 0, 0, 1, 0 };
	static struct hvk_srp_desc d[HVM_SRP_MAX_DESCS];
	struct hvk_srp_cmd_args a = {
		.tag = 5, .lun = hvk_srp_lun(0, 0, 0), .cdb = inq, .cdb_len = 6,
		.dir = HVK_SRP_DIR_IN, .descs = d, .nr_descs = HVM_SRP_MAX_DESCS,
		.total_len = 0xffffffffu, .max_iu_len = 256, .indirect_ok = true,
		.iu_ioba = IU, .table = gp(TABLE), .table_ioba = TABLE,
		.table_max = HVM_SRP_MAX_DESCS,
	};
	struct hvk_srp_rsp r;
	unsigned int i;

	world();
	for (i = 0; i < HVM_SRP_MAX_DESCS; i++)
		d[i] = (struct hvk_srp_desc){ DATA_IN, (16 << 20) + 4 };
	command(&a, &r);
	EXPECT_EQ(r.status, 0);
	EXPECT_EQ(gp(DATA_IN)[4], 36 - 5);
	EXPECT_EQ(r.flags, HVK_SRP_DIUNDER);
	EXPECT_EQ(r.data_in_res, 0xffffffffu);

	a.tag = 6;
	a.cdb = w1;
	a.cdb_len = 10;
	a.dir = HVK_SRP_DIR_OUT;
	command(&a, &r);
	EXPECT_EQ(r.status, 0);
	EXPECT_EQ(r.flags, HVK_SRP_DOUNDER);
	EXPECT_EQ(r.data_out_res, 0xffffffffu);
	EXPECT_EQ(vs.bad_descriptors, 0);
}

TEST(what_qemu_would_not_answer_is_dropped)
{
	struct hvk_crq_msg m;
	u8 *iu = gp(IU);

	world();
	hvk_srp_build_login(iu, 7, 256);
	send(HVK_VIOSRP_SRP, IU, 300);			/* oversize */
	send(HVK_VIOSRP_SRP, RAM_BASE + RAM_SIZE - 32, 64);	/* past RAM */
	send(3, IU, 64);				/* OS/400 format */
	iu[0] = 0x77;					/* no such IU */
	send(HVK_VIOSRP_SRP, IU, 64);
	send(HVK_VIOSRP_SRP, IU, 8);			/* too short for a tag */
	EXPECT_EQ(take(&m), HVK_CRQ_K_EMPTY);
	EXPECT_EQ(vs.dropped_ius, 5);
	EXPECT_EQ(pulses, 0);
	/* A MAD QEMU knows by name and does not serve: "not supported". */
	memset(iu, 0, 24);
	hvk_put_be32(iu, 0x04);
	hvk_put_be64(iu + 8, 0x61);
	send(HVK_VIOSRP_MAD, IU, 24);
	ASSERT_EQ(take(&m), HVK_CRQ_K_MESSAGE);
	EXPECT_EQ(m.iu_len, 24);
	EXPECT_EQ(hvk_get_be16(iu + 4), HVM_MAD_NOT_SUPPORTED);
}

/* A MAD through the target: its CRQ answer, and the IU as the guest reads it. */
static void mad(unsigned int len, struct hvk_crq_msg *m)
{
	send(HVK_VIOSRP_MAD, IU, len);
	ASSERT_EQ(take(m), HVK_CRQ_K_MESSAGE);
	EXPECT_EQ(m->format, HVK_VIOSRP_MAD);
	EXPECT_EQ(m->status, 0);
}

static const struct hvk_caps_offer offer = {
	.flags = HVK_CAPS_LIST_SUPPORTED, .name = "host0", .loc = "30000010", .migration = true,
};

TEST(qemu_mads_fast_fail_unknown_capabilities_none)
{
	struct hvk_crq_msg m;
	struct hvk_caps c;
	u16 st = 0;
	u8 *iu = gp(IU);

	world();
	/* Unknown to QEMU: 0xf1 and an answer of no bytes; the IU stays ours. */
	mad(hvk_mad_build_fast_fail(iu, 0x71), &m);
	EXPECT_EQ(m.iu_len, 0);
	EXPECT_EQ(m.token, 0x71);
	EXPECT_EQ(hvk_get_be16(iu + 4), 0);
	EXPECT_EQ(hvk_mad_parse_fast_fail(iu, m.iu_len, 0x71, &st), 0);
	EXPECT_EQ(st, HVK_MAD_NOT_SUPPORTED);
	EXPECT_TRUE(!vs.fast_fail);
	/* So is any type QEMU does not name. */
	hvk_put_be32(iu, 0x09);
	mad(16, &m);
	EXPECT_EQ(m.iu_len, 0);

	/* CAPABILITIES: our block back, nothing supported. */
	memset(gp(DATA_IN), 0xee, 200);
	mad(hvk_mad_build_capabilities(iu, 0x72, DATA_IN, gp(DATA_IN), &offer), &m);
	EXPECT_EQ(m.iu_len, 24);
	EXPECT_EQ(hvk_mad_parse_capabilities(iu, m.iu_len, 0x72, gp(DATA_IN), &offer, &c), 0);
	EXPECT_EQ(c.status, 0);
	EXPECT_EQ(c.flags, 0);
	EXPECT_STREQ(c.name, "host0");
	EXPECT_EQ(c.migration_support, HVK_CAP_UNSUPPORTED);
	EXPECT_EQ(c.migration_ecl, 0);
	EXPECT_EQ(gp(DATA_IN)[80], 0xee);	/* not a byte past the length */

	/* A length past QEMU's structure: zeros after it. */
	hvk_put_be16(iu + 6, 120);
	mad(24, &m);
	EXPECT_EQ(hvk_get_be16(iu + 4), 0);
	EXPECT_EQ(gp(DATA_IN)[100], 0);
	EXPECT_EQ(gp(DATA_IN)[119], 0);
	EXPECT_EQ(gp(DATA_IN)[120], 0xee);

	/* A buffer outside guest RAM is not touched: the MAD failed. */
	hvk_mad_build_capabilities(iu, 0x73, RAM_BASE + RAM_SIZE - 40, gp(DATA_IN), &offer);
	mad(24, &m);
	EXPECT_EQ(hvk_get_be16(iu + 4), HVK_MAD_FAILED);
	/* Too short for the buffer's address: dropped, as ADAPTER_INFO. */
	send(HVK_VIOSRP_MAD, IU, 20);
	EXPECT_EQ(take(&m), HVK_CRQ_K_EMPTY);
	EXPECT_EQ(vs.dropped_ius, 1);
}

TEST(powervm_mads_fast_fail_granted_capabilities_answered)
{
	struct hvk_crq_msg m;
	struct hvk_caps c;
	u8 *iu = gp(IU);
	u16 st = 0;

	world();
	hvm_vscsi_set_mads(&vs, HVM_VSCSI_MADS_POWERVM);
	mad(hvk_mad_build_fast_fail(iu, 0x81), &m);
	EXPECT_EQ(m.iu_len, 16);
	EXPECT_EQ(hvk_mad_parse_fast_fail(iu, m.iu_len, 0x81, &st), 0);
	EXPECT_EQ(st, HVK_MAD_SUCCESS);
	EXPECT_TRUE(vs.fast_fail);

	mad(hvk_mad_build_capabilities(iu, 0x82, DATA_IN, gp(DATA_IN), &offer), &m);
	EXPECT_EQ(hvk_mad_parse_capabilities(iu, m.iu_len, 0x82, gp(DATA_IN), &offer, &c), 0);
	EXPECT_EQ(c.status, 0);
	EXPECT_STREQ(c.name, "hvkit-vmm");
	/* Nothing hvkit-vmm cannot honour: no migration, so no full list. */
	EXPECT_EQ(c.migration_support, HVK_CAP_UNSUPPORTED);
	EXPECT_EQ(c.flags & HVK_CAPS_LIST_SUPPORTED, 0);
	EXPECT_EQ(c.migration_ecl, 1);
	/* A capability running past the length: failed. */
	hvk_mad_build_capabilities(iu, 0x83, DATA_IN, gp(DATA_IN), &offer);
	hvk_put_be16(gp(DATA_IN) + 72, 13);
	mad(24, &m);
	EXPECT_EQ(hvk_get_be16(iu + 4), HVK_MAD_FAILED);
	hvk_put_be16(iu + 6, 67);
	hvk_put_be16(iu + 4, 0);
	mad(24, &m);
	EXPECT_EQ(hvk_get_be16(iu + 4), HVK_MAD_FAILED);
	/* Any other type: 0xf1 with the IU, as a VIOS. */
	hvk_put_be32(iu, 0x09);
	mad(16, &m);
	EXPECT_EQ(m.iu_len, 16);
	EXPECT_EQ(hvk_get_be16(iu + 4), HVK_MAD_NOT_SUPPORTED);

	/* After the login, ENABLE_FAST_FAIL is refused; an init forgets it. */
	send(HVK_VIOSRP_SRP, IU, hvk_srp_build_login(iu, 0x84, 256));
	ASSERT_EQ(take(&m), HVK_CRQ_K_MESSAGE);
	mad(hvk_mad_build_fast_fail(iu, 0x85), &m);
	EXPECT_EQ(hvk_mad_parse_fast_fail(iu, m.iu_len, 0x85, &st), 0);
	EXPECT_EQ(st, HVK_MAD_FAILED);
	EXPECT_TRUE(vs.fast_fail);
	{
		struct hvk_crq_msg init = { .valid = HVK_CRQ_INIT, .format = HVK_CRQ_INIT_REQUEST };
		u64 hi, lo;

		hvk_crq_encode(&init, &hi, &lo);
		EXPECT_EQ(hcall(HVK_H_SEND_CRQ, UNIT, hi, lo, 0), HVK_H_SUCCESS);
		EXPECT_EQ(take(&m), HVK_CRQ_K_INIT_COMPLETE);
	}
	EXPECT_TRUE(!vs.fast_fail);
}

TEST(fast_fail_fails_a_broken_read_by_crq_status)
{
	static const u8 r10[10] = { 0x28, 0, 0, 0, 0, 0, 0, 0, 1, 0 };
	struct hvk_srp_desc d = { DATA_IN, 512 };
	struct hvk_srp_cmd_args a = {
		.tag = 0x91, .lun = hvk_srp_lun(0, 0, 0), .cdb = r10, .cdb_len = 10,
		.dir = HVK_SRP_DIR_IN, .descs = &d, .nr_descs = 1, .total_len = 512,
		.max_iu_len = 256,
	};
	struct hvk_crq_msg m;
	struct hvk_srp_rsp r;
	int fd;
	u16 st;

	/* QEMU's way first: MEDIUM ERROR sense, CRQ status 0. */
	world();
	fd = vs.luns[0].disk.fd;
	vs.luns[0].disk.fd = -1;
	command(&a, &r);
	EXPECT_EQ(r.status, HVM_SAM_CHECK);
	EXPECT_EQ(r.sense[2] & 0xf, HVM_SENSE_MEDIUM);

	/* Granted: the same failure is a CRQ status, no sense. */
	hvm_vscsi_set_mads(&vs, HVM_VSCSI_MADS_POWERVM);
	mad(hvk_mad_build_fast_fail(gp(IU), 0x90), &m);
	EXPECT_EQ(hvk_mad_parse_fast_fail(gp(IU), m.iu_len, 0x90, &st), 0);
	EXPECT_EQ(st, 0);
	ASSERT_TRUE(hvk_srp_build_cmd(gp(IU), &a) > 0);
	send(HVK_VIOSRP_SRP, IU, HVK_SRP_CMD_LEN + 16);
	ASSERT_EQ(take(&m), HVK_CRQ_K_MESSAGE);
	EXPECT_EQ(m.status, HVM_CRQ_ADAPTER_FAIL);
	EXPECT_EQ(m.token, 0x91);
	EXPECT_EQ(hvk_srp_parse_rsp(gp(IU), m.iu_len, &r), 0);
	EXPECT_EQ(r.status, 0);
	EXPECT_EQ(r.sense_len, 0);
	EXPECT_EQ(vs.fast_failed, 1);
	/* A working read is not touched. */
	vs.luns[0].disk.fd = fd;
	command(&a, &r);
	EXPECT_EQ(r.status, 0);
	EXPECT_EQ(vs.fast_failed, 1);
}

TEST(a_full_queue_loses_the_answer_and_counts_it)
{
	static const u8 tur[6] = { 0 };
	struct hvk_srp_cmd_args a = { .tag = 9, .cdb = tur, .cdb_len = 6, .max_iu_len = 256 };
	unsigned int i;

	world();
	/* Each answer overwrites its request: the IU is built again. */
	for (i = 0; i < 257; i++)
		send(HVK_VIOSRP_SRP, IU, (unsigned int)hvk_srp_build_cmd(gp(IU), &a));
	EXPECT_EQ(vs.commands, 257);
	EXPECT_EQ(vs.lost_answers, 1);
}

/* Deferred commands: each with its IU and its data buffer of one block. */
#define IUS		(RAM_BASE + 0x100000)
#define BUFS		(RAM_BASE + 0x200000)
#define iu_of(i)	(IUS + 0x100 * (u64)(i))
#define buf_of(i)	(BUFS + 0x1000 * (u64)(i))

static const u8 tur6[6];

/* Send a command of tag @tag at IU @i moving block @i (@write: from buffer @i). */
static void send_rw(unsigned int i, u64 tag, bool write)
{
	u8 cdb[10] = { write ? 0x2a : 0x28, 0, 0, 0, 0, (u8)i, 0, 0, 1, 0 };
	struct hvk_srp_desc d = { buf_of(i), 512 };
	struct hvk_srp_cmd_args a = {
		.tag = tag, .lun = hvk_srp_lun(0, 0, 0), .cdb = cdb, .cdb_len = 10,
		.dir = write ? HVK_SRP_DIR_OUT : HVK_SRP_DIR_IN, .descs = &d, .nr_descs = 1,
		.total_len = 512, .max_iu_len = 256,
	};
	int len = hvk_srp_build_cmd(gp(iu_of(i)), &a);

	ASSERT_TRUE(len > 0);
	send(HVK_VIOSRP_SRP, iu_of(i), (unsigned int)len);
}

static void send_tur(unsigned int i, u64 tag)
{
	struct hvk_srp_cmd_args a = { .tag = tag, .lun = hvk_srp_lun(0, 0, 0), .cdb = tur6,
				      .cdb_len = 6, .max_iu_len = 256 };

	send(HVK_VIOSRP_SRP, iu_of(i), (unsigned int)hvk_srp_build_cmd(gp(iu_of(i)), &a));
}

/* The next answer: an SRP_RSP, GOOD, its credit back; returns its tag. */
static u64 take_good(void)
{
	struct hvk_crq_msg m;
	struct hvk_srp_rsp r;

	if (take(&m) != HVK_CRQ_K_MESSAGE)
		return 0;
	EXPECT_EQ(hvk_srp_parse_rsp(gp(m.token >= 100 ? iu_of(m.token - 100) : iu_of(m.token)),
				    m.iu_len, &r), 0);
	EXPECT_EQ(r.status, 0);
	EXPECT_EQ(r.req_lim_delta, 1);
	EXPECT_EQ(r.tag, m.token);
	return m.token;
}

static void fill(unsigned int i, u8 seed)
{
	unsigned int j;

	for (j = 0; j < 512; j++)
		gp(buf_of(i))[j] = (u8)(seed + j * 7);
}

static unsigned int differs(unsigned int i, u8 seed)
{
	unsigned int j, bad = 0;

	for (j = 0; j < 512; j++)
		bad += gp(buf_of(i))[j] != (u8)(seed + j * 7);
	return bad;
}

TEST(deferred_commands_are_not_answered_until_served)
{
	struct hvk_crq_msg m;

	world();
	hvm_vscsi_defer(&vs);
	send_tur(0, 100);
	EXPECT_EQ(take(&m), HVK_CRQ_K_EMPTY);
	EXPECT_EQ(pulses, 0);
	EXPECT_EQ(vs.commands, 0);
	EXPECT_EQ(vs.outstanding, 1);
	EXPECT_EQ(hvm_vscsi_run_queued(&vs), 1);
	EXPECT_EQ(take_good(), 100);
	EXPECT_EQ(pulses, 1);
	EXPECT_EQ(vs.commands, 1);
	EXPECT_EQ(vs.outstanding, 0);
	EXPECT_EQ(hvm_vscsi_run_queued(&vs), 0);
	hvm_vscsi_stop(&vs);
}

TEST(queued_commands_answered_with_their_own_tags_and_data)
{
	unsigned int i, n = 16, bad = 0;

	world();
	hvm_vscsi_defer(&vs);
	for (i = 0; i < n; i++) {
		fill(i, (u8)(i * 31));
		send_rw(i, 100 + i, true);
	}
	/* The guest rewrites its IUs and buffers once the hcalls returned. */
	for (i = 0; i < n; i++)
		memset(gp(iu_of(i)) + 16, 0xee, 64);
	EXPECT_EQ(vs.peak_outstanding, n);
	EXPECT_EQ(hvm_vscsi_run_queued(&vs), n);
	for (i = 0; i < n; i++)
		EXPECT_EQ(take_good(), 100 + i);
	EXPECT_EQ(vs.commands, n);

	for (i = 0; i < n; i++) {
		memset(gp(buf_of(i)), 0, 512);
		send_rw(i, 100 + i, false);
	}
	EXPECT_EQ(hvm_vscsi_run_queued(&vs), n);
	for (i = 0; i < n; i++) {
		EXPECT_EQ(take_good(), 100 + i);
		bad += differs(i, (u8)(i * 31));
	}
	EXPECT_EQ(bad, 0);
	EXPECT_EQ(vs.lost_answers, 0);
	hvm_vscsi_stop(&vs);
}

/* Nothing accepted before a free, a new registration or an init is answered. */
TEST(free_reregister_or_init_with_commands_queued_writes_nothing)
{
	struct hvk_crq_msg m, init = { .valid = HVK_CRQ_INIT, .format = HVK_CRQ_INIT_REQUEST };
	u8 before[3][256];
	unsigned int i;
	u64 hi, lo;

	world();
	hvm_vscsi_defer(&vs);
	for (i = 0; i < 3; i++) {
		send_rw(i, 100 + i, false);
		memcpy(before[i], gp(iu_of(i)), 256);
		memset(gp(buf_of(i)), 0x5a, 512);
	}
	EXPECT_EQ(hcall(HVK_H_FREE_CRQ, UNIT, 0, 0, 0), HVK_H_SUCCESS);
	EXPECT_EQ(vs.outstanding, 0);
	EXPECT_EQ(hvm_vscsi_run_queued(&vs), 0);
	EXPECT_EQ(vs.cancelled, 3);
	for (i = 0; i < 3; i++) {
		EXPECT_EQ(memcmp(before[i], gp(iu_of(i)), 256), 0);
		EXPECT_EQ(gp(buf_of(i))[0], 0x5a);
		EXPECT_EQ(memcmp(gp(buf_of(i)), gp(buf_of(i)) + 1, 511), 0);
	}
	EXPECT_EQ(vs.crq.dropped_closed, 0);

	/* Queued, then the queue registered anew: still nothing. */
	EXPECT_EQ(hcall(HVK_H_REG_CRQ, UNIT, QUEUE, 4096, 0), HVK_H_SUCCESS);
	next_slot = 0;
	send_rw(0, 100, false);
	send_rw(1, 101, false);
	EXPECT_EQ(hcall(HVK_H_FREE_CRQ, UNIT, 0, 0, 0), HVK_H_SUCCESS);
	EXPECT_EQ(hcall(HVK_H_REG_CRQ, UNIT, QUEUE, 4096, 0), HVK_H_SUCCESS);
	EXPECT_EQ(hvm_vscsi_run_queued(&vs), 0);
	EXPECT_EQ(take(&m), HVK_CRQ_K_EMPTY);
	EXPECT_EQ(vs.cancelled, 5);

	/* An init request: the initiator starts again, the old answers go. */
	send_tur(0, 100);
	hvk_crq_encode(&init, &hi, &lo);
	EXPECT_EQ(hcall(HVK_H_SEND_CRQ, UNIT, hi, lo, 0), HVK_H_SUCCESS);
	EXPECT_EQ(hvm_vscsi_run_queued(&vs), 0);
	EXPECT_EQ(take(&m), HVK_CRQ_K_INIT_COMPLETE);
	EXPECT_EQ(take(&m), HVK_CRQ_K_EMPTY);
	EXPECT_EQ(vs.cancelled, 6);
	EXPECT_EQ(vs.commands, 0);
	EXPECT_EQ(vs.lost_answers, 0);
	hvm_vscsi_stop(&vs);
}

TEST(the_credit_counts_queued_commands)
{
	unsigned int i;

	world();
	hvm_vscsi_defer(&vs);
	for (i = 0; i < HVM_VSCSI_CREDIT; i++)
		send_tur(i, 100 + i);
	EXPECT_EQ(vs.outstanding, HVM_VSCSI_CREDIT);
	EXPECT_EQ(vs.dropped_ius, 0);
	/* One more than the login granted: it vanishes, as past QEMU's slots. */
	send_tur(HVM_VSCSI_CREDIT, 200);
	EXPECT_EQ(vs.dropped_ius, 1);
	EXPECT_EQ(vs.over_credit, 1);
	EXPECT_EQ(hvm_vscsi_run_queued(&vs), HVM_VSCSI_CREDIT);
	for (i = 0; i < HVM_VSCSI_CREDIT; i++)
		EXPECT_EQ(take_good(), 100 + i);
	EXPECT_EQ(vs.outstanding, 0);
	EXPECT_EQ(vs.peak_outstanding, HVM_VSCSI_CREDIT);
	/* Every credit came back with its answer. */
	send_tur(0, 100);
	EXPECT_EQ(vs.outstanding, 1);
	hvm_vscsi_stop(&vs);
	EXPECT_EQ(vs.outstanding, 0);
	EXPECT_EQ(vs.cancelled, 1);
}

/* spapr-vscsi: the cancelled commands are never answered, their slots free. */
TEST(task_management_cancels_queued_commands)
{
	struct hvk_crq_msg m;
	struct hvk_srp_rsp r;

	world();
	hvm_vscsi_defer(&vs);
	send_tur(0, 100);
	send_tur(1, 101);
	send_tur(2, 102);
	send(HVK_VIOSRP_SRP, IU, hvk_srp_build_tsk_mgmt(gp(IU), 7, hvk_srp_lun(0, 0, 0),
							HVK_SRP_TSK_ABORT_TASK, 101));
	/* The function is answered at once. */
	ASSERT_EQ(take(&m), HVK_CRQ_K_MESSAGE);
	EXPECT_EQ(hvk_srp_parse_rsp(gp(IU), m.iu_len, &r), 0);
	EXPECT_EQ(r.tag, 7);
	EXPECT_EQ(vs.outstanding, 2);
	EXPECT_EQ(hvm_vscsi_run_queued(&vs), 2);
	EXPECT_EQ(take_good(), 100);
	EXPECT_EQ(take_good(), 102);
	EXPECT_EQ(take(&m), HVK_CRQ_K_EMPTY);
	EXPECT_EQ(vs.cancelled, 1);

	/* LUN RESET: every command of that LUN, not the others'. */
	send_tur(0, 100);
	send_rw(1, 101, false);
	send_rw(2, 102, false);
	send(HVK_VIOSRP_SRP, IU, hvk_srp_build_tsk_mgmt(gp(IU), 8, hvk_srp_lun(0, 0, 0),
							HVK_SRP_TSK_LUN_RESET, 0));
	ASSERT_EQ(take(&m), HVK_CRQ_K_MESSAGE);
	EXPECT_EQ(m.token, 8);
	/* All three went to 0:0:0: all three are gone. */
	EXPECT_EQ(hvm_vscsi_run_queued(&vs), 0);
	EXPECT_EQ(take(&m), HVK_CRQ_K_EMPTY);
	EXPECT_EQ(vs.cancelled, 4);
	EXPECT_EQ(vs.outstanding, 0);
	hvm_vscsi_stop(&vs);
}

/* The function's own answer: the response code QEMU 7.2 gives. */
static u8 tsk_answer(u64 tag, u64 lun, u8 func)
{
	struct hvk_crq_msg m;
	struct hvk_srp_rsp r;

	send(HVK_VIOSRP_SRP, IU, hvk_srp_build_tsk_mgmt(gp(IU), tag, lun, func, 1));
	if (take(&m) != HVK_CRQ_K_MESSAGE || hvk_srp_parse_rsp(gp(IU), m.iu_len, &r) ||
	    r.tag != tag || !r.has_resp_code)
		return 0xff;
	return r.resp_code;
}

TEST(task_management_answers_as_qemu)
{
	world();
	EXPECT_EQ(tsk_answer(9, hvk_srp_lun(0, 0, 0), HVK_SRP_TSK_ABORT_TASK),
		  HVK_SRP_TSK_COMPLETE);
	EXPECT_EQ(tsk_answer(10, hvk_srp_lun(0, 0, 3), HVK_SRP_TSK_LUN_RESET),
		  HVK_SRP_TSK_COMPLETE);
	/* No disk at 0:5:0: FIELDS INVALID, whatever the function. */
	EXPECT_EQ(tsk_answer(11, hvk_srp_lun(0, 5, 0), HVK_SRP_TSK_LUN_RESET),
		  HVK_SRP_TSK_FIELDS_INVALID);
	EXPECT_EQ(tsk_answer(12, hvk_srp_lun(0, 0, 0), HVK_SRP_TSK_CLEAR_ACA),
		  HVK_SRP_TSK_NOT_SUPPORTED);
	EXPECT_EQ(tsk_answer(13, hvk_srp_lun(0, 0, 0), 0x20), HVK_SRP_TSK_FIELDS_INVALID);
	EXPECT_EQ(vs.dropped_ius, 0);
}

/*
 * The worker thread: commands sent under the lock, as the vCPU threads
 * send them, all answered with the right data; then stopped and joined.
 * (Also the ThreadSanitizer build's test.)
 */
TEST(the_worker_answers_under_the_lock)
{
	static pthread_mutex_t lk = PTHREAD_MUTEX_INITIALIZER;
	unsigned int i, n = 20, bad = 0, seen = 0, tries;
	u64 got[20] = { 0 };

	world();
	ASSERT_EQ(hvm_vscsi_start(&vs, &lk), 0);
	for (i = 0; i < n; i++) {
		fill(i, (u8)(i * 5 + 1));
		pthread_mutex_lock(&lk);
		send_rw(i, 100 + i, true);
		pthread_mutex_unlock(&lk);
	}
	for (tries = 0; tries < 5000 && seen < n; tries++) {
		pthread_mutex_lock(&lk);
		while (seen < n && (got[seen] = take_good()))
			seen++;
		pthread_mutex_unlock(&lk);
		usleep(1000);
	}
	EXPECT_EQ(seen, n);
	/* One worker serves in arrival order. */
	for (i = 0; i < n; i++)
		EXPECT_EQ(got[i], 100 + i);
	for (i = 0; i < n; i++) {
		memset(gp(buf_of(i)), 0, 512);
		pthread_mutex_lock(&lk);
		send_rw(i, 100 + i, false);
		pthread_mutex_unlock(&lk);
	}
	for (tries = 0, seen = 0; tries < 5000 && seen < n; tries++) {
		pthread_mutex_lock(&lk);
		while (seen < n && take_good())
			seen++;
		pthread_mutex_unlock(&lk);
		usleep(1000);
	}
	EXPECT_EQ(seen, n);
	hvm_vscsi_stop(&vs);
	for (i = 0; i < n; i++)
		bad += differs(i, (u8)(i * 5 + 1));
	EXPECT_EQ(bad, 0);
	EXPECT_EQ(vs.commands, 2 * n);
	EXPECT_EQ(vs.outstanding, 0);
}

/* A free while the worker is busy: what it was serving is never answered. */
TEST(the_worker_drops_what_a_free_cancelled)
{
	static pthread_mutex_t lk = PTHREAD_MUTEX_INITIALIZER;
	struct hvk_crq_msg m;
	unsigned int i;

	world();
	ASSERT_EQ(hvm_vscsi_start(&vs, &lk), 0);
	pthread_mutex_lock(&lk);
	for (i = 0; i < 10; i++)
		send_rw(i, 100 + i, false);
	EXPECT_EQ(hcall(HVK_H_FREE_CRQ, UNIT, 0, 0, 0), HVK_H_SUCCESS);
	memset(gp(QUEUE), 0, 4096);
	pthread_mutex_unlock(&lk);
	hvm_vscsi_stop(&vs);
	EXPECT_EQ(vs.commands + vs.cancelled, 10);
	EXPECT_EQ(vs.outstanding, 0);
	EXPECT_EQ(vs.crq.dropped_closed, 0);
	next_slot = 0;
	EXPECT_EQ(take(&m), HVK_CRQ_K_EMPTY);
}

/* The guest's init request; its status. */
static long send_init(u8 format)
{
	struct hvk_crq_msg init = { .valid = HVK_CRQ_INIT, .format = format };
	u64 hi, lo;

	hvk_crq_encode(&init, &hi, &lo);
	return hcall(HVK_H_SEND_CRQ, UNIT, hi, lo, 0);
}

/* Adapter info and login as hv_scsi makes them after "up"; true if logged in. */
static bool log_in(void)
{
	struct hvk_srp_login login;
	struct hvk_crq_msg m;

	send(HVK_VIOSRP_MAD, IU, hvk_mad_build_adapter_info(gp(IU), 0x51, DATA_IN));
	if (take(&m) != HVK_CRQ_K_MESSAGE)
		return false;
	send(HVK_VIOSRP_SRP, IU, hvk_srp_build_login(gp(IU), 0x52, 256));
	if (take(&m) != HVK_CRQ_K_MESSAGE)
		return false;
	return !hvk_srp_parse_login(gp(IU), m.iu_len, 0x52, &login) && login.accepted;
}

/*
 * --crq-partner-first: PowerVM's registration without a partner. H_REG_CRQ
 * registers and says H_CLOSED, sends say H_CLOSED and reach nobody, and
 * the delay runs from the first registration; then the partner's init
 * request is in the queue, the guest's init complete starts the protocol.
 */
TEST(partner_first_closed_until_it_comes_then_its_init_request)
{
	struct hvm_partner p;
	struct hvk_crq_msg m;

	memset(ram, 0, sizeof(ram));
	pulses = 0;
	next_slot = 0;
	hvm_table_init(&table);
	hvm_vscsi_init(&vs, UNIT, &mem, pulse);
	ASSERT_EQ(hvm_crq_attach(&vs.crq, &table), 0);
	hvm_partner_init(&p, &vs, 300, NULL);
	EXPECT_TRUE(hvm_partner_active(&p));
	hvm_partner_tick(&p, 1000);		/* no queue yet: the clock has not started */
	hvm_partner_tick(&p, 5000);
	EXPECT_TRUE(vs.crq.partner_away);
	EXPECT_EQ(hcall(HVK_H_REG_CRQ, UNIT, QUEUE, 4096, 0), HVK_H_CLOSED);
	EXPECT_TRUE(vs.crq.registered);
	EXPECT_EQ(hcall(HVK_H_VIO_SIGNAL, UNIT, 1, 0, 0), HVK_H_SUCCESS);
	EXPECT_EQ(send_init(HVK_CRQ_INIT_REQUEST), HVK_H_CLOSED);
	EXPECT_EQ(take(&m), HVK_CRQ_K_EMPTY);
	hvm_partner_tick(&p, 6000);		/* the first registration seen */
	hvm_partner_tick(&p, 6299);
	EXPECT_EQ(take(&m), HVK_CRQ_K_EMPTY);
	EXPECT_EQ(vs.crq.closed_regs, 1);
	EXPECT_EQ(vs.crq.closed_sends, 1);
	hvm_partner_tick(&p, 6300);
	EXPECT_TRUE(!(vs.crq.partner_away));
	EXPECT_EQ(take(&m), HVK_CRQ_K_INIT_REQUEST);
	EXPECT_EQ(pulses, 1);
	EXPECT_EQ(vs.crq.partner_inits, 1);
	EXPECT_EQ(send_init(HVK_CRQ_INIT_COMPLETE), HVK_H_SUCCESS);
	EXPECT_EQ(take(&m), HVK_CRQ_K_EMPTY);	/* nothing answers an answer */
	EXPECT_TRUE(log_in());
	EXPECT_EQ(vs.logins, 1);
	EXPECT_TRUE(!(hvm_partner_active(&p)));
	hvm_vscsi_stop(&vs);
}

/*
 * A "partner failed" event with commands queued: the event is in the
 * queue, the commands are never answered, sends say H_CLOSED for the
 * time away, then the partner's init request; the guest's reset (free,
 * register) and handshake log in again.
 */
TEST(transport_event_drops_commands_closes_then_init_again)
{
	struct hvm_crq_events ev;
	struct hvm_partner p;
	struct hvk_crq_msg m;
	char why[256];
	unsigned int i;

	world();
	ASSERT_EQ(hvm_crq_events_parse(&ev, "failed@2", why, sizeof(why)), 0);
	hvm_partner_init(&p, &vs, -1, &ev);
	hvm_vscsi_defer(&vs);
	EXPECT_EQ(send_init(HVK_CRQ_INIT_REQUEST), HVK_H_SUCCESS);
	EXPECT_EQ(take(&m), HVK_CRQ_K_INIT_COMPLETE);
	hvm_partner_tick(&p, 100);
	ASSERT_TRUE(log_in());
	hvm_partner_tick(&p, 1000);		/* the login seen: events from here */
	for (i = 0; i < 4; i++)
		send_rw(i, 100 + i, false);
	hvm_partner_tick(&p, 2999);
	EXPECT_EQ(take(&m), HVK_CRQ_K_EMPTY);
	hvm_partner_tick(&p, 3000);
	EXPECT_EQ(take(&m), HVK_CRQ_K_PARTNER_LOST);
	EXPECT_EQ(m.format, HVK_CRQ_PARTNER_FAILED);
	EXPECT_EQ(vs.crq.events[0], 1);
	EXPECT_EQ(vs.partner_drops, 4);
	EXPECT_EQ(vs.outstanding, 0);
	EXPECT_TRUE(!(vs.logged_in));
	EXPECT_EQ(hvm_vscsi_run_queued(&vs), 0);
	EXPECT_EQ(take(&m), HVK_CRQ_K_EMPTY);
	/* A send while the partner is away reaches nobody; then the guest's reset. */
	EXPECT_EQ(send_init(HVK_CRQ_INIT_COMPLETE), HVK_H_CLOSED);
	EXPECT_EQ(vs.crq.closed_sends, 1);
	EXPECT_EQ(hcall(HVK_H_FREE_CRQ, UNIT, 0, 0, 0), HVK_H_SUCCESS);
	EXPECT_EQ(hcall(HVK_H_REG_CRQ, UNIT, QUEUE, 4096, 0), HVK_H_CLOSED);
	memset(gp(QUEUE), 0, 4096);
	next_slot = 0;
	EXPECT_EQ(send_init(HVK_CRQ_INIT_REQUEST), HVK_H_CLOSED);
	hvm_partner_tick(&p, 3499);
	EXPECT_EQ(take(&m), HVK_CRQ_K_EMPTY);
	hvm_partner_tick(&p, 3500);
	EXPECT_EQ(take(&m), HVK_CRQ_K_INIT_REQUEST);
	EXPECT_EQ(send_init(HVK_CRQ_INIT_COMPLETE), HVK_H_SUCCESS);
	EXPECT_TRUE(log_in());
	EXPECT_EQ(vs.logins, 2);
	hvm_partner_tick(&p, 100000);		/* once only */
	EXPECT_EQ(take(&m), HVK_CRQ_K_EMPTY);
	EXPECT_EQ(vs.crq.events[0], 1);
	EXPECT_EQ(vs.lost_answers, 0);
	hvm_vscsi_stop(&vs);
}

/*
 * "Migrated": the queue stays registered but closed until H_ENABLE_CRQ;
 * the partner's init request waits for it, and the guest's own init
 * request after the enable is answered.
 */
TEST(migrated_needs_enable_then_handshake)
{
	struct hvm_crq_events ev;
	struct hvm_partner p;
	struct hvk_crq_msg m;
	char why[256];

	world();
	ASSERT_EQ(hvm_crq_events_parse(&ev, "migrated/10x2", why, sizeof(why)), 0);
	hvm_partner_init(&p, &vs, -1, &ev);
	EXPECT_EQ(send_init(HVK_CRQ_INIT_REQUEST), HVK_H_SUCCESS);
	EXPECT_EQ(take(&m), HVK_CRQ_K_INIT_COMPLETE);
	ASSERT_TRUE(log_in());
	hvm_partner_tick(&p, 0);
	hvm_partner_tick(&p, 10000);
	EXPECT_EQ(take(&m), HVK_CRQ_K_MIGRATED);
	EXPECT_TRUE(vs.crq.disabled);
	hvm_partner_tick(&p, 10500);		/* back, but the queue is not enabled */
	EXPECT_TRUE(!(vs.crq.partner_away));
	EXPECT_EQ(take(&m), HVK_CRQ_K_EMPTY);
	EXPECT_EQ(send_init(HVK_CRQ_INIT_REQUEST), HVK_H_CLOSED);
	EXPECT_EQ(hcall(HVK_H_ENABLE_CRQ, UNIT, 0, 0, 0), HVK_H_SUCCESS);
	EXPECT_EQ(send_init(HVK_CRQ_INIT_REQUEST), HVK_H_SUCCESS);
	EXPECT_EQ(take(&m), HVK_CRQ_K_INIT_COMPLETE);
	EXPECT_TRUE(log_in());
	/* The second and last of the period. */
	hvm_partner_tick(&p, 20000);
	EXPECT_EQ(take(&m), HVK_CRQ_K_MIGRATED);
	hvm_partner_tick(&p, 20500);
	EXPECT_EQ(hcall(HVK_H_ENABLE_CRQ, UNIT, 0, 0, 0), HVK_H_SUCCESS);
	hvm_partner_tick(&p, 40000);
	hvm_partner_tick(&p, 40600);
	EXPECT_EQ(take(&m), HVK_CRQ_K_EMPTY);
	EXPECT_EQ(vs.crq.events[2], 2);
	EXPECT_EQ(vs.crq.enables, 2);
	hvm_vscsi_stop(&vs);
}

/* Without a queue the event cannot be posted: counted, the partner still goes. */
TEST(an_event_without_a_queue_is_counted_not_posted)
{
	world();
	EXPECT_EQ(hcall(HVK_H_FREE_CRQ, UNIT, 0, 0, 0), HVK_H_SUCCESS);
	EXPECT_EQ(hvm_crq_partner_leave(&vs.crq, HVK_CRQ_PARTNER_DEREG), -ENOTCONN);
	EXPECT_EQ(vs.crq.events_unposted, 1);
	EXPECT_EQ(hvm_crq_partner_leave(&vs.crq, 0x03), -EINVAL);
	EXPECT_EQ(hcall(HVK_H_REG_CRQ, UNIT, QUEUE, 4096, 0), HVK_H_CLOSED);
	hvm_crq_partner_arrive(&vs.crq);
	EXPECT_EQ(vs.crq.partner_inits, 1);
	hvm_vscsi_stop(&vs);
}

TEST(events_parse)
{
	struct hvm_crq_events ev;
	char why[256];

	ASSERT_EQ(hvm_crq_events_parse(&ev, "failed@1.5,deregistered/20x3,migrated@7/30", why,
				       sizeof(why)), 0);
	EXPECT_EQ(ev.nr, 3);
	EXPECT_EQ(ev.item[0].format, HVK_CRQ_PARTNER_FAILED);
	EXPECT_EQ(ev.item[0].first_ms, 1500);
	EXPECT_EQ(ev.item[0].period_ms, 0);
	EXPECT_EQ(ev.item[1].format, HVK_CRQ_PARTNER_DEREG);
	EXPECT_EQ(ev.item[1].first_ms, 20000);
	EXPECT_EQ(ev.item[1].period_ms, 20000);
	EXPECT_EQ(ev.item[1].count, 3);
	EXPECT_EQ(ev.item[2].format, HVK_CRQ_MIGRATED);
	EXPECT_EQ(ev.item[2].first_ms, 7000);
	EXPECT_EQ(ev.item[2].period_ms, 30000);
	EXPECT_EQ(ev.item[2].count, HVM_CRQ_EVENTS_FOREVER);
	EXPECT_EQ(hvm_crq_events_parse(&ev, "failed", why, sizeof(why)), -1);
	EXPECT_CONTAINS(why, "\"failed\"");
	EXPECT_EQ(hvm_crq_events_parse(&ev, "paniced@1", why, sizeof(why)), -1);
	EXPECT_EQ(hvm_crq_events_parse(&ev, "failed/0", why, sizeof(why)), -1);
	EXPECT_EQ(hvm_crq_events_parse(&ev, "failed@1.2345", why, sizeof(why)), -1);
	EXPECT_EQ(hvm_crq_events_parse(&ev, "failed@1,", why, sizeof(why)), -1);
	EXPECT_EQ(hvm_crq_events_parse(&ev, "failed/5x0", why, sizeof(why)), -1);
	EXPECT_EQ(hvm_crq_events_parse(&ev, "failed@86401", why, sizeof(why)), -1);
	EXPECT_EQ(hvm_crq_events_parse(&ev, "failed@1x2", why, sizeof(why)), -1);
}

/*
 * --busy: a call answered busy was not made (no answer, no command); the
 * guest's retry makes it. 1000 per mille answers every eligible call, and
 * a seed gives the same answers again.
 */
TEST(busy_answers_skip_the_call_and_repeat_with_the_seed)
{
	struct hvm_busy b, b2;
	struct hvk_srp_cmd_args a = { .tag = 7, .lun = hvk_srp_lun(0, 0, 0), .cdb = tur6,
				      .cdb_len = 6, .max_iu_len = 256 };
	struct hvk_crq_msg m = { .valid = HVK_CRQ_PAYLOAD, .format = HVK_VIOSRP_SRP, .token = IU };
	long seq[64];
	u64 hi, lo;
	unsigned int i, hits = 0;

	world();
	EXPECT_EQ(send_init(HVK_CRQ_INIT_REQUEST), HVK_H_SUCCESS);
	EXPECT_EQ(take(&m), HVK_CRQ_K_INIT_COMPLETE);
	ASSERT_TRUE(log_in());
	hvm_busy_init(&b, 1000, HVM_BUSY_PLAIN, 42);
	table.busy = &b;
	m = (struct hvk_crq_msg){ .valid = HVK_CRQ_PAYLOAD, .format = HVK_VIOSRP_SRP,
				  .iu_len = (u16)hvk_srp_build_cmd(gp(IU), &a), .token = IU };
	hvk_crq_encode(&m, &hi, &lo);
	EXPECT_EQ(hcall(HVK_H_SEND_CRQ, UNIT, hi, lo, 0), HVK_H_BUSY);
	EXPECT_EQ(vs.commands, 0);
	EXPECT_EQ(take(&m), HVK_CRQ_K_EMPTY);
	/* Not eligible: made as ever. */
	EXPECT_EQ(hcall(HVK_H_VIO_SIGNAL, UNIT, 1, 0, 0), HVK_H_SUCCESS);
	/* An unknown unit is the dispatcher's H_PARAMETER, never busy. */
	EXPECT_EQ(hcall(HVK_H_SEND_CRQ, UNIT + 1, hi, lo, 0), HVK_H_PARAMETER);
	EXPECT_EQ(b.answered[hvm_busy_index(HVK_H_SEND_CRQ)], 1);
	EXPECT_EQ(b.eligible[hvm_busy_index(HVK_H_SEND_CRQ)], 1);
	table.busy = NULL;
	EXPECT_EQ(hcall(HVK_H_SEND_CRQ, UNIT, hi, lo, 0), HVK_H_SUCCESS);
	EXPECT_EQ(vs.commands, 1);

	hvm_busy_init(&b, 100, HVM_BUSY_LONG, 7);
	hvm_busy_init(&b2, 100, HVM_BUSY_LONG, 7);
	for (i = 0; i < 64; i++) {
		seq[i] = hvm_busy_draw(&b, HVK_H_PUT_TERM_CHAR);
		EXPECT_EQ(hvm_busy_draw(&b2, HVK_H_PUT_TERM_CHAR), seq[i]);
		EXPECT_TRUE(!seq[i] || seq[i] == HVK_H_LONG_BUSY_1MS ||
			    seq[i] == HVK_H_LONG_BUSY_10MS);
	}
	for (i = 0; i < 5000; i++)
		hits += hvm_busy_draw(&b, HVK_H_SEND_LOGICAL_LAN) != 0;
	EXPECT_TRUE(hits > 400 && hits < 600);
	EXPECT_EQ(hvm_busy_draw(&b, HVK_H_REG_CRQ), 0);
	EXPECT_EQ(hvm_busy_index(HVK_H_ADD_LOGICAL_LAN_BUFFER), -1);
	hvm_vscsi_stop(&vs);
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

/* What the adapter counted of one run of hostile_flow(). */
struct flow_counts {
	u64 commands, logins, dropped_ius, lost_answers, dropped_full, bad_descriptors;
};

/*
 * Init, adapter info, login, reads, writes and TEST UNIT READYs, the
 * guest taking every entry after each (so the queue never fills), with
 * @h as the adapter's and its CRQ's hostile peer (NULL: none).
 */
static void hostile_flow(struct hvm_hostile *h, struct flow_counts *fc)
{
	struct hvk_crq_msg init = { .valid = HVK_CRQ_INIT, .format = HVK_CRQ_INIT_REQUEST };
	unsigned int i;
	u64 hi, lo;

	world();
	vs.hostile = h;
	vs.crq.hostile = h;
	hvk_crq_encode(&init, &hi, &lo);
	for (i = 0; i < 300; i++) {
		switch (i % 6) {
		case 0:
			EXPECT_EQ(hcall(HVK_H_SEND_CRQ, UNIT, hi, lo, 0), HVK_H_SUCCESS);
			break;
		case 1:
			send(HVK_VIOSRP_MAD, IU, hvk_mad_build_adapter_info(gp(IU), i, DATA_IN));
			break;
		case 2:
			send(HVK_VIOSRP_SRP, IU, hvk_srp_build_login(gp(IU), i, 256));
			break;
		case 3:
			send_rw(i % 16, i, false);
			break;
		case 4:
			fill(i % 16, (u8)i);
			send_rw(i % 16, i, true);
			break;
		default:
			send_tur(i % 16, i);
		}
		/* The guest takes everything; the adapter's state stays its own. */
		memset(gp(QUEUE), 0, 4096);
		EXPECT_TRUE(vs.crq.next < 4096 && !(vs.crq.next % HVK_CRQ_ENTRY_SIZE));
		EXPECT_TRUE(vs.outstanding <= HVM_VSCSI_CREDIT);
	}
	*fc = (struct flow_counts){ vs.commands, vs.logins, vs.dropped_ius, vs.lost_answers,
				    vs.crq.dropped_full, vs.bad_descriptors };
	/* Nothing written outside the queue, the IUs, the data and the adapter info. */
	EXPECT_TRUE(zero_between(IU + HVK_SRP_IU_MAX, DATA_IN));
	EXPECT_TRUE(zero_between(DATA_IN + HVK_ADAPTER_INFO_DATA_LEN, IUS));
	EXPECT_TRUE(zero_between(iu_of(16), BUFS));
	EXPECT_TRUE(zero_between(buf_of(16), RAM_BASE + (4 << 20)));
}

/*
 * --hostile's crq and srp sites at every chance: the guest gets garbage,
 * the adapter writes where it would have and counts what it would have.
 */
TEST(a_hostile_peer_changes_what_the_guest_sees_only)
{
	static struct hvm_hostile h;
	struct flow_counts plain, hostile;
	unsigned int k;

	hostile_flow(NULL, &plain);
	hvm_hostile_init(&h, 1000, (1u << HVM_HOSTILE_CRQ) | (1u << HVM_HOSTILE_SRP), 17);
	hostile_flow(&h, &hostile);
	EXPECT_TRUE(plain.commands > 100 && plain.logins == 50);
	EXPECT_EQ(hostile.commands, plain.commands);
	EXPECT_EQ(hostile.logins, plain.logins);
	EXPECT_EQ(hostile.dropped_ius, plain.dropped_ius);
	EXPECT_EQ(hostile.bad_descriptors, plain.bad_descriptors);
	EXPECT_EQ(hostile.lost_answers, 0);
	EXPECT_EQ(hostile.dropped_full, 0);
	EXPECT_EQ(h.chances[HVM_HOSTILE_CRQ], 300);
	/* Every answer but the init's and the login's was an SRP_RSP or a MAD. */
	EXPECT_EQ(h.chances[HVM_HOSTILE_SRP], 200);
	for (k = HVM_HK_CRQ_VALID_FREE; k <= HVM_HK_SRP_IU_LEN; k++)
		if (!h.kinds[k])
			ktest_diag("kind %s never done", hvm_hostile_kind_name(k));
}

int main(int argc, char **argv)
{
	return ktest_main(argc, argv);
}
