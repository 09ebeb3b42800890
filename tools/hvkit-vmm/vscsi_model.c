// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvkit-vmm's v-scsi target; see vscsi_model.h.
 *
 * One worker per adapter, not a pool: hvkit-vmm has one adapter, its
 * disks are image files on the same host disk, and the host has few
 * cores to share with the vCPUs; what the guest needs is commands
 * accepted while one is served (its queue depth), which the queue gives.
 * One worker also needs one bounce buffer, and serves in arrival order.
 */
#include <stdlib.h>
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

/*
 * An SRP_CMD accepted: everything of the guest's it needs, copied at
 * H_SEND_CRQ (the guest may rewrite its IU and list once the hcall
 * returned). Data addresses are checked when served.
 */
struct hvm_vscsi_req {
	struct hvm_vscsi_req *next;
	u64 gpa;			/* the IU: the answer goes there */
	bool cancelled;			/* by task management: no answer */
	bool holds_credit;
	bool table_bad;			/* the external list was outside RAM */
	bool io_failed;			/* READ/WRITE: the image I/O failed */
	struct hvm_srp_cmd_req c;	/* parsed from iu (inline_descs points there) */
	u8 iu[HVK_SRP_IU_MAX];
	u8 table[HVM_SRP_MAX_DESCS * HVK_SRP_DESC_LEN];
	struct hvm_sg sg;		/* built when served */
};

static void lock(struct hvm_vscsi *v)
{
	if (v->lock)
		pthread_mutex_lock(v->lock);
}

static void unlock(struct hvm_vscsi *v)
{
	if (v->lock)
		pthread_mutex_unlock(v->lock);
}

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
static void answer_at(struct hvm_vscsi *v, u64 gpa, u8 format, const u8 *iu,
		      unsigned int len, u8 status)
{
	struct hvk_crq_msg msg = { .valid = HVK_CRQ_PAYLOAD, .format = format,
				   .status = status, .iu_len = (u16)len,
				   .token = hvk_srp_tag(iu) };
	u8 *dst = len ? hvm_mem_ptr(v->mem, gpa, len) : NULL;
	u8 bad[HVK_SRP_IU_MAX];

	/*
	 * --hostile: a copy of the answer is mutated (one field, or the
	 * entry's iu_len), never more than @len bytes of it written.
	 */
	if (v->hostile && len <= sizeof(bad)) {
		memcpy(bad, iu, len);
		if (hvm_hostile_srp(v->hostile, bad, len, format, &msg.iu_len) >= 0)
			iu = bad;
	}
	/* len 0: nothing to write (QEMU's answer to an unknown MAD). */
	if (dst)
		memcpy(dst, iu, len);
	else if (len)
		msg.status = CRQ_STATUS_IU_UNWRITABLE;
	if (hvm_crq_post(&v->crq, &msg))
		v->lost_answers++;
}

static void answer(struct hvm_vscsi *v, const struct vscsi_req *req, const u8 *iu,
		   unsigned int len)
{
	answer_at(v, req->gpa, req->format, iu, len, 0);
}

/* The adapter's name in a VIOS's answers (ADAPTER_INFO, CAPABILITIES). */
#define VSCSI_NAME		"hvkit-vmm"
/* A VIOS answers CAPABILITIES of at most a page (Linux's ibmvscsis). */
#define VSCSI_CAPS_MAX		4096

/* hvkit-vmm migrates no partition and manages no reservation. */
static bool cap_supported(u32 type)
{
	(void)type;
	return false;
}

/*
 * CAPABILITIES: the guest's data (m->len bytes at m->buffer, all in guest
 * RAM or not looked at) answered over itself, copied out and back once.
 * Returns the MAD status.
 */
static u16 serve_caps(struct hvm_vscsi *v, const struct hvm_mad_req *m)
{
	u8 caps[VSCSI_CAPS_MAX];
	unsigned int n;
	u16 status;
	u8 *buf;

	if (v->mads == HVM_VSCSI_MADS_POWERVM &&
	    (m->len < HVK_CAPS_HDR_LEN || m->len > VSCSI_CAPS_MAX))
		return HVK_MAD_FAILED;
	if (!m->len)
		return HVK_MAD_SUCCESS;		/* QEMU: nothing to read or write */
	/* QEMU writes all the guest's length (zeros past its structure). */
	buf = hvm_mem_ptr(v->mem, m->buffer, m->len);
	if (!buf)
		return HVK_MAD_FAILED;
	if (v->mads == HVM_VSCSI_MADS_QEMU) {
		n = m->len < HVK_CAPS_MAX_LEN ? m->len : HVK_CAPS_MAX_LEN;
		memcpy(caps, buf, n);
		hvm_caps_answer_qemu(caps, n);
		memcpy(buf, caps, n);
		if (m->len > n)
			memset(buf + n, 0, m->len - n);
		return HVK_MAD_SUCCESS;
	}
	memcpy(caps, buf, m->len);
	status = hvm_caps_answer_vios(caps, m->len, VSCSI_NAME, cap_supported);
	memcpy(buf, caps, m->len);
	return status;
}

/*
 * The MADs. QEMU answers the types it knows by name and does not serve
 * (empty IU, error log, host config) with 0xf1 and the IU, and any other
 * type with 0xf1 and an IU of no bytes, so nothing written back; a VIOS
 * answers every type with the IU.
 */
static void serve_mad(struct hvm_vscsi *v, struct vscsi_req *req)
{
	static const struct hvk_adapter_info ai = {
		.srp_version = "16.a", .partition_name = VSCSI_NAME, .mad_version = 1,
		.os_type = 2, .max_transfer = 1 << 20,
	};
	bool vios = v->mads == HVM_VSCSI_MADS_POWERVM;
	u8 data[HVK_ADAPTER_INFO_DATA_LEN];
	unsigned int len = req->len;
	struct hvm_mad_req m;
	u8 *dst;

	if (hvm_mad_parse(req->iu, req->len, &m)) {
		v->dropped_ius++;
		return;
	}
	hvm_mad_set_status(req->iu, HVM_MAD_NOT_SUPPORTED);
	switch (m.type) {
	case HVK_MAD_ADAPTER_INFO: {
		/* At most what the guest's buffer holds, and what there is. */
		u16 n = m.len < sizeof(data) ? m.len : sizeof(data);

		dst = hvm_mem_ptr(v->mem, m.buffer, n);
		if (dst) {
			hvm_adapter_info_build(data, &ai);
			memcpy(dst, data, n);
			hvm_mad_set_status(req->iu, 0);
		}
		break;
	}
	case HVK_MAD_CAPABILITIES:
		hvm_mad_set_status(req->iu, serve_caps(v, &m));
		break;
	case HVK_MAD_ENABLE_FAST_FAIL:
		if (!vios) {
			len = 0;
		} else if (v->logged_in) {
			/* ibmvscsis: only before the login. */
			hvm_mad_set_status(req->iu, HVK_MAD_FAILED);
		} else {
			v->fast_fail = true;
			hvm_mad_set_status(req->iu, HVK_MAD_SUCCESS);
		}
		break;
	case 0x01:	/* EMPTY_IU */
	case 0x02:	/* ERROR_LOG */
	case 0x04:	/* HOST_CONFIG */
		break;
	default:
		if (!vios)
			len = 0;
	}
	answer(v, req, req->iu, len);
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
	v->logins++;
	answer(v, req, rsp, len);
}

/* Give back @r's credit, once (it may be cancelled, then finish). */
static void release(struct hvm_vscsi *v, struct hvm_vscsi_req *r)
{
	if (r->holds_credit) {
		r->holds_credit = false;
		v->outstanding--;
	}
}

/*
 * Whether @r must not be answered: cancelled by task management, or its
 * queue is gone (cancel_all() flags the running command as well).
 */
static bool gone(const struct hvm_vscsi_req *r)
{
	return r->cancelled;
}

/*
 * Cancel what @match selects, as QEMU's scsi_req_cancel() does for
 * spapr-vscsi: no answer, ever, and the slot (credit) free at once. A
 * queued command goes; the running one is flagged, and its worker drops
 * it when it next takes the lock, touching no guest memory after that.
 */
static void cancel_where(struct hvm_vscsi *v,
			 bool (*match)(const struct hvm_vscsi_req *r, const void *arg),
			 const void *arg)
{
	struct hvm_vscsi_req *r, *prev = NULL, *next;

	for (r = v->head; r; r = next) {
		next = r->next;
		if (!match(r, arg)) {
			prev = r;
			continue;
		}
		if (prev)
			prev->next = next;
		else
			v->head = next;
		if (v->tail == r)
			v->tail = prev;
		release(v, r);
		v->cancelled++;
		free(r);
	}
	r = v->running;
	if (r && !r->cancelled && match(r, arg)) {
		r->cancelled = true;
		release(v, r);
	}
}

static bool match_all(const struct hvm_vscsi_req *r, const void *arg)
{
	(void)r;
	(void)arg;
	return true;
}

static bool match_tag(const struct hvm_vscsi_req *r, const void *arg)
{
	return r->c.tag == *(const u64 *)arg;
}

static bool match_lun(const struct hvm_vscsi_req *r, const void *arg)
{
	return r->c.lun == *(const u64 *)arg;
}

/*
 * The queue was freed, registered anew or the initiator reset its side:
 * nothing accepted before may be answered into what the queue is now.
 * Every such command is queued (freed here) or running (flagged here).
 */
static void cancel_all(struct hvm_vscsi *v)
{
	cancel_where(v, match_all, NULL);
}

/*
 * QEMU's spapr-vscsi: ABORT TASK cancels the command with that tag, the
 * task-set functions and LUN RESET (a cold reset of the device) every
 * command of the LUN; the cancelled ones are never answered. The task
 * management function itself is answered at once: FIELDS INVALID for a
 * LUN with no disk or a function it does not know, NOT SUPPORTED for
 * CLEAR ACA, else COMPLETE.
 */
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
	if (!find_lun(v, t.lun)) {
		a.resp_code = HVK_SRP_TSK_FIELDS_INVALID;
		answer(v, req, rsp, hvm_srp_build_rsp(rsp, &a));
		return;
	}
	switch (t.func) {
	case HVK_SRP_TSK_ABORT_TASK:
		cancel_where(v, match_tag, &t.task_tag);
		a.resp_code = HVK_SRP_TSK_COMPLETE;
		break;
	case HVK_SRP_TSK_ABORT_TASK_SET:
	case HVK_SRP_TSK_CLEAR_TASK_SET:
	case HVK_SRP_TSK_LUN_RESET:
		cancel_where(v, match_lun, &t.lun);
		a.resp_code = HVK_SRP_TSK_COMPLETE;
		break;
	case HVK_SRP_TSK_CLEAR_ACA:
		a.resp_code = HVK_SRP_TSK_NOT_SUPPORTED;
		break;
	default:
		a.resp_code = HVK_SRP_TSK_FIELDS_INVALID;
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
 * The data buffers of @r as a list of checked guest memory: entries below
 * the inline count from the IU, the rest from the table copied when the
 * command was accepted. Guest RAM stays where it is for the VM's life, so
 * the pointers stay inside it; what the guest keeps there may change.
 */
static int build_sg(struct hvm_vscsi *v, struct hvm_vscsi_req *r)
{
	const struct hvm_srp_cmd_req *c = &r->c;
	unsigned int i, n = c->table.len / HVK_SRP_DESC_LEN;
	struct hvk_srp_desc d;
	int err;

	memset(&r->sg, 0, sizeof(r->sg));
	if (c->fmt == HVK_SRP_FMT_DIRECT)
		return add_desc(v, &r->sg, &c->direct);
	if (c->fmt != HVK_SRP_FMT_INDIRECT)
		return 0;
	if (r->table_bad)
		return -EFAULT;
	for (i = 0; i < n; i++) {
		hvm_srp_get_desc(i < c->inline_cnt ? c->inline_descs : r->table, i, &d);
		err = add_desc(v, &r->sg, &d);
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

/*
 * A READ or WRITE: the image I/O without the lock (other vCPUs' hcalls go
 * on meanwhile), through the bounce buffer a chunk at a time; guest
 * memory only with the lock, and only while @r is still to be answered.
 * Returns false when @r was cancelled meanwhile.
 */
static bool serve_rw(struct hvm_vscsi *v, struct hvm_vscsi_req *r, struct hvm_disk *disk,
		     struct hvm_scsi_result *res)
{
	const struct hvm_srp_cmd_req *c = &r->c;
	struct hvm_scsi_rw rw;
	u64 pos, n;
	int err = 0;

	if (!hvm_scsi_rw_prepare(disk, c->cdb, c->dir == HVK_SRP_DIR_IN,
				 c->dir == HVK_SRP_DIR_OUT, r->sg.total, &rw, res))
		return true;
	for (pos = 0; pos < rw.bytes && !err; pos += n) {
		n = rw.bytes - pos < HVM_VSCSI_CHUNK ? rw.bytes - pos : HVM_VSCSI_CHUNK;
		if (rw.write)
			hvm_sg_copy_at(&r->sg, pos, v->bounce, n, false);
		unlock(v);
		err = hvm_scsi_image_io(disk, v->bounce, n, rw.off + pos, rw.write);
		lock(v);
		if (gone(r))
			return false;
		if (!err && !rw.write)
			hvm_sg_copy_at(&r->sg, pos, v->bounce, n, true);
	}
	if (err) {
		hvm_scsi_rw_failed(res, rw.write);
		r->io_failed = true;
	} else
		res->done = rw.bytes;
	return true;
}

/* SYNCHRONIZE CACHE: fdatasync() can take long; it needs no guest memory. */
static bool serve_sync(struct hvm_vscsi *v, struct hvm_vscsi_req *r, struct hvm_disk *disk,
		       struct hvm_scsi_result *res)
{
	unlock(v);
	hvm_scsi_sync(disk, res);
	lock(v);
	return !gone(r);
}

/* The SRP_RSP of @r, over its IU. */
static void respond(struct hvm_vscsi *v, struct hvm_vscsi_req *r,
		    const struct hvm_scsi_result *res)
{
	struct hvm_srp_rsp_args a = { .lim_delta = 1 };
	const struct hvm_srp_cmd_req *c = &r->c;
	u8 rsp[HVK_SRP_IU_MAX];
	u8 crq_status = 0;

	v->commands++;
	a.tag = c->tag;
	a.status = res->status;
	if (v->fast_fail && r->io_failed) {
		/*
		 * Fast fail, as a VIOS: the path to the data failed, so the
		 * command fails at once by the CRQ status, with no sense.
		 */
		v->fast_failed++;
		crq_status = HVM_CRQ_ADAPTER_FAIL;
		a.status = HVM_SAM_GOOD;
	} else if (res->status != HVM_SAM_GOOD) {
		a.sense = res->sense;
		a.sense_len = res->sense_len;
	}
	if (res->done < r->sg.total && c->dir == HVK_SRP_DIR_IN) {
		a.flags = HVK_SRP_DIUNDER;
		a.data_in_res = residual(r->sg.total, res->done);
	} else if (res->done < r->sg.total && c->dir == HVK_SRP_DIR_OUT) {
		a.flags = HVK_SRP_DOUNDER;
		a.data_out_res = residual(r->sg.total, res->done);
	}
	/* The credit comes back with the answer: free it first. */
	release(v, r);
	answer_at(v, r->gpa, HVK_VIOSRP_SRP, rsp, hvm_srp_build_rsp(rsp, &a), crq_status);
}

/* Serve @r, the running command, with the lock held (dropped for disk I/O). */
static void serve_cmd(struct hvm_vscsi *v, struct hvm_vscsi_req *r)
{
	const struct hvm_srp_cmd_req *c = &r->c;
	struct hvm_scsi_result res;
	struct hvm_vscsi_lun *l;
	bool keep = true;

	memset(&res, 0, sizeof(res));
	if (build_sg(v, r)) {
		v->bad_descriptors++;
		hvm_scsi_check(&res, SENSE_ABORTED, 0, 0);
	} else if (c->cdb[0] == SCSI_REPORT_LUNS) {
		report_luns(v, c, &r->sg, &res);
	} else {
		l = find_lun(v, c->lun);
		if (l && hvm_scsi_is_rw(c->cdb))
			keep = serve_rw(v, r, &l->disk, &res);
		else if (l && hvm_scsi_is_sync(c->cdb))
			keep = serve_sync(v, r, &l->disk, &res);
		else
			hvm_scsi_execute(l ? &l->disk : NULL, c->cdb, c->dir == HVK_SRP_DIR_IN,
					 c->dir == HVK_SRP_DIR_OUT, &r->sg, &res);
	}
	if (keep)
		respond(v, r, &res);
}

/* Take the next queued command and serve it; the lock held. */
static void serve_next(struct hvm_vscsi *v)
{
	struct hvm_vscsi_req *r = v->head;

	v->head = r->next;
	if (!v->head)
		v->tail = NULL;
	v->running = r;
	if (!gone(r))
		serve_cmd(v, r);
	v->running = NULL;
	if (gone(r))
		v->cancelled++;
	release(v, r);
	free(r);
}

unsigned int hvm_vscsi_run_queued(struct hvm_vscsi *v)
{
	unsigned int n = 0;

	for (; v->head; n++)
		serve_next(v);
	return n;
}

/*
 * Copy the external descriptor list now, once: the guest may rewrite it
 * after the hcall. One outside guest RAM is ABORTED COMMAND when served.
 */
static void copy_table(struct hvm_vscsi *v, struct hvm_vscsi_req *r)
{
	const struct hvm_srp_cmd_req *c = &r->c;
	const u8 *src;

	if (c->fmt != HVK_SRP_FMT_INDIRECT || c->inline_cnt >= c->table.len / HVK_SRP_DESC_LEN)
		return;
	src = hvm_mem_ptr(v->mem, c->table.va, c->table.len);
	if (src)
		memcpy(r->table, src, c->table.len);
	else
		r->table_bad = true;
}

/*
 * Accept an SRP_CMD: within the login's credit (queued and running count;
 * beyond it the command vanishes, as on QEMU past its slots), parsed,
 * copied, queued. Served at once unless deferred.
 */
static void queue_cmd(struct hvm_vscsi *v, struct vscsi_req *req)
{
	struct hvm_vscsi_req *r;

	if (v->outstanding >= HVM_VSCSI_CREDIT) {
		v->over_credit++;
		v->dropped_ius++;
		return;
	}
	r = calloc(1, sizeof(*r));
	if (!r) {
		v->dropped_ius++;
		return;
	}
	memcpy(r->iu, req->iu, req->len);
	if (hvm_srp_parse_cmd(r->iu, req->len, &r->c)) {
		free(r);
		v->dropped_ius++;
		return;
	}
	copy_table(v, r);
	r->gpa = req->gpa;
	r->holds_credit = true;
	if (++v->outstanding > v->peak_outstanding)
		v->peak_outstanding = v->outstanding;
	if (v->tail)
		v->tail->next = r;
	else
		v->head = r;
	v->tail = r;
	if (!v->deferred)
		hvm_vscsi_run_queued(v);
	else if (v->worker_started)
		pthread_cond_signal(&v->work);
}

static void serve_srp(struct hvm_vscsi *v, struct vscsi_req *req)
{
	switch (hvk_srp_opcode(req->iu)) {
	case HVK_SRP_LOGIN_REQ:
		return serve_login(v, req);
	case HVK_SRP_TSK_MGMT:
		return serve_tsk_mgmt(v, req);
	case HVK_SRP_CMD:
		return queue_cmd(v, req);
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
		/* The initiator starts again: it waits for no older answer. */
		cancel_all(v);
		v->logged_in = false;
		v->fast_fail = false;
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

static void vscsi_reset(struct hvm_crq *crq)
{
	cancel_all(crq->owner);
}

/*
 * The partner went away (a transport event): like a VIOS that failed or
 * moved, it answers nothing it had accepted; the initiator's reset finds
 * those commands unanswered and retries them after its new login.
 */
static void vscsi_partner_lost(struct hvm_crq *crq)
{
	struct hvm_vscsi *v = crq->owner;
	u64 before = v->cancelled;
	bool running = v->running && !v->running->cancelled;

	cancel_all(v);
	/* The running one is counted as cancelled when its worker drops it. */
	v->partner_drops += v->cancelled - before + running;
	v->logged_in = false;
}

void hvm_vscsi_init(struct hvm_vscsi *v, u32 unit, const struct hvm_guest_mem *mem,
		    void (*pulse)(struct hvm_crq *crq))
{
	static const struct hvm_crq_ops ops = { .receive = vscsi_receive, .pulse = vscsi_pulse,
						.reset = vscsi_reset,
						.partner_lost = vscsi_partner_lost };

	memset(v, 0, sizeof(*v));
	v->mem = mem;
	v->pulse = pulse;
	hvm_crq_init(&v->crq, unit, &ops, v, mem);
}

void hvm_vscsi_set_mads(struct hvm_vscsi *v, enum hvm_vscsi_mads mads)
{
	v->mads = mads;
}

void hvm_vscsi_defer(struct hvm_vscsi *v)
{
	v->deferred = true;
}

static void *worker(void *arg)
{
	struct hvm_vscsi *v = arg;

	lock(v);
	for (;;) {
		while (!v->head && !v->stopping)
			pthread_cond_wait(&v->work, v->lock);
		if (v->stopping)
			break;
		serve_next(v);
	}
	unlock(v);
	return NULL;
}

int hvm_vscsi_start(struct hvm_vscsi *v, pthread_mutex_t *lock)
{
	int err;

	v->lock = lock;
	v->deferred = true;
	err = pthread_cond_init(&v->work, NULL);
	if (err)
		return -err;
	err = pthread_create(&v->worker, NULL, worker, v);
	if (err) {
		pthread_cond_destroy(&v->work);
		return -err;
	}
	v->worker_started = true;
	return 0;
}

void hvm_vscsi_stop(struct hvm_vscsi *v)
{
	if (v->worker_started) {
		lock(v);
		v->stopping = true;
		pthread_cond_signal(&v->work);
		unlock(v);
		pthread_join(v->worker, NULL);
		pthread_cond_destroy(&v->work);
		v->worker_started = false;
	}
	lock(v);
	cancel_where(v, match_all, NULL);
	unlock(v);
}
