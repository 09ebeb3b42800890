// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvkit-vmm's v-scsi target; see vscsi_model.h.
 */
#include <string.h>

#include <hvkit/hcall_status.h>

#include "vscsi_model.h"

#define SENSE_ABORTED		0x0b
#define CRQ_STATUS_IU_UNWRITABLE 0x10	/* QEMU's, when the answer cannot be written */
#define SCSI_REPORT_LUNS	0xa0

/* A request as it was read, once, from guest memory (into v->iu). */
struct vscsi_req {
	u64 gpa;		/* where the IU is: the answer goes there */
	u8 format;
	u8 *iu;
	unsigned int len;
};

static struct hvm_vscsi_lun *find_lun(struct hvm_vscsi *v, u64 word)
{
	unsigned int i;

	for (i = 0; i < v->nluns; i++) {
		struct hvm_vscsi_lun *l = &v->luns[i];

		if (hvk_srp_lun(l->channel, l->id, l->lun) == word)
			return l;
	}
	return NULL;
}

int hvm_vscsi_add_lun(struct hvm_vscsi *v, u8 channel, u8 id, u8 lun,
		      const struct hvm_disk *disk)
{
	struct hvm_vscsi_lun *l;

	if (find_lun(v, hvk_srp_lun(channel, id, lun)))
		return -EEXIST;
	if (v->nluns == HVM_VSCSI_MAX_LUNS)
		return -ENOSPC;
	l = &v->luns[v->nluns++];
	l->channel = channel;
	l->id = id;
	l->lun = lun;
	l->disk = *disk;
	return 0;
}

/*
 * The answer goes over the request IU, as QEMU writes it; the CRQ entry
 * echoes the IU's tag (bytes 8-15), which the initiator matches.
 */
static void answer(struct hvm_vscsi *v, const struct vscsi_req *req, const u8 *iu,
		   unsigned int len)
{
	struct hvk_crq_msg msg = { .valid = HVK_CRQ_PAYLOAD, .format = req->format,
				   .iu_len = (u16)len, .token = hvk_srp_tag(iu) };
	u8 *dst = hvm_mem_ptr(v->mem, req->gpa, len);

	if (dst)
		memcpy(dst, iu, len);
	else
		msg.status = CRQ_STATUS_IU_UNWRITABLE;
	if (hvm_crq_post(&v->crq, &msg))
		v->lost_answers++;
}

static void serve_mad(struct hvm_vscsi *v, struct vscsi_req *req)
{
	static const struct hvk_adapter_info ai = {
		.srp_version = "16.a", .partition_name = "hvkit-vmm", .mad_version = 1,
		.os_type = 2, .max_transfer = 1 << 20,
	};
	u8 data[HVK_ADAPTER_INFO_DATA_LEN];
	struct hvm_mad_req m;
	u8 *dst;

	if (hvm_mad_parse(req->iu, req->len, &m)) {
		v->dropped_ius++;
		return;
	}
	hvm_mad_set_status(req->iu, HVM_MAD_NOT_SUPPORTED);
	if (m.type == HVK_MAD_ADAPTER_INFO) {
		/* At most what the guest's buffer holds, and what there is. */
		u16 n = m.len < sizeof(data) ? m.len : sizeof(data);

		dst = hvm_mem_ptr(v->mem, m.buffer, n);
		if (dst) {
			hvm_adapter_info_build(data, &ai);
			memcpy(dst, data, n);
			hvm_mad_set_status(req->iu, 0);
		}
	}
	answer(v, req, req->iu, req->len);
}

static void serve_login(struct hvm_vscsi *v, struct vscsi_req *req)
{
	struct hvm_srp_login_req l;
	u8 rsp[HVK_SRP_IU_MAX];
	unsigned int len;

	if (hvm_srp_parse_login_req(req->iu, req->len, &l)) {
		v->dropped_ius++;
		return;
	}
	len = hvm_srp_build_login_rsp(rsp, l.tag, HVM_VSCSI_CREDIT,
				      l.it_iu_len < HVK_SRP_IU_MAX ? l.it_iu_len : HVK_SRP_IU_MAX,
				      HVK_SRP_IU_MAX, HVK_SRP_BUF_DIRECT | HVK_SRP_BUF_INDIRECT);
	v->logged_in = true;
	answer(v, req, rsp, len);
}

/* Requests are served inside the hcall: none is ever in flight to abort. */
static void serve_tsk_mgmt(struct hvm_vscsi *v, struct vscsi_req *req)
{
	struct hvm_srp_rsp_args a = { .lim_delta = 1, .has_resp_code = true };
	struct hvm_srp_tsk_req t;
	u8 rsp[HVK_SRP_IU_MAX];

	if (hvm_srp_parse_tsk_mgmt(req->iu, req->len, &t)) {
		v->dropped_ius++;
		return;
	}
	a.tag = t.tag;
	switch (t.func) {
	case HVK_SRP_TSK_ABORT_TASK:
	case HVK_SRP_TSK_ABORT_TASK_SET:
	case HVK_SRP_TSK_CLEAR_TASK_SET:
	case HVK_SRP_TSK_LUN_RESET:
		a.resp_code = HVK_SRP_TSK_COMPLETE;
		break;
	default:
		a.resp_code = HVK_SRP_TSK_NOT_SUPPORTED;
	}
	answer(v, req, rsp, hvm_srp_build_rsp(rsp, &a));
}

static int add_desc(struct hvm_vscsi *v, struct hvm_sg *sg, const struct hvk_srp_desc *d)
{
	u8 *host;

	if (!d->len)
		return 0;
	host = hvm_mem_ptr(v->mem, d->va, d->len);
	if (!host)
		return -EFAULT;
	return hvm_sg_add(sg, host, d->len);
}

/*
 * The data buffers of @c as a list of checked guest memory. An indirect
 * list: entries below the inline count from the IU, the rest from the
 * table in guest memory, copied once.
 */
static int build_sg(struct hvm_vscsi *v, const struct hvm_srp_cmd_req *c, struct hvm_sg *sg)
{
	unsigned int i, n = c->table.len / HVK_SRP_DESC_LEN;
	struct hvk_srp_desc d;
	const u8 *src;
	int err;

	if (c->fmt == HVK_SRP_FMT_DIRECT)
		return add_desc(v, sg, &c->direct);
	if (c->fmt != HVK_SRP_FMT_INDIRECT)
		return 0;
	if (c->inline_cnt < n) {
		src = hvm_mem_ptr(v->mem, c->table.va, c->table.len);
		if (!src)
			return -EFAULT;
		memcpy(v->table, src, c->table.len);
	}
	for (i = 0; i < n; i++) {
		hvm_srp_get_desc(i < c->inline_cnt ? c->inline_descs : v->table, i, &d);
		err = add_desc(v, sg, &d);
		if (err)
			return err;
	}
	return 0;
}

/*
 * REPORT LUNS: the LUNs of the addressed target, LUN 0 always, in the
 * single-level format whose number is the midlayer's LUN.
 */
static void report_luns(struct hvm_vscsi *v, const struct hvm_srp_cmd_req *c,
			struct hvm_sg *sg, struct hvm_scsi_result *res)
{
	u8 buf[8 + 8 * (HVM_VSCSI_MAX_LUNS + 1)] = { 0 };
	u32 alloc = hvk_get_be32(c->cdb + 6);
	unsigned int i, n = 1, ch, id, lun;

	hvk_srp_lun_split(c->lun, &ch, &id, &lun);
	for (i = 0; i < v->nluns; i++) {
		const struct hvm_vscsi_lun *l = &v->luns[i];

		if (l->channel == ch && l->id == id && l->lun)
			buf[8 + 8 * n++ + 1] = l->lun;
	}
	hvk_put_be32(buf, 8 * n);
	hvm_scsi_reply(res, sg, c->dir == HVK_SRP_DIR_IN, buf, 8 + 8 * n, alloc);
}

/*
 * The bytes of the list the data phase left unused, as SRP_RSP carries
 * them: in 32 bits. A list can describe more than that (256 descriptors
 * of up to 4 GiB - 1 each, which may overlap), and the low 32 bits of a
 * larger residual could be any number, even a small one that looks like
 * a nearly full transfer: a residual that does not fit is the most SRP
 * can say, with the underrun flag still set.
 */
static u32 residual(u64 total, u64 done)
{
	u64 left = total - done;

	return left > 0xffffffffULL ? 0xffffffffU : (u32)left;
}

static void serve_cmd(struct hvm_vscsi *v, struct vscsi_req *req)
{
	struct hvm_srp_rsp_args a = { .lim_delta = 1 };
	struct hvm_srp_cmd_req c;
	struct hvm_scsi_result res;
	struct hvm_sg *sg = &v->sg;
	struct hvm_vscsi_lun *l;
	u8 rsp[HVK_SRP_IU_MAX];

	if (hvm_srp_parse_cmd(req->iu, req->len, &c)) {
		v->dropped_ius++;
		return;
	}
	memset(sg, 0, sizeof(*sg));
	memset(&res, 0, sizeof(res));
	if (build_sg(v, &c, sg)) {
		v->bad_descriptors++;
		hvm_scsi_check(&res, SENSE_ABORTED, 0, 0);
	} else if (c.cdb[0] == SCSI_REPORT_LUNS) {
		report_luns(v, &c, sg, &res);
	} else {
		l = find_lun(v, c.lun);
		hvm_scsi_execute(l ? &l->disk : NULL, c.cdb, c.dir == HVK_SRP_DIR_IN,
				 c.dir == HVK_SRP_DIR_OUT, sg, &res);
	}
	v->commands++;
	a.tag = c.tag;
	a.status = res.status;
	if (res.status != HVM_SAM_GOOD) {
		a.sense = res.sense;
		a.sense_len = res.sense_len;
	}
	if (res.done < sg->total && c.dir == HVK_SRP_DIR_IN) {
		a.flags = HVK_SRP_DIUNDER;
		a.data_in_res = residual(sg->total, res.done);
	} else if (res.done < sg->total && c.dir == HVK_SRP_DIR_OUT) {
		a.flags = HVK_SRP_DOUNDER;
		a.data_out_res = residual(sg->total, res.done);
	}
	answer(v, req, rsp, hvm_srp_build_rsp(rsp, &a));
}

static void serve_srp(struct hvm_vscsi *v, struct vscsi_req *req)
{
	switch (hvk_srp_opcode(req->iu)) {
	case HVK_SRP_LOGIN_REQ:
		return serve_login(v, req);
	case HVK_SRP_TSK_MGMT:
		return serve_tsk_mgmt(v, req);
	case HVK_SRP_CMD:
		return serve_cmd(v, req);
	default:
		v->dropped_ius++;
	}
}

/* A payload: read its IU once; what QEMU would not answer is dropped. */
static void serve(struct hvm_vscsi *v, const struct hvk_crq_msg *msg)
{
	struct vscsi_req req = { .iu = v->iu };
	const u8 *src;

	if (msg->format != HVK_VIOSRP_SRP && msg->format != HVK_VIOSRP_MAD) {
		v->dropped_ius++;
		return;
	}
	src = msg->iu_len >= HVK_MAD_HDR_LEN && msg->iu_len <= HVK_SRP_IU_MAX ?
	      hvm_mem_ptr(v->mem, msg->token, msg->iu_len) : NULL;
	if (!src) {
		v->dropped_ius++;
		return;
	}
	req.gpa = msg->token;
	req.format = msg->format;
	req.len = msg->iu_len;
	memcpy(req.iu, src, req.len);
	if (req.format == HVK_VIOSRP_MAD)
		serve_mad(v, &req);
	else
		serve_srp(v, &req);
}

static long vscsi_receive(struct hvm_crq *crq, const struct hvk_crq_msg *msg,
			  enum hvk_crq_kind kind)
{
	struct hvm_vscsi *v = crq->owner;
	struct hvk_crq_msg done = { .valid = HVK_CRQ_INIT, .format = HVK_CRQ_INIT_COMPLETE };

	if (kind == HVK_CRQ_K_INIT_REQUEST) {
		v->logged_in = false;
		if (hvm_crq_post(crq, &done))
			v->lost_answers++;
	} else if (kind == HVK_CRQ_K_MESSAGE) {
		serve(v, msg);
	}
	/* Like QEMU's: the message was taken, whatever became of it. */
	return HVK_H_SUCCESS;
}

static void vscsi_pulse(struct hvm_crq *crq)
{
	struct hvm_vscsi *v = crq->owner;

	if (v->pulse)
		v->pulse(crq);
}

void hvm_vscsi_init(struct hvm_vscsi *v, u32 unit, const struct hvm_guest_mem *mem,
		    void (*pulse)(struct hvm_crq *crq))
{
	static const struct hvm_crq_ops ops = { .receive = vscsi_receive, .pulse = vscsi_pulse };

	memset(v, 0, sizeof(*v));
	v->mem = mem;
	v->pulse = pulse;
	hvm_crq_init(&v->crq, unit, &ops, v, mem);
}
