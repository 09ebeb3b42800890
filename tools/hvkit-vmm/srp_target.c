// SPDX-License-Identifier: GPL-2.0-only
/*
 * The target's half of the SRP and MAD codec; see srp_target.h.
 */
#include <string.h>

#include "srp_target.h"
#include "srp_wire.h"

int hvm_srp_parse_login_req(const u8 *iu, unsigned int len,
			    struct hvm_srp_login_req *out)
{
	memset(out, 0, sizeof(*out));
	if (len < HVK_SRP_LOGIN_REQ_LEN || hvk_srp_opcode(iu) != HVK_SRP_LOGIN_REQ)
		return -EPROTO;
	out->tag = hvk_get_be64(iu + IU_TAG);
	out->it_iu_len = hvk_get_be32(iu + LOGIN_IT_IU_LEN);
	out->buf_fmt = hvk_get_be16(iu + LOGIN_BUF_FMT);
	return 0;
}

int hvm_srp_parse_tsk_mgmt(const u8 *iu, unsigned int len,
			   struct hvm_srp_tsk_req *out)
{
	memset(out, 0, sizeof(*out));
	if (len < HVK_SRP_TSK_MGMT_LEN || hvk_srp_opcode(iu) != HVK_SRP_TSK_MGMT)
		return -EPROTO;
	out->tag = hvk_get_be64(iu + IU_TAG);
	out->lun = hvk_get_be64(iu + TSK_LUN);
	out->func = iu[TSK_FUNC];
	out->task_tag = hvk_get_be64(iu + TSK_TASK_TAG);
	return 0;
}

void hvm_srp_get_desc(const u8 *list, unsigned int i, struct hvk_srp_desc *d)
{
	const u8 *p = list + i * HVK_SRP_DESC_LEN;

	d->va = hvk_get_be64(p);
	/* Bytes 8-11 are the memory handle, which v-scsi leaves 0. */
	d->len = hvk_get_be32(p + 12);
}

/* The descriptor part of a command in the direction @fmt names. */
static int parse_cmd_data(const u8 *iu, unsigned int len, u8 cnt,
			  struct hvm_srp_cmd_req *out)
{
	unsigned int list = CMD_ADD_DATA + HVK_SRP_INDIRECT_LEN;

	switch (out->fmt) {
	case HVK_SRP_FMT_DIRECT:
		if (len < CMD_ADD_DATA + HVK_SRP_DESC_LEN)
			return -EPROTO;
		hvm_srp_get_desc(iu + CMD_ADD_DATA, 0, &out->direct);
		return 0;
	case HVK_SRP_FMT_INDIRECT:
		if (len < list)
			return -EPROTO;
		hvm_srp_get_desc(iu + CMD_ADD_DATA, 0, &out->table);
		out->total_len = hvk_get_be32(iu + CMD_ADD_DATA + HVK_SRP_DESC_LEN);
		if (out->table.len % HVK_SRP_DESC_LEN ||
		    out->table.len / HVK_SRP_DESC_LEN > HVM_SRP_MAX_DESCS ||
		    !out->table.len)
			return -EPROTO;
		/* The inline part must lie inside what the guest sent. */
		if (cnt > out->table.len / HVK_SRP_DESC_LEN ||
		    list + (unsigned int)cnt * HVK_SRP_DESC_LEN > len)
			return -EPROTO;
		out->inline_cnt = cnt;
		out->inline_descs = iu + list;
		return 0;
	default:
		return -EPROTO;
	}
}

int hvm_srp_parse_cmd(const u8 *iu, unsigned int len, struct hvm_srp_cmd_req *out)
{
	u8 fmt_out, fmt_in;

	memset(out, 0, sizeof(*out));
	if (len < CMD_ADD_DATA || len > HVK_SRP_IU_MAX ||
	    hvk_srp_opcode(iu) != HVK_SRP_CMD)
		return -EPROTO;
	out->tag = hvk_get_be64(iu + IU_TAG);
	out->lun = hvk_get_be64(iu + CMD_LUN);
	out->task_attr = iu[CMD_TASK_ATTR] & 0x7;
	memcpy(out->cdb, iu + CMD_CDB, CMD_CDB_MAX);
	fmt_out = iu[CMD_BUF_FMT] >> 4;
	fmt_in = iu[CMD_BUF_FMT] & 0xf;
	if (fmt_out && fmt_in)
		return -EPROTO;
	if (!fmt_out && !fmt_in) {
		out->dir = HVK_SRP_DIR_NONE;
		return 0;
	}
	out->dir = fmt_out ? HVK_SRP_DIR_OUT : HVK_SRP_DIR_IN;
	out->fmt = fmt_out ? fmt_out : fmt_in;
	return parse_cmd_data(iu, len, fmt_out ? iu[CMD_OUT_CNT] : iu[CMD_IN_CNT], out);
}

int hvm_mad_parse(const u8 *mad, unsigned int len, struct hvm_mad_req *out)
{
	memset(out, 0, sizeof(*out));
	if (len < HVK_MAD_HDR_LEN || len > HVK_SRP_IU_MAX)
		return -EPROTO;
	out->type = hvk_get_be32(mad + MAD_TYPE);
	out->len = hvk_get_be16(mad + MAD_LEN);
	out->tag = hvk_get_be64(mad + MAD_TAG);
	if (out->type == HVK_MAD_ADAPTER_INFO || out->type == HVK_MAD_CAPABILITIES) {
		/* Both are a header and the data buffer's address. */
		if (len < HVK_MAD_ADAPTER_INFO_LEN)
			return -EPROTO;
		out->buffer = hvk_get_be64(mad + MAD_BUFFER);
	}
	return 0;
}

unsigned int hvm_srp_build_login_rsp(u8 *iu, u64 tag, u32 lim_delta, u32 it_iu_len,
				     u32 ti_iu_len, u16 buf_fmt)
{
	memset(iu, 0, HVK_SRP_LOGIN_RSP_LEN);
	iu[0] = HVK_SRP_LOGIN_RSP;
	hvk_put_be32(iu + LOGIN_LIM_DELTA, lim_delta);
	hvk_put_be64(iu + IU_TAG, tag);
	hvk_put_be32(iu + LOGIN_IT_IU_LEN, it_iu_len);
	hvk_put_be32(iu + LOGIN_TI_IU_LEN, ti_iu_len);
	hvk_put_be16(iu + LOGIN_BUF_FMT, buf_fmt);
	return HVK_SRP_LOGIN_RSP_LEN;
}

unsigned int hvm_srp_build_login_rej(u8 *iu, u64 tag, u32 reason)
{
	memset(iu, 0, HVK_SRP_LOGIN_REJ_LEN);
	iu[0] = HVK_SRP_LOGIN_REJ;
	hvk_put_be32(iu + LOGIN_REJ_REASON, reason);
	hvk_put_be64(iu + IU_TAG, tag);
	return HVK_SRP_LOGIN_REJ_LEN;
}

unsigned int hvm_srp_build_rsp(u8 *iu, const struct hvm_srp_rsp_args *a)
{
	u32 resp_len = a->has_resp_code ? 4 : 0;
	u32 sense_len = a->sense_len < HVM_SRP_SENSE_MAX ? a->sense_len : HVM_SRP_SENSE_MAX;
	u8 flags = a->flags & (HVK_SRP_DOOVER | HVK_SRP_DOUNDER | HVK_SRP_DIOVER |
			       HVK_SRP_DIUNDER);

	if (!a->sense)
		sense_len = 0;
	memset(iu, 0, RSP_DATA + resp_len + sense_len);
	iu[0] = HVK_SRP_RSP;
	hvk_put_be32(iu + RSP_LIM_DELTA, a->lim_delta);
	hvk_put_be64(iu + IU_TAG, a->tag);
	iu[RSP_STATUS] = a->status;
	hvk_put_be32(iu + RSP_DO_RES, a->data_out_res);
	hvk_put_be32(iu + RSP_DI_RES, a->data_in_res);
	if (resp_len) {
		flags |= HVK_SRP_RSPVALID;
		hvk_put_be32(iu + RSP_RESP_LEN, resp_len);
		iu[RSP_DATA + 3] = a->resp_code;
	}
	if (sense_len) {
		flags |= HVK_SRP_SNSVALID;
		hvk_put_be32(iu + RSP_SENSE_LEN, sense_len);
		memcpy(iu + RSP_DATA + resp_len, a->sense, sense_len);
	}
	iu[RSP_FLAGS] = flags;
	return RSP_DATA + resp_len + sense_len;
}

void hvm_mad_set_status(u8 *mad, u16 status)
{
	hvk_put_be16(mad + MAD_STATUS, status);
}

static void put_text(u8 *dst, const char *src, unsigned int size)
{
	size_t n = strlen(src);

	memset(dst, 0, size);
	memcpy(dst, src, n < size ? n : size - 1);
}

void hvm_adapter_info_build(u8 *data, const struct hvk_adapter_info *ai)
{
	memset(data, 0, HVK_ADAPTER_INFO_DATA_LEN);
	put_text(data + AI_SRP_VERSION, ai->srp_version, AI_NAME - AI_SRP_VERSION);
	put_text(data + AI_NAME, ai->partition_name, AI_PART_NUMBER - AI_NAME);
	hvk_put_be32(data + AI_PART_NUMBER, ai->partition_number);
	hvk_put_be32(data + AI_MAD_VERSION, ai->mad_version);
	hvk_put_be32(data + AI_OS_TYPE, ai->os_type);
	hvk_put_be32(data + AI_MAX_TXU, ai->max_transfer);
}

void hvm_caps_answer_qemu(u8 *caps, unsigned int n)
{
	u8 full[HVK_CAPS_MAX_LEN] = { 0 };
	u8 *mig = full + CAPS_LIST, *res = mig + HVK_CAP_LEN;

	if (n > HVK_CAPS_MAX_LEN)
		n = HVK_CAPS_MAX_LEN;
	/* QEMU fills its whole structure, then writes back what was read. */
	memcpy(full, caps, n);
	hvk_put_be32(full + CAPS_FLAGS, 0);
	hvk_put_be32(mig + CAP_DATA, 0);
	hvk_put_be16(mig + CAP_SUPPORT, HVK_CAP_UNSUPPORTED);
	hvk_put_be32(res + CAP_DATA, 0);
	hvk_put_be16(res + CAP_SUPPORT, HVK_CAP_UNSUPPORTED);
	memcpy(caps, full, n);
}

u16 hvm_caps_answer_vios(u8 *caps, unsigned int len, const char *name,
			 bool (*supported)(u32 type))
{
	unsigned int off = CAPS_LIST, cap_len;
	u32 flags;

	if (len < HVK_CAPS_HDR_LEN)
		return HVK_MAD_FAILED;
	put_text(caps + CAPS_NAME, name, HVK_CAPS_TEXT_LEN);
	/* Each capability's common part must fit before its length is read. */
	while (off < len) {
		if (len - off < CAP_DATA)
			return HVK_MAD_FAILED;
		cap_len = hvk_get_be16(caps + off + CAP_LEN);
		if (!cap_len || cap_len > len - off)
			return HVK_MAD_FAILED;
		if (supported(hvk_get_be32(caps + off + CAP_TYPE))) {
			hvk_put_be16(caps + off + CAP_SUPPORT, HVK_CAP_SUPPORTED);
		} else {
			hvk_put_be16(caps + off + CAP_SUPPORT, HVK_CAP_UNSUPPORTED);
			flags = hvk_get_be32(caps + CAPS_FLAGS);
			hvk_put_be32(caps + CAPS_FLAGS, flags & ~HVK_CAPS_LIST_SUPPORTED);
		}
		off += cap_len;
	}
	return HVK_MAD_SUCCESS;
}
