// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host unit tests of the CRQ entry codec (drivers/hv-vio/crq_codec.c) and
 * the SRP/MAD codec (drivers/hv-scsi/srp_codec.c): the byte layouts of
 * papr-vio-abi.md sections 4 and 5, and the refusal of every malformed
 * answer a target could write.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ktest.h"
#include <hvkit/crq_codec.h>
#include "srp_codec.h"

static void entry(u8 *e, u8 b0, u8 b1)
{
	memset(e, 0, HVK_CRQ_ENTRY_SIZE);
	e[0] = b0;
	e[1] = b1;
}

TEST(crq_kinds)
{
	struct hvk_crq_msg m;
	u8 e[16];

	entry(e, 0, 0);
	EXPECT_EQ(hvk_crq_decode(e, &m), HVK_CRQ_K_EMPTY);
	entry(e, 0xc0, 1);
	EXPECT_EQ(hvk_crq_decode(e, &m), HVK_CRQ_K_INIT_REQUEST);
	entry(e, 0xc0, 2);
	EXPECT_EQ(hvk_crq_decode(e, &m), HVK_CRQ_K_INIT_COMPLETE);
	entry(e, 0xc0, 3);
	EXPECT_EQ(hvk_crq_decode(e, &m), HVK_CRQ_K_INVALID);
	entry(e, 0xff, 1);
	EXPECT_EQ(hvk_crq_decode(e, &m), HVK_CRQ_K_PARTNER_LOST);
	entry(e, 0xff, 2);
	EXPECT_EQ(hvk_crq_decode(e, &m), HVK_CRQ_K_PARTNER_LOST);
	entry(e, 0xff, 6);
	EXPECT_EQ(hvk_crq_decode(e, &m), HVK_CRQ_K_MIGRATED);
	entry(e, 0xff, 3);
	EXPECT_EQ(hvk_crq_decode(e, &m), HVK_CRQ_K_INVALID);
	entry(e, 0x81, 1);
	EXPECT_EQ(hvk_crq_decode(e, &m), HVK_CRQ_K_INVALID);
	entry(e, 0x40, 1);
	EXPECT_EQ(hvk_crq_decode(e, &m), HVK_CRQ_K_INVALID);
}

TEST(crq_fields_and_encode)
{
	static const u8 e[16] = { 0x80, 0x01, 0x00, 0x99, 0x01, 0x2c, 0x00,
				  0x24, 1, 2, 3, 4, 5, 6, 7, 8 };
	struct hvk_crq_msg m, init = { .valid = 0xc0, .format = 1 };
	u64 hi, lo;

	EXPECT_EQ(hvk_crq_decode(e, &m), HVK_CRQ_K_MESSAGE);
	EXPECT_EQ(m.format, 1);
	EXPECT_EQ(m.status, 0x99);
	EXPECT_EQ(m.timeout, 300);
	EXPECT_EQ(m.iu_len, 36);
	EXPECT_EQ(m.token, 0x0102030405060708ULL);
	hvk_crq_encode(&m, &hi, &lo);
	EXPECT_EQ(hi, 0x80010099012c0024ULL);
	EXPECT_EQ(lo, 0x0102030405060708ULL);
	/* The init request of ABI 4.2. */
	hvk_crq_encode(&init, &hi, &lo);
	EXPECT_EQ(hi, 0xc001000000000000ULL);
	EXPECT_EQ(lo, 0);
}

TEST(lun_encoding)
{
	EXPECT_EQ(hvk_srp_lun(0, 0, 0), 0x8000000000000000ULL);
	EXPECT_EQ(hvk_srp_lun(1, 2, 3), 0x8223000000000000ULL);
	EXPECT_EQ(hvk_srp_lun(7, 63, 31), 0xbfff000000000000ULL);
}

TEST(lun_split_inverts_lun)
{
	unsigned int c, t, l, ch, id, lun, bad = 0;

	for (c = 0; c < 8; c++)
		for (t = 0; t < 64; t++)
			for (l = 0; l < 32; l++) {
				hvk_srp_lun_split(hvk_srp_lun(c, t, l), &ch, &id, &lun);
				bad += ch != c || id != t || lun != l;
			}
	EXPECT_EQ(bad, 0);
	/* The method bits and the lower levels do not change the fields. */
	hvk_srp_lun_split(0x7223ffffffffffffULL, &ch, &id, &lun);
	EXPECT_EQ(ch, 1);
	EXPECT_EQ(id, 0x32);
	EXPECT_EQ(lun, 3);
	hvk_srp_lun_split(0, &ch, &id, &lun);
	EXPECT_EQ(ch + id + lun, 0);
}

TEST(login_and_mad_layout)
{
	u8 iu[256];

	memset(iu, 0xee, sizeof(iu));
	EXPECT_EQ(hvk_srp_build_login(iu, 0x1122, 256), 64);
	EXPECT_EQ(iu[0], 0);
	EXPECT_EQ(hvk_get_be64(iu + 8), 0x1122);
	EXPECT_EQ(hvk_get_be32(iu + 16), 256);
	EXPECT_EQ(hvk_get_be16(iu + 24), 6);
	EXPECT_EQ(iu[64], 0xee);

	EXPECT_EQ(hvk_mad_build_adapter_info(iu, 7, 0x5000), 24);
	EXPECT_EQ(hvk_get_be32(iu), 3);
	EXPECT_EQ(hvk_get_be16(iu + 6), 148);
	EXPECT_EQ(hvk_get_be64(iu + 8), 7);
	EXPECT_EQ(hvk_get_be64(iu + 16), 0x5000);

	EXPECT_EQ(hvk_srp_build_tsk_mgmt(iu, 9, hvk_srp_lun(0, 1, 2),
					 HVK_SRP_TSK_ABORT_TASK, 0xabc), 48);
	EXPECT_EQ(iu[0], 1);
	EXPECT_EQ(hvk_get_be64(iu + 20), 0x8102000000000000ULL);
	EXPECT_EQ(iu[30], 1);
	EXPECT_EQ(hvk_get_be64(iu + 32), 0xabc);
}

static const u8 cdb10[10] = { 0x28, 0, 0, 0, 0, 8, 0, 0, 1, 0 };

static struct hvk_srp_cmd_args cmd(struct hvk_srp_desc *d, unsigned int n,
				   enum hvk_srp_dir dir)
{
	struct hvk_srp_cmd_args a = {
		.tag = 0x100000005ULL, .lun = hvk_srp_lun(0, 1, 0),
		.cdb = cdb10, .cdb_len = sizeof(cdb10), .dir = dir,
		.descs = d, .nr_descs = n, .max_iu_len = 256,
		.indirect_ok = true, .iu_ioba = 0x10000,
	};
	unsigned int i;

	for (i = 0; i < n; i++)
		a.total_len += d[i].len;
	return a;
}

TEST(cmd_direct_and_none)
{
	struct hvk_srp_desc d = { .va = 0x123000, .len = 4096 };
	struct hvk_srp_cmd_args a = cmd(&d, 1, HVK_SRP_DIR_IN);
	u8 iu[256];

	EXPECT_EQ(hvk_srp_build_cmd(iu, &a), 64);
	EXPECT_EQ(iu[0], 2);
	EXPECT_EQ(iu[5], 0x01);
	EXPECT_EQ(hvk_get_be64(iu + 8), 0x100000005ULL);
	EXPECT_EQ(hvk_get_be64(iu + 20), 0x8100000000000000ULL);
	EXPECT_EQ(iu[32], 0x28);
	EXPECT_EQ(iu[41], 0);
	EXPECT_EQ(hvk_get_be64(iu + 48), 0x123000);
	EXPECT_EQ(hvk_get_be32(iu + 60), 4096);
	a.dir = HVK_SRP_DIR_OUT;
	EXPECT_EQ(hvk_srp_build_cmd(iu, &a), 64);
	EXPECT_EQ(iu[5], 0x10);

	a = cmd(NULL, 0, HVK_SRP_DIR_NONE);
	EXPECT_EQ(hvk_srp_build_cmd(iu, &a), 48);
	EXPECT_EQ(iu[5], 0);
	/* Data without descriptors, and descriptors without data. */
	a.dir = HVK_SRP_DIR_IN;
	EXPECT_EQ(hvk_srp_build_cmd(iu, &a), -EINVAL);
	a = cmd(&d, 1, HVK_SRP_DIR_NONE);
	EXPECT_EQ(hvk_srp_build_cmd(iu, &a), -EINVAL);
	a = cmd(&d, 1, HVK_SRP_DIR_IN);
	a.cdb_len = 17;
	EXPECT_EQ(hvk_srp_build_cmd(iu, &a), -EINVAL);
}

TEST(cmd_indirect_inline_up_to_11)
{
	struct hvk_srp_desc d[12];
	struct hvk_srp_cmd_args a;
	u8 iu[256];
	unsigned int i;

	for (i = 0; i < 12; i++) {
		d[i].va = 0x1000 * (i + 1) + i;
		d[i].len = 512 + i;
	}
	a = cmd(d, 11, HVK_SRP_DIR_OUT);
	EXPECT_EQ(hvk_srp_build_cmd(iu, &a), 68 + 11 * 16);
	EXPECT_EQ(iu[5], 0x20);
	EXPECT_EQ(iu[6], 11);
	EXPECT_EQ(hvk_get_be64(iu + 48), 0x10000 + 68);
	EXPECT_EQ(hvk_get_be32(iu + 60), 11 * 16);
	EXPECT_EQ(hvk_get_be32(iu + 64), a.total_len);
	for (i = 0; i < 11; i++) {
		EXPECT_EQ(hvk_get_be64(iu + 68 + 16 * i), d[i].va);
		EXPECT_EQ(hvk_get_be32(iu + 68 + 16 * i + 12), d[i].len);
	}
	/* 12 do not fit in 256 bytes and there is no table. */
	a = cmd(d, 12, HVK_SRP_DIR_IN);
	EXPECT_EQ(hvk_srp_build_cmd(iu, &a), -EINVAL);
	/* A smaller max_it_iu_len moves even short lists out. */
	a = cmd(d, 2, HVK_SRP_DIR_IN);
	a.max_iu_len = 96;
	EXPECT_EQ(hvk_srp_build_cmd(iu, &a), -EINVAL);
	/* A target without indirect support. */
	a = cmd(d, 2, HVK_SRP_DIR_IN);
	a.indirect_ok = false;
	EXPECT_EQ(hvk_srp_build_cmd(iu, &a), -EINVAL);
}

TEST(cmd_indirect_external_table)
{
	struct hvk_srp_desc d[40];
	u8 iu[256], table[40 * 16];
	struct hvk_srp_cmd_args a;
	unsigned int i;

	for (i = 0; i < 40; i++) {
		d[i].va = 0x200000 + 0x1000 * i;
		d[i].len = 4096 - i;
	}
	a = cmd(d, 40, HVK_SRP_DIR_IN);
	a.table = table;
	a.table_ioba = 0x7000;
	a.table_max = 40;
	EXPECT_EQ(hvk_srp_build_cmd(iu, &a), 68);
	EXPECT_EQ(iu[5], 0x02);
	EXPECT_EQ(iu[7], 0);
	EXPECT_EQ(hvk_get_be64(iu + 48), 0x7000);
	EXPECT_EQ(hvk_get_be32(iu + 60), 40 * 16);
	for (i = 0; i < 40; i++)
		EXPECT_EQ(hvk_get_be64(table + 16 * i), d[i].va);
	a.table_max = 39;
	EXPECT_EQ(hvk_srp_build_cmd(iu, &a), -EINVAL);
}

static unsigned int login_rsp(u8 *iu, u32 lim, u32 it_len)
{
	memset(iu, 0, 256);
	iu[0] = 0xc0;
	hvk_put_be32(iu + 4, lim);
	hvk_put_be64(iu + 8, 42);
	hvk_put_be32(iu + 16, it_len);
	hvk_put_be32(iu + 20, 256);
	hvk_put_be16(iu + 24, 6);
	return 52;
}

TEST(login_parse)
{
	struct hvk_srp_login l;
	u8 iu[256];

	EXPECT_EQ(hvk_srp_parse_login(iu, login_rsp(iu, 22, 256), 42, &l), 0);
	EXPECT_TRUE(l.accepted);
	EXPECT_EQ(l.req_lim_delta, 22);
	EXPECT_EQ(l.max_it_iu_len, 256);
	EXPECT_EQ(l.buf_fmt, 6);
	EXPECT_EQ(l.tag, 42);
	EXPECT_EQ(hvk_srp_parse_login(iu, 51, 42, &l), -EPROTO);
	EXPECT_EQ(hvk_srp_parse_login(iu, login_rsp(iu, 0, 256), 42, &l), -EPROTO);
	EXPECT_EQ(hvk_srp_parse_login(iu, login_rsp(iu, 22, 63), 42, &l), -EPROTO);
	login_rsp(iu, 22, 256);
	iu[0] = 0xc1;
	EXPECT_EQ(hvk_srp_parse_login(iu, 52, 42, &l), -EPROTO);
	iu[0] = 0xc2;
	hvk_put_be32(iu + 4, 0x10005);
	EXPECT_EQ(hvk_srp_parse_login(iu, 32, 42, &l), 0);
	EXPECT_TRUE(!l.accepted);
	EXPECT_EQ(l.reject_reason, 0x10005);
	EXPECT_EQ(hvk_srp_parse_login(iu, 31, 42, &l), -EPROTO);
}

/*
 * The management IU is reused: after a timeout the partner can still write
 * its late answer there. Neither an acceptance nor a rejection of another
 * login may be taken for this one's.
 */
TEST(login_stale_tag)
{
	struct hvk_srp_login l;
	u8 iu[256];

	EXPECT_EQ(hvk_srp_parse_login(iu, login_rsp(iu, 22, 256), 41, &l), -EPROTO);
	EXPECT_TRUE(!l.accepted);
	hvk_put_be64(iu + 8, 0x100000000ULL | 42);
	EXPECT_EQ(hvk_srp_parse_login(iu, 52, 42, &l), -EPROTO);
	login_rsp(iu, 22, 256);
	iu[0] = 0xc2;
	EXPECT_EQ(hvk_srp_parse_login(iu, 32, 43, &l), -EPROTO);
	EXPECT_EQ(hvk_srp_parse_login(iu, 32, 42, &l), 0);
}

/*
 * A login after a reconnection must not shrink what the host was sized
 * for at probe: commands would wait for credit for ever, or fail for want
 * of the descriptor format or IU room the host's sg_tablesize assumes.
 */
TEST(login_fits_what_the_host_was_sized_for)
{
	struct hvk_srp_login first = {
		.accepted = true, .req_lim_delta = 22, .max_it_iu_len = 256,
		.buf_fmt = HVK_SRP_BUF_INDIRECT | HVK_SRP_BUF_DIRECT,
	};
	struct hvk_srp_login again = first;

	EXPECT_EQ(hvk_srp_login_fits(&first, NULL, 1), 0);
	again.req_lim_delta = 1;
	EXPECT_EQ(hvk_srp_login_fits(&again, NULL, 1), -ENOSPC);
	EXPECT_EQ(hvk_srp_login_fits(&again, &first, 1), -ENOSPC);
	again.req_lim_delta = 2;
	EXPECT_EQ(hvk_srp_login_fits(&again, &first, 1), 0);
	again.buf_fmt = HVK_SRP_BUF_DIRECT;
	EXPECT_EQ(hvk_srp_login_fits(&again, &first, 1), -EPROTO);
	again.buf_fmt = first.buf_fmt;
	again.max_it_iu_len = 128;
	EXPECT_EQ(hvk_srp_login_fits(&again, &first, 1), -EPROTO);
	/* Counted up to what the initiator uses: more than 256 is 256. */
	again.max_it_iu_len = 100000;
	EXPECT_EQ(hvk_srp_login_fits(&again, &first, 1), 0);
	first.max_it_iu_len = 100000;
	again.max_it_iu_len = 256;
	EXPECT_EQ(hvk_srp_login_fits(&again, &first, 1), 0);
	/* A host sized without indirect tables takes either. */
	first.buf_fmt = HVK_SRP_BUF_DIRECT;
	again.buf_fmt = HVK_SRP_BUF_DIRECT;
	EXPECT_EQ(hvk_srp_login_fits(&again, &first, 1), 0);
}

static unsigned int rsp(u8 *iu, u8 flags, u8 status, u32 resp_len,
			u32 sense_len)
{
	memset(iu, 0, 256);
	iu[0] = 0xc1;
	hvk_put_be32(iu + 4, 1);
	hvk_put_be64(iu + 8, 0x300000007ULL);
	iu[18] = flags;
	iu[19] = status;
	hvk_put_be32(iu + 24, 512);
	hvk_put_be32(iu + 28, sense_len);
	hvk_put_be32(iu + 32, resp_len);
	return 36;
}

TEST(rsp_parse)
{
	struct hvk_srp_rsp r;
	u8 iu[256];

	EXPECT_EQ(hvk_srp_parse_rsp(iu, rsp(iu, 0, 0, 0, 0), &r), 0);
	EXPECT_EQ(r.tag, 0x300000007ULL);
	EXPECT_EQ(r.req_lim_delta, 1);
	EXPECT_EQ(r.data_in_res, 512);
	EXPECT_TRUE(!r.sense && !r.has_resp_code);
	EXPECT_EQ(hvk_srp_parse_rsp(iu, 35, &r), -EPROTO);
	EXPECT_EQ(hvk_srp_parse_rsp(iu, 257, &r), -EPROTO);

	/* QEMU's CHECK CONDITION: 18 bytes of sense at 36. */
	rsp(iu, HVK_SRP_SNSVALID, 2, 0, 18);
	iu[36] = 0xf0;
	iu[38] = 5;
	EXPECT_EQ(hvk_srp_parse_rsp(iu, 54, &r), 0);
	EXPECT_EQ(r.status, 2);
	EXPECT_EQ(r.sense_len, 18);
	EXPECT_TRUE(r.sense == iu + 36);
	EXPECT_EQ(r.sense[2], 5);
	EXPECT_EQ(hvk_srp_parse_rsp(iu, 53, &r), -EPROTO);
	/* Sense lengths that wrap 32 bits or exceed the IU. */
	rsp(iu, HVK_SRP_SNSVALID | HVK_SRP_RSPVALID, 2, 0xfffffffc, 8);
	EXPECT_EQ(hvk_srp_parse_rsp(iu, 256, &r), -EPROTO);
	/* The length fields count only with their valid flags. */
	rsp(iu, 0, 0, 0xffffffff, 0xffffffff);
	EXPECT_EQ(hvk_srp_parse_rsp(iu, 36, &r), 0);

	/* A task management answer: the code in data[3]. */
	rsp(iu, HVK_SRP_RSPVALID, 0, 4, 0);
	iu[39] = HVK_SRP_TSK_FIELDS_INVALID;
	EXPECT_EQ(hvk_srp_parse_rsp(iu, 40, &r), 0);
	EXPECT_TRUE(r.has_resp_code);
	EXPECT_EQ(r.resp_code, 2);
	EXPECT_EQ(hvk_srp_parse_rsp(iu, 39, &r), -EPROTO);
	rsp(iu, HVK_SRP_RSPVALID, 0, 3, 0);
	EXPECT_EQ(hvk_srp_parse_rsp(iu, 40, &r), -EPROTO);
	rsp(iu, 0, 0, 0, 0);
	iu[0] = 0xc0;
	EXPECT_EQ(hvk_srp_parse_rsp(iu, 36, &r), -EPROTO);
}

TEST(adapter_info_parse)
{
	struct hvk_adapter_info ai;
	u8 mad[24], data[148];

	hvk_mad_build_adapter_info(mad, 77, 0);
	memset(data, 0, sizeof(data));
	memcpy(data, "16.a", 4);
	memcpy(data + 8, "qemu", 4);
	hvk_put_be32(data + 108, 1);
	hvk_put_be32(data + 112, 2);
	hvk_put_be32(data + 116, 0x200000);
	EXPECT_EQ(hvk_mad_parse_adapter_info(mad, 24, 77, data, &ai), 0);
	EXPECT_STREQ(ai.srp_version, "16.a");
	EXPECT_STREQ(ai.partition_name, "qemu");
	EXPECT_EQ(ai.os_type, 2);
	EXPECT_EQ(ai.max_transfer, 0x200000);
	/* Unterminated and unprintable text stays bounded and printable. */
	memset(data, 'x', 104);
	data[9] = 1;
	EXPECT_EQ(hvk_mad_parse_adapter_info(mad, 24, 77, data, &ai), 0);
	EXPECT_EQ(strlen(ai.srp_version), 8);
	EXPECT_EQ(strlen(ai.partition_name), 96);
	EXPECT_EQ(ai.partition_name[1], '?');
	EXPECT_EQ(hvk_mad_parse_adapter_info(mad, 24, 78, data, &ai), -EPROTO);
	EXPECT_EQ(hvk_mad_parse_adapter_info(mad, 15, 77, data, &ai), -EPROTO);
	hvk_put_be16(mad + 4, 0xf1);
	EXPECT_EQ(hvk_mad_parse_adapter_info(mad, 24, 77, data, &ai),
		  -EOPNOTSUPP);
	hvk_put_be16(mad + 4, 0);
	hvk_put_be32(mad, 5);
	EXPECT_EQ(hvk_mad_parse_adapter_info(mad, 24, 77, data, &ai), -EPROTO);
}

TEST(fast_fail_layout_and_answers)
{
	u8 mad[256];
	u16 st = 0xffff;

	memset(mad, 0xee, sizeof(mad));
	EXPECT_EQ(hvk_mad_build_fast_fail(mad, 0x1234), 16);
	EXPECT_EQ(hvk_get_be32(mad), 0x08);
	EXPECT_EQ(hvk_get_be16(mad + 4), 0);
	EXPECT_EQ(hvk_get_be16(mad + 6), 16);
	EXPECT_EQ(hvk_get_be64(mad + 8), 0x1234);
	EXPECT_EQ(mad[16], 0xee);	/* nothing beyond the header */
	/* A VIOS: the request back with status 0. */
	EXPECT_EQ(hvk_mad_parse_fast_fail(mad, 16, 0x1234, &st), 0);
	EXPECT_EQ(st, 0);
	hvk_put_be16(mad + 4, 0xf7);
	EXPECT_EQ(hvk_mad_parse_fast_fail(mad, 16, 0x1234, &st), 0);
	EXPECT_EQ(st, 0xf7);
	/* QEMU: nothing written back, IU length 0. */
	st = 0;
	EXPECT_EQ(hvk_mad_parse_fast_fail(mad, 0, 0x1234, &st), 0);
	EXPECT_EQ(st, HVK_MAD_NOT_SUPPORTED);
	/* Short, another tag, another type. */
	EXPECT_EQ(hvk_mad_parse_fast_fail(mad, 15, 0x1234, &st), -EPROTO);
	EXPECT_EQ(hvk_mad_parse_fast_fail(mad, 16, 0x1235, &st), -EPROTO);
	hvk_put_be32(mad, 0x03);
	EXPECT_EQ(hvk_mad_parse_fast_fail(mad, 16, 0x1234, &st), -EPROTO);
	EXPECT_EQ(hvk_mad_parse_fast_fail(mad, 257, 0x1234, &st), -EPROTO);
}

TEST(capabilities_layout)
{
	struct hvk_caps_offer o = { .flags = HVK_CAPS_LIST_SUPPORTED,
				    .name = "host3", .loc = "0123456789abcdef0123456789abcdefXYZ",
				    .migration = true };
	u8 mad[24], data[92];

	memset(data, 0xee, sizeof(data));
	EXPECT_EQ(hvk_caps_len(&o), 80);
	EXPECT_EQ(hvk_mad_build_capabilities(mad, 9, 0xabc000, data, &o), 24);
	EXPECT_EQ(hvk_get_be32(mad), 0x05);
	EXPECT_EQ(hvk_get_be16(mad + 4), 0);
	EXPECT_EQ(hvk_get_be16(mad + 6), 80);
	EXPECT_EQ(hvk_get_be64(mad + 8), 9);
	EXPECT_EQ(hvk_get_be64(mad + 16), 0xabc000);
	EXPECT_EQ(hvk_get_be32(data), 0x04);
	EXPECT_STREQ((char *)data + 4, "host3");
	/* 31 bytes and a NUL: never unterminated. */
	EXPECT_EQ(strnlen((char *)data + 36, 32), 31);
	EXPECT_EQ(data[67], 0);
	EXPECT_EQ(hvk_get_be32(data + 68), HVK_CAP_MIGRATION);
	EXPECT_EQ(hvk_get_be16(data + 72), 12);
	EXPECT_EQ(hvk_get_be16(data + 74), HVK_CAP_SUPPORTED);
	EXPECT_EQ(hvk_get_be32(data + 76), 1);
	EXPECT_EQ(data[80], 0xee);	/* no reservation capability */
	o.migration = false;
	EXPECT_EQ(hvk_caps_len(&o), 68);
	memset(data, 0xee, sizeof(data));
	hvk_mad_build_capabilities(mad, 9, 0, data, &o);
	EXPECT_EQ(hvk_get_be16(mad + 6), 68);
	EXPECT_EQ(data[68], 0xee);
}

TEST(capabilities_answers)
{
	struct hvk_caps_offer o = { .flags = HVK_CAPS_LIST_SUPPORTED, .name = "host0",
				    .loc = "30000100", .migration = true };
	struct hvk_caps c;
	u8 mad[24], data[92], req[24];

	hvk_mad_build_capabilities(req, 5, 0, data, &o);
	/* QEMU: flags, support and ecl zeroed, the rest echoed, status 0. */
	memcpy(mad, req, 24);
	hvk_put_be32(data, 0);
	hvk_put_be16(data + 74, 0);
	hvk_put_be32(data + 76, 0);
	EXPECT_EQ(hvk_mad_parse_capabilities(mad, 24, 5, data, &o, &c), 0);
	EXPECT_EQ(c.status, 0);
	EXPECT_EQ(c.flags, 0);
	EXPECT_STREQ(c.name, "host0");
	EXPECT_TRUE(c.migration);
	EXPECT_EQ(c.migration_support, HVK_CAP_UNSUPPORTED);
	EXPECT_EQ(c.migration_ecl, 0);
	/* A server that grants it and names itself. */
	memset(data + 4, 0, 32);
	memcpy(data + 4, "vios1\x01", 6);
	hvk_put_be16(data + 74, HVK_CAP_SUPPORTED);
	hvk_put_be32(data + 76, 1);
	EXPECT_EQ(hvk_mad_parse_capabilities(mad, 24, 5, data, &o, &c), 0);
	EXPECT_EQ(c.migration_support, HVK_CAP_SUPPORTED);
	EXPECT_EQ(c.migration_ecl, 1);
	EXPECT_STREQ(c.name, "vios1?");
	/* Refused, unknown to the partner: the data is not looked at. */
	hvk_put_be16(data + 72, 0);
	hvk_put_be16(mad + 4, HVK_MAD_FAILED);
	EXPECT_EQ(hvk_mad_parse_capabilities(mad, 24, 5, data, &o, &c), 0);
	EXPECT_EQ(c.status, HVK_MAD_FAILED);
	EXPECT_TRUE(!c.migration);
	EXPECT_EQ(hvk_mad_parse_capabilities(mad, 16, 5, data, &o, &c), 0);
	EXPECT_EQ(hvk_mad_parse_capabilities(mad, 0, 5, data, &o, &c), 0);
	EXPECT_EQ(c.status, HVK_MAD_NOT_SUPPORTED);
	hvk_put_be16(mad + 4, 0);
	/* Every mismatch with the request. */
	EXPECT_EQ(hvk_mad_parse_capabilities(mad, 24, 5, data, &o, &c), -EPROTO);
	hvk_put_be16(data + 72, 12);
	EXPECT_EQ(hvk_mad_parse_capabilities(mad, 24, 5, data, &o, &c), 0);
	EXPECT_EQ(hvk_mad_parse_capabilities(mad, 23, 5, data, &o, &c), -EPROTO);
	EXPECT_EQ(hvk_mad_parse_capabilities(mad, 15, 5, data, &o, &c), -EPROTO);
	EXPECT_EQ(hvk_mad_parse_capabilities(mad, 24, 6, data, &o, &c), -EPROTO);
	hvk_put_be16(mad + 6, 92);
	EXPECT_EQ(hvk_mad_parse_capabilities(mad, 24, 5, data, &o, &c), -EPROTO);
	hvk_put_be16(mad + 6, 80);
	hvk_put_be32(mad, 0x03);
	EXPECT_EQ(hvk_mad_parse_capabilities(mad, 24, 5, data, &o, &c), -EPROTO);
	hvk_put_be32(mad, 0x05);
	hvk_put_be32(data + 68, HVK_CAP_RESERVATION);
	EXPECT_EQ(hvk_mad_parse_capabilities(mad, 24, 5, data, &o, &c), -EPROTO);
	hvk_put_be32(data + 68, HVK_CAP_MIGRATION);
	hvk_put_be16(data + 74, 3);
	EXPECT_EQ(hvk_mad_parse_capabilities(mad, 24, 5, data, &o, &c), -EPROTO);
	hvk_put_be16(data + 74, HVK_CAP_SUPPORTED_DATA);
	EXPECT_EQ(hvk_mad_parse_capabilities(mad, 24, 5, data, &o, &c), 0);
	/* Without migration offered, nothing after the header is read. */
	o.migration = false;
	hvk_put_be16(mad + 6, 68);
	hvk_put_be32(data + 68, 0x77);
	EXPECT_EQ(hvk_mad_parse_capabilities(mad, 24, 5, data, &o, &c), 0);
	EXPECT_TRUE(!c.migration);
}

int main(int argc, char **argv)
{
	return ktest_main(argc, argv);
}
