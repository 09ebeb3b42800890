// SPDX-License-Identifier: GPL-2.0-only
/*
 * hv_net: l-lan (PAPR "IBM,l-lan", veth) devices as Ethernet interfaces.
 *
 * Receive: the buffers of each size class live in one region that is
 * mapped for DMA once, when the interface comes up. Every frame is copied
 * out, into a linear skb up to rx_copybreak bytes and into page fragments
 * above, and its buffer goes straight back to the hypervisor, so receiving
 * costs one H_ADD_LOGICAL_LAN_BUFFER per frame and no TCE hypercalls. The
 * hypervisor names the buffer it used by the correlator we stored in the
 * buffer's first 8 bytes; that, the offset and the length are checked
 * before anything is read (a frame longer than fits the fragments of an
 * skb is dropped), and a bad entry is counted and answered with a
 * device reset.
 *
 * Transmit: H_SEND_LOGICAL_LAN returns only once the hypervisor has
 * copied the frame. Frames up to tx_copybreak bytes are copied (and
 * checksummed) into one premapped 64 KiB buffer, which costs no TCE
 * hypercalls; larger ones are mapped where they lie, head and fragments
 * as up to six descriptors of one send, and unmapped when it returns.
 *
 * Interrupts: the hypervisor raises one edge per frame while they are
 * enabled and remembers nothing while they are not, so NAPI disables,
 * drains, enables and then looks at the queue once more.
 */
#define pr_fmt(fmt) "hv_net: " fmt

#include <linux/dma-mapping.h>
#include <linux/etherdevice.h>
#include <linux/interrupt.h>
#include <linux/module.h>
#include <linux/of.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>

#include <hvkit/busy.h>

#include "hv_net.h"

#define HVN_NAPI_WEIGHT		64
#define HVN_RX_COPYBREAK	256
#define HVN_TX_COPYBREAK	HVK_LLAN_TX_MAX
/* Consecutive failed buffer posts before the device is reset. */
#define HVN_ADD_FAIL_RESET	64
#define HVN_ADD_BATCH		8
#define HVN_ILLAN_MULTI_ADD	0x40000UL

/*
 * Frames above rx_copybreak go into fragments of this size, and no frame
 * longer than HVN_RX_FRAME_MAX is accepted (llan_codec.h).
 */
#define HVN_RX_FRAG	HVK_LLAN_RX_FRAG_SIZE(PAGE_SIZE)
#define HVN_RX_FRAME_MAX HVK_LLAN_RX_BUILD_MAX(HVN_RX_FRAG, MAX_SKB_FRAGS)
/*
 * The largest class holds frames of up to 69752 bytes, 18 fragments of
 * 4 KiB: one more than MAX_SKB_FRAGS. The parser accepts no frame longer
 * than its buffer nor than HVN_RX_FRAME_MAX, so every frame it accepts
 * fits an skb ...
 */
static_assert(DIV_ROUND_UP((HVN_RX_FRAME_MAX > HVK_LLAN_RX_CLASS_FRAME) ?
			   HVK_LLAN_RX_CLASS_FRAME : HVN_RX_FRAME_MAX,
			   HVN_RX_FRAG) <= MAX_SKB_FRAGS);
/* ... and every frame QEMU can deliver is built, none dropped. */
static_assert(HVK_LLAN_RX_FRAME_MAX <= HVN_RX_FRAME_MAX);

/* H_MULTICAST_CTRL flags. */
#define HVN_MC_RECV_MODIFY	0x80000UL
#define HVN_MC_RECV_ENABLE	0x20000UL
#define HVN_MC_FILTER_MODIFY	0x40000UL
#define HVN_MC_FILTER_ENABLE	0x10000UL
#define HVN_MC_ADD		0x1UL
#define HVN_MC_CLEAR		0x3UL

static unsigned int tx_copybreak = HVN_TX_COPYBREAK;
module_param(tx_copybreak, uint, 0444);
MODULE_PARM_DESC(tx_copybreak,
		 "frames up to this size are copied into a premapped buffer, larger ones mapped in place (ethtool tx-copybreak)");

static unsigned int rx_copybreak = HVN_RX_COPYBREAK;
module_param(rx_copybreak, uint, 0444);
MODULE_PARM_DESC(rx_copybreak,
		 "frames up to this size are copied into a linear skb, larger ones into page fragments (ethtool rx-copybreak)");

/* One line per burst: a misbehaving hypervisor must not flood the log. */
#define hvn_err_rl(n, fmt, ...)						\
	do {								\
		if (net_ratelimit())					\
			netdev_err((n)->ndev, fmt, ##__VA_ARGS__);	\
	} while (0)

/*
 * The receive interrupt is gated the way hv_vio drains a CRQ, by the
 * shared decision of include/hvkit/drain.h with NAPI as the round: a
 * pulse schedules a poll and leaves H_VIO_SIGNAL on; only a poll that
 * spends its budget, or a second pulse during one, turns it off, and the
 * poll that empties the queue turns it on again and looks once more. A
 * quiet queue thus costs no H_VIO_SIGNAL per interrupt. The decisions and
 * their hypercalls are made under irq_lock.
 */
static bool hvn_rxq_pending(struct hvn *n);

static bool hvn_drain_pending(struct hvk_drain_actor *a)
{
	return hvn_rxq_pending(container_of(a, struct hvn, rx_actor));
}

static void hvn_drain_schedule(struct hvk_drain_actor *a)
{
	napi_schedule(&container_of(a, struct hvn, rx_actor)->napi);
}

/* The interrupt cannot be enabled: the refill work schedules a poll. */
static void hvn_drain_schedule_later(struct hvk_drain_actor *a)
{
	struct hvn *n = container_of(a, struct hvn, rx_actor);

	schedule_delayed_work(&n->refill_work,
			      msecs_to_jiffies(HVK_DRAIN_POLL_MS));
}

/* Under irq_lock. */
static void hvn_drain_apply(struct hvn *n, unsigned int act)
{
	hvk_drain_apply(&n->drain, &n->rx_actor, act);
}

static void hvn_drain(struct hvn *n,
		      unsigned int (*decide)(struct hvk_drain_ctl *c))
{
	unsigned long flags;

	spin_lock_irqsave(&n->irq_lock, flags);
	hvn_drain_apply(n, decide(&n->drain));
	spin_unlock_irqrestore(&n->irq_lock, flags);
}

/*
 * Reset the device after bad input from the hypervisor, paced (busy.h,
 * "Pacing"): one that provokes a reset after every registration cannot
 * keep a CPU resetting back to back. Asks made while one is pending join
 * it.
 */
static void hvn_schedule_reset(struct hvn *n, const char *why)
{
	unsigned long flags;
	u32 ms;

	if (READ_ONCE(n->removing))
		return;
	netdev_err_once(n->ndev, "resetting the device: %s\n", why);
	spin_lock_irqsave(&n->irq_lock, flags);
	if (!delayed_work_pending(&n->reset_work)) {
		ms = hvk_reset_pace_next(&n->reset_pace,
					 jiffies64_to_msecs(get_jiffies_64()));
		if (ms)
			hvn_count(n, HVN_RESETS_PACED);
		schedule_delayed_work(&n->reset_work, msecs_to_jiffies(ms));
	}
	spin_unlock_irqrestore(&n->irq_lock, flags);
}

/* ---------------------------------------------------------------------- */
/* Receive buffers */

static void hvn_free_classes(struct hvn *n)
{
	struct device *dma = n->hdev->dma_dev;
	unsigned int i;

	for (i = 0; i < HVK_LLAN_MAX_CLASSES; i++) {
		struct hvn_class *c = &n->cls[i];

		if (c->cpu)
			dma_free_coherent(dma, c->bytes, c->cpu, c->dma);
		kfree(c->posted);
		memset(c, 0, sizeof(*c));
	}
	if (n->rxq)
		dma_free_coherent(dma, n->rxq_bytes, n->rxq, n->rxq_dma);
	n->rxq = NULL;
	kfree(n->refill);
	n->refill = NULL;
	n->nr_refill = 0;
	n->add_busy_active = false;
}

/* A long-lived buffer l-lan cannot address is worth one line in the log. */
static bool hvn_ioba_ok(struct hvn *n, dma_addr_t dma, size_t bytes)
{
	if (hvk_llan_ioba_fits(dma, bytes))
		return true;
	netdev_err(n->ndev, "DMA address %pad + %zu beyond 4 GiB\n", &dma,
		   bytes);
	return false;
}

static int hvn_alloc_classes(struct hvn *n)
{
	struct device *dma = n->hdev->dma_dev;
	unsigned int i;

	n->nr_buffers = hvk_llan_plan(n->ndev->mtu, HVN_RX_FRAME_MAX,
				      &n->layout);
	if (!n->nr_buffers)
		return -EINVAL;
	n->layout.gen = ++n->gen;
	for (i = 0; i < n->layout.nr_classes; i++) {
		struct hvn_class *c = &n->cls[i];

		c->size = n->layout.cls[i].size;
		c->count = n->layout.cls[i].count;
		c->bytes = (size_t)c->size * c->count;
		c->cpu = dma_alloc_coherent(dma, c->bytes, &c->dma, GFP_KERNEL);
		c->posted = kcalloc(c->count, 1, GFP_KERNEL);
		if (!c->cpu || !c->posted)
			goto nomem;
		if (!hvn_ioba_ok(n, c->dma, c->bytes))
			goto range;
	}
	n->rxq_entries = hvk_llan_rxq_entries(n->nr_buffers);
	n->rxq_bytes = (size_t)n->rxq_entries * HVK_LLAN_RXQ_ENTRY;
	n->rxq = dma_alloc_coherent(dma, n->rxq_bytes, &n->rxq_dma, GFP_KERNEL);
	n->refill = kcalloc(n->nr_buffers, sizeof(*n->refill), GFP_KERNEL);
	if (!n->rxq || !n->refill)
		goto nomem;
	if (!hvn_ioba_ok(n, n->rxq_dma, n->rxq_bytes))
		goto range;
	n->rxq_next = 0;
	n->rxq_toggle = true;
	/* Every buffer starts out waiting to be posted. */
	for (i = 0; i < n->layout.nr_classes; i++) {
		u32 j;

		for (j = 0; j < n->cls[i].count; j++)
			n->refill[n->nr_refill++] = i << 24 | j;
	}
	return 0;
nomem:
	hvn_free_classes(n);
	netdev_err(n->ndev, "no memory for receive buffers at MTU %u\n",
		   n->ndev->mtu);
	return -ENOMEM;
range:
	hvn_free_classes(n);
	return -ERANGE;
}

static void *hvn_buf(struct hvn *n, unsigned int cls, u32 index)
{
	return n->cls[cls].cpu + (size_t)index * n->cls[cls].size;
}

static u64 hvn_buf_bd(struct hvn *n, unsigned int cls, u32 index)
{
	struct hvn_class *c = &n->cls[cls];
	__be64 *corr = hvn_buf(n, cls, index);

	*corr = cpu_to_be64(hvk_llan_correlator(n->layout.gen, cls, index));
	return hvk_llan_bd((u32)c->dma + index * c->size, c->size);
}

/* Post up to @nr buffers from the end of the refill list in one hcall. */
static long hvn_post(struct hvn *n, unsigned int nr)
{
	struct hvk_hcall_regs regs = {};
	unsigned int i;
	long status;

	for (i = 0; i < nr; i++) {
		u32 ref = n->refill[n->nr_refill - 1 - i];

		regs.in[1 + i] = hvn_buf_bd(n, ref >> 24, ref & 0xffffff);
	}
	/* The correlators must be in memory before the hypervisor looks. */
	wmb();
	hvn_count(n, HVN_RX_ADD_HCALLS);
	if (nr > 1)
		status = hvk_dev_hcall(n->hdev, HVK_H_ADD_LOGICAL_LAN_BUFFERS,
				       &regs);
	else
		status = hvk_dev_hcall(n->hdev, HVK_H_ADD_LOGICAL_LAN_BUFFER,
				       &regs);
	if (status != HVK_H_SUCCESS)
		return status;
	for (i = 0; i < nr; i++) {
		u32 ref = n->refill[--n->nr_refill];

		n->cls[ref >> 24].posted[ref & 0xffffff] = 1;
	}
	hvn_add(n, HVN_RX_REPOSTS, nr);
	return status;
}

/*
 * A busy answer asks to be called again later, so it is no refusal: the
 * refill work posts again after the wait the busy policy gives for it,
 * without a log line and without a step toward a reset. Only a hypervisor
 * still busy when the policy's budget is spent is reported, and that
 * answer then counts as a refusal. PowerVM documents no busy answer for
 * buffer adds; a hypervisor that gives one is served all the same.
 */
static bool hvn_refill_later_if_busy(struct hvn *n, unsigned int nr,
				     long status)
{
	unsigned int opcode = nr > 1 ? HVK_H_ADD_LOGICAL_LAN_BUFFERS :
				       HVK_H_ADD_LOGICAL_LAN_BUFFER;
	enum hvk_busy_action act;
	unsigned long wait;

	/* The policy tells a busy answer from the rest: one place decides. */
	if (!n->add_busy_active)
		hvk_busy_init(&n->add_busy, HVK_BUSY_SLEEPING, 0, 0);
	act = hvk_busy_next(&n->add_busy, status, 0);
	if (act == HVK_BUSY_DONE)
		return false;
	if (act == HVK_BUSY_GIVE_UP) {
		hvk_busy_report(n->hdev, opcode, &n->add_busy);
		n->add_busy_active = false;
		return false;
	}
	n->add_busy_active = true;
	hvn_count(n, HVN_RX_ADD_BUSY);
	wait = usecs_to_jiffies(n->add_busy.wait_us) ?: 1;
	n->add_retry_at = jiffies + wait;
	schedule_delayed_work(&n->refill_work, wait);
	return true;
}

/*
 * Hand every waiting buffer back. Called from NAPI (or before NAPI runs).
 * A failure leaves the rest waiting; the refill work retries later, so a
 * hypervisor that refuses buffers for a while stalls receive only for that
 * while.
 */
static void hvn_refill(struct hvn *n)
{
	long status;

	/*
	 * Polls in the meantime leave a busy hypervisor its wait. The work
	 * may have been due sooner for another reason: it comes back.
	 */
	if (n->add_busy_active && time_before(jiffies, n->add_retry_at)) {
		schedule_delayed_work(&n->refill_work,
				      n->add_retry_at - jiffies);
		return;
	}
	while (n->nr_refill) {
		unsigned int nr = 1;

		if (n->multi_add)
			nr = min_t(unsigned int, n->nr_refill, HVN_ADD_BATCH);
		status = hvn_post(n, nr);
		if (status == HVK_H_SUCCESS) {
			n->add_failures = 0;
			n->add_busy_active = false;
			continue;
		}
		if (hvn_refill_later_if_busy(n, nr, status))
			return;
		if (nr > 1 && status == HVK_H_FUNCTION) {
			netdev_info(n->ndev, "H_ADD_LOGICAL_LAN_BUFFERS not implemented, posting one buffer per call\n");
			n->multi_add = false;
			continue;
		}
		hvn_count(n, HVN_RX_ADD_ERRORS);
		hvn_err_rl(n, "cannot post a receive buffer: %s (%ld), %u waiting\n",
			   hvk_hcall_status_name(status), status,
			   n->nr_refill);
		if (++n->add_failures >= HVN_ADD_FAIL_RESET) {
			n->add_failures = 0;
			hvn_schedule_reset(n, "receive buffers refused");
			return;
		}
		schedule_delayed_work(&n->refill_work, msecs_to_jiffies(10));
		return;
	}
}

static void hvn_refill_work(struct work_struct *work)
{
	struct hvn *n = container_of(to_delayed_work(work), struct hvn,
				     refill_work);

	/* NAPI owns the refill list; let it retry. */
	local_bh_disable();
	napi_schedule(&n->napi);
	local_bh_enable();
}

/* ---------------------------------------------------------------------- */
/* Receive queue */

static u8 *hvn_rxq_slot(struct hvn *n)
{
	return n->rxq + (size_t)n->rxq_next * HVK_LLAN_RXQ_ENTRY;
}

static bool hvn_rxq_pending(struct hvn *n)
{
	u8 flags = READ_ONCE(*hvn_rxq_slot(n));

	return !!(flags & HVK_LLAN_RXQ_TOGGLE) == n->rxq_toggle;
}

static void hvn_rxq_advance(struct hvn *n)
{
	if (++n->rxq_next == n->rxq_entries) {
		n->rxq_next = 0;
		n->rxq_toggle = !n->rxq_toggle;
	}
}

static void hvn_rx_deliver(struct hvn *n, struct sk_buff *skb,
			   const struct hvk_llan_rx *rx)
{
	if (rx->csum_good && (n->ndev->features & NETIF_F_RXCSUM))
		skb->ip_summed = CHECKSUM_UNNECESSARY;
	hvn_count(n, HVN_RX_PACKETS);
	hvn_add(n, HVN_RX_BYTES, rx->length);
}

/* Small frames: one linear skb. */
static void hvn_rx_copy(struct hvn *n, const u8 *data,
			const struct hvk_llan_rx *rx)
{
	struct sk_buff *skb;

	skb = napi_alloc_skb(&n->napi, rx->length);
	if (!skb) {
		hvn_count(n, HVN_RX_ALLOC_FAILED);
		return;
	}
	hvn_count(n, HVN_RX_SMALL_COPIES);
	skb_put_data(skb, data, rx->length);
	skb->protocol = eth_type_trans(skb, n->ndev);
	hvn_rx_deliver(n, skb, rx);
	napi_gro_receive(&n->napi, skb);
}

/* Larger frames: page fragments, handed to GRO without a linear part. */
static void hvn_rx_frags(struct hvn *n, const u8 *data,
			 const struct hvk_llan_rx *rx)
{
	struct sk_buff *skb = napi_get_frags(&n->napi);
	unsigned int done, chunk;
	struct page *page;
	u8 *frag;

	if (!skb)
		goto fail;
	for (done = 0; done < rx->length; done += chunk) {
		/* The parser's bound makes this impossible; check anyway. */
		if (unlikely(skb_shinfo(skb)->nr_frags >= MAX_SKB_FRAGS)) {
			napi_free_frags(&n->napi);
			hvn_count(n, HVN_RX_FRAGS_OVERFLOW);
			netdev_err_once(n->ndev, "dropped a %u-byte frame: more than %u fragments\n",
					rx->length, (unsigned int)MAX_SKB_FRAGS);
			return;
		}
		chunk = min_t(unsigned int, rx->length - done, HVN_RX_FRAG);
		frag = napi_alloc_frag(chunk);
		if (!frag) {
			napi_free_frags(&n->napi);
			goto fail;
		}
		memcpy(frag, data + done, chunk);
		page = virt_to_head_page(frag);
		skb_add_rx_frag(skb, skb_shinfo(skb)->nr_frags, page,
				frag - (u8 *)page_address(page), chunk,
				SKB_DATA_ALIGN(chunk));
	}
	hvn_rx_deliver(n, skb, rx);
	napi_gro_frags(&n->napi);
	return;
fail:
	hvn_count(n, HVN_RX_ALLOC_FAILED);
}

static void hvn_rx_frame(struct hvn *n, const struct hvk_llan_rx *rx)
{
	const u8 *data = hvn_buf(n, rx->cls, rx->index) + rx->offset;

	if (!hvk_llan_rx_nr_frags(rx->length, READ_ONCE(n->rx_copybreak),
				  HVN_RX_FRAG))
		hvn_rx_copy(n, data, rx);
	else
		hvn_rx_frags(n, data, rx);
}

/* Inside its buffer but longer than we build: drop it, keep the buffer. */
static void hvn_rx_too_long(struct hvn *n, const struct hvk_llan_rx *rx)
{
	hvn_count(n, HVN_RX_TOO_LONG);
	hvn_err_rl(n, "dropped a %u-byte frame: longer than %u bytes\n",
		   rx->length, n->layout.frame_max);
}

static const enum hvn_stat hvn_bad_verdict_stat[HVK_LLAN_RX_NR_VERDICTS] = {
	[HVK_LLAN_RX_BAD_CORRELATOR] = HVN_RX_BAD_CORRELATOR,
	[HVK_LLAN_RX_BAD_OFFSET] = HVN_RX_BAD_OFFSET,
	[HVK_LLAN_RX_BAD_LENGTH] = HVN_RX_BAD_LENGTH,
};

/* Consume one queue entry. Returns false when the queue is empty. */
static bool hvn_rx_one(struct hvn *n)
{
	u8 entry[HVK_LLAN_RXQ_ENTRY];
	enum hvk_llan_rx_verdict v;
	struct hvk_llan_rx rx;
	u8 *slot = hvn_rxq_slot(n);

	if (!hvn_rxq_pending(n))
		return false;
	/* The hypervisor writes the flags byte last. */
	dma_rmb();
	memcpy(entry, slot, sizeof(entry));
	v = hvk_llan_rxq_parse(entry, n->rxq_toggle, &n->layout, &rx);
	if (v == HVK_LLAN_RX_EMPTY)
		return false;
	hvn_rxq_advance(n);
	if (v == HVK_LLAN_RX_FRAME || v == HVK_LLAN_RX_UNUSED ||
	    v == HVK_LLAN_RX_TOO_LONG) {
		if (!n->cls[rx.cls].posted[rx.index]) {
			/* A buffer we own: the entry is stale or forged. */
			v = HVK_LLAN_RX_BAD_CORRELATOR;
		} else {
			n->cls[rx.cls].posted[rx.index] = 0;
			if (v == HVK_LLAN_RX_FRAME)
				hvn_rx_frame(n, &rx);
			else if (v == HVK_LLAN_RX_TOO_LONG)
				hvn_rx_too_long(n, &rx);
			else
				hvn_count(n, HVN_RX_UNUSED);
			n->refill[n->nr_refill++] = rx.cls << 24 | rx.index;
			return true;
		}
	}
	hvn_count(n, hvn_bad_verdict_stat[v]);
	hvn_err_rl(n, "bad receive queue entry %*phN (%s)\n",
		   HVK_LLAN_RXQ_ENTRY, entry,
		   v == HVK_LLAN_RX_BAD_CORRELATOR ? "correlator" :
		   v == HVK_LLAN_RX_BAD_OFFSET ? "offset" : "length");
	hvn_schedule_reset(n, "bad receive queue entry");
	return true;
}

static int hvn_poll(struct napi_struct *napi, int budget)
{
	struct hvn *n = container_of(napi, struct hvn, napi);
	unsigned long flags;
	int done = 0;

	hvn_count(n, HVN_RX_POLLS);
	while (done < budget && hvn_rx_one(n))
		done++;
	hvn_refill(n);
	/* netpoll's budget 0 reads nothing and decides nothing. */
	if (!budget)
		return 0;
	if (done < budget && !napi_complete_done(napi, done))
		return done;
	spin_lock_irqsave(&n->irq_lock, flags);
	if (done < budget)
		hvn_drain_apply(n, hvk_drain_round_done(&n->drain, done));
	else
		/* NAPI polls again by itself: only the signal may change. */
		hvn_drain_apply(n, hvk_drain_round_done(&n->drain,
							n->drain.budget) &
				   ~HVK_DRAIN_SCHEDULE);
	spin_unlock_irqrestore(&n->irq_lock, flags);
	return done;
}

static irqreturn_t hvn_interrupt(int irq, void *data)
{
	struct hvn *n = data;

	hvn_count(n, HVN_RX_IRQS);
	hvn_drain(n, hvk_drain_interrupt);
	return IRQ_HANDLED;
}

/* ---------------------------------------------------------------------- */
/* Registration */

static unsigned long hvn_mac_u64(const u8 *mac)
{
	return ether_addr_to_u64(mac);
}

/*
 * Called under rtnl (open, stop, MTU change, reset): busy answers are
 * waited out for the sleeping policy's default budget (5 s), each wait at
 * most 100 ms, whatever the hint (H_LONG_BUSY_100S asks for 100 s).
 */
static long hvn_free_lan(struct hvn *n)
{
	struct hvk_hcall_regs regs = {};
	struct hvk_busy busy;
	long status;

	hvk_busy_start_sleep(&busy, 0, 0);
	do {
		status = hvk_dev_hcall(n->hdev, HVK_H_FREE_LOGICAL_LAN, &regs);
	} while (hvk_busy_sleep(&busy, status));
	if (hvk_busy_gave_up(&busy))
		hvk_busy_report(n->hdev, HVK_H_FREE_LOGICAL_LAN, &busy);
	return status;
}

static long hvn_reg(void *ctx)
{
	struct hvn *n = ctx;
	struct hvk_hcall_regs regs = {
		.in[1] = n->buflist_dma,
		.in[2] = hvk_llan_bd((u32)n->rxq_dma, n->rxq_bytes),
		.in[3] = n->filter_dma,
		.in[4] = hvn_mac_u64(n->ndev->dev_addr),
	};

	memset(n->buflist, 0, HVK_LLAN_PAGE);
	memset(n->filter, 0, HVK_LLAN_PAGE);
	/* The zeroed pages must reach memory before the hypervisor reads them. */
	wmb();
	return hvk_dev_hcall(n->hdev, HVK_H_REGISTER_LOGICAL_LAN, &regs);
}

static void hvn_unreg(void *ctx)
{
	hvn_free_lan(ctx);
}

static const struct hvk_queue_reg_ops hvn_reg_ops = {
	.name = "H_REGISTER_LOGICAL_LAN",
	.opcode = HVK_H_REGISTER_LOGICAL_LAN,
	.reg = hvn_reg,
	.unreg = hvn_unreg,
};

static int hvn_register(struct hvn *n)
{
	bool reclaimed;
	long status;

	status = hvk_dev_register_queue(n->hdev, &hvn_reg_ops, n, &reclaimed);
	if (reclaimed)
		hvn_count(n, HVN_REG_RETRIES);
	if (status != HVK_H_SUCCESS) {
		hvn_count(n, HVN_REG_ERRORS);
		netdev_err(n->ndev, "H_REGISTER_LOGICAL_LAN failed: %s (%ld)\n",
			   hvk_hcall_status_name(status), status);
		return -EIO;
	}
	WRITE_ONCE(n->registered, true);
	return 0;
}

static int hvn_set_hv_mac(struct hvn *n, const u8 *mac)
{
	struct hvk_hcall_regs regs = { .in[1] = hvn_mac_u64(mac) };
	long status;

	status = hvk_dev_hcall(n->hdev, HVK_H_CHANGE_LOGICAL_LAN_MAC, &regs);
	if (status == HVK_H_SUCCESS)
		return 0;
	netdev_err(n->ndev, "H_CHANGE_LOGICAL_LAN_MAC failed: %s (%ld)\n",
		   hvk_hcall_status_name(status), status);
	return -EIO;
}

/* Frames the hypervisor dropped for want of a fitting buffer. */
static u64 hvn_drop_counter(struct hvn *n)
{
	const __be64 *p = n->buflist + HVK_LLAN_DROP_COUNTER;

	return be64_to_cpu(READ_ONCE(*p));
}

u64 hvn_no_buffer_drops(struct hvn *n)
{
	u64 now = 0;

	if (READ_ONCE(n->registered))
		now = hvn_drop_counter(n);
	return n->no_buffer_base + now;
}

u32 hvn_posted_buffers(struct hvn *n)
{
	/* A racy read of NAPI's list: good enough to report. */
	return READ_ONCE(n->registered) ?
	       n->nr_buffers - READ_ONCE(n->nr_refill) : 0;
}

static bool hvn_mcast_ctrl(struct hvn *n, unsigned long flags, const u8 *mac)
{
	struct hvk_hcall_regs regs = { .in[1] = flags };
	long status;

	if (mac)
		regs.in[2] = hvn_mac_u64(mac);
	status = hvk_dev_hcall(n->hdev, HVK_H_MULTICAST_CTRL, &regs);
	if (status == HVK_H_SUCCESS)
		return true;
	hvn_count(n, HVN_MCAST_ERRORS);
	hvn_err_rl(n, "H_MULTICAST_CTRL %#lx failed: %s (%ld)\n",
		   flags, hvk_hcall_status_name(status), status);
	return false;
}

static void hvn_set_rx_mode(struct net_device *ndev)
{
	struct hvn *n = netdev_priv(ndev);
	struct netdev_hw_addr *ha;
	unsigned long base = HVN_MC_RECV_MODIFY | HVN_MC_RECV_ENABLE |
			     HVN_MC_FILTER_MODIFY | HVN_MC_CLEAR;

	if (!READ_ONCE(n->registered))
		return;
	hvn_mcast_ctrl(n, base, NULL);
	/* Without filters (or room for them) the device takes all multicast. */
	if ((ndev->flags & (IFF_PROMISC | IFF_ALLMULTI)) || !n->mcast_filters ||
	    netdev_mc_count(ndev) > n->mcast_filters) {
		hvn_count(n, HVN_MCAST_ALLMULTI);
		return;
	}
	/*
	 * A group the hypervisor refused to add would be filtered out: leave
	 * the filter off (all multicast) rather than lose its frames.
	 */
	netdev_for_each_mc_addr(ha, ndev) {
		if (!hvn_mcast_ctrl(n, HVN_MC_ADD, ha->addr)) {
			hvn_count(n, HVN_MCAST_ALLMULTI);
			return;
		}
	}
	hvn_count(n, HVN_MCAST_FILTERED);
	hvn_mcast_ctrl(n, HVN_MC_FILTER_MODIFY | HVN_MC_FILTER_ENABLE, NULL);
}

/* ---------------------------------------------------------------------- */
/* Up and down */

/*
 * Free the registration. If the hypervisor refuses, it may still write
 * into the receive queue and buffers: keep them (hvn_free_classes() then
 * leaves them alone) rather than hand it memory the kernel reuses.
 */
static void hvn_unregister(struct hvn *n)
{
	struct hvn_class *c;
	long status;

	WRITE_ONCE(n->registered, false);
	status = hvn_free_lan(n);
	if (status == HVK_H_SUCCESS)
		return;
	netdev_err(n->ndev, "H_FREE_LOGICAL_LAN failed: %s (%ld); receive memory abandoned\n",
		   hvk_hcall_status_name(status), status);
	n->abandoned = true;
	for (c = n->cls; c < n->cls + HVK_LLAN_MAX_CLASSES; c++)
		c->cpu = NULL;
	n->rxq = NULL;
}

static void hvn_hw_stop(struct hvn *n)
{
	unsigned long flags;

	if (!n->hw_up)
		return;
	n->hw_up = false;
	netif_tx_disable(n->ndev);
	netif_carrier_off(n->ndev);
	/*
	 * The poll first: a poll that completes turns the interrupt back on,
	 * so turning it off before the last poll has run can leave it on.
	 * Once NAPI is disabled the handler schedules nothing and touches
	 * nothing, and the interrupt can go off and the handler away.
	 */
	napi_disable(&n->napi);
	spin_lock_irqsave(&n->irq_lock, flags);
	if (n->registered)
		hvk_drain_halt(&n->drain, &n->rx_actor);
	else
		hvk_drain_ctl_stop(&n->drain);
	spin_unlock_irqrestore(&n->irq_lock, flags);
	if (n->irq_requested) {
		free_irq(n->hdev->irq, n);
		n->irq_requested = false;
	}
	cancel_delayed_work_sync(&n->refill_work);
	if (n->registered) {
		n->no_buffer_base += hvn_drop_counter(n);
		hvn_unregister(n);
	}
	hvn_free_classes(n);
}

static int hvn_hw_start(struct hvn *n)
{
	struct net_device *ndev = n->ndev;
	int err;

	err = hvn_alloc_classes(n);
	if (err)
		return err;
	err = hvn_register(n);
	if (err)
		goto free;
	if (!ether_addr_equal(ndev->dev_addr, ndev->perm_addr)) {
		/* Registration gives the hypervisor the permanent address. */
		err = hvn_set_hv_mac(n, ndev->dev_addr);
		if (err)
			goto unregister;
	}
	err = request_irq(n->hdev->irq, hvn_interrupt, 0, ndev->name, n);
	if (err) {
		netdev_err(ndev, "cannot get irq %u: %d\n", n->hdev->irq, err);
		goto unregister;
	}
	n->irq_requested = true;
	hvn_refill(n);
	n->hw_up = true;
	napi_enable(&n->napi);
	netif_addr_lock_bh(ndev);
	hvn_set_rx_mode(ndev);
	netif_addr_unlock_bh(ndev);
	/*
	 * The signal's state after registration is not ours to assume: off,
	 * a poll for whatever arrived before, on once the queue is empty.
	 * Afresh: a pulse between the last stop's halt and its free_irq()
	 * left the decision polling, its NAPI schedule dropped.
	 */
	local_bh_disable();
	hvn_drain(n, hvk_drain_restart);
	local_bh_enable();
	netif_carrier_on(ndev);
	/*
	 * Wake, not start: after an MTU change or a reset, frames queued while
	 * the queue was off sit in the qdisc, and only a wake runs it again.
	 * TCP does not retransmit a segment still held there, so a start
	 * alone can stall a connection until some other frame is sent.
	 */
	netif_wake_queue(ndev);
	return 0;
unregister:
	hvn_unregister(n);
free:
	cancel_delayed_work_sync(&n->refill_work);
	hvn_free_classes(n);
	return err;
}

static int hvn_open(struct net_device *ndev)
{
	return hvn_hw_start(netdev_priv(ndev));
}

static int hvn_stop(struct net_device *ndev)
{
	hvn_hw_stop(netdev_priv(ndev));
	return 0;
}

static void hvn_reset_work(struct work_struct *work)
{
	struct hvn *n = container_of(to_delayed_work(work), struct hvn,
				     reset_work);
	int err;

	rtnl_lock();
	if (netif_running(n->ndev) && !n->removing) {
		hvn_count(n, HVN_RESETS);
		hvn_hw_stop(n);
		err = hvn_hw_start(n);
		if (err)
			netdev_err(n->ndev, "reset failed: %d; the interface stays down until set up again\n",
				   err);
		else
			netdev_info(n->ndev, "device reset\n");
	}
	rtnl_unlock();
}

static int hvn_change_mtu(struct net_device *ndev, int mtu)
{
	struct hvn *n = netdev_priv(ndev);
	unsigned int old = ndev->mtu;
	int err;

	if (!netif_running(ndev)) {
		ndev->mtu = mtu;
		return 0;
	}
	/* The buffer classes follow the MTU: re-register with new ones. */
	hvn_hw_stop(n);
	ndev->mtu = mtu;
	err = hvn_hw_start(n);
	if (!err)
		return 0;
	ndev->mtu = old;
	if (hvn_hw_start(n))
		netdev_err(ndev, "cannot come back up at MTU %u\n", old);
	return err;
}

static int hvn_set_mac_address(struct net_device *ndev, void *p)
{
	struct hvn *n = netdev_priv(ndev);
	struct sockaddr *addr = p;
	int err;

	if (!is_valid_ether_addr(addr->sa_data))
		return -EADDRNOTAVAIL;
	if (n->registered) {
		err = hvn_set_hv_mac(n, addr->sa_data);
		if (err)
			return err;
	}
	eth_hw_addr_set(ndev, addr->sa_data);
	return 0;
}

/* ---------------------------------------------------------------------- */
/* Transmit */

/*
 * Atomic context (ndo_start_xmit, maybe netpoll): busy answers are waited
 * out with the atomic policy, 1 us doubling to 64 us per wait and 500 us
 * in all, then the frame is dropped. The policy is set up only after a
 * first answer other than success.
 */
static long hvn_send(struct hvn *n, const u64 *bd, unsigned int nr)
{
	struct hvk_hcall_regs regs = {};
	struct hvk_busy busy;
	unsigned int i;
	long status;

	for (i = 0; i < nr; i++)
		regs.in[1 + i] = bd[i];
	status = hvk_dev_hcall(n->hdev, HVK_H_SEND_LOGICAL_LAN, &regs);
	if (likely(status == HVK_H_SUCCESS))
		return status;
	hvk_busy_start_atomic(&busy, 0, 0);
	while (hvk_busy_delay(&busy, status)) {
		hvn_count(n, HVN_TX_BUSY);
		status = hvk_dev_hcall(n->hdev, HVK_H_SEND_LOGICAL_LAN, &regs);
	}
	if (unlikely(hvk_busy_gave_up(&busy)))
		hvk_busy_report(n->hdev, HVK_H_SEND_LOGICAL_LAN, &busy);
	return status;
}

/* The pieces of a frame mapped in place, the first one maybe its head. */
struct hvn_tx_map {
	dma_addr_t dma[HVK_LLAN_TX_DESCS];
	u32 len[HVK_LLAN_TX_DESCS];
	u64 bd[HVK_LLAN_TX_DESCS];
	unsigned int nr;
	bool head;
};

static void hvn_tx_unmap(struct hvn *n, struct hvn_tx_map *m)
{
	struct device *dma = n->hdev->dma_dev;
	unsigned int i;

	for (i = 0; i < m->nr; i++) {
		if (i == 0 && m->head)
			dma_unmap_single(dma, m->dma[i], m->len[i],
					 DMA_TO_DEVICE);
		else
			dma_unmap_page(dma, m->dma[i], m->len[i],
				       DMA_TO_DEVICE);
	}
	m->nr = 0;
}

/* Records one mapped piece; false when l-lan cannot address it. */
static bool hvn_tx_piece(struct hvn_tx_map *m, dma_addr_t dma, u32 len)
{
	m->dma[m->nr] = dma;
	m->len[m->nr] = len;
	m->bd[m->nr] = hvk_llan_bd((u32)dma, len);
	m->nr++;
	return hvk_llan_ioba_fits(dma, len);
}

static bool hvn_tx_map(struct hvn *n, struct sk_buff *skb,
		       struct hvn_tx_map *m)
{
	struct device *dma = n->hdev->dma_dev;
	unsigned int i, head = skb_headlen(skb);
	dma_addr_t addr;

	m->nr = 0;
	m->head = head != 0;
	if (head) {
		addr = dma_map_single(dma, skb->data, head, DMA_TO_DEVICE);
		if (dma_mapping_error(dma, addr) ||
		    !hvn_tx_piece(m, addr, head))
			goto undo;
	}
	for (i = 0; i < skb_shinfo(skb)->nr_frags; i++) {
		const skb_frag_t *f = &skb_shinfo(skb)->frags[i];

		addr = skb_frag_dma_map(dma, f, 0, skb_frag_size(f),
					DMA_TO_DEVICE);
		if (dma_mapping_error(dma, addr) ||
		    !hvn_tx_piece(m, addr, skb_frag_size(f)))
			goto undo;
	}
	return true;
undo:
	hvn_tx_unmap(n, m);
	return false;
}

/*
 * Sends a large frame from its own pages, one descriptor per piece, which
 * saves copying it at the price of mapping it. False, with nothing sent,
 * when the frame has to be copied instead: more pieces than descriptors,
 * a checksum that cannot be filled in, or no mapping.
 */
static bool hvn_xmit_mapped(struct hvn *n, struct sk_buff *skb,
			    long *status)
{
	unsigned int pieces = !!skb_headlen(skb) + skb_shinfo(skb)->nr_frags;
	struct hvn_tx_map m;

	if (pieces > HVK_LLAN_TX_DESCS || skb_has_frag_list(skb))
		return false;
	if (skb->ip_summed == CHECKSUM_PARTIAL && skb_checksum_help(skb))
		goto fallback;
	if (!hvn_tx_map(n, skb, &m))
		goto fallback;
	*status = hvn_send(n, m.bd, m.nr);
	hvn_tx_unmap(n, &m);
	hvn_count(n, HVN_TX_MAPPED);
	hvn_add(n, HVN_TX_DESCRIPTORS, pieces);
	return true;
fallback:
	hvn_count(n, HVN_TX_MAP_FALLBACKS);
	return false;
}

/* Small frames: copied (and checksummed) into the premapped buffer. */
static long hvn_xmit_copy(struct hvn *n, struct sk_buff *skb)
{
	unsigned int len = skb->len;
	u64 bd;

	skb_copy_and_csum_dev(skb, n->txbuf);
	if (len < ETH_ZLEN) {
		memset(n->txbuf + len, 0, ETH_ZLEN - len);
		len = ETH_ZLEN;
	}
	/* The frame must be in memory before the hypervisor copies it. */
	wmb();
	bd = hvk_llan_bd((u32)n->txbuf_dma, len);
	return hvn_send(n, &bd, 1);
}

static void hvn_tx_account(struct hvn *n, unsigned int len, long status)
{
	u32 hint;

	if (status == HVK_H_SUCCESS) {
		hvn_count(n, HVN_TX_PACKETS);
		hvn_add(n, HVN_TX_BYTES, len);
	} else if (hvk_busy_hint_us(status, &hint)) {
		/* hvn_send() gave up and said so. */
		hvn_count(n, HVN_TX_BUSY_DROPPED);
	} else if (status == HVK_H_DROPPED) {
		hvn_count(n, HVN_TX_DROPPED);
	} else {
		hvn_count(n, HVN_TX_ERRORS);
		hvn_err_rl(n, "H_SEND_LOGICAL_LAN failed: %s (%ld)\n",
			   hvk_hcall_status_name(status), status);
	}
}

static netdev_tx_t hvn_start_xmit(struct sk_buff *skb, struct net_device *ndev)
{
	struct hvn *n = netdev_priv(ndev);
	unsigned int len = skb->len;
	long status;

	if (len < HVK_LLAN_ETH_HLEN || len > HVK_LLAN_TX_MAX) {
		hvn_count(n, HVN_TX_LENGTH_ERRORS);
		dev_kfree_skb_any(skb);
		return NETDEV_TX_OK;
	}
	/* Mapped frames are never padded: they are longer than ETH_ZLEN. */
	if (len <= max_t(u32, READ_ONCE(n->tx_copybreak), ETH_ZLEN) ||
	    !hvn_xmit_mapped(n, skb, &status))
		status = hvn_xmit_copy(n, skb);
	hvn_tx_account(n, len, status);
	dev_consume_skb_any(skb);
	return NETDEV_TX_OK;
}

static void hvn_get_stats64(struct net_device *ndev,
			    struct rtnl_link_stats64 *s)
{
	struct hvn *n = netdev_priv(ndev);

#define HVN_READ(x)	((u64)atomic64_read(&n->stats[x]))
	s->rx_packets = HVN_READ(HVN_RX_PACKETS);
	s->rx_bytes = HVN_READ(HVN_RX_BYTES);
	s->tx_packets = HVN_READ(HVN_TX_PACKETS);
	s->tx_bytes = HVN_READ(HVN_TX_BYTES);
	s->rx_errors = HVN_READ(HVN_RX_BAD_CORRELATOR) +
		       HVN_READ(HVN_RX_BAD_OFFSET) + HVN_READ(HVN_RX_BAD_LENGTH) +
		       HVN_READ(HVN_RX_TOO_LONG);
	s->rx_length_errors = HVN_READ(HVN_RX_BAD_LENGTH) +
			      HVN_READ(HVN_RX_TOO_LONG);
	s->rx_dropped = HVN_READ(HVN_RX_ALLOC_FAILED) +
			HVN_READ(HVN_RX_FRAGS_OVERFLOW);
	s->rx_missed_errors = hvn_no_buffer_drops(n);
	s->tx_errors = HVN_READ(HVN_TX_ERRORS) + HVN_READ(HVN_TX_LENGTH_ERRORS);
	s->tx_dropped = HVN_READ(HVN_TX_DROPPED) +
			HVN_READ(HVN_TX_BUSY_DROPPED) +
			HVN_READ(HVN_TX_LENGTH_ERRORS);
#undef HVN_READ
}

static const struct net_device_ops hvn_netdev_ops = {
	.ndo_open = hvn_open,
	.ndo_stop = hvn_stop,
	.ndo_start_xmit = hvn_start_xmit,
	.ndo_set_rx_mode = hvn_set_rx_mode,
	.ndo_set_mac_address = hvn_set_mac_address,
	.ndo_change_mtu = hvn_change_mtu,
	.ndo_get_stats64 = hvn_get_stats64,
	.ndo_validate_addr = eth_validate_addr,
};

/* ---------------------------------------------------------------------- */
/* Probe and remove */

static void hvn_read_mac(struct hvn *n)
{
	struct device_node *np = n->hdev->dev.of_node;
	const u8 *prop;
	u8 mac[ETH_ALEN];
	int len = 0;

	prop = np ? of_get_property(np, "local-mac-address", &len) : NULL;
	if (!hvk_llan_parse_mac(prop, len, mac) && is_valid_ether_addr(mac)) {
		eth_hw_addr_set(n->ndev, mac);
		return;
	}
	eth_hw_addr_random(n->ndev);
	netdev_warn(n->ndev, "no usable local-mac-address (length %d): random %pM\n",
		    len, n->ndev->dev_addr);
}

/* PowerVM can take eight receive buffers per hcall; QEMU cannot. */
static void hvn_query_attributes(struct hvn *n)
{
	struct hvk_hcall_regs regs = {};

	if (hvk_dev_hcall(n->hdev, HVK_H_ILLAN_ATTRIBUTES, &regs) == HVK_H_SUCCESS)
		n->multi_add = regs.out[0] & HVN_ILLAN_MULTI_ADD;
}

static void hvn_free_fixed(struct hvn *n)
{
	struct device *dma = n->hdev->dma_dev;

	if (n->txbuf)
		dma_free_coherent(dma, HVK_LLAN_TX_MAX, n->txbuf, n->txbuf_dma);
	/* Still registered with the hypervisor: it may write these. */
	if (n->abandoned)
		return;
	if (n->filter)
		dma_free_coherent(dma, HVK_LLAN_PAGE, n->filter, n->filter_dma);
	if (n->buflist)
		dma_free_coherent(dma, HVK_LLAN_PAGE, n->buflist,
				  n->buflist_dma);
}

/* The pages that live as long as the device. */
static int hvn_alloc_fixed(struct hvn *n)
{
	struct device *dma = n->hdev->dma_dev;

	n->buflist = dma_alloc_coherent(dma, HVK_LLAN_PAGE, &n->buflist_dma,
					GFP_KERNEL);
	n->filter = dma_alloc_coherent(dma, HVK_LLAN_PAGE, &n->filter_dma,
				       GFP_KERNEL);
	n->txbuf = dma_alloc_coherent(dma, HVK_LLAN_TX_MAX, &n->txbuf_dma,
				      GFP_KERNEL);
	if (!n->buflist || !n->filter || !n->txbuf)
		return -ENOMEM;
	if (!hvn_ioba_ok(n, n->buflist_dma, HVK_LLAN_PAGE) ||
	    !hvn_ioba_ok(n, n->filter_dma, HVK_LLAN_PAGE) ||
	    !hvn_ioba_ok(n, n->txbuf_dma, HVK_LLAN_TX_MAX))
		return -ERANGE;
	return 0;
}

static int hvn_probe(struct hvk_device *hdev, const struct hvk_device_id *id)
{
	struct net_device *ndev;
	struct hvn *n;
	int err;

	/* The receive queue is announced by its interrupt alone. */
	if (!hdev->irq) {
		dev_err(&hdev->dev, "l-lan has no interrupt: not binding hv_net\n");
		return -ENODEV;
	}
	ndev = alloc_etherdev(sizeof(*n));
	if (!ndev)
		return -ENOMEM;
	SET_NETDEV_DEV(ndev, &hdev->dev);
	n = netdev_priv(ndev);
	n->ndev = ndev;
	n->hdev = hdev;
	n->rx_copybreak = min_t(u32, rx_copybreak, HVK_LLAN_RX_FRAME_MAX);
	n->tx_copybreak = min_t(u32, tx_copybreak, HVK_LLAN_TX_MAX);
	INIT_DELAYED_WORK(&n->reset_work, hvn_reset_work);
	INIT_DELAYED_WORK(&n->refill_work, hvn_refill_work);
	spin_lock_init(&n->irq_lock);
	hvk_drain_ctl_init(&n->drain, NAPI_POLL_WEIGHT);
	n->rx_actor = (struct hvk_drain_actor){
		.hdev = hdev,
		.pending = hvn_drain_pending,
		.schedule = hvn_drain_schedule,
		.schedule_later = hvn_drain_schedule_later,
	};

	err = hvn_alloc_fixed(n);
	if (err) {
		dev_err(&hdev->dev, "cannot allocate its DMA pages: %d\n", err);
		goto free;
	}
	hvn_read_mac(n);
	if (hdev->dev.of_node)
		of_property_read_u32(hdev->dev.of_node, "ibm,mac-address-filters",
				     &n->mcast_filters);
	hvn_query_attributes(n);

	ndev->netdev_ops = &hvn_netdev_ops;
	ndev->ethtool_ops = &hvn_ethtool_ops;
	ndev->min_mtu = HVK_LLAN_MIN_MTU;
	ndev->max_mtu = HVK_LLAN_MAX_MTU;
	/*
	 * The hypervisor offloads nothing, but the copy into the send buffer
	 * can compute the checksum on the way, so scatter/gather and
	 * checksum "offload" cost no extra pass over the data.
	 */
	ndev->hw_features = NETIF_F_SG | NETIF_F_HW_CSUM | NETIF_F_HIGHDMA |
			    NETIF_F_RXCSUM;
	ndev->features = ndev->hw_features;
	ndev->priv_flags |= IFF_LIVE_ADDR_CHANGE;
	netif_napi_add(ndev, &n->napi, hvn_poll);
	netif_carrier_off(ndev);

	err = register_netdev(ndev);
	if (err) {
		dev_err(&hdev->dev, "cannot register the netdev: %d\n", err);
		goto napi;
	}
	dev_set_drvdata(&hdev->dev, n);
	netdev_info(ndev, "l-lan %x, MAC %pM, %u multicast filters\n",
		    hdev->unit_address, ndev->dev_addr, n->mcast_filters);
	return 0;
napi:
	netif_napi_del(&n->napi);
free:
	hvn_free_fixed(n);
	free_netdev(ndev);
	return err;
}

static void hvn_remove(struct hvk_device *hdev)
{
	struct hvn *n = dev_get_drvdata(&hdev->dev);
	struct net_device *ndev = n->ndev;

	WRITE_ONCE(n->removing, true);
	cancel_delayed_work_sync(&n->reset_work);
	unregister_netdev(ndev);
	cancel_delayed_work_sync(&n->reset_work);
	cancel_delayed_work_sync(&n->refill_work);
	netif_napi_del(&n->napi);
	hvn_free_fixed(n);
	dev_set_drvdata(&hdev->dev, NULL);
	free_netdev(ndev);
}

static const struct hvk_device_id hvn_ids[] = {
	{ .type = "network", .compat = "IBM,l-lan" },
	{ }
};

static struct hvk_driver hvn_driver = {
	.name = "hv_net",
	.id_table = hvn_ids,
	.probe = hvn_probe,
	.remove = hvn_remove,
};

static int __init hvn_init(void)
{
	return hvk_driver_register(&hvn_driver);
}

static void __exit hvn_exit(void)
{
	hvk_driver_unregister(&hvn_driver);
}

module_init(hvn_init);
module_exit(hvn_exit);

MODULE_DESCRIPTION("hvkit l-lan (veth) network driver");
MODULE_AUTHOR("The hvkit developers");
MODULE_LICENSE("GPL");
