// SPDX-License-Identifier: GPL-2.0-only
/*
 * hv_scsi: an SRP initiator for PAPR v-scsi adapters ({vscsi, IBM,v-scsi}),
 * as a SCSI host, on the hvkit CRQ transport.
 *
 * Flow: CRQ handshake -> ADAPTER_INFO MAD (max transfer) ->
 * ENABLE_FAST_FAIL and CAPABILITIES MADs (recorded; a partner that does
 * not know them, as QEMU, is fine) -> SRP login (request limit) -> scsi
 * host sized from that credit -> scan.
 *
 * Credit: the login grants N requests and every SRP_RSP gives back its
 * req_lim_delta. A request of any kind (command, task management, MAD)
 * takes one credit when it is sent; the partner (QEMU) silently drops what
 * goes beyond. Commands leave one credit for task management, so the
 * blk-mq tag set has N - 1 tags and the error handler can always be heard.
 * A request the partner cancels without answering (aborted, LUN reset)
 * gives its credit back when the task management answer confirms it.
 *
 * Tags: every request carries (sequence << 32 | slot). A response must
 * name the slot's current tag, in the CRQ entry and inside the IU, or it
 * is counted and dropped: a late answer can never complete a newer
 * request that reuses the slot.
 *
 * Locking: hvs->lock covers the slots, the credit and the sequence. A
 * command is published in its slot and sent in one step under that lock
 * (H_SEND_CRQ does not sleep), so whoever takes a slot back (an answer, a
 * purge, a cancellation) finds only commands that went out. Commands that
 * leave their slot are collected on a list under the lock and given back
 * to the midlayer after it is dropped; no function drops a lock its
 * caller took. Lock order: the transport calls .message with its own lock
 * held, and hvs->lock is taken inside it; hvk_crq_send(), called under
 * hvs->lock, takes no transport lock.
 *
 * Data: transfers of up to 4 KiB (bounce_max) are copied through the
 * slot's own premapped buffer, larger ones mapped as scatter lists. A slot
 * whose command left without an answer never bounces again, since the
 * partner may still write what that command asked for.
 */
#define pr_fmt(fmt) "hv_scsi: " fmt

#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/dma-mapping.h>
#include <linux/interrupt.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/wait.h>
#include <scsi/scsi.h>
#include <scsi/scsi_cmnd.h>
#include <scsi/scsi_device.h>
#include <scsi/scsi_eh.h>
#include <scsi/scsi_host.h>
#include <hvkit/crq.h>
#include <hvkit/vio.h>

#include "srp_codec.h"

#define HVS_MGMT_INDEX		0xffff
#define HVS_MAX_CMDS		255	/* tag set depth cap */
#define HVS_RESERVED_CREDIT	1	/* kept for task management */
#define HVS_SG_TABLESIZE	256
#define HVS_TABLE_BYTES		(HVS_SG_TABLESIZE * HVK_SRP_DESC_LEN)
#define HVS_SLOT_BYTES		(HVK_SRP_IU_MAX + HVS_TABLE_BYTES)
#define HVS_MAX_SECTORS		4096	/* 2 MiB */
#define HVS_BOUNCE_BYTES	4096	/* per slot, for small transfers */
#define HVS_DEFAULT_SECTORS	256	/* without adapter info */
/* The capabilities data, after the IU and the adapter info data. */
#define HVS_CAPS_OFFSET		(HVK_SRP_IU_MAX + ALIGN(HVK_ADAPTER_INFO_DATA_LEN, 8))
#define HVS_MGMT_BYTES		512
/* Consecutive failed sends (not busy, not closed) before a reset. */
#define HVS_SEND_FAILURES_RESET	8

static unsigned int login_timeout = 30;
module_param(login_timeout, uint, 0644);
MODULE_PARM_DESC(login_timeout, "seconds to wait for the partner and the SRP login (30)");

static unsigned int tmf_timeout = 10;
module_param(tmf_timeout, uint, 0644);
MODULE_PARM_DESC(tmf_timeout, "seconds to wait for a task management answer (10)");

static unsigned int mad_timeout = 5;
module_param(mad_timeout, uint, 0644);
MODULE_PARM_DESC(mad_timeout,
		 "seconds to wait for each optional MAD answer, ENABLE_FAST_FAIL and CAPABILITIES (5)");

static unsigned int bounce_max = HVS_BOUNCE_BYTES;
module_param(bounce_max, uint, 0644);
MODULE_PARM_DESC(bounce_max,
		 "transfers up to this size are copied through a premapped buffer instead of mapped (4096, 0: never)");

static unsigned int max_id = 64;
module_param(max_id, uint, 0444);
MODULE_PARM_DESC(max_id, "targets scanned per channel (64, at most 64)");

static unsigned int max_channel = 3;
module_param(max_channel, uint, 0444);
MODULE_PARM_DESC(max_channel, "highest channel scanned (3, at most 7)");

enum hvs_state { HVS_CONNECTING, HVS_LOGGED_IN, HVS_FAILED };

/* What became of an optional MAD (ENABLE_FAST_FAIL, CAPABILITIES). */
enum hvs_mad_result {
	HVS_MAD_UNSENT,		/* not yet (or the CRQ went down first) */
	HVS_MAD_DONE,		/* status success */
	HVS_MAD_UNSUPPORTED,	/* status 0xf1, or QEMU's empty answer */
	HVS_MAD_REFUSED,	/* another status */
	HVS_MAD_NO_ANSWER,	/* send failed, timed out or purged */
	HVS_MAD_MALFORMED,	/* counted as a bad response */
};

static const char *const hvs_mad_result_names[] = {
	[HVS_MAD_UNSENT] = "unsent",
	[HVS_MAD_DONE] = "done",	/* mads: "enabled", "answered" */
	[HVS_MAD_UNSUPPORTED] = "not_supported",
	[HVS_MAD_REFUSED] = "refused",
	[HVS_MAD_NO_ANSWER] = "no_answer",
	[HVS_MAD_MALFORMED] = "malformed",
};

/* What the partner answered to the optional MADs, for sysfs (mads). */
struct hvs_mads {
	enum hvs_mad_result fast_fail;
	u16 fast_fail_status;
	enum hvs_mad_result caps;
	struct hvk_caps caps_answer;
};

enum hvs_counter {
	HVS_COMMANDS,		/* SRP_CMDs sent */
	HVS_COMPLETIONS,	/* answered */
	HVS_UNKNOWN_TAGS,	/* answers naming no outstanding request */
	HVS_BAD_RESPONSES,	/* malformed answers */
	HVS_SEND_ERRORS,	/* H_SEND_CRQ failures, request requeued */
	HVS_SEND_BUSY,		/* H_SEND_CRQ busy, request requeued */
	HVS_CREDIT_WAITS,	/* commands refused for lack of credit */
	HVS_ABORTS,
	HVS_ABORTS_DONE,
	HVS_LUN_RESETS,
	HVS_HOST_RESETS,
	HVS_RECONNECTS,		/* link lost or reset, logged in again */
	HVS_LOGINS,
	HVS_CANCELLED,		/* requests the partner dropped on our request */
	HVS_LOST_ON_PURPOSE,	/* debugfs lose_responses */
	HVS_DIRECT,		/* commands with one direct descriptor */
	HVS_INDIRECT_INLINE,	/* with a descriptor list inside the IU */
	HVS_INDIRECT_TABLE,	/* with an external descriptor table */
	HVS_BOUNCED,		/* data copied through the slot's buffer */
	HVS_BOUNCE_RETIRED,	/* slot buffers the partner may still write */
	HVS_NR_COUNTERS
};

static const char *const hvs_counter_names[HVS_NR_COUNTERS] = {
	[HVS_COMMANDS] = "commands",
	[HVS_COMPLETIONS] = "completions",
	[HVS_UNKNOWN_TAGS] = "unknown_tags",
	[HVS_BAD_RESPONSES] = "bad_responses",
	[HVS_SEND_ERRORS] = "send_errors",
	[HVS_SEND_BUSY] = "send_busy",
	[HVS_CREDIT_WAITS] = "credit_waits",
	[HVS_ABORTS] = "aborts",
	[HVS_ABORTS_DONE] = "aborts_done",
	[HVS_LUN_RESETS] = "lun_resets",
	[HVS_HOST_RESETS] = "host_resets",
	[HVS_RECONNECTS] = "reconnects",
	[HVS_LOGINS] = "logins",
	[HVS_CANCELLED] = "cancelled",
	[HVS_LOST_ON_PURPOSE] = "lost_on_purpose",
	[HVS_DIRECT] = "direct",
	[HVS_INDIRECT_INLINE] = "indirect_inline",
	[HVS_INDIRECT_TABLE] = "indirect_table",
	[HVS_BOUNCED] = "bounced",
	[HVS_BOUNCE_RETIRED] = "bounce_retired",
};

struct hvs_slot {
	u8 *iu;
	dma_addr_t iu_ioba;
	u8 *table;
	dma_addr_t table_ioba;
	struct hvk_srp_desc *descs;
	u8 *bounce;		/* HVS_BOUNCE_BYTES, mapped once */
	dma_addr_t bounce_ioba;
	u64 tag;		/* 0: free */
	u64 lun;
	struct scsi_cmnd *cmd;
	bool counted;		/* took a credit */
	bool bounced;		/* this command's data is in @bounce */
	bool bounce_retired;	/* a dropped command's data may still land */
};

/* Per command (the host template's cmd_size): its way back, once done. */
struct hvs_cmd_priv {
	struct list_head done;
	struct scsi_cmnd *cmd;
	int result;
	bool mapped;		/* data mapped, not bounced: unmap it */
};

struct hvs_host {
	struct Scsi_Host *shost;
	struct hvk_device *hdev;
	struct hvk_crq crq;
	bool added;

	spinlock_t lock;	/* slots, credit, seq */
	struct hvs_slot *slots;
	unsigned int nr_slots;
	u8 *pool;
	dma_addr_t pool_ioba;
	size_t pool_size;
	u8 *bounce_pool;
	dma_addr_t bounce_pool_ioba;
	u32 seq;
	int credit;		/* requests we may still send */
	int credit_limit;	/* the login's grant */
	unsigned int in_flight, max_in_flight;
	unsigned int send_failures;

	/* Management: one request at a time, in the reserved slot. */
	struct mutex mgmt_mutex;
	struct hvs_slot mgmt;
	struct completion mgmt_done;
	/*
	 * The answer as it stood when its CRQ entry arrived: the partner
	 * may write a late answer to an earlier request into the shared IU
	 * at any time, so the waiter reads this copy, never mgmt.iu.
	 */
	u8 mgmt_resp[HVK_SRP_IU_MAX];
	unsigned int mgmt_resp_len;
	bool mgmt_answered;	/* with CRQ status 0, if of no bytes */
	u8 *mgmt_mem;
	dma_addr_t mgmt_ioba;
	u8 *ai_data;
	dma_addr_t ai_ioba;
	u8 *caps_data;
	dma_addr_t caps_ioba;
	/* The last down was a migration: CAPABILITIES says so next. */
	bool migrated;

	int state;		/* enum hvs_state */
	wait_queue_head_t state_wait;
	struct work_struct login_work;
	struct work_struct reset_work;

	struct hvk_adapter_info ai;
	struct hvs_mads mads;		/* under lock */
	unsigned int max_it_iu_len;
	bool indirect_ok;
	struct hvk_srp_login sized_login;	/* the login the host was sized by */
	unsigned int max_sectors;

#ifdef HVKIT_TEST_HOOKS
	atomic_t lose_responses;
	atomic_t purge_before_send;
	struct hvk_crq_msg last_msg;	/* the last answer, for replay */
#endif
	struct dentry *dbg;
	atomic64_t counters[HVS_NR_COUNTERS];
};

static struct dentry *hvs_debugfs_root;

static void hvs_count(struct hvs_host *hvs, enum hvs_counter c)
{
	atomic64_inc(&hvs->counters[c]);
}

static struct device *hvs_dev(struct hvs_host *hvs)
{
	return &hvs->hdev->dev;
}

/* A fresh tag for slot @index. Called with hvs->lock. */
static u64 hvs_new_tag(struct hvs_host *hvs, unsigned int index)
{
	if (!++hvs->seq)
		++hvs->seq;
	return (u64)hvs->seq << 32 | index;
}

static struct hvs_slot *hvs_slot_of_tag(struct hvs_host *hvs, u64 tag)
{
	u32 index = (u32)tag;

	if (index == HVS_MGMT_INDEX)
		return &hvs->mgmt;
	if (index < hvs->nr_slots)
		return &hvs->slots[index];
	return NULL;
}

/*
 * A command leaves its slot without the partner's answer (abort, reset,
 * purge): the partner may still write its data, so the slot's bounce
 * buffer is never used again. Called with hvs->lock; returns whether the
 * data was mapped.
 */
static bool hvs_abandon(struct hvs_host *hvs, struct hvs_slot *slot)
{
	if (!slot->bounced)
		return true;
	if (!slot->bounce_retired)
		hvs_count(hvs, HVS_BOUNCE_RETIRED);
	WRITE_ONCE(slot->bounce_retired, true);
	return false;
}

/* Take back a request's slot and credit. Called with hvs->lock. */
static void hvs_release(struct hvs_host *hvs, struct hvs_slot *slot,
			int credit_back)
{
	slot->tag = 0;
	slot->cmd = NULL;
	if (slot->counted) {
		hvs->in_flight--;
		hvs->credit = min(hvs->credit + credit_back, hvs->credit_limit);
		slot->counted = false;
	}
}

/* Take a credit for a new request. Called with hvs->lock. */
static bool hvs_take_credit(struct hvs_host *hvs, struct hvs_slot *slot,
			    int keep)
{
	if (hvs->credit <= keep)
		return false;
	hvs->credit--;
	hvs->in_flight++;
	hvs->max_in_flight = max(hvs->max_in_flight, hvs->in_flight);
	slot->counted = true;
	return true;
}

/*
 * A command's send returns busy answers to the midlayer, which retries
 * the command; a management request (HVK_BUSY_SLEEPING) rides them out
 * here, since nobody would send it again.
 */
static long hvs_send_iu(struct hvs_host *hvs, u8 format, dma_addr_t ioba,
			unsigned int len, unsigned int timeout, bool patient)
{
	struct hvk_crq_msg msg = {
		.valid = HVK_CRQ_PAYLOAD,
		.format = format,
		.timeout = min_t(unsigned int, timeout, 0xffff),
		.iu_len = len,
		.token = ioba,
	};

	if (patient)
		return hvk_crq_send_retry(&hvs->crq, &msg, HVK_BUSY_SLEEPING);
	return hvk_crq_send(&hvs->crq, &msg);
}

/* ---- completions ------------------------------------------------------ */

/*
 * A command taken out of its slot, with hvs->lock held: queue it on @done
 * for hvs_finish_all() once the lock is dropped. @mapped: its data was
 * mapped, not copied through the slot.
 */
static void hvs_collect(struct list_head *done, struct scsi_cmnd *cmd,
			int result, bool mapped)
{
	struct hvs_cmd_priv *priv = scsi_cmd_priv(cmd);

	priv->cmd = cmd;
	priv->result = result;
	priv->mapped = mapped;
	list_add_tail(&priv->done, done);
}

/* Give what hvs_collect() gathered back to the midlayer; no lock held. */
static void hvs_finish_all(struct list_head *done)
{
	struct hvs_cmd_priv *priv, *next;
	struct scsi_cmnd *cmd;

	list_for_each_entry_safe(priv, next, done, done) {
		list_del(&priv->done);
		cmd = priv->cmd;
		if (priv->mapped)
			scsi_dma_unmap(cmd);
		/* A timed-out command belongs to the error handler: leave it. */
		if (test_bit(SCMD_STATE_COMPLETE, &cmd->state))
			continue;
		cmd->result = priv->result;
		scsi_done(cmd);
	}
}

static int hvs_cmd_result(struct hvs_host *hvs, struct scsi_cmnd *cmd,
			  const struct hvk_crq_msg *msg,
			  const struct hvk_srp_rsp *rsp)
{
	unsigned int resid = 0;

	if (msg->status) {
		dev_warn_ratelimited(hvs_dev(hvs), "partner status 0x%02x for a command\n",
				     msg->status);
		return DID_ERROR << 16;
	}
	if (rsp->sense_len) {
		memcpy(cmd->sense_buffer, rsp->sense,
		       min_t(u32, rsp->sense_len, SCSI_SENSE_BUFFERSIZE));
	}
	if (rsp->flags & HVK_SRP_DIUNDER)
		resid = rsp->data_in_res;
	else if (rsp->flags & HVK_SRP_DOUNDER)
		resid = rsp->data_out_res;
	scsi_set_resid(cmd, min(resid, scsi_bufflen(cmd)));
	return rsp->status;
}

/* The answer to the command in @slot. Called with hvs->lock. */
static void hvs_cmd_answer(struct hvs_host *hvs, struct hvs_slot *slot,
			   const struct hvk_crq_msg *msg, struct list_head *done)
{
	struct scsi_cmnd *cmd = slot->cmd;
	unsigned int len = min_t(unsigned int, msg->iu_len, HVK_SRP_IU_MAX);
	struct hvk_srp_rsp rsp;
	int result, back = 1;
	bool mapped = !slot->bounced;

	if (msg->format != HVK_VIOSRP_SRP ||
	    hvk_srp_parse_rsp(slot->iu, len, &rsp) || rsp.tag != slot->tag) {
		hvs_count(hvs, HVS_BAD_RESPONSES);
		dev_warn_ratelimited(hvs_dev(hvs),
				     "malformed response (format %u, %u bytes) for tag %llx: command failed\n",
				     msg->format, msg->iu_len, slot->tag);
		result = DID_ERROR << 16;
	} else {
		/* A hostile delta cannot exceed the grant anyway. */
		back = min_t(u32, rsp.req_lim_delta, HVS_MAX_CMDS + 1);
		result = hvs_cmd_result(hvs, cmd, msg, &rsp);
		/* Before the slot, and so its buffer, can be reused. */
		if (slot->bounced && cmd->sc_data_direction == DMA_FROM_DEVICE)
			scsi_sg_copy_from_buffer(cmd, slot->bounce,
						 scsi_bufflen(cmd) -
						 scsi_get_resid(cmd));
	}
	hvs_release(hvs, slot, back);
	hvs_count(hvs, HVS_COMPLETIONS);
	hvs_collect(done, cmd, result, mapped);
}

static void hvs_mgmt_answer(struct hvs_host *hvs, struct hvs_slot *slot,
			    const struct hvk_crq_msg *msg)
{
	unsigned int len = min_t(unsigned int, msg->iu_len, HVK_SRP_IU_MAX);
	struct hvk_srp_rsp rsp;
	int back = 1;

	memcpy(hvs->mgmt_resp, slot->iu, len);
	/*
	 * Task management answers carry credit like any SRP_RSP; one that
	 * names another request gives back only what this one took.
	 */
	if (msg->format == HVK_VIOSRP_SRP &&
	    hvk_srp_opcode(hvs->mgmt_resp) == HVK_SRP_RSP &&
	    !hvk_srp_parse_rsp(hvs->mgmt_resp, len, &rsp) && rsp.tag == slot->tag)
		back = min_t(u32, rsp.req_lim_delta, HVS_MAX_CMDS + 1);
	hvs->mgmt_resp_len = msg->status ? 0 : len;
	hvs->mgmt_answered = !msg->status;
	hvs_release(hvs, slot, back);
	complete(&hvs->mgmt_done);
}

#ifdef HVKIT_TEST_HOOKS
/* Test hook: act as if this answer had never arrived. */
static bool hvs_lose_response(struct hvs_host *hvs)
{
	if (!atomic_add_unless(&hvs->lose_responses, -1, 0))
		return false;
	hvs_count(hvs, HVS_LOST_ON_PURPOSE);
	return true;
}

static void hvs_keep_last(struct hvs_host *hvs, const struct hvk_crq_msg *msg)
{
	hvs->last_msg = *msg;
}
#else
static bool hvs_lose_response(struct hvs_host *hvs)
{
	return false;
}

static void hvs_keep_last(struct hvs_host *hvs, const struct hvk_crq_msg *msg)
{
}
#endif

/* A payload entry from the CRQ (softirq, a drain round of hv_vio). */
static void hvs_crq_message(struct hvk_crq *crq, const struct hvk_crq_msg *msg)
{
	struct hvs_host *hvs = crq->priv;
	bool unknown = false;
	struct hvs_slot *slot;
	LIST_HEAD(done);

	spin_lock(&hvs->lock);
	hvs_keep_last(hvs, msg);
	slot = hvs_slot_of_tag(hvs, msg->token);
	if (!slot || !slot->tag || slot->tag != msg->token)
		unknown = true;
	else if (slot == &hvs->mgmt)
		hvs_mgmt_answer(hvs, slot, msg);
	else if (!hvs_lose_response(hvs))
		hvs_cmd_answer(hvs, slot, msg, &done);
	spin_unlock(&hvs->lock);

	if (unknown) {
		hvs_count(hvs, HVS_UNKNOWN_TAGS);
		dev_warn_ratelimited(hvs_dev(hvs), "response for unknown tag %llx dropped\n",
				     msg->token);
	}
	hvs_finish_all(&done);
}

/*
 * Every outstanding command back to the midlayer with @result. Only sent
 * commands are in their slots: queuecommand publishes and sends in one
 * step under the lock.
 */
static void hvs_purge(struct hvs_host *hvs, int result)
{
	struct hvs_slot *slot;
	struct scsi_cmnd *cmd;
	LIST_HEAD(done);
	unsigned int i;
	bool mapped;

	spin_lock_irq(&hvs->lock);
	for (i = 0; i < hvs->nr_slots; i++) {
		slot = &hvs->slots[i];
		if (!slot->tag)
			continue;
		cmd = slot->cmd;
		mapped = hvs_abandon(hvs, slot);
		hvs_release(hvs, slot, 1);
		if (cmd)
			hvs_collect(&done, cmd, result, mapped);
	}
	if (hvs->mgmt.tag) {
		hvs_release(hvs, &hvs->mgmt, 1);
		hvs->mgmt_resp_len = 0;
		complete(&hvs->mgmt_done);
	}
	spin_unlock_irq(&hvs->lock);
	hvs_finish_all(&done);
}

/* ---- management requests ------------------------------------------------ */

/*
 * Send the IU the caller built in the management slot under @tag and
 * wait for the answer, copied to mgmt_resp. Under mgmt_mutex. @counted:
 * takes a credit (everything after the login). -ENODATA: answered with
 * an IU length of 0. -ENOTCONN: the queue is not up (closed by a failed
 * probe or a removal, or being reset), so nothing is sent: the partner
 * would answer into a queue that is gone.
 */
static int hvs_mgmt_exec(struct hvs_host *hvs, u64 tag, u8 format,
			 unsigned int len, bool counted, unsigned int secs)
{
	struct hvs_slot *slot = &hvs->mgmt;
	long status;

	if (!hvk_crq_is_up(&hvs->crq))
		return -ENOTCONN;
	spin_lock_irq(&hvs->lock);
	if (counted && !hvs_take_credit(hvs, slot, 0)) {
		spin_unlock_irq(&hvs->lock);
		return -EAGAIN;
	}
	slot->tag = tag;
	hvs->mgmt_resp_len = 0;
	hvs->mgmt_answered = false;
	reinit_completion(&hvs->mgmt_done);
	spin_unlock_irq(&hvs->lock);

	status = hvs_send_iu(hvs, format, slot->iu_ioba, len, secs, true);
	if (status == HVK_H_SUCCESS &&
	    wait_for_completion_timeout(&hvs->mgmt_done, secs * HZ)) {
		if (hvs->mgmt_resp_len)
			return 0;
		/* An IU of no bytes: only a MAD parser knows what it means. */
		return hvs->mgmt_answered ? -ENODATA : -EIO;
	}

	spin_lock_irq(&hvs->lock);
	if (slot->tag == tag)
		hvs_release(hvs, slot, 1);
	spin_unlock_irq(&hvs->lock);
	if (status != HVK_H_SUCCESS) {
		hvs_count(hvs, HVS_SEND_ERRORS);
		return -EIO;
	}
	return -ETIMEDOUT;
}

static u64 hvs_mgmt_tag(struct hvs_host *hvs)
{
	u64 tag;

	spin_lock_irq(&hvs->lock);
	tag = hvs_new_tag(hvs, HVS_MGMT_INDEX);
	spin_unlock_irq(&hvs->lock);
	return tag;
}

static void hvs_adapter_info(struct hvs_host *hvs)
{
	u64 tag = hvs_mgmt_tag(hvs);
	unsigned int len;
	int err;

	memset(hvs->ai_data, 0, HVK_ADAPTER_INFO_DATA_LEN);
	len = hvk_mad_build_adapter_info(hvs->mgmt.iu, tag, hvs->ai_ioba);
	err = hvs_mgmt_exec(hvs, tag, HVK_VIOSRP_MAD, len, false, login_timeout);
	if (!err)
		err = hvk_mad_parse_adapter_info(hvs->mgmt_resp, hvs->mgmt_resp_len,
						 tag, hvs->ai_data, &hvs->ai);
	if (err) {
		dev_warn(hvs_dev(hvs), "no adapter info (%d): max transfer %u KiB\n",
			 err, HVS_DEFAULT_SECTORS / 2);
		return;
	}
	if (hvs->ai.max_transfer >> 9)
		hvs->max_sectors = min_t(u32, hvs->ai.max_transfer >> 9,
					 HVS_MAX_SECTORS);
}

static void hvs_set_mads(struct hvs_host *hvs, const struct hvs_mads *m)
{
	spin_lock_irq(&hvs->lock);
	hvs->mads = *m;
	spin_unlock_irq(&hvs->lock);
}

static enum hvs_mad_result hvs_mad_result(struct hvs_host *hvs, int err,
					  u16 status)
{
	if (err == -EPROTO) {
		hvs_count(hvs, HVS_BAD_RESPONSES);
		return HVS_MAD_MALFORMED;
	}
	if (err)
		return HVS_MAD_NO_ANSWER;
	if (status == HVK_MAD_SUCCESS)
		return HVS_MAD_DONE;
	return status == HVK_MAD_NOT_SUPPORTED ? HVS_MAD_UNSUPPORTED :
						 HVS_MAD_REFUSED;
}

/*
 * ENABLE_FAST_FAIL: the partner may then fail a command whose path
 * failed with a CRQ status (VIOSRP_ADAPTER_FAIL) instead of retrying it
 * itself; hv_scsi fails any command answered with a non-zero CRQ status
 * with DID_ERROR already, so it can honour that. Nothing depends on the
 * answer: it is recorded.
 */
static void hvs_fast_fail(struct hvs_host *hvs, struct hvs_mads *m)
{
	u64 tag = hvs_mgmt_tag(hvs);
	unsigned int len;
	u16 status = 0;
	int err;

	len = hvk_mad_build_fast_fail(hvs->mgmt.iu, tag);
	err = hvs_mgmt_exec(hvs, tag, HVK_VIOSRP_MAD, len, false, mad_timeout);
	if (!err || err == -ENODATA)
		err = hvk_mad_parse_fast_fail(hvs->mgmt_resp, hvs->mgmt_resp_len,
					      tag, &status);
	m->fast_fail = hvs_mad_result(hvs, err, status);
	m->fast_fail_status = status;
	if (m->fast_fail == HVS_MAD_MALFORMED)
		dev_warn(hvs_dev(hvs), "malformed answer to ENABLE_FAST_FAIL\n");
	else
		dev_dbg(hvs_dev(hvs), "ENABLE_FAST_FAIL: %s (%d, status 0x%x)\n",
			hvs_mad_result_names[m->fast_fail], err, status);
}

/*
 * CAPABILITIES: offers what hv_scsi can honour, the migration capability
 * (after a migration, hv_vio registers the queue again and hv_scsi logs
 * in again, as after any reconnection) and says whether it was just
 * migrated; not client reserve, since hv_scsi keeps no SCSI-2
 * reservation across a reconnection. The partner's answer is recorded;
 * nothing depends on it.
 */
static void hvs_capabilities(struct hvs_host *hvs, struct hvs_mads *m)
{
	struct hvk_caps_offer o = {
		.flags = HVK_CAPS_LIST_SUPPORTED,
		.name = dev_name(&hvs->shost->shost_gendev),
		.loc = dev_name(&hvs->hdev->dev),
		.migration = true,
	};
	u8 data[HVK_CAPS_MAX_LEN];
	u64 tag = hvs_mgmt_tag(hvs);
	unsigned int len;
	int err;

	if (READ_ONCE(hvs->migrated))
		o.flags |= HVK_CAPS_CLIENT_MIGRATED;
	len = hvk_mad_build_capabilities(hvs->mgmt.iu, tag, hvs->caps_ioba,
					 hvs->caps_data, &o);
	err = hvs_mgmt_exec(hvs, tag, HVK_VIOSRP_MAD, len, false, mad_timeout);
	if (!err || err == -ENODATA) {
		/* The partner may still write the buffer: parse one copy. */
		memcpy(data, hvs->caps_data, hvk_caps_len(&o));
		err = hvk_mad_parse_capabilities(hvs->mgmt_resp,
						 hvs->mgmt_resp_len, tag, data,
						 &o, &m->caps_answer);
	}
	m->caps = hvs_mad_result(hvs, err, m->caps_answer.status);
	if (m->caps == HVS_MAD_MALFORMED)
		dev_warn(hvs_dev(hvs), "malformed answer to CAPABILITIES\n");
	else
		dev_dbg(hvs_dev(hvs), "CAPABILITIES: %s (%d, status 0x%x, flags 0x%x, migration %u)\n",
			hvs_mad_result_names[m->caps], err,
			m->caps_answer.status, m->caps_answer.flags,
			m->caps_answer.migration_support);
	if (m->caps != HVS_MAD_DONE)
		memset(&m->caps_answer, 0, sizeof(m->caps_answer));
}

static int hvs_srp_login(struct hvs_host *hvs)
{
	u64 tag = hvs_mgmt_tag(hvs);
	struct hvk_srp_login login;
	unsigned int len;
	int err;

	len = hvk_srp_build_login(hvs->mgmt.iu, tag, HVK_SRP_IU_MAX);
	err = hvs_mgmt_exec(hvs, tag, HVK_VIOSRP_SRP, len, false, login_timeout);
	if (!err)
		err = hvk_srp_parse_login(hvs->mgmt_resp, hvs->mgmt_resp_len, tag,
					  &login);
	if (err == -EPROTO)
		hvs_count(hvs, HVS_BAD_RESPONSES);
	if (err) {
		dev_err(hvs_dev(hvs), "SRP login failed: %d\n", err);
		return err;
	}
	if (!login.accepted) {
		dev_err(hvs_dev(hvs), "SRP login rejected, reason 0x%x\n",
			login.reject_reason);
		return -ECONNREFUSED;
	}
	err = hvk_srp_login_fits(&login, hvs->added ? &hvs->sized_login : NULL,
				 HVS_RESERVED_CREDIT);
	if (err) {
		hvs_count(hvs, HVS_BAD_RESPONSES);
		dev_err(hvs_dev(hvs), "SRP login grants %u requests, IUs of %u bytes, formats 0x%x: %s\n",
			login.req_lim_delta, login.max_it_iu_len, login.buf_fmt,
			err == -ENOSPC ? "no room for commands" :
			"less than the host was sized for");
		return err;
	}
	if (!hvs->added)
		hvs->sized_login = login;
	spin_lock_irq(&hvs->lock);
	hvs->credit_limit = min_t(u32, login.req_lim_delta, HVS_MAX_CMDS + 1);
	/* Requests kept across a reconnection still hold their credit. */
	hvs->credit = max_t(int, hvs->credit_limit - (int)hvs->in_flight, 0);
	hvs->max_it_iu_len = min_t(u32, login.max_it_iu_len, HVK_SRP_IU_MAX);
	hvs->indirect_ok = login.buf_fmt & HVK_SRP_BUF_INDIRECT;
	hvs->send_failures = 0;
	spin_unlock_irq(&hvs->lock);
	return 0;
}

static void hvs_set_state(struct hvs_host *hvs, enum hvs_state state)
{
	WRITE_ONCE(hvs->state, state);
	wake_up_all(&hvs->state_wait);
}

/* The CRQ is up: log in (again). */
static void hvs_login_work(struct work_struct *work)
{
	struct hvs_host *hvs = container_of(work, struct hvs_host, login_work);
	bool again = READ_ONCE(hvs->state) == HVS_LOGGED_IN;
	struct hvs_mads mads;

	mutex_lock(&hvs->mgmt_mutex);
	if (again) {
		/* The partner started over without telling us first. */
		if (hvs->added)
			scsi_block_requests(hvs->shost);
		WRITE_ONCE(hvs->state, HVS_CONNECTING);
		hvs_purge(hvs, DID_RESET << 16);
	}
	if (!hvk_crq_is_up(&hvs->crq))
		goto out;
	hvs_adapter_info(hvs);
	memset(&mads, 0, sizeof(mads));
	hvs_fast_fail(hvs, &mads);
	hvs_capabilities(hvs, &mads);
	hvs_set_mads(hvs, &mads);
	if (hvs_srp_login(hvs)) {
		/* Fail what waits rather than leave it blocked for ever. */
		hvs_set_state(hvs, HVS_FAILED);
		if (hvs->added)
			scsi_unblock_requests(hvs->shost);
		goto out;
	}
	hvs_count(hvs, HVS_LOGINS);
	if (atomic64_read(&hvs->counters[HVS_LOGINS]) > 1)
		hvs_count(hvs, HVS_RECONNECTS);
	hvs_set_state(hvs, HVS_LOGGED_IN);
	if (hvs->added)
		scsi_unblock_requests(hvs->shost);
out:
	mutex_unlock(&hvs->mgmt_mutex);
}

/*
 * The CRQ could not be registered again: nothing will ever answer. Fail
 * what is outstanding and, by the failed state, everything that comes;
 * let the waiting requests in to be failed rather than blocked for ever.
 */
static void hvs_reset_failed(struct hvs_host *hvs, int err)
{
	dev_err(hvs_dev(hvs), "CRQ reset failed (%d): failing all commands until hv_scsi is reloaded\n",
		err);
	hvs_set_state(hvs, HVS_FAILED);
	hvs_purge(hvs, DID_NO_CONNECT << 16);
	if (hvs->added)
		scsi_unblock_requests(hvs->shost);
}

static void hvs_crq_up(struct hvk_crq *crq)
{
	struct hvs_host *hvs = crq->priv;

	schedule_work(&hvs->login_work);
}

static void hvs_crq_down(struct hvk_crq *crq, enum hvk_crq_down why)
{
	struct hvs_host *hvs = crq->priv;

	if (why == HVK_CRQ_DOWN_FAILED) {
		hvs_reset_failed(hvs, -EIO);
		return;
	}
	if (hvs->added)
		scsi_block_requests(hvs->shost);
	WRITE_ONCE(hvs->migrated, why == HVK_CRQ_DOWN_MIGRATED);
	hvs_set_state(hvs, HVS_CONNECTING);
	/* Whatever the partner had is gone with it: retry elsewhere. */
	hvs_purge(hvs, DID_RESET << 16);
}

static const struct hvk_crq_ops hvs_crq_ops = {
	.up = hvs_crq_up,
	.message = hvs_crq_message,
	.down = hvs_crq_down,
};

/* Free the CRQ and connect again; outstanding commands stay outstanding. */
static void hvs_reset_work(struct work_struct *work)
{
	struct hvs_host *hvs = container_of(work, struct hvs_host, reset_work);
	int err;

	dev_warn(hvs_dev(hvs), "repeated send failures: resetting the CRQ\n");
	if (hvs->added)
		scsi_block_requests(hvs->shost);
	hvs_set_state(hvs, HVS_CONNECTING);
	err = hvk_crq_reset(&hvs->crq);
	if (err)
		hvs_reset_failed(hvs, err);
}

/* ---- commands ----------------------------------------------------------- */

static u64 hvs_lun_of(struct scsi_device *sdev)
{
	return hvk_srp_lun(sdev->channel, sdev->id, (unsigned int)sdev->lun);
}

/* The SRP_CMD for @cmd in @slot, descriptors from its mapped list. */
static int hvs_build_cmd(struct hvs_host *hvs, struct hvs_slot *slot,
			 struct scsi_cmnd *cmd, int nseg)
{
	struct hvk_srp_cmd_args a = {
		.tag = slot->tag,
		.lun = slot->lun,
		.cdb = cmd->cmnd,
		.cdb_len = cmd->cmd_len,
		.descs = slot->descs,
		.nr_descs = nseg,
		.max_iu_len = hvs->max_it_iu_len,
		.indirect_ok = hvs->indirect_ok,
		.iu_ioba = slot->iu_ioba,
		.table = slot->table,
		.table_ioba = slot->table_ioba,
		.table_max = HVS_SG_TABLESIZE,
	};
	struct scatterlist *sg;
	int i, len;

	if (slot->bounced) {
		slot->descs[0].va = slot->bounce_ioba;
		slot->descs[0].len = scsi_bufflen(cmd);
		a.total_len = scsi_bufflen(cmd);
	} else {
		scsi_for_each_sg(cmd, sg, nseg, i) {
			slot->descs[i].va = sg_dma_address(sg);
			slot->descs[i].len = sg_dma_len(sg);
			a.total_len += sg_dma_len(sg);
		}
	}
	if (nseg)
		a.dir = cmd->sc_data_direction == DMA_TO_DEVICE ?
			HVK_SRP_DIR_OUT : HVK_SRP_DIR_IN;
	len = hvk_srp_build_cmd(slot->iu, &a);
	if (nseg == 1)
		hvs_count(hvs, HVS_DIRECT);
	else if (nseg > 1 && len > HVK_SRP_CMD_LEN + HVK_SRP_INDIRECT_LEN)
		hvs_count(hvs, HVS_INDIRECT_INLINE);
	else if (nseg > 1 && len > 0)
		hvs_count(hvs, HVS_INDIRECT_TABLE);
	return len;
}

/*
 * A busy hypervisor is not a failure: the midlayer queues the command
 * again, which is the retry a caller under a spinlock can make. Only a
 * refusal is worth a warning, and only repeated hard ones a reset.
 */
static void hvs_send_failed(struct hvs_host *hvs, long status)
{
	unsigned int ms;

	if (hvk_hcall_is_busy(status, &ms)) {
		hvs_count(hvs, HVS_SEND_BUSY);
		return;
	}
	hvs_count(hvs, HVS_SEND_ERRORS);
	dev_warn_ratelimited(hvs_dev(hvs), "H_SEND_CRQ failed: %s (%ld), command requeued\n",
			     hvk_hcall_status_name(status), status);
	if (status == HVK_H_CLOSED)
		return;
	if (++hvs->send_failures == HVS_SEND_FAILURES_RESET)
		schedule_work(&hvs->reset_work);
}

/*
 * Small transfers are copied through the slot's premapped buffer: a copy
 * of at most 4 KiB costs less than the two TCE hypercalls that mapping
 * and unmapping the data would take.
 */
static bool hvs_can_bounce(struct hvs_slot *slot, struct scsi_cmnd *cmd)
{
	unsigned int len = scsi_bufflen(cmd);

	if (!len || len > min_t(unsigned int, READ_ONCE(bounce_max),
				HVS_BOUNCE_BYTES))
		return false;
	if (cmd->sc_data_direction != DMA_TO_DEVICE &&
	    cmd->sc_data_direction != DMA_FROM_DEVICE)
		return false;
	return slot->bounce && !READ_ONCE(slot->bounce_retired);
}

#ifdef HVKIT_TEST_HOOKS
/*
 * Test hook: the next N commands meet a purge (as a partner event or a new
 * login runs it on another CPU) at the last moment it can take the lock
 * before they go out.
 */
static void hvs_race_purge(struct hvs_host *hvs)
{
	if (atomic_add_unless(&hvs->purge_before_send, -1, 0))
		hvs_purge(hvs, DID_RESET << 16);
}
#else
static void hvs_race_purge(struct hvs_host *hvs)
{
}
#endif

static hvk_scsi_qc_t hvs_queuecommand(struct Scsi_Host *shost, struct scsi_cmnd *cmd)
{
	struct hvs_host *hvs = shost_priv(shost);
	unsigned int index = scsi_cmd_to_rq(cmd)->tag;
	struct hvs_slot *slot;
	unsigned long flags;
	int nseg, len;
	bool bounce;
	long status;

	switch (READ_ONCE(hvs->state)) {
	case HVS_LOGGED_IN:
		break;
	case HVS_FAILED:
		/* The partner refused us: fail rather than retry forever. */
		cmd->result = DID_NO_CONNECT << 16;
		scsi_done(cmd);
		return 0;
	default:
		return SCSI_MLQUEUE_HOST_BUSY;
	}
	if (index >= hvs->nr_slots || cmd->device->lun >= 32) {
		cmd->result = (index >= hvs->nr_slots ? DID_ERROR : DID_NO_CONNECT) << 16;
		scsi_done(cmd);
		return 0;
	}
	slot = &hvs->slots[index];
	bounce = hvs_can_bounce(slot, cmd);
	nseg = bounce ? 1 : scsi_dma_map(cmd);
	if (nseg < 0)
		return SCSI_MLQUEUE_HOST_BUSY;

	/*
	 * Publish and send in one step: a purge or a cancellation, which
	 * take this lock, never find a command that has not gone out, nor
	 * take back one whose send is still to fail.
	 */
	hvs_race_purge(hvs);
	spin_lock_irqsave(&hvs->lock, flags);
	if (READ_ONCE(hvs->state) != HVS_LOGGED_IN || slot->tag ||
	    !hvs_take_credit(hvs, slot, HVS_RESERVED_CREDIT)) {
		spin_unlock_irqrestore(&hvs->lock, flags);
		hvs_count(hvs, HVS_CREDIT_WAITS);
		goto busy;
	}
	slot->tag = hvs_new_tag(hvs, index);
	slot->cmd = cmd;
	slot->lun = hvs_lun_of(cmd->device);
	slot->bounced = bounce;
	if (bounce) {
		hvs_count(hvs, HVS_BOUNCED);
		if (cmd->sc_data_direction == DMA_TO_DEVICE)
			scsi_sg_copy_to_buffer(cmd, slot->bounce,
					       scsi_bufflen(cmd));
	}
	len = hvs_build_cmd(hvs, slot, cmd, nseg);
	if (len < 0) {
		hvs_release(hvs, slot, 1);
		spin_unlock_irqrestore(&hvs->lock, flags);
		dev_err_ratelimited(hvs_dev(hvs), "cannot describe %d segments\n", nseg);
		if (!bounce)
			scsi_dma_unmap(cmd);
		cmd->result = DID_ERROR << 16;
		scsi_done(cmd);
		return 0;
	}
	status = hvs_send_iu(hvs, HVK_VIOSRP_SRP, slot->iu_ioba, len,
			     scsi_cmd_to_rq(cmd)->timeout / HZ, false);
	if (status != HVK_H_SUCCESS) {
		hvs_release(hvs, slot, 1);
		hvs_send_failed(hvs, status);
		spin_unlock_irqrestore(&hvs->lock, flags);
		goto busy;
	}
	hvs->send_failures = 0;
	spin_unlock_irqrestore(&hvs->lock, flags);
	hvs_count(hvs, HVS_COMMANDS);
	return 0;

busy:
	if (!bounce)
		scsi_dma_unmap(cmd);
	return SCSI_MLQUEUE_HOST_BUSY;
}

/* ---- error handling ----------------------------------------------------- */

/* Send task management @func; 0 when the target says it completed. */
static int hvs_tmf(struct hvs_host *hvs, u64 lun, u8 func, u64 task_tag)
{
	struct hvk_srp_rsp rsp;
	u64 tag = hvs_mgmt_tag(hvs);
	unsigned int len;
	int err;

	if (READ_ONCE(hvs->state) != HVS_LOGGED_IN)
		return -ENOTCONN;
	len = hvk_srp_build_tsk_mgmt(hvs->mgmt.iu, tag, lun, func, task_tag);
	err = hvs_mgmt_exec(hvs, tag, HVK_VIOSRP_SRP, len, true, tmf_timeout);
	if (err)
		return err;
	if (hvk_srp_parse_rsp(hvs->mgmt_resp, hvs->mgmt_resp_len, &rsp) ||
	    rsp.tag != tag) {
		hvs_count(hvs, HVS_BAD_RESPONSES);
		return -EPROTO;
	}
	if (!rsp.has_resp_code)
		return rsp.status ? -EIO : 0;
	return rsp.resp_code == HVK_SRP_TSK_COMPLETE ? 0 : -EIO;
}

/*
 * The target confirmed that the requests @match selects are gone without
 * an answer: take their slots and credit back.
 */
static void hvs_cancelled(struct hvs_host *hvs, u64 lun, u64 only_tag)
{
	struct scsi_cmnd *cmd;
	struct hvs_slot *slot;
	LIST_HEAD(done);
	unsigned int i;
	bool mapped;

	spin_lock_irq(&hvs->lock);
	for (i = 0; i < hvs->nr_slots; i++) {
		slot = &hvs->slots[i];
		if (!slot->tag || slot->lun != lun ||
		    (only_tag && slot->tag != only_tag))
			continue;
		cmd = slot->cmd;
		mapped = hvs_abandon(hvs, slot);
		hvs_release(hvs, slot, 1);
		hvs_count(hvs, HVS_CANCELLED);
		if (cmd)
			hvs_collect(&done, cmd, DID_RESET << 16, mapped);
	}
	spin_unlock_irq(&hvs->lock);
	hvs_finish_all(&done);
}

static int hvs_eh_abort(struct scsi_cmnd *cmd)
{
	struct hvs_host *hvs = shost_priv(cmd->device->host);
	unsigned int index = scsi_cmd_to_rq(cmd)->tag;
	u64 task_tag = 0, lun = hvs_lun_of(cmd->device);
	int err;

	hvs_count(hvs, HVS_ABORTS);
	spin_lock_irq(&hvs->lock);
	if (index < hvs->nr_slots && hvs->slots[index].cmd == cmd)
		task_tag = hvs->slots[index].tag;
	spin_unlock_irq(&hvs->lock);
	if (!task_tag)
		return SUCCESS;		/* answered meanwhile */

	mutex_lock(&hvs->mgmt_mutex);
	err = hvs_tmf(hvs, lun, HVK_SRP_TSK_ABORT_TASK, task_tag);
	mutex_unlock(&hvs->mgmt_mutex);
	if (err) {
		sdev_printk(KERN_WARNING, cmd->device, "abort of tag %llx failed: %d\n",
			    task_tag, err);
		return FAILED;
	}
	/* An answer that raced ahead of the abort has completed it already. */
	hvs_cancelled(hvs, lun, task_tag);
	hvs_count(hvs, HVS_ABORTS_DONE);
	sdev_printk(KERN_INFO, cmd->device, "aborted tag %llx\n", task_tag);
	return SUCCESS;
}

static int hvs_eh_device_reset(struct scsi_cmnd *cmd)
{
	struct hvs_host *hvs = shost_priv(cmd->device->host);
	u64 lun = hvs_lun_of(cmd->device);
	int err;

	hvs_count(hvs, HVS_LUN_RESETS);
	mutex_lock(&hvs->mgmt_mutex);
	err = hvs_tmf(hvs, lun, HVK_SRP_TSK_LUN_RESET, 0);
	mutex_unlock(&hvs->mgmt_mutex);
	if (err) {
		sdev_printk(KERN_WARNING, cmd->device, "LUN reset failed: %d\n", err);
		return FAILED;
	}
	hvs_cancelled(hvs, lun, 0);
	sdev_printk(KERN_INFO, cmd->device, "LUN reset\n");
	return SUCCESS;
}

static int hvs_eh_host_reset(struct scsi_cmnd *cmd)
{
	struct hvs_host *hvs = shost_priv(cmd->device->host);
	int err;

	hvs_count(hvs, HVS_HOST_RESETS);
	dev_warn(hvs_dev(hvs), "host reset: reconnecting\n");
	hvs_set_state(hvs, HVS_CONNECTING);
	hvs_purge(hvs, DID_RESET << 16);
	err = hvk_crq_reset(&hvs->crq);
	if (err) {
		hvs_reset_failed(hvs, err);
		return FAILED;
	}
	wait_event_timeout(hvs->state_wait,
			   READ_ONCE(hvs->state) != HVS_CONNECTING,
			   login_timeout * HZ);
	return READ_ONCE(hvs->state) == HVS_LOGGED_IN ? SUCCESS : FAILED;
}

/* ---- sysfs and debugfs ---------------------------------------------------- */

static struct hvs_host *hvs_of_dev(struct device *dev)
{
	return shost_priv(class_to_shost(dev));
}

static ssize_t counters_show(struct device *dev, struct device_attribute *attr,
			     char *buf)
{
	struct hvs_host *hvs = hvs_of_dev(dev);
	int i, n = 0;

	for (i = 0; i < HVS_NR_COUNTERS; i++)
		n += sysfs_emit_at(buf, n, "%s %lld\n", hvs_counter_names[i],
				   (long long)atomic64_read(&hvs->counters[i]));
	for (i = 0; i < HVK_CRQ_NR_COUNTERS; i++)
		n += sysfs_emit_at(buf, n, "%s %lld\n", hvk_crq_counter_name(i),
				   (long long)hvk_crq_counter(&hvs->crq, i));
	return n;
}
static DEVICE_ATTR_RO(counters);

static ssize_t credit_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	struct hvs_host *hvs = hvs_of_dev(dev);
	int n;

	spin_lock_irq(&hvs->lock);
	n = sysfs_emit(buf, "limit %d available %d in_flight %u max_in_flight %u\n",
		       hvs->credit_limit, hvs->credit, hvs->in_flight,
		       hvs->max_in_flight);
	spin_unlock_irq(&hvs->lock);
	return n;
}
static DEVICE_ATTR_RO(credit);

static ssize_t partner_show(struct device *dev, struct device_attribute *attr,
			    char *buf)
{
	struct hvs_host *hvs = hvs_of_dev(dev);

	return sysfs_emit(buf, "unit %x srp %s partition %s os_type %u max_transfer %u state %d\n",
			  hvs->hdev->unit_address, hvs->ai.srp_version,
			  hvs->ai.partition_name, hvs->ai.os_type,
			  hvs->ai.max_transfer, READ_ONCE(hvs->state));
}
static DEVICE_ATTR_RO(partner);

/* What the partner answered to ENABLE_FAST_FAIL and CAPABILITIES. */
static ssize_t mads_show(struct device *dev, struct device_attribute *attr,
			 char *buf)
{
	struct hvs_host *hvs = hvs_of_dev(dev);
	struct hvs_mads m;
	int n;

	spin_lock_irq(&hvs->lock);
	m = hvs->mads;
	spin_unlock_irq(&hvs->lock);
	n = sysfs_emit(buf, "fast_fail %s status 0x%x\n",
		       m.fast_fail == HVS_MAD_DONE ? "enabled" :
		       hvs_mad_result_names[m.fast_fail], m.fast_fail_status);
	n += sysfs_emit_at(buf, n, "capabilities %s status 0x%x flags 0x%x",
			   m.caps == HVS_MAD_DONE ? "answered" :
			   hvs_mad_result_names[m.caps], m.caps_answer.status,
			   m.caps_answer.flags);
	n += sysfs_emit_at(buf, n, " migration %u ecl %u name %s\n",
			   m.caps_answer.migration_support,
			   m.caps_answer.migration_ecl,
			   m.caps_answer.name[0] ? m.caps_answer.name : "-");
	return n;
}
static DEVICE_ATTR_RO(mads);

static struct attribute *hvs_host_attrs[] = {
	&dev_attr_counters.attr,
	&dev_attr_credit.attr,
	&dev_attr_partner.attr,
	&dev_attr_mads.attr,
	NULL,
};

static const struct attribute_group hvs_host_group = {
	.name = "hv_scsi",
	.attrs = hvs_host_attrs,
};

static const struct attribute_group *hvs_host_groups[] = {
	&hvs_host_group,
	NULL,
};

static ssize_t transport_event_write(struct file *file, const char __user *ubuf,
				     size_t count, loff_t *ppos)
{
	struct hvs_host *hvs = file->private_data;
	u8 format;
	int err;

	err = kstrtou8_from_user(ubuf, count, 0, &format);
	if (err)
		return err;
	err = hvk_crq_inject_event(&hvs->crq, format);
	return err ? err : count;
}

static const struct file_operations transport_event_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = transport_event_write,
	.llseek = noop_llseek,
};

#ifdef HVKIT_TEST_HOOKS
/* Deliver the last answer again: it must be dropped as stale. */
static ssize_t replay_write(struct file *file, const char __user *ubuf,
			    size_t count, loff_t *ppos)
{
	struct hvs_host *hvs = file->private_data;
	struct hvk_crq_msg msg;
	unsigned long flags;
	unsigned int n, i;
	int err;

	err = kstrtouint_from_user(ubuf, count, 0, &n);
	if (err)
		return err;
	for (i = 0; i < n; i++) {
		local_irq_save(flags);
		spin_lock(&hvs->lock);
		msg = hvs->last_msg;
		spin_unlock(&hvs->lock);
		if (msg.valid)
			hvs_crq_message(&hvs->crq, &msg);
		local_irq_restore(flags);
	}
	return count;
}

static const struct file_operations replay_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = replay_write,
	.llseek = noop_llseek,
};
#endif

static void hvs_debugfs_init(struct hvs_host *hvs)
{
	hvs->dbg = debugfs_create_dir(dev_name(&hvs->hdev->dev), hvs_debugfs_root);
	debugfs_create_file("transport_event", 0200, hvs->dbg, hvs,
			    &transport_event_fops);
#ifdef HVKIT_TEST_HOOKS
	/* In the interrupt path: only in test builds (HVKIT_SELFTEST=m). */
	debugfs_create_atomic_t("lose_responses", 0600, hvs->dbg,
				&hvs->lose_responses);
	debugfs_create_file("replay_last_response", 0200, hvs->dbg, hvs,
			    &replay_fops);
	debugfs_create_atomic_t("purge_before_send", 0600, hvs->dbg,
				&hvs->purge_before_send);
#endif
}

/* ---- probe and remove ----------------------------------------------------- */

static struct scsi_host_template hvs_template = {
	.module = THIS_MODULE,
	.name = "hv_scsi",
	.proc_name = "hv_scsi",
	.queuecommand = hvs_queuecommand,
	.eh_abort_handler = hvs_eh_abort,
	.eh_device_reset_handler = hvs_eh_device_reset,
	.eh_host_reset_handler = hvs_eh_host_reset,
	.this_id = -1,
	.sg_tablesize = HVS_SG_TABLESIZE,
	.max_sectors = HVS_MAX_SECTORS,
	.can_queue = 1,
	.cmd_per_lun = 1,
	.shost_groups = hvs_host_groups,
	.cmd_size = sizeof(struct hvs_cmd_priv),
};

static int hvs_alloc_mgmt(struct hvs_host *hvs)
{
	struct device *dma = hvs->hdev->dma_dev;

	BUILD_BUG_ON(HVK_SRP_IU_MAX + HVK_ADAPTER_INFO_DATA_LEN > HVS_CAPS_OFFSET);
	BUILD_BUG_ON(HVS_CAPS_OFFSET + HVK_CAPS_MAX_LEN > HVS_MGMT_BYTES);
	hvs->mgmt_mem = dma_alloc_coherent(dma, HVS_MGMT_BYTES, &hvs->mgmt_ioba,
					   GFP_KERNEL);
	if (!hvs->mgmt_mem)
		return -ENOMEM;
	hvs->mgmt.iu = hvs->mgmt_mem;
	hvs->mgmt.iu_ioba = hvs->mgmt_ioba;
	hvs->ai_data = hvs->mgmt_mem + HVK_SRP_IU_MAX;
	hvs->ai_ioba = hvs->mgmt_ioba + HVK_SRP_IU_MAX;
	hvs->caps_data = hvs->mgmt_mem + HVS_CAPS_OFFSET;
	hvs->caps_ioba = hvs->mgmt_ioba + HVS_CAPS_OFFSET;
	return 0;
}

/*
 * One slot per tag: its IU, its descriptor table and its bounce buffer, all
 * device-visible.
 */
static int hvs_alloc_slots(struct hvs_host *hvs, unsigned int nr)
{
	struct device *dma = hvs->hdev->dma_dev;
	struct hvs_slot *slot;
	unsigned int i;

	hvs->slots = kcalloc(nr, sizeof(*hvs->slots), GFP_KERNEL);
	if (!hvs->slots)
		return -ENOMEM;
	hvs->pool_size = (size_t)nr * HVS_SLOT_BYTES;
	hvs->pool = dma_alloc_coherent(dma, hvs->pool_size, &hvs->pool_ioba,
				       GFP_KERNEL);
	if (!hvs->pool)
		goto free_slots;
	hvs->bounce_pool = dma_alloc_coherent(dma, (size_t)nr * HVS_BOUNCE_BYTES,
					      &hvs->bounce_pool_ioba, GFP_KERNEL);
	if (!hvs->bounce_pool)
		goto free_pool;
	for (i = 0; i < nr; i++) {
		slot = &hvs->slots[i];
		slot->iu = hvs->pool + (size_t)i * HVS_SLOT_BYTES;
		slot->iu_ioba = hvs->pool_ioba + (size_t)i * HVS_SLOT_BYTES;
		slot->table = slot->iu + HVK_SRP_IU_MAX;
		slot->table_ioba = slot->iu_ioba + HVK_SRP_IU_MAX;
		slot->bounce = hvs->bounce_pool + (size_t)i * HVS_BOUNCE_BYTES;
		slot->bounce_ioba = hvs->bounce_pool_ioba +
				    (size_t)i * HVS_BOUNCE_BYTES;
		slot->descs = kcalloc(HVS_SG_TABLESIZE, sizeof(*slot->descs),
				      GFP_KERNEL);
		if (!slot->descs)
			goto free_descs;
	}
	spin_lock_irq(&hvs->lock);
	hvs->nr_slots = nr;
	spin_unlock_irq(&hvs->lock);
	return 0;

free_descs:
	while (i--)
		kfree(hvs->slots[i].descs);
	dma_free_coherent(dma, (size_t)nr * HVS_BOUNCE_BYTES, hvs->bounce_pool,
			  hvs->bounce_pool_ioba);
	hvs->bounce_pool = NULL;
free_pool:
	dma_free_coherent(dma, hvs->pool_size, hvs->pool, hvs->pool_ioba);
	hvs->pool = NULL;
free_slots:
	kfree(hvs->slots);
	hvs->slots = NULL;
	return -ENOMEM;
}

static void hvs_free_memory(struct hvs_host *hvs)
{
	struct device *dma = hvs->hdev->dma_dev;
	unsigned int i;

	if (hvs->slots) {
		for (i = 0; i < hvs->nr_slots; i++)
			kfree(hvs->slots[i].descs);
		kfree(hvs->slots);
	}
	if (hvs->bounce_pool)
		dma_free_coherent(dma, (size_t)hvs->nr_slots * HVS_BOUNCE_BYTES,
				  hvs->bounce_pool, hvs->bounce_pool_ioba);
	if (hvs->pool)
		dma_free_coherent(dma, hvs->pool_size, hvs->pool, hvs->pool_ioba);
	if (hvs->mgmt_mem)
		dma_free_coherent(dma, HVS_MGMT_BYTES, hvs->mgmt_mem,
				  hvs->mgmt_ioba);
}

static void hvs_init(struct hvs_host *hvs, struct Scsi_Host *shost,
		     struct hvk_device *hdev)
{
	int i;

	hvs->shost = shost;
	hvs->hdev = hdev;
	spin_lock_init(&hvs->lock);
	mutex_init(&hvs->mgmt_mutex);
	init_completion(&hvs->mgmt_done);
	init_waitqueue_head(&hvs->state_wait);
	INIT_WORK(&hvs->login_work, hvs_login_work);
	INIT_WORK(&hvs->reset_work, hvs_reset_work);
	hvs->state = HVS_CONNECTING;
	hvs->max_sectors = HVS_DEFAULT_SECTORS;
	hvs->max_it_iu_len = HVK_SRP_IU_MAX;
#ifdef HVKIT_TEST_HOOKS
	atomic_set(&hvs->lose_responses, 0);
	atomic_set(&hvs->purge_before_send, 0);
#endif
	for (i = 0; i < HVS_NR_COUNTERS; i++)
		atomic64_set(&hvs->counters[i], 0);
}

/* The host's limits from what the login and adapter info said. */
static void hvs_size_host(struct hvs_host *hvs)
{
	struct Scsi_Host *shost = hvs->shost;
	unsigned int depth = hvs->credit_limit - HVS_RESERVED_CREDIT;

	shost->can_queue = depth;
	shost->cmd_per_lun = depth;
	shost->max_sectors = hvs->max_sectors;
	shost->sg_tablesize = hvs->indirect_ok ? HVS_SG_TABLESIZE : 1;
	shost->max_id = clamp(max_id, 1U, 64U);
	shost->max_channel = min(max_channel, 7U);
	shost->max_lun = 32;
	shost->max_cmd_len = 16;
	shost->unique_id = hvs->hdev->unit_address;
}

static int hvs_probe(struct hvk_device *hdev, const struct hvk_device_id *id)
{
	struct Scsi_Host *shost;
	struct hvs_host *hvs;
	int err;

	shost = scsi_host_alloc(&hvs_template, sizeof(*hvs));
	if (!shost)
		return -ENOMEM;
	hvs = shost_priv(shost);
	hvs_init(hvs, shost, hdev);
	dev_set_drvdata(&hdev->dev, hvs);
	err = hvs_alloc_mgmt(hvs);
	if (err)
		goto put;
	err = hvk_crq_open(&hvs->crq, hdev, &hvs_crq_ops, hvs);
	if (err)
		goto free;
	wait_event_timeout(hvs->state_wait,
			   READ_ONCE(hvs->state) != HVS_CONNECTING,
			   login_timeout * HZ);
	if (READ_ONCE(hvs->state) != HVS_LOGGED_IN) {
		/* A failed login said why; only a silent partner is left. */
		if (READ_ONCE(hvs->state) == HVS_CONNECTING)
			dev_err(&hdev->dev, "no SRP login within %u s\n",
				login_timeout);
		err = -ENODEV;
		goto close;
	}
	err = hvs_alloc_slots(hvs, hvs->credit_limit - HVS_RESERVED_CREDIT);
	if (err)
		goto close;
	hvs_size_host(hvs);
	err = scsi_add_host_with_dma(shost, &hdev->dev, hdev->dma_dev);
	if (err)
		goto close;
	hvs->added = true;
	hvs_debugfs_init(hvs);
	dev_info(&hdev->dev, "%s: partner %s (SRP %s), request limit %d, max transfer %u KiB\n",
		 dev_name(&shost->shost_gendev), hvs->ai.partition_name,
		 hvs->ai.srp_version, hvs->credit_limit, hvs->max_sectors / 2);
	scsi_scan_host(shost);
	return 0;

close:
	hvk_crq_close(&hvs->crq);
	cancel_work_sync(&hvs->login_work);
	cancel_work_sync(&hvs->reset_work);
free:
	hvs_free_memory(hvs);
put:
	scsi_host_put(shost);
	return err;
}

static void hvs_remove(struct hvk_device *hdev)
{
	struct hvs_host *hvs = dev_get_drvdata(&hdev->dev);

	debugfs_remove_recursive(hvs->dbg);
	scsi_remove_host(hvs->shost);
	hvs->added = false;
	cancel_work_sync(&hvs->reset_work);
	hvk_crq_close(&hvs->crq);
	cancel_work_sync(&hvs->login_work);
	hvs_free_memory(hvs);
	scsi_host_put(hvs->shost);
}

static const struct hvk_device_id hvs_ids[] = {
	{ .type = "vscsi", .compat = "IBM,v-scsi" },
	{}
};

static struct hvk_driver hvs_driver = {
	.name = "hv_scsi",
	.id_table = hvs_ids,
	.probe = hvs_probe,
	.remove = hvs_remove,
};

static int __init hv_scsi_init(void)
{
	int err;

	hvs_debugfs_root = debugfs_create_dir("hv_scsi", NULL);
	err = hvk_driver_register(&hvs_driver);
	if (err)
		debugfs_remove_recursive(hvs_debugfs_root);
	return err;
}

static void __exit hv_scsi_exit(void)
{
	hvk_driver_unregister(&hvs_driver);
	debugfs_remove_recursive(hvs_debugfs_root);
}

module_init(hv_scsi_init);
module_exit(hv_scsi_exit);

MODULE_DESCRIPTION("hvkit v-scsi SRP initiator");
MODULE_AUTHOR("The hvkit developers");
MODULE_LICENSE("GPL");
MODULE_ALIAS("hvkit:TvscsiSIBM,v-scsi");
