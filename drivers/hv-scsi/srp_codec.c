// SPDX-License-Identifier: GPL-2.0-only
/*
 * SRP IU and MAD codec; see srp_codec.h. Offsets are those of the SRP
 * standard (r16a) and of the v-scsi MADs as papr-vio-abi.md section 5
 * lists them; all fields are big-endian.
 */
#include "srp_codec.h"
#include "srp_wire.h"

u64 hvk_srp_lun(unsigned int channel, unsigned int id, unsigned int lun)
{
	u64 word = 0x8000 | (id & 0x3f) << 8 | (channel & 0x7) << 5 |
		   (lun & 0x1f);

	return word << 48;
}

void hvk_srp_lun_split(u64 word, unsigned int *channel, unsigned int *id,
		       unsigned int *lun)
{
	unsigned int level = (unsigned int)(word >> 48);

	*id = (level >> 8) & 0x3f;
	*channel = (level >> 5) & 0x7;
	*lun = level & 0x1f;
}

unsigned int hvk_srp_build_login(u8 *iu, u64 tag, u32 it_iu_len)
{
	memset(iu, 0, HVK_SRP_LOGIN_REQ_LEN);
	iu[0] = HVK_SRP_LOGIN_REQ;
	hvk_put_be64(iu + IU_TAG, tag);
	hvk_put_be32(iu + LOGIN_IT_IU_LEN, it_iu_len);
	hvk_put_be16(iu + LOGIN_BUF_FMT, HVK_SRP_BUF_DIRECT | HVK_SRP_BUF_INDIRECT);
	return HVK_SRP_LOGIN_REQ_LEN;
}

unsigned int hvk_srp_build_tsk_mgmt(u8 *iu, u64 tag, u64 lun, u8 func,
				    u64 task_tag)
{
	memset(iu, 0, HVK_SRP_TSK_MGMT_LEN);
	iu[0] = HVK_SRP_TSK_MGMT;
	hvk_put_be64(iu + IU_TAG, tag);
	hvk_put_be64(iu + TSK_LUN, lun);
	iu[TSK_FUNC] = func;
	hvk_put_be64(iu + TSK_TASK_TAG, task_tag);
	return HVK_SRP_TSK_MGMT_LEN;
}

unsigned int hvk_mad_build_adapter_info(u8 *iu, u64 tag, u64 buf_ioba)
{
	memset(iu, 0, HVK_MAD_ADAPTER_INFO_LEN);
	hvk_put_be32(iu + MAD_TYPE, HVK_MAD_ADAPTER_INFO);
	hvk_put_be16(iu + MAD_LEN, HVK_ADAPTER_INFO_DATA_LEN);
	hvk_put_be64(iu + MAD_TAG, tag);
	hvk_put_be64(iu + MAD_BUFFER, buf_ioba);
	return HVK_MAD_ADAPTER_INFO_LEN;
}

unsigned int hvk_mad_build_fast_fail(u8 *iu, u64 tag)
{
	memset(iu, 0, HVK_MAD_FAST_FAIL_LEN);
	hvk_put_be32(iu + MAD_TYPE, HVK_MAD_ENABLE_FAST_FAIL);
	/* As ibmvscsi sends it: the length of the MAD itself. */
	hvk_put_be16(iu + MAD_LEN, HVK_MAD_FAST_FAIL_LEN);
	hvk_put_be64(iu + MAD_TAG, tag);
	return HVK_MAD_FAST_FAIL_LEN;
}

unsigned int hvk_caps_len(const struct hvk_caps_offer *o)
{
	return HVK_CAPS_HDR_LEN + (o->migration ? HVK_CAP_LEN : 0);
}

/* @src into a @size-byte field, NUL-padded, always terminated. */
static void put_field(u8 *dst, const char *src, unsigned int size)
{
	unsigned int i;

	memset(dst, 0, size);
	for (i = 0; src && src[i] && i < size - 1; i++)
		dst[i] = (u8)src[i];
}

unsigned int hvk_mad_build_capabilities(u8 *iu, u64 tag, u64 buf_ioba, u8 *data,
					const struct hvk_caps_offer *o)
{
	unsigned int len = hvk_caps_len(o);
	u8 *cap = data + CAPS_LIST;

	memset(data, 0, len);
	hvk_put_be32(data + CAPS_FLAGS, o->flags);
	put_field(data + CAPS_NAME, o->name, HVK_CAPS_TEXT_LEN);
	put_field(data + CAPS_LOC, o->loc, HVK_CAPS_TEXT_LEN);
	if (o->migration) {
		/* Asked for as ibmvscsi asks: "supported" in the server's field. */
		hvk_put_be32(cap + CAP_TYPE, HVK_CAP_MIGRATION);
		hvk_put_be16(cap + CAP_LEN, HVK_CAP_LEN);
		hvk_put_be16(cap + CAP_SUPPORT, HVK_CAP_SUPPORTED);
		hvk_put_be32(cap + CAP_DATA, HVK_CAP_MIGRATION_ECL);
	}
	memset(iu, 0, HVK_MAD_CAPABILITIES_LEN);
	hvk_put_be32(iu + MAD_TYPE, HVK_MAD_CAPABILITIES);
	hvk_put_be16(iu + MAD_LEN, (u16)len);
	hvk_put_be64(iu + MAD_TAG, tag);
	hvk_put_be64(iu + MAD_BUFFER, buf_ioba);
	return HVK_MAD_CAPABILITIES_LEN;
}

static void put_desc(u8 *p, const struct hvk_srp_desc *d)
{
	hvk_put_be64(p, d->va);
	hvk_put_be32(p + 8, 0);
	hvk_put_be32(p + 12, d->len);
}

static bool cmd_args_valid(const struct hvk_srp_cmd_args *a)
{
	if (!a->cdb_len || a->cdb_len > CMD_CDB_MAX)
		return false;
	if (a->max_iu_len < CMD_ADD_DATA + HVK_SRP_DESC_LEN ||
	    a->max_iu_len > HVK_SRP_IU_MAX)
		return false;
	if (a->dir == HVK_SRP_DIR_NONE && a->nr_descs)
		return false;
	if (a->dir != HVK_SRP_DIR_NONE && !a->nr_descs)
		return false;
	return a->nr_descs <= 1 || a->indirect_ok;
}

/* The indirect header and its table at @p; returns the IU length. */
static int put_indirect(u8 *iu, const struct hvk_srp_cmd_args *a,
			unsigned int *inline_cnt)
{
	u8 *p = iu + CMD_ADD_DATA;
	unsigned int list = CMD_ADD_DATA + HVK_SRP_INDIRECT_LEN;
	unsigned int i;
	struct hvk_srp_desc table;
	u8 *dst;

	table.len = a->nr_descs * HVK_SRP_DESC_LEN;
	if (list + table.len <= a->max_iu_len) {
		/* Short lists travel inside the IU, which is mapped too. */
		table.va = a->iu_ioba + list;
		dst = iu + list;
		*inline_cnt = a->nr_descs;
	} else {
		if (!a->table || a->nr_descs > a->table_max)
			return -EINVAL;
		table.va = a->table_ioba;
		dst = a->table;
		*inline_cnt = 0;
	}
	put_desc(p, &table);
	hvk_put_be32(p + HVK_SRP_DESC_LEN, a->total_len);
	for (i = 0; i < a->nr_descs; i++)
		put_desc(dst + i * HVK_SRP_DESC_LEN, &a->descs[i]);
	return (int)(list + (*inline_cnt) * HVK_SRP_DESC_LEN);
}

int hvk_srp_build_cmd(u8 *iu, const struct hvk_srp_cmd_args *a)
{
	unsigned int cnt = 0;
	u8 fmt = HVK_SRP_FMT_NONE;
	int len = CMD_ADD_DATA;

	if (!cmd_args_valid(a))
		return -EINVAL;
	memset(iu, 0, CMD_ADD_DATA);
	iu[0] = HVK_SRP_CMD;
	hvk_put_be64(iu + IU_TAG, a->tag);
	hvk_put_be64(iu + CMD_LUN, a->lun);
	iu[CMD_TASK_ATTR] = a->task_attr;
	memcpy(iu + CMD_CDB, a->cdb, a->cdb_len);

	if (a->nr_descs == 1) {
		fmt = HVK_SRP_FMT_DIRECT;
		put_desc(iu + CMD_ADD_DATA, &a->descs[0]);
		len = CMD_ADD_DATA + HVK_SRP_DESC_LEN;
	} else if (a->nr_descs > 1) {
		fmt = HVK_SRP_FMT_INDIRECT;
		len = put_indirect(iu, a, &cnt);
		if (len < 0)
			return len;
	}
	if (a->dir == HVK_SRP_DIR_OUT) {
		iu[CMD_BUF_FMT] = fmt << 4;
		iu[CMD_OUT_CNT] = (u8)cnt;
	} else if (a->dir == HVK_SRP_DIR_IN) {
		iu[CMD_BUF_FMT] = fmt;
		iu[CMD_IN_CNT] = (u8)cnt;
	}
	return len;
}

int hvk_srp_parse_login(const u8 *iu, unsigned int len, u64 tag,
			struct hvk_srp_login *out)
{
	memset(out, 0, sizeof(*out));
	if (len < HVK_SRP_LOGIN_REJ_LEN)
		return -EPROTO;
	out->tag = hvk_get_be64(iu + IU_TAG);
	if (out->tag != tag)
		return -EPROTO;
	switch (hvk_srp_opcode(iu)) {
	case HVK_SRP_LOGIN_REJ:
		out->reject_reason = hvk_get_be32(iu + LOGIN_REJ_REASON);
		return 0;
	case HVK_SRP_LOGIN_RSP:
		if (len < HVK_SRP_LOGIN_RSP_LEN)
			return -EPROTO;
		break;
	default:
		return -EPROTO;
	}
	out->req_lim_delta = hvk_get_be32(iu + LOGIN_LIM_DELTA);
	out->max_it_iu_len = hvk_get_be32(iu + LOGIN_IT_IU_LEN);
	out->max_ti_iu_len = hvk_get_be32(iu + LOGIN_TI_IU_LEN);
	out->buf_fmt = hvk_get_be16(iu + LOGIN_BUF_FMT);
	/* A login that grants nothing, or IUs too small for a command. */
	if (!out->req_lim_delta ||
	    out->max_it_iu_len < CMD_ADD_DATA + HVK_SRP_DESC_LEN)
		return -EPROTO;
	out->accepted = true;
	return 0;
}

static u32 srp_iu_len(u32 len)
{
	return len < HVK_SRP_IU_MAX ? len : HVK_SRP_IU_MAX;
}

int hvk_srp_login_fits(const struct hvk_srp_login *login,
		       const struct hvk_srp_login *sized, u32 reserved)
{
	if (login->req_lim_delta <= reserved)
		return -ENOSPC;
	if (!sized)
		return 0;
	if ((sized->buf_fmt & HVK_SRP_BUF_INDIRECT) &&
	    !(login->buf_fmt & HVK_SRP_BUF_INDIRECT))
		return -EPROTO;
	if (srp_iu_len(login->max_it_iu_len) < srp_iu_len(sized->max_it_iu_len))
		return -EPROTO;
	return 0;
}
EXPORT_SYMBOL_GPL(hvk_srp_login_fits);

int hvk_srp_parse_rsp(const u8 *iu, unsigned int len, struct hvk_srp_rsp *out)
{
	u64 resp_len = 0, sense_len = 0;

	memset(out, 0, sizeof(*out));
	if (len < HVK_SRP_RSP_LEN || len > HVK_SRP_IU_MAX ||
	    hvk_srp_opcode(iu) != HVK_SRP_RSP)
		return -EPROTO;
	out->tag = hvk_get_be64(iu + IU_TAG);
	out->req_lim_delta = hvk_get_be32(iu + RSP_LIM_DELTA);
	out->flags = iu[RSP_FLAGS];
	out->status = iu[RSP_STATUS];
	out->data_out_res = hvk_get_be32(iu + RSP_DO_RES);
	out->data_in_res = hvk_get_be32(iu + RSP_DI_RES);
	if (out->flags & HVK_SRP_RSPVALID)
		resp_len = hvk_get_be32(iu + RSP_RESP_LEN);
	if (out->flags & HVK_SRP_SNSVALID)
		sense_len = hvk_get_be32(iu + RSP_SENSE_LEN);
	/* 64-bit sums: two 32-bit lengths cannot wrap around. */
	if (RSP_DATA + resp_len + sense_len > len)
		return -EPROTO;
	if (resp_len) {
		if (resp_len < 4)
			return -EPROTO;
		out->has_resp_code = true;
		out->resp_code = iu[RSP_DATA + 3];
	}
	if (sense_len) {
		out->sense = iu + RSP_DATA + resp_len;
		out->sense_len = (u32)sense_len;
	}
	return 0;
}

/* Copy a fixed-size text field, which the target may leave unterminated. */
static void copy_text(char *dst, const u8 *src, unsigned int size)
{
	unsigned int i;
	u8 c;

	/* Each byte loaded once: the target may rewrite them meanwhile. */
	for (i = 0; i < size; i++) {
		c = src[i];
		if (!c)
			break;
		dst[i] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
	}
	dst[i] = '\0';
}

int hvk_mad_parse_adapter_info(const u8 *mad, unsigned int len, u64 tag,
			       const u8 *data, struct hvk_adapter_info *out)
{
	memset(out, 0, sizeof(*out));
	if (len < HVK_MAD_HDR_LEN || len > HVK_SRP_IU_MAX)
		return -EPROTO;
	if (hvk_get_be32(mad + MAD_TYPE) != HVK_MAD_ADAPTER_INFO ||
	    hvk_get_be64(mad + MAD_TAG) != tag)
		return -EPROTO;
	/* A non-zero status: the target has no data for us. */
	if (hvk_get_be16(mad + MAD_STATUS))
		return -EOPNOTSUPP;
	copy_text(out->srp_version, data + AI_SRP_VERSION, 8);
	copy_text(out->partition_name, data + AI_NAME, 96);
	out->partition_number = hvk_get_be32(data + AI_PART_NUMBER);
	out->mad_version = hvk_get_be32(data + AI_MAD_VERSION);
	out->os_type = hvk_get_be32(data + AI_OS_TYPE);
	out->max_transfer = hvk_get_be32(data + AI_MAX_TXU);
	return 0;
}

/*
 * The header of an answer to the MAD @type sent with @tag: -EPROTO, 1 for
 * an empty answer, else 0 with @status.
 */
static int mad_answer(const u8 *mad, unsigned int len, u32 type, u64 tag,
		      u16 *status)
{
	if (!len) {
		*status = HVK_MAD_NOT_SUPPORTED;
		return 1;
	}
	if (len < HVK_MAD_HDR_LEN || len > HVK_SRP_IU_MAX)
		return -EPROTO;
	if (hvk_get_be32(mad + MAD_TYPE) != type ||
	    hvk_get_be64(mad + MAD_TAG) != tag)
		return -EPROTO;
	*status = hvk_get_be16(mad + MAD_STATUS);
	return 0;
}

int hvk_mad_parse_fast_fail(const u8 *mad, unsigned int len, u64 tag, u16 *status)
{
	int err = mad_answer(mad, len, HVK_MAD_ENABLE_FAST_FAIL, tag, status);

	if (err < 0)
		*status = 0;
	return err < 0 ? err : 0;
}

int hvk_mad_parse_capabilities(const u8 *mad, unsigned int len, u64 tag,
			       const u8 *data, const struct hvk_caps_offer *o,
			       struct hvk_caps *out)
{
	const u8 *cap = data + CAPS_LIST;
	int err;

	memset(out, 0, sizeof(*out));
	err = mad_answer(mad, len, HVK_MAD_CAPABILITIES, tag, &out->status);
	if (err < 0) {
		out->status = 0;
		return err;
	}
	if (err || out->status != HVK_MAD_SUCCESS)
		return 0;
	/* Done: the whole MAD, naming as many bytes as were offered. */
	if (len < HVK_MAD_CAPABILITIES_LEN ||
	    hvk_get_be16(mad + MAD_LEN) != hvk_caps_len(o))
		return -EPROTO;
	out->flags = hvk_get_be32(data + CAPS_FLAGS);
	copy_text(out->name, data + CAPS_NAME, HVK_CAPS_TEXT_LEN);
	if (o->migration) {
		/* Our list, in our order, with the server's answer in it. */
		if (hvk_get_be32(cap + CAP_TYPE) != HVK_CAP_MIGRATION ||
		    hvk_get_be16(cap + CAP_LEN) != HVK_CAP_LEN)
			return -EPROTO;
		out->migration_support = hvk_get_be16(cap + CAP_SUPPORT);
		out->migration_ecl = hvk_get_be32(cap + CAP_DATA);
		if (out->migration_support > HVK_CAP_SUPPORTED_DATA)
			return -EPROTO;
		out->migration = true;
	}
	return 0;
}
