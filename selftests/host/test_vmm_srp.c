// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host unit tests of hvkit-vmm's half of the SRP and MAD codec
 * (tools/hvkit-vmm/srp_target.c) against hv_scsi's half
 * (drivers/hv-scsi/srp_codec.c): what the initiator builds the target
 * reads field for field, what the target writes the initiator's parsers
 * accept with the same values, and requests a hostile guest could send
 * are refused.
 */
#include <string.h>

#include "ktest.h"
#include "srp_codec.h"
#include "srp_target.h"

#define LUN_0_1_2	hvk_srp_lun(0, 1, 2)

TEST(login_both_ways)
{
	struct hvm_srp_login_req req;
	struct hvk_srp_login got;
	u8 iu[HVK_SRP_IU_MAX];
	unsigned int len;

	len = hvk_srp_build_login(iu, 0x1122, 256);
	EXPECT_EQ(hvm_srp_parse_login_req(iu, len, &req), 0);
	EXPECT_EQ(req.tag, 0x1122);
	EXPECT_EQ(req.it_iu_len, 256);
	EXPECT_EQ(req.buf_fmt, HVK_SRP_BUF_DIRECT | HVK_SRP_BUF_INDIRECT);
	EXPECT_EQ(hvm_srp_parse_login_req(iu, len - 1, &req), -EPROTO);

	len = hvm_srp_build_login_rsp(iu, 0x1122, 16, 256, 256, HVK_SRP_BUF_DIRECT);
	EXPECT_EQ(hvk_srp_parse_login(iu, len, 0x1122, &got), 0);
	EXPECT_TRUE(got.accepted);
	EXPECT_EQ(got.req_lim_delta, 16);
	EXPECT_EQ(got.max_it_iu_len, 256);
	EXPECT_EQ(got.max_ti_iu_len, 256);
	EXPECT_EQ(got.buf_fmt, HVK_SRP_BUF_DIRECT);

	len = hvm_srp_build_login_rej(iu, 0x1122, 0x00010006);
	EXPECT_EQ(hvk_srp_parse_login(iu, len, 0x1122, &got), 0);
	EXPECT_TRUE(!(got.accepted));
	EXPECT_EQ(got.reject_reason, 0x00010006);
}

static const u8 read10[10] = { 0x28, 0, 0, 0, 0, 8, 0, 0, 16, 0 };

TEST(direct_command_reads_as_built)
{
	struct hvk_srp_desc d = { .va = 0x40123000, .len = 8192 };
	struct hvk_srp_cmd_args a = {
		.tag = 77, .lun = LUN_0_1_2, .cdb = read10, .cdb_len = sizeof(read10),
		.task_attr = 1, .dir = HVK_SRP_DIR_IN, .descs = &d, .nr_descs = 1,
		.total_len = 8192, .max_iu_len = HVK_SRP_IU_MAX, .indirect_ok = true,
	};
	struct hvm_srp_cmd_req c;
	u8 iu[HVK_SRP_IU_MAX];
	int len = hvk_srp_build_cmd(iu, &a);

	ASSERT_TRUE(len > 0);
	EXPECT_EQ(hvm_srp_parse_cmd(iu, (unsigned int)len, &c), 0);
	EXPECT_EQ(c.tag, 77);
	EXPECT_EQ(c.lun, LUN_0_1_2);
	EXPECT_EQ(c.task_attr, 1);
	EXPECT_EQ(memcmp(c.cdb, read10, sizeof(read10)), 0);
	EXPECT_EQ(c.cdb[10], 0);
	EXPECT_EQ(c.dir, HVK_SRP_DIR_IN);
	EXPECT_EQ(c.fmt, HVK_SRP_FMT_DIRECT);
	EXPECT_EQ(c.direct.va, 0x40123000);
	EXPECT_EQ(c.direct.len, 8192);
	/* The descriptor cut off: refused. */
	EXPECT_EQ(hvm_srp_parse_cmd(iu, (unsigned int)len - 1, &c), -EPROTO);
}

TEST(indirect_lists_inline_and_external)
{
	struct hvk_srp_desc d[12], got;
	u8 iu[HVK_SRP_IU_MAX], table[12 * HVK_SRP_DESC_LEN];
	struct hvk_srp_cmd_args a = {
		.tag = 5, .cdb = read10, .cdb_len = sizeof(read10), .dir = HVK_SRP_DIR_OUT,
		.descs = d, .nr_descs = 3, .max_iu_len = HVK_SRP_IU_MAX, .indirect_ok = true,
		.iu_ioba = 0x40200000, .table = table, .table_ioba = 0x40300000,
		.table_max = 12,
	};
	struct hvm_srp_cmd_req c;
	unsigned int i;
	int len;

	for (i = 0; i < 12; i++) {
		d[i].va = 0x41000000 + i * 0x10000;
		d[i].len = 512 * (i + 1);
		a.total_len += i < 3 ? d[i].len : 0;
	}
	len = hvk_srp_build_cmd(iu, &a);
	ASSERT_TRUE(len > 0);
	EXPECT_EQ(hvm_srp_parse_cmd(iu, (unsigned int)len, &c), 0);
	EXPECT_EQ(c.dir, HVK_SRP_DIR_OUT);
	EXPECT_EQ(c.fmt, HVK_SRP_FMT_INDIRECT);
	EXPECT_EQ(c.inline_cnt, 3);
	EXPECT_EQ(c.table.len, 3 * HVK_SRP_DESC_LEN);
	EXPECT_EQ(c.table.va, 0x40200000 + 68);
	EXPECT_EQ(c.total_len, 512 + 1024 + 1536);
	for (i = 0; i < 3; i++) {
		hvm_srp_get_desc(c.inline_descs, i, &got);
		EXPECT_EQ(got.va, d[i].va);
		EXPECT_EQ(got.len, d[i].len);
	}
	/* An inline list cut short by the length the guest gave: refused. */
	EXPECT_EQ(hvm_srp_parse_cmd(iu, (unsigned int)len - 1, &c), -EPROTO);

	/* Too long for the IU: the list goes to the external table. */
	a.nr_descs = 12;
	a.max_iu_len = 96;
	len = hvk_srp_build_cmd(iu, &a);
	ASSERT_TRUE(len > 0);
	EXPECT_EQ(hvm_srp_parse_cmd(iu, (unsigned int)len, &c), 0);
	EXPECT_EQ(c.inline_cnt, 0);
	EXPECT_EQ(c.table.va, 0x40300000);
	EXPECT_EQ(c.table.len, 12 * HVK_SRP_DESC_LEN);
	hvm_srp_get_desc(table, 11, &got);
	EXPECT_EQ(got.va, d[11].va);
	EXPECT_EQ(got.len, d[11].len);
}

/* A well-formed indirect command to corrupt, field by field. */
static unsigned int indirect_iu(u8 *iu)
{
	struct hvk_srp_desc d[2] = { { 0x41000000, 4096 }, { 0x42000000, 4096 } };
	struct hvk_srp_cmd_args a = {
		.tag = 9, .cdb = read10, .cdb_len = sizeof(read10), .dir = HVK_SRP_DIR_IN,
		.descs = d, .nr_descs = 2, .total_len = 8192, .max_iu_len = HVK_SRP_IU_MAX,
		.indirect_ok = true, .iu_ioba = 0x40200000,
	};

	return (unsigned int)hvk_srp_build_cmd(iu, &a);
}

TEST(hostile_commands_are_refused)
{
	struct hvm_srp_cmd_req c;
	u8 iu[HVK_SRP_IU_MAX];
	unsigned int len = indirect_iu(iu);

	EXPECT_EQ(hvm_srp_parse_cmd(iu, len, &c), 0);
	iu[5] = 0x22;			/* data both ways */
	EXPECT_EQ(hvm_srp_parse_cmd(iu, len, &c), -EPROTO);
	len = indirect_iu(iu);
	iu[5] = 0x03;			/* a format SRP does not define */
	EXPECT_EQ(hvm_srp_parse_cmd(iu, len, &c), -EPROTO);
	len = indirect_iu(iu);
	iu[7] = 3;			/* more inline than the table holds */
	EXPECT_EQ(hvm_srp_parse_cmd(iu, len, &c), -EPROTO);
	len = indirect_iu(iu);
	hvk_put_be32(iu + 48 + 12, 0);	/* an empty table */
	EXPECT_EQ(hvm_srp_parse_cmd(iu, len, &c), -EPROTO);
	hvk_put_be32(iu + 48 + 12, 17);	/* not whole descriptors */
	EXPECT_EQ(hvm_srp_parse_cmd(iu, len, &c), -EPROTO);
	hvk_put_be32(iu + 48 + 12, 0xfffffff0);	/* far too many */
	EXPECT_EQ(hvm_srp_parse_cmd(iu, len, &c), -EPROTO);
	len = indirect_iu(iu);
	iu[0] = HVK_SRP_TSK_MGMT;	/* not a command */
	EXPECT_EQ(hvm_srp_parse_cmd(iu, len, &c), -EPROTO);
	EXPECT_EQ(hvm_srp_parse_cmd(iu, 47, &c), -EPROTO);
	EXPECT_EQ(hvm_srp_parse_cmd(iu, HVK_SRP_IU_MAX + 1, &c), -EPROTO);
}

TEST(responses_parse_as_written)
{
	static const u8 sense[18] = { 0x70, 0, 0x05, 0, 0, 0, 0, 10, 0, 0, 0, 0, 0x20 };
	struct hvm_srp_rsp_args a = {
		.tag = 42, .lim_delta = 1, .status = 0x02, .sense = sense,
		.sense_len = sizeof(sense), .data_in_res = 4096, .flags = HVK_SRP_DIUNDER,
	};
	struct hvk_srp_rsp r;
	u8 iu[HVK_SRP_IU_MAX];
	unsigned int len = hvm_srp_build_rsp(iu, &a);

	EXPECT_EQ(hvk_srp_parse_rsp(iu, len, &r), 0);
	EXPECT_EQ(r.tag, 42);
	EXPECT_EQ(r.req_lim_delta, 1);
	EXPECT_EQ(r.status, 0x02);
	EXPECT_EQ(r.flags, HVK_SRP_DIUNDER | HVK_SRP_SNSVALID);
	EXPECT_EQ(r.data_in_res, 4096);
	EXPECT_EQ(r.sense_len, sizeof(sense));
	EXPECT_EQ(memcmp(r.sense, sense, sizeof(sense)), 0);
	EXPECT_TRUE(!(r.has_resp_code));

	/* A task management answer: response data, no sense. */
	a = (struct hvm_srp_rsp_args){ .tag = 43, .lim_delta = 1, .has_resp_code = true,
				       .resp_code = HVK_SRP_TSK_NOT_SUPPORTED };
	len = hvm_srp_build_rsp(iu, &a);
	EXPECT_EQ(hvk_srp_parse_rsp(iu, len, &r), 0);
	EXPECT_TRUE(r.has_resp_code);
	EXPECT_EQ(r.resp_code, HVK_SRP_TSK_NOT_SUPPORTED);
	EXPECT_EQ(r.sense_len, 0);
}

TEST(task_management_reads_as_built)
{
	struct hvm_srp_tsk_req t;
	u8 iu[HVK_SRP_IU_MAX];
	unsigned int len = hvk_srp_build_tsk_mgmt(iu, 50, LUN_0_1_2, HVK_SRP_TSK_LUN_RESET, 49);

	EXPECT_EQ(hvm_srp_parse_tsk_mgmt(iu, len, &t), 0);
	EXPECT_EQ(t.tag, 50);
	EXPECT_EQ(t.lun, LUN_0_1_2);
	EXPECT_EQ(t.func, HVK_SRP_TSK_LUN_RESET);
	EXPECT_EQ(t.task_tag, 49);
	EXPECT_EQ(hvm_srp_parse_tsk_mgmt(iu, len - 1, &t), -EPROTO);
}

TEST(adapter_info_mad_both_ways)
{
	struct hvk_adapter_info ai = { .srp_version = "16.a", .partition_name = "hvkit-vmm",
				       .partition_number = 1, .mad_version = 1, .os_type = 2,
				       .max_transfer = 1 << 20 }, got;
	u8 mad[HVK_SRP_IU_MAX], data[HVK_ADAPTER_INFO_DATA_LEN];
	struct hvm_mad_req m;
	unsigned int len = hvk_mad_build_adapter_info(mad, 0x99, 0x40500000);

	EXPECT_EQ(hvm_mad_parse(mad, len, &m), 0);
	EXPECT_EQ(m.type, HVK_MAD_ADAPTER_INFO);
	EXPECT_EQ(m.tag, 0x99);
	EXPECT_EQ(m.len, HVK_ADAPTER_INFO_DATA_LEN);
	EXPECT_EQ(m.buffer, 0x40500000);
	EXPECT_EQ(hvm_mad_parse(mad, HVK_MAD_ADAPTER_INFO_LEN - 1, &m), -EPROTO);

	hvm_adapter_info_build(data, &ai);
	hvm_mad_set_status(mad, 0);
	EXPECT_EQ(hvk_mad_parse_adapter_info(mad, len, 0x99, data, &got), 0);
	EXPECT_EQ(strcmp(got.srp_version, "16.a"), 0);
	EXPECT_EQ(strcmp(got.partition_name, "hvkit-vmm"), 0);
	EXPECT_EQ(got.partition_number, 1);
	EXPECT_EQ(got.mad_version, 1);
	EXPECT_EQ(got.os_type, 2);
	EXPECT_EQ(got.max_transfer, 1 << 20);
	/* A failed MAD: the initiator is told there is no data. */
	hvm_mad_set_status(mad, 1);
	EXPECT_EQ(hvk_mad_parse_adapter_info(mad, len, 0x99, data, &got), -EOPNOTSUPP);
}

static bool only_reservation(u32 type)
{
	return type == HVK_CAP_RESERVATION;
}

TEST(capabilities_mad_both_ways)
{
	struct hvk_caps_offer o = { .flags = HVK_CAPS_LIST_SUPPORTED | HVK_CAPS_CLIENT_MIGRATED,
				    .name = "host7", .loc = "U1", .migration = true };
	u8 mad[HVK_SRP_IU_MAX], caps[HVK_CAPS_MAX_LEN + 8];
	unsigned int len = hvk_mad_build_capabilities(mad, 0x77, 0x40600000, caps, &o);
	struct hvm_mad_req m;
	struct hvk_caps got;

	EXPECT_EQ(hvm_mad_parse(mad, len, &m), 0);
	EXPECT_EQ(m.type, HVK_MAD_CAPABILITIES);
	EXPECT_EQ(m.len, 80);
	EXPECT_EQ(m.buffer, 0x40600000);
	EXPECT_EQ(hvm_mad_parse(mad, HVK_MAD_CAPABILITIES_LEN - 1, &m), -EPROTO);

	/* QEMU: flags and what the server says zeroed, the rest kept. */
	hvm_caps_answer_qemu(caps, m.len);
	EXPECT_EQ(hvk_mad_parse_capabilities(mad, len, 0x77, caps, &o, &got), 0);
	EXPECT_EQ(got.flags, 0);
	EXPECT_STREQ(got.name, "host7");
	EXPECT_EQ(got.migration_support, 0);
	EXPECT_EQ(got.migration_ecl, 0);
	/* Only the first n bytes are written, however short. */
	memset(caps, 0xee, sizeof(caps));
	hvm_caps_answer_qemu(caps, 2);
	EXPECT_EQ(caps[0], 0);
	EXPECT_EQ(caps[1], 0);
	EXPECT_EQ(caps[2], 0xee);

	/* A VIOS: its name, each capability answered, the list flag honest. */
	hvk_mad_build_capabilities(mad, 0x77, 0x40600000, caps, &o);
	EXPECT_EQ(hvm_caps_answer_vios(caps, 80, "vios", only_reservation), HVK_MAD_SUCCESS);
	EXPECT_EQ(hvk_mad_parse_capabilities(mad, len, 0x77, caps, &o, &got), 0);
	EXPECT_STREQ(got.name, "vios");
	EXPECT_EQ(got.flags, HVK_CAPS_CLIENT_MIGRATED);
	EXPECT_EQ(got.migration_support, HVK_CAP_UNSUPPORTED);
	EXPECT_EQ(got.migration_ecl, 1);
	/* A capability it supports keeps the list flag. */
	hvk_mad_build_capabilities(mad, 0x77, 0x40600000, caps, &o);
	hvk_put_be32(caps + 68, HVK_CAP_RESERVATION);
	EXPECT_EQ(hvm_caps_answer_vios(caps, 80, "vios", only_reservation), HVK_MAD_SUCCESS);
	EXPECT_EQ(hvk_get_be16(caps + 74), HVK_CAP_SUPPORTED);
	EXPECT_EQ(hvk_get_be32(caps) & HVK_CAPS_LIST_SUPPORTED, HVK_CAPS_LIST_SUPPORTED);
	/* No list at all is fine; a header cut short, or a list, is not. */
	EXPECT_EQ(hvm_caps_answer_vios(caps, 68, "vios", only_reservation), HVK_MAD_SUCCESS);
	EXPECT_EQ(hvm_caps_answer_vios(caps, 67, "vios", only_reservation), HVK_MAD_FAILED);
	EXPECT_EQ(hvm_caps_answer_vios(caps, 75, "vios", only_reservation), HVK_MAD_FAILED);
	hvk_put_be16(caps + 72, 0);
	EXPECT_EQ(hvm_caps_answer_vios(caps, 80, "vios", only_reservation), HVK_MAD_FAILED);
	hvk_put_be16(caps + 72, 13);
	EXPECT_EQ(hvm_caps_answer_vios(caps, 80, "vios", only_reservation), HVK_MAD_FAILED);
	/* Two of 8 bytes, the second cut short by the length. */
	hvk_put_be16(caps + 72, 8);
	EXPECT_EQ(hvm_caps_answer_vios(caps, 80, "vios", only_reservation), HVK_MAD_FAILED);
	EXPECT_EQ(hvm_caps_answer_vios(caps, 76, "vios", only_reservation), HVK_MAD_SUCCESS);
}

int main(int argc, char **argv)
{
	return ktest_main(argc, argv);
}
