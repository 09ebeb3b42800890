// SPDX-License-Identifier: GPL-2.0-only
/*
 * HVSI on "hvterm-protocol" vtys: the packet layer between the hvc
 * callbacks and H_GET/PUT_TERM_CHAR.
 *
 * Output: tty data goes out in data packets of at most 12 bytes, so that
 * each packet is exactly one hypercall. Input: the answers are reassembled
 * into packets (hvsi_codec.c); data packets feed the tty, the others drive
 * the protocol.
 *
 * Handshake: on open, the guest asks for the other side's version and
 * answers the other side's version query; the protocol is established
 * once our answer is out. A version other than 1 in the answer to our
 * query fails the open. A close from the other side restarts the
 * handshake. Replies the input path owes are sent from a work item: input
 * is read with interrupts off, where a busy hypervisor cannot be waited
 * for.
 *
 * Modem lines: DTR follows the tty (raised on open, dropped on a hang-up
 * close, TIOCMSET); carrier detect comes from the other side and is what
 * TIOCMGET reports.
 */
#include <linux/device.h>
#include <linux/slab.h>
#include <linux/sysfs.h>
#include <linux/wait.h>
#include <hvkit/busy.h>

#include "hvc_iface.h"
#include "vty.h"

/* How long an open waits for the other side's handshake. */
#define HVSI_OPEN_TIMEOUT_MS	2000
/* How long a protocol packet may wait out busy answers (sleeping policy). */
#define HVSI_SEND_WAIT_MS	1000
static const char * const hvsi_state_names[] = {
	[HVSI_CLOSED] = "closed",
	[HVSI_HANDSHAKE] = "handshake",
	[HVSI_ESTABLISHED] = "established",
	[HVSI_UNSUPPORTED] = "unsupported",
};

static u16 hvsi_next_seqno(struct vty_slot *s)
{
	return (u16)atomic_inc_return(&s->hvsi_seqno);
}

/* One packet of at most 16 bytes in one hypercall. */
static long hvsi_put_packet(struct vty_slot *s, const u8 *pkt,
			    unsigned int len)
{
	unsigned int n;
	u64 hi, lo;

	n = hvk_vty_encode(pkt, len, &hi, &lo);
	return vty_slot_put(s, n, hi, lo);
}

/* A protocol packet, from process context: busy answers are waited out. */
static int hvsi_send_wait(struct vty_slot *s, struct hvk_vty *vty,
			  const u8 *pkt, unsigned int len)
{
	struct hvk_busy busy;
	long status;

	hvk_busy_start_sleep(&busy, HVSI_SEND_WAIT_MS, 0);
	do {
		status = hvsi_put_packet(s, pkt, len);
	} while (hvk_busy_sleep(&busy, status));
	if (status == HVK_H_SUCCESS)
		return 0;
	if (hvk_busy_gave_up(&busy)) {
		hvk_busy_report(vty->hdev, HVK_H_PUT_TERM_CHAR, &busy);
		return -EBUSY;
	}
	dev_err_ratelimited(&vty->hdev->dev,
			    "HVSI packet type %#x: H_PUT_TERM_CHAR failed: %s (%ld)\n",
			    pkt[0], hvk_hcall_status_name(status), status);
	return -EIO;
}

int hvsi_put_chars(struct vty_slot *s, struct hvk_vty *vty, const u8 *buf,
		   unsigned int count)
{
	u8 pkt[HVK_VTY_CHUNK];
	unsigned int done = 0, n, len;
	long status;
	u32 hint;

	while (done < count) {
		n = min_t(unsigned int, count - done, HVK_HVSI_DATA_PER_CALL);
		len = hvk_hvsi_build_data(pkt, hvsi_next_seqno(s), buf + done,
					  n);
		status = hvsi_put_packet(s, pkt, len);
		if (hvk_busy_hint_us(status, &hint)) {
			if (vty_put_busy(s, vty, status, n))
				break;
			/* printk gave up on it (vty_flush()). */
			done += n;
			continue;
		}
		done += n;
		if (status == HVK_H_SUCCESS)
			vty_put_ok(s);
		if (!vty)
			continue;
		if (status == HVK_H_SUCCESS) {
			atomic64_add(n, &vty->counters[VTY_BYTES_OUT]);
			continue;
		}
		/* As on raw vtys: a hard failure loses this packet only. */
		atomic64_inc(&vty->counters[VTY_PUT_ERRORS]);
		atomic64_add(n, &vty->counters[VTY_BYTES_DROPPED]);
		dev_err_ratelimited(&vty->hdev->dev,
				    "H_PUT_TERM_CHAR failed: %s (%ld), %u bytes dropped\n",
				    hvk_hcall_status_name(status), status, n);
	}
	if (!done && count)
		return -EAGAIN;
	return done;
}

static void hvsi_set_carrier(struct hvk_hvsi *h, bool carrier)
{
	if (h->carrier != carrier)
		h->carrier_changes++;
	h->carrier = carrier;
}

/* A non-data packet from the other side. Called with rx_lock held. */
static void hvsi_got_packet(void *ctx, const struct hvk_hvsi_packet *pkt)
{
	struct hvk_vty *vty = ctx;
	struct hvk_hvsi *h = vty->hvsi;

	switch (pkt->type) {
	case HVK_HVSI_QUERY:
		/* The other side never needs our modem status: DTR is sent. */
		if (pkt->verb != HVK_HVSI_QUERY_VERSION)
			return;
		h->owe_version_response = true;
		h->owed_query_seqno = pkt->seqno;
		schedule_work(&h->work);
		return;
	case HVK_HVSI_RESPONSE:
		if (pkt->verb == HVK_HVSI_QUERY_MODEM_CTL) {
			hvsi_set_carrier(h, pkt->word & HVK_HVSI_CD);
			return;
		}
		h->peer_version = pkt->version;
		if (pkt->version != HVK_HVSI_VERSION) {
			WRITE_ONCE(h->state, HVSI_UNSUPPORTED);
			wake_up(&h->wait);
		}
		return;
	case HVK_HVSI_CONTROL:
		if (pkt->verb == HVK_HVSI_MODEM_CTL_UPDATE) {
			hvsi_set_carrier(h, pkt->word & HVK_HVSI_CD);
		} else if (pkt->verb == HVK_HVSI_CLOSE_PROTOCOL) {
			h->closes_received++;
			WRITE_ONCE(h->state, HVSI_CLOSED);
			h->owe_handshake = true;
			schedule_work(&h->work);
		}
		return;
	}
}

/* One H_GET_TERM_CHAR answer, for the packet reader. */
static int hvsi_answer(void *ctx, u8 *raw)
{
	struct hvk_vty *vty = ctx;

	return vty_get_answer(vty, raw);
}

static const struct hvk_hvsi_in_ops hvsi_in_ops = {
	.answer = hvsi_answer,
	.packet = hvsi_got_packet,
};

int hvsi_get_chars(struct vty_slot *s, struct hvk_vty *vty, u8 *buf,
		   unsigned int count)
{
	unsigned long flags;
	unsigned int got;
	bool again;

	spin_lock_irqsave(&vty->rx_lock, flags);
	got = hvk_hvsi_read(&vty->hvsi->in, &hvsi_in_ops, vty, buf, count,
			    &again);
	spin_unlock_irqrestore(&vty->rx_lock, flags);
	atomic64_add(got, &vty->counters[VTY_BYTES_IN]);
	if (got)
		vty_read_progress(vty);
	if (!again || got)
		return got;
	/*
	 * HVK_HVSI_ANSWERS_PER_READ answers and not a byte of data: a long
	 * packet in small answers, or a hypervisor that sends packets
	 * without data. Either way the read ends here, with interrupts on
	 * again; the reader comes straight back for the rest
	 * (vty_read_again()), and hvsi/reads_cut counts it.
	 */
	if (!xchg(&vty->hvsi->cut_logged, true))
		dev_info(&vty->hdev->dev,
			 "HVSI: %u answers in one read brought no data; reading on at once (counted in hvsi/reads_cut)\n",
			 HVK_HVSI_ANSWERS_PER_READ);
	vty_read_again(vty);
	return -EAGAIN;
}

static int hvsi_send_query(struct vty_slot *s, struct hvk_vty *vty, u16 verb)
{
	u8 pkt[HVK_HVSI_QUERY_LEN];

	hvk_hvsi_build_query(pkt, hvsi_next_seqno(s), verb);
	return hvsi_send_wait(s, vty, pkt, sizeof(pkt));
}

/*
 * Move to @to unless the input path has meanwhile found the other side's
 * version unsupported, which only a new handshake may undo (@force).
 */
static void hvsi_set_state(struct hvk_vty *vty, enum hvsi_state to,
			   bool force)
{
	struct hvk_hvsi *h = vty->hvsi;

	spin_lock_irq(&vty->rx_lock);
	if (force || h->state != HVSI_UNSUPPORTED)
		WRITE_ONCE(h->state, to);
	spin_unlock_irq(&vty->rx_lock);
	wake_up(&h->wait);
}

static void hvsi_start_handshake(struct vty_slot *s, struct hvk_vty *vty)
{
	struct hvk_hvsi *h = vty->hvsi;

	spin_lock_irq(&vty->rx_lock);
	h->handshakes++;
	WRITE_ONCE(h->state, HVSI_HANDSHAKE);
	spin_unlock_irq(&vty->rx_lock);
	if (hvsi_send_query(s, vty, HVK_HVSI_QUERY_VERSION))
		hvsi_set_state(vty, HVSI_CLOSED, false);
}

static void hvsi_send_version_response(struct vty_slot *s,
				       struct hvk_vty *vty, u16 query_seqno)
{
	struct hvk_hvsi *h = vty->hvsi;
	u8 pkt[HVK_HVSI_RESPONSE_LEN];

	hvk_hvsi_build_version_response(pkt, hvsi_next_seqno(s), query_seqno);
	if (hvsi_send_wait(s, vty, pkt, sizeof(pkt)))
		return;
	hvsi_set_state(vty, HVSI_ESTABLISHED, false);
	if (READ_ONCE(h->state) != HVSI_ESTABLISHED)
		return;
	/* Learn the carrier; the answer comes through the input path. */
	hvsi_send_query(s, vty, HVK_HVSI_QUERY_MODEM_CTL);
}

static void hvsi_work(struct work_struct *work)
{
	struct hvk_hvsi *h = container_of(work, struct hvk_hvsi, work);
	struct hvk_vty *vty = h->vty;
	bool respond, handshake;
	u16 seqno;

	spin_lock_irq(&vty->rx_lock);
	handshake = h->owe_handshake;
	respond = h->owe_version_response;
	seqno = h->owed_query_seqno;
	h->owe_handshake = false;
	h->owe_version_response = false;
	spin_unlock_irq(&vty->rx_lock);

	if (handshake)
		hvsi_start_handshake(h->slot, vty);
	if (respond)
		hvsi_send_version_response(h->slot, vty, seqno);
}

static bool hvsi_settled(const struct hvk_hvsi *h)
{
	enum hvsi_state state = READ_ONCE(h->state);

	return state == HVSI_ESTABLISHED || state == HVSI_UNSUPPORTED;
}

int hvsi_open(struct vty_slot *s, struct hvk_vty *vty)
{
	struct hvk_hvsi *h = vty->hvsi;
	enum hvsi_state state;
	long left;

	if (READ_ONCE(h->state) == HVSI_ESTABLISHED)
		return 0;
	hvsi_start_handshake(s, vty);
	/* The answers arrive through the input path. */
	vty_kick_input(vty);
	left = wait_event_interruptible_timeout(h->wait, hvsi_settled(h),
						msecs_to_jiffies(HVSI_OPEN_TIMEOUT_MS));
	state = READ_ONCE(h->state);
	if (state == HVSI_ESTABLISHED)
		return 0;
	if (state == HVSI_UNSUPPORTED) {
		dev_err(&vty->hdev->dev,
			"HVSI: the other side speaks version %u, hv_console only %u\n",
			h->peer_version, HVK_HVSI_VERSION);
		return -EPROTONOSUPPORT;
	}
	if (left < 0)
		return left;
	dev_err(&vty->hdev->dev,
		"HVSI: no handshake from the other side within %u ms\n",
		HVSI_OPEN_TIMEOUT_MS);
	return -ETIMEDOUT;
}

void hvsi_set_dtr(struct vty_slot *s, struct hvk_vty *vty, bool dtr)
{
	u8 pkt[HVK_HVSI_CONTROL_LEN];

	hvk_hvsi_build_control(pkt, hvsi_next_seqno(s), HVK_HVSI_SET_MODEM_CTL,
			       dtr ? HVK_HVSI_DTR : 0, HVK_HVSI_DTR);
	if (!hvsi_send_wait(s, vty, pkt, sizeof(pkt)))
		WRITE_ONCE(vty->hvsi->dtr, dtr);
}

int hvsi_init(struct vty_slot *s, struct hvk_vty *vty)
{
	struct hvk_hvsi *h;

	h = devm_kzalloc(&vty->hdev->dev, sizeof(*h), GFP_KERNEL);
	if (!h)
		return -ENOMEM;
	h->vty = vty;
	h->slot = s;
	h->state = HVSI_CLOSED;
	INIT_WORK(&h->work, hvsi_work);
	init_waitqueue_head(&h->wait);
	vty->hvsi = h;
	return 0;
}

void hvsi_exit(struct hvk_vty *vty)
{
	if (vty->hvsi)
		cancel_work_sync(&vty->hvsi->work);
}

/* sysfs: <device>/hvsi/ */
static struct hvk_hvsi *dev_hvsi(struct device *dev)
{
	return ((struct hvk_vty *)dev_get_drvdata(dev))->hvsi;
}

static ssize_t state_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	return sysfs_emit(buf, "%s\n",
			  hvsi_state_names[READ_ONCE(dev_hvsi(dev)->state)]);
}
static DEVICE_ATTR_RO(state);

enum hvsi_value {
	HVSI_CARRIER, HVSI_DTR, HVSI_PEER_VERSION, HVSI_HANDSHAKES,
	HVSI_CLOSES_RECEIVED, HVSI_CARRIER_CHANGES, HVSI_BAD_TYPE,
	HVSI_BAD_LENGTH, HVSI_BAD_VERB, HVSI_READS_CUT, HVSI_NR_VALUES
};

static ssize_t hvsi_value_show(struct device *dev,
			       struct device_attribute *attr, char *buf);

/* In enum hvsi_value order. */
static struct device_attribute hvsi_value_attrs[HVSI_NR_VALUES] = {
	__ATTR(carrier, 0444, hvsi_value_show, NULL),
	__ATTR(dtr, 0444, hvsi_value_show, NULL),
	__ATTR(peer_version, 0444, hvsi_value_show, NULL),
	__ATTR(handshakes, 0444, hvsi_value_show, NULL),
	__ATTR(closes_received, 0444, hvsi_value_show, NULL),
	__ATTR(carrier_changes, 0444, hvsi_value_show, NULL),
	__ATTR(bad_type, 0444, hvsi_value_show, NULL),
	__ATTR(bad_length, 0444, hvsi_value_show, NULL),
	__ATTR(bad_verb, 0444, hvsi_value_show, NULL),
	__ATTR(reads_cut, 0444, hvsi_value_show, NULL),
};

static u64 hvsi_value(const struct hvk_hvsi *h, enum hvsi_value v)
{
	switch (v) {
	case HVSI_CARRIER:
		return READ_ONCE(h->carrier);
	case HVSI_DTR:
		return READ_ONCE(h->dtr);
	case HVSI_PEER_VERSION:
		return READ_ONCE(h->peer_version);
	case HVSI_HANDSHAKES:
		return READ_ONCE(h->handshakes);
	case HVSI_CLOSES_RECEIVED:
		return READ_ONCE(h->closes_received);
	case HVSI_CARRIER_CHANGES:
		return READ_ONCE(h->carrier_changes);
	case HVSI_BAD_TYPE:
		return READ_ONCE(h->in.rx.bad_type);
	case HVSI_BAD_LENGTH:
		return READ_ONCE(h->in.rx.bad_length);
	case HVSI_BAD_VERB:
		return READ_ONCE(h->in.rx.bad_verb);
	case HVSI_READS_CUT:
		return READ_ONCE(h->in.reads_cut);
	default:
		return 0;
	}
}

static ssize_t hvsi_value_show(struct device *dev,
			       struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%llu\n",
			  hvsi_value(dev_hvsi(dev), attr - hvsi_value_attrs));
}

static struct attribute *hvsi_attrs[] = {
	&dev_attr_state.attr,
	&hvsi_value_attrs[HVSI_CARRIER].attr,
	&hvsi_value_attrs[HVSI_DTR].attr,
	&hvsi_value_attrs[HVSI_PEER_VERSION].attr,
	&hvsi_value_attrs[HVSI_HANDSHAKES].attr,
	&hvsi_value_attrs[HVSI_CLOSES_RECEIVED].attr,
	&hvsi_value_attrs[HVSI_CARRIER_CHANGES].attr,
	&hvsi_value_attrs[HVSI_BAD_TYPE].attr,
	&hvsi_value_attrs[HVSI_BAD_LENGTH].attr,
	&hvsi_value_attrs[HVSI_BAD_VERB].attr,
	&hvsi_value_attrs[HVSI_READS_CUT].attr,
	NULL,
};

const struct attribute_group hvsi_group = {
	.name = "hvsi",
	.attrs = hvsi_attrs,
};
