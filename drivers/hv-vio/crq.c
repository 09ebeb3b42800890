// SPDX-License-Identifier: GPL-2.0-only
/*
 * CRQ transport; see include/hvkit/crq.h.
 *
 * The queue is one page of 16-byte entries that the hypervisor fills and
 * we empty by clearing byte 0. Its interrupt is an edge pulse that is
 * neither latched nor replayed by H_VIO_SIGNAL. The interrupt handler
 * schedules rounds of at most crq_budget entries in softirq context,
 * which go on until the queue is empty and then look at it once more;
 * the signal goes off only while the queue is busy (include/hvkit/drain.h).
 *
 * The init handshake works both ways: we always send an init request; a
 * partner that is there answers "init complete" (QEMU answers inside
 * H_SEND_CRQ), and one that comes later (PowerVM, H_CLOSED meanwhile)
 * sends its own init request, which we answer.
 */
#define pr_fmt(fmt) "hvkit: " fmt

#include <linux/dma-mapping.h>
#include <linux/export.h>
#include <linux/interrupt.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <hvkit/busy.h>
#include <hvkit/crq.h>
#include <hvkit/drain.h>

#define CRQ_EV_PARTNER_LOST	0
#define CRQ_EV_MIGRATED		1
#define CRQ_EV_CLOSING		2
#define CRQ_EV_HANDSHAKE	3	/* an init message could not be sent */

/*
 * Busy answers to free/enable are retried this long (PowerVM), the most
 * the sleeping busy policy allows; from a work item or probe, under
 * reset_mutex, never under rtnl.
 */
#define CRQ_BUSY_BUDGET_MS	30000

static unsigned int crq_budget = HVK_DRAIN_BUDGET;
module_param(crq_budget, uint, 0644);
MODULE_PARM_DESC(crq_budget,
		 "CRQ entries consumed per softirq round, 1-256, taken when a queue opens (64)");

static const char *const crq_counter_names[HVK_CRQ_NR_COUNTERS] = {
	[HVK_CRQ_ENTRIES] = "crq_entries",
	[HVK_CRQ_INVALID] = "crq_invalid",
	[HVK_CRQ_EARLY] = "crq_early",
	[HVK_CRQ_INITS] = "crq_inits",
	[HVK_CRQ_PARTNER_LOST] = "crq_partner_lost",
	[HVK_CRQ_MIGRATIONS] = "crq_migrations",
	[HVK_CRQ_RESETS] = "crq_resets",
	[HVK_CRQ_SEND_ERRORS] = "crq_send_errors",
	[HVK_CRQ_SEND_CLOSED] = "crq_send_closed",
	[HVK_CRQ_INTERRUPTS] = "crq_interrupts",
	[HVK_CRQ_IGNORED] = "crq_ignored",
	[HVK_CRQ_ROUNDS] = "crq_rounds",
	[HVK_CRQ_BUDGET_SPENT] = "crq_budget_spent",
	[HVK_CRQ_ENABLE_FAILURES] = "crq_enable_failures",
	[HVK_CRQ_RESETS_PACED] = "crq_resets_paced",
};

const char *hvk_crq_counter_name(enum hvk_crq_counter c)
{
	return (unsigned int)c < HVK_CRQ_NR_COUNTERS ? crq_counter_names[c] : NULL;
}
EXPORT_SYMBOL_GPL(hvk_crq_counter_name);

s64 hvk_crq_counter(struct hvk_crq *crq, enum hvk_crq_counter c)
{
	/* The drain counts its failed enables itself, under its lock. */
	if (c == HVK_CRQ_ENABLE_FAILURES)
		return READ_ONCE(crq->drain.ctl.enable_failures);
	return atomic64_read(&crq->counters[c]);
}
EXPORT_SYMBOL_GPL(hvk_crq_counter);

static long crq_hcall(struct hvk_crq *crq, unsigned int opcode,
		      unsigned long a1, unsigned long a2)
{
	struct hvk_hcall_regs regs = {
		.in = { crq->hdev->unit_address, a1, a2 },
	};

	return hvk_dev_hcall(crq->hdev, opcode, &regs);
}

/*
 * A call the hypervisor may answer busy (or in progress) for a while;
 * process context. Anything else, H_CLOSED included, is returned as is.
 */
static long crq_hcall_patient(struct hvk_crq *crq, unsigned int opcode)
{
	struct hvk_busy busy;
	long status;

	hvk_busy_start_sleep(&busy, CRQ_BUSY_BUDGET_MS, HVK_BUSY_IN_PROGRESS);
	do {
		status = crq_hcall(crq, opcode, 0, 0);
	} while (hvk_busy_sleep(&busy, status));
	if (hvk_busy_gave_up(&busy))
		hvk_busy_report(crq->hdev, opcode, &busy);
	return status;
}

long hvk_crq_send(struct hvk_crq *crq, const struct hvk_crq_msg *msg)
{
	u32 busy_hint_us;
	u64 hi, lo;
	long status;

	hvk_crq_encode(msg, &hi, &lo);
	status = crq_hcall(crq, HVK_H_SEND_CRQ, hi, lo);
	if (status == HVK_H_CLOSED)
		atomic64_inc(&crq->counters[HVK_CRQ_SEND_CLOSED]);
	else if (status != HVK_H_SUCCESS &&
		 !hvk_busy_hint_us(status, &busy_hint_us))
		atomic64_inc(&crq->counters[HVK_CRQ_SEND_ERRORS]);
	return status;
}
EXPORT_SYMBOL_GPL(hvk_crq_send);

long hvk_crq_send_retry(struct hvk_crq *crq, const struct hvk_crq_msg *msg,
			enum hvk_busy_form form)
{
	struct hvk_busy b;
	long status;

	if (form == HVK_BUSY_ATOMIC)
		hvk_busy_start_atomic(&b, 0, 0);
	else
		hvk_busy_start_sleep(&b, 0, 0);
	do {
		status = hvk_crq_send(crq, msg);
	} while (form == HVK_BUSY_ATOMIC ? hvk_busy_delay(&b, status) :
					   hvk_busy_sleep(&b, status));
	if (hvk_busy_gave_up(&b)) {
		atomic64_inc(&crq->counters[HVK_CRQ_SEND_ERRORS]);
		hvk_busy_report(crq->hdev, HVK_H_SEND_CRQ, &b);
	}
	return status;
}
EXPORT_SYMBOL_GPL(hvk_crq_send_retry);

static long crq_send_init(struct hvk_crq *crq, u8 format,
			  enum hvk_busy_form form)
{
	struct hvk_crq_msg msg = { .valid = HVK_CRQ_INIT, .format = format };

	return hvk_crq_send_retry(crq, &msg, form);
}

/* With crq->lock held. */
static void crq_up(struct hvk_crq *crq)
{
	WRITE_ONCE(crq->state, HVK_CRQ_ST_UP);
	atomic64_inc(&crq->counters[HVK_CRQ_INITS]);
	crq->ops->up(crq);
}

/*
 * Every write of the state is made under crq->lock, so that the consumer,
 * which decides under it, never acts on a state that changed meanwhile.
 */
static void crq_set_state(struct hvk_crq *crq, enum hvk_crq_state state)
{
	unsigned long flags;

	spin_lock_irqsave(&crq->lock, flags);
	WRITE_ONCE(crq->state, state);
	spin_unlock_irqrestore(&crq->lock, flags);
}

/*
 * The event work resets or re-enables the queue: paced, so a partner that
 * sends an event after every registration cannot keep a CPU resetting.
 * Events that come while it is pending join it. With crq->lock held.
 */
static void crq_schedule_event(struct hvk_crq *crq)
{
	u32 ms;

	/* Close sets CLOSING under the lock, then cancels the work once. */
	if (test_bit(CRQ_EV_CLOSING, &crq->events) ||
	    delayed_work_pending(&crq->event_work))
		return;
	ms = hvk_reset_pace_next(&crq->pace, jiffies64_to_msecs(get_jiffies_64()));
	if (ms)
		atomic64_inc(&crq->counters[HVK_CRQ_RESETS_PACED]);
	schedule_delayed_work(&crq->event_work, msecs_to_jiffies(ms));
}

/*
 * A transport event, with crq->lock held. True when it took the link
 * down: a partner that repeats the event while the link is down already
 * only sets the (same) event bit again, so only the first is logged.
 */
static bool crq_link_down(struct hvk_crq *crq, unsigned int event)
{
	bool was_down = READ_ONCE(crq->state) == HVK_CRQ_ST_CLOSED;

	WRITE_ONCE(crq->state, HVK_CRQ_ST_CLOSED);
	set_bit(event, &crq->events);
	crq_schedule_event(crq);
	return !was_down;
}

/*
 * An init message of the handshake did not go. H_CLOSED: the partner is
 * not there, and speaks first when it comes. Any other failure leaves
 * both sides waiting for the other for good, so start over: a reset
 * (paced like the events') registers the queue again and sends the init
 * request again. With crq->lock held.
 */
static void crq_handshake_failed(struct hvk_crq *crq, const char *what,
				 long status)
{
	struct device *dev = &crq->hdev->dev;

	if (status == HVK_H_CLOSED) {
		dev_warn_ratelimited(dev, "%s: partner closed; waiting for the partner\n",
				     what);
		return;
	}
	dev_warn_ratelimited(dev, "%s failed: %s (%ld); resetting the CRQ\n",
			     what, hvk_hcall_status_name(status), status);
	set_bit(CRQ_EV_HANDSHAKE, &crq->events);
	crq_schedule_event(crq);
}

/*
 * One entry, already copied out of the queue: decode it and do what it
 * does in the link's state. Called with crq->lock. True for a payload
 * entry, left in @out for the caller to deliver once it has dropped the
 * lock.
 */
static bool crq_dispatch(struct hvk_crq *crq, const u8 *entry,
			 struct hvk_crq_msg *out)
{
	struct device *dev = &crq->hdev->dev;
	enum hvk_crq_kind kind;
	struct hvk_crq_msg msg;
	long status;
	int next;

	kind = hvk_crq_decode(entry, &msg);
	switch (hvk_crq_transition(READ_ONCE(crq->state), kind, &next)) {
	case HVK_CRQ_A_NONE:
		break;
	case HVK_CRQ_A_IGNORE:
		atomic64_inc(&crq->counters[HVK_CRQ_IGNORED]);
		break;
	case HVK_CRQ_A_DELIVER:
		atomic64_inc(&crq->counters[HVK_CRQ_ENTRIES]);
		*out = msg;
		return true;
	case HVK_CRQ_A_EARLY:
		atomic64_inc(&crq->counters[HVK_CRQ_EARLY]);
		dev_warn_ratelimited(dev, "CRQ message before the handshake, dropped\n");
		break;
	case HVK_CRQ_A_ANSWER_UP:
		/*
		 * A partner that did not get the answer cannot start, and
		 * will not ask again: ride out a busy hypervisor here (the
		 * consumer cannot sleep).
		 */
		status = crq_send_init(crq, HVK_CRQ_INIT_COMPLETE,
				       HVK_BUSY_ATOMIC);
		if (status == HVK_H_SUCCESS)
			crq_up(crq);
		else
			crq_handshake_failed(crq, "init answer", status);
		break;
	case HVK_CRQ_A_UP:
		crq_up(crq);
		break;
	case HVK_CRQ_A_LOST:
		atomic64_inc(&crq->counters[HVK_CRQ_PARTNER_LOST]);
		if (crq_link_down(crq, CRQ_EV_PARTNER_LOST))
			dev_info_ratelimited(dev, "CRQ partner %s: reconnecting\n",
					     msg.format == HVK_CRQ_PARTNER_FAILED ?
					     "failed" : "deregistered");
		break;
	case HVK_CRQ_A_MIGRATED:
		atomic64_inc(&crq->counters[HVK_CRQ_MIGRATIONS]);
		if (crq_link_down(crq, CRQ_EV_MIGRATED))
			dev_info_ratelimited(dev, "partition migrated: re-enabling the CRQ\n");
		break;
	case HVK_CRQ_A_INVALID:
		atomic64_inc(&crq->counters[HVK_CRQ_INVALID]);
		dev_warn_ratelimited(dev, "invalid CRQ entry %02x %02x, dropped\n",
				     msg.valid, msg.format);
		break;
	}
	return false;
}

#ifdef HVKIT_TEST_HOOKS
/*
 * Test builds only (make HVKIT_SELFTEST=m): a partner that never stops
 * writing, emulated for selftests/vm/tests/hv_vio_crq_flood.sh. Writing N
 * makes the consumer of a CRQ find N more entries once its queue is
 * empty: init-complete entries, which a link that is up only counts
 * (crq_ignored). The queue page and the partner's position in it are not
 * touched.
 */
static atomic_long_t crq_test_flood = ATOMIC_LONG_INIT(0);

static int crq_test_flood_set(const char *val, const struct kernel_param *kp)
{
	long n;
	int err;

	err = kstrtol(val, 0, &n);
	if (err)
		return err;
	if (n < 0)
		return -EINVAL;
	atomic_long_set(&crq_test_flood, n);
	return 0;
}

static int crq_test_flood_get(char *buf, const struct kernel_param *kp)
{
	return scnprintf(buf, PAGE_SIZE, "%ld\n", atomic_long_read(&crq_test_flood));
}

static const struct kernel_param_ops crq_test_flood_ops = {
	.set = crq_test_flood_set,
	.get = crq_test_flood_get,
};
module_param_cb(crq_test_flood, &crq_test_flood_ops, NULL, 0600);
MODULE_PARM_DESC(crq_test_flood, "test builds: emulate N more CRQ entries from the partner");

static bool crq_test_flood_pending(void)
{
	return atomic_long_read(&crq_test_flood) > 0;
}

static bool crq_test_flood_take(u8 *entry)
{
	if (atomic_long_dec_if_positive(&crq_test_flood) < 0)
		return false;
	memset(entry, 0, HVK_CRQ_ENTRY_SIZE);
	entry[0] = HVK_CRQ_INIT;
	entry[1] = HVK_CRQ_INIT_COMPLETE;
	return true;
}
#else
static bool crq_test_flood_pending(void)
{
	return false;
}

static bool crq_test_flood_take(u8 *entry)
{
	return false;
}
#endif

static bool crq_pending(struct hvk_crq *crq)
{
	return READ_ONCE(crq->queue[crq->head]) != HVK_CRQ_FREE ||
	       crq_test_flood_pending();
}

/* Copy out the next entry and give its slot back; false if none. */
static bool crq_take(struct hvk_crq *crq, u8 *entry)
{
	u8 *slot = crq->queue + crq->head;

	if (READ_ONCE(slot[0]) == HVK_CRQ_FREE)
		return crq_test_flood_take(entry);
	/* Byte 0 is written last: read the rest only after it. */
	dma_rmb();
	memcpy(entry, slot, HVK_CRQ_ENTRY_SIZE);
	/* The copy is complete before the slot goes back. */
	mb();
	WRITE_ONCE(slot[0], HVK_CRQ_FREE);
	crq->head = (crq->head + HVK_CRQ_ENTRY_SIZE) % crq->size;
	return true;
}

static bool crq_drain_pending(struct hvk_drain_actor *a)
{
	return crq_pending(container_of(a, struct hvk_crq, drain.actor));
}

/* Payload entries delivered per hold of crq->lock. */
#define CRQ_BATCH	16

/*
 * Take at most @max entries and act on them under crq->lock; the payload
 * among them goes to @msgs (*nr of them). Returns the entries taken.
 */
static u32 crq_take_batch(struct hvk_crq *crq, u32 max,
			  struct hvk_crq_msg *msgs, u32 *nr)
{
	u8 entry[HVK_CRQ_ENTRY_SIZE];
	u32 taken = 0;

	*nr = 0;
	spin_lock(&crq->lock);
	while (taken < max && crq_take(crq, entry)) {
		if (crq_dispatch(crq, entry, &msgs[*nr]))
			(*nr)++;
		taken++;
	}
	spin_unlock(&crq->lock);
	return taken;
}

/*
 * One round of at most @budget entries, in softirq context. The protocol
 * gets its messages outside crq->lock, in the order they came: it
 * completes requests from them, and completions run outside the lock
 * that found them.
 */
static u32 crq_round(struct hvk_drain *d, u32 budget)
{
	struct hvk_crq *crq = container_of(d, struct hvk_crq, drain);
	struct hvk_crq_msg msgs[CRQ_BATCH];
	u32 done = 0, taken, nr, i;

	do {
		taken = crq_take_batch(crq, min_t(u32, budget - done, CRQ_BATCH),
				       msgs, &nr);
		for (i = 0; i < nr; i++)
			crq->ops->message(crq, &msgs[i]);
		done += taken;
	} while (taken == CRQ_BATCH && done < budget);
	atomic64_inc(&crq->counters[HVK_CRQ_ROUNDS]);
	if (done >= budget)
		atomic64_inc(&crq->counters[HVK_CRQ_BUDGET_SPENT]);
	return done;
}

static irqreturn_t crq_interrupt(int irq, void *data)
{
	struct hvk_crq *crq = data;

	atomic64_inc(&crq->counters[HVK_CRQ_INTERRUPTS]);
	if (!READ_ONCE(crq->queue))
		return IRQ_NONE;
	hvk_drain_irq(&crq->drain);
	return IRQ_HANDLED;
}

/* False if the hypervisor may still write into the queue page. */
static bool crq_free_hv(struct hvk_crq *crq)
{
	long status = crq_hcall_patient(crq, HVK_H_FREE_CRQ);

	if (status == HVK_H_SUCCESS)
		return true;
	dev_err_ratelimited(&crq->hdev->dev, "H_FREE_CRQ failed: %s (%ld)\n",
			    hvk_hcall_status_name(status), status);
	return false;
}

static long crq_reg(void *ctx)
{
	struct hvk_crq *crq = ctx;

	return crq_hcall(crq, HVK_H_REG_CRQ, crq->ioba, crq->size);
}

static void crq_unreg(void *ctx)
{
	crq_free_hv(ctx);
}

static const struct hvk_queue_reg_ops crq_reg_ops = {
	.name = "H_REG_CRQ",
	.opcode = HVK_H_REG_CRQ,
	.reg = crq_reg,
	.unreg = crq_unreg,
};

static int crq_register(struct hvk_crq *crq)
{
	long status;

	status = hvk_dev_register_queue(crq->hdev, &crq_reg_ops, crq, NULL);
	/* H_CLOSED: registered, the partner is simply not there yet. */
	if (status == HVK_H_SUCCESS || status == HVK_H_CLOSED)
		return 0;
	dev_err(&crq->hdev->dev, "H_REG_CRQ failed: %s (%ld)\n",
		hvk_hcall_status_name(status), status);
	return -EIO;
}

/*
 * Our init request; H_CLOSED is quiet (the partner speaks first when it
 * comes), a hard failure schedules the reset that sends it again. Process
 * context, under reset_mutex.
 */
static void crq_send_init_request(struct hvk_crq *crq)
{
	unsigned long flags;
	long status;

	status = crq_send_init(crq, HVK_CRQ_INIT_REQUEST, HVK_BUSY_SLEEPING);
	if (status == HVK_H_SUCCESS || status == HVK_H_CLOSED)
		return;
	spin_lock_irqsave(&crq->lock, flags);
	crq_handshake_failed(crq, "init request", status);
	spin_unlock_irqrestore(&crq->lock, flags);
}

/* An empty queue, registered, handshake started. Under reset_mutex. */
static int crq_setup(struct hvk_crq *crq)
{
	unsigned long flags;
	int err;

	spin_lock_irqsave(&crq->lock, flags);
	memset(crq->queue, 0, crq->size);
	crq->head = 0;
	WRITE_ONCE(crq->state, HVK_CRQ_ST_WAITING);
	spin_unlock_irqrestore(&crq->lock, flags);

	err = crq_register(crq);
	if (err) {
		crq_set_state(crq, HVK_CRQ_ST_CLOSED);
		return err;
	}
	crq_send_init_request(crq);
	/* Answers that came before the interrupt was enabled, then on. */
	hvk_drain_kick(&crq->drain);
	return 0;
}

int hvk_crq_reset(struct hvk_crq *crq)
{
	int err;

	mutex_lock(&crq->reset_mutex);
	if (test_bit(CRQ_EV_CLOSING, &crq->events)) {
		mutex_unlock(&crq->reset_mutex);
		return -ESHUTDOWN;
	}
	crq_set_state(crq, HVK_CRQ_ST_CLOSED);
	hvk_drain_stop(&crq->drain);
	crq_free_hv(crq);
	atomic64_inc(&crq->counters[HVK_CRQ_RESETS]);
	err = crq_setup(crq);
	mutex_unlock(&crq->reset_mutex);
	return err;
}
EXPORT_SYMBOL_GPL(hvk_crq_reset);

/*
 * A reset the transport makes by itself (after a transport event): the
 * protocol heard down() and waits for up(); if the queue cannot be
 * registered again, up() will never come, so say so.
 */
static void crq_reset_or_report(struct hvk_crq *crq)
{
	int err = hvk_crq_reset(crq);

	if (err && err != -ESHUTDOWN)
		crq->ops->down(crq, HVK_CRQ_DOWN_FAILED);
}

/* After migration the queue stays registered; it only needs enabling. */
static void crq_reenable(struct hvk_crq *crq)
{
	long status;

	mutex_lock(&crq->reset_mutex);
	if (test_bit(CRQ_EV_CLOSING, &crq->events)) {
		mutex_unlock(&crq->reset_mutex);
		return;
	}
	status = crq_hcall_patient(crq, HVK_H_ENABLE_CRQ);
	if (status != HVK_H_SUCCESS) {
		mutex_unlock(&crq->reset_mutex);
		dev_err(&crq->hdev->dev,
			"H_ENABLE_CRQ failed: %s (%ld): resetting the CRQ\n",
			hvk_hcall_status_name(status), status);
		crq_reset_or_report(crq);
		return;
	}
	crq_set_state(crq, HVK_CRQ_ST_WAITING);
	crq_send_init_request(crq);
	/* The signal's state after migration is not ours to assume. */
	hvk_drain_kick(&crq->drain);
	mutex_unlock(&crq->reset_mutex);
}

static void crq_event_work(struct work_struct *work)
{
	struct hvk_crq *crq = container_of(to_delayed_work(work), struct hvk_crq,
					   event_work);

	if (test_bit(CRQ_EV_CLOSING, &crq->events))
		return;
	if (test_and_clear_bit(CRQ_EV_PARTNER_LOST, &crq->events)) {
		clear_bit(CRQ_EV_MIGRATED, &crq->events);
		clear_bit(CRQ_EV_HANDSHAKE, &crq->events);
		crq->ops->down(crq, HVK_CRQ_DOWN_PARTNER_LOST);
		crq_reset_or_report(crq);
	} else if (test_and_clear_bit(CRQ_EV_MIGRATED, &crq->events)) {
		clear_bit(CRQ_EV_HANDSHAKE, &crq->events);
		crq->ops->down(crq, HVK_CRQ_DOWN_MIGRATED);
		crq_reenable(crq);
	} else if (test_and_clear_bit(CRQ_EV_HANDSHAKE, &crq->events)) {
		/* The link never came up: the protocol is waiting already. */
		crq_reset_or_report(crq);
	}
}

int hvk_crq_inject_event(struct hvk_crq *crq, u8 format)
{
	u8 entry[HVK_CRQ_ENTRY_SIZE] = { HVK_CRQ_TRANSPORT, format };
	struct hvk_crq_msg msg;

	if (format != HVK_CRQ_PARTNER_FAILED && format != HVK_CRQ_PARTNER_DEREG &&
	    format != HVK_CRQ_MIGRATED)
		return -EINVAL;
	/* As the consumer runs it: in softirq context, under the lock. */
	spin_lock_bh(&crq->lock);
	crq_dispatch(crq, entry, &msg);	/* an event: never a payload */
	spin_unlock_bh(&crq->lock);
	return 0;
}
EXPORT_SYMBOL_GPL(hvk_crq_inject_event);

int hvk_crq_open(struct hvk_crq *crq, struct hvk_device *hdev,
		 const struct hvk_crq_ops *ops, void *priv)
{
	int err, i;

	crq->hdev = hdev;
	crq->ops = ops;
	crq->priv = priv;
	crq->events = 0;
	crq->state = HVK_CRQ_ST_CLOSED;
	spin_lock_init(&crq->lock);
	mutex_init(&crq->reset_mutex);
	INIT_DELAYED_WORK(&crq->event_work, crq_event_work);
	crq->pace = (struct hvk_reset_pace){};
	for (i = 0; i < HVK_CRQ_NR_COUNTERS; i++)
		atomic64_set(&crq->counters[i], 0);
	hvk_drain_init(&crq->drain, hdev, READ_ONCE(crq_budget), crq_round,
		       crq_drain_pending);
	if (!hdev->irq || !hdev->dma_dev) {
		dev_err(&hdev->dev, "CRQ needs an interrupt and a DMA window\n");
		return -ENODEV;
	}
	crq->size = PAGE_SIZE;
	crq->queue = dma_alloc_coherent(hdev->dma_dev, crq->size, &crq->ioba,
					GFP_KERNEL);
	if (!crq->queue)
		return -ENOMEM;
	err = request_irq(hdev->irq, crq_interrupt, 0, dev_name(&hdev->dev),
			  crq);
	if (err) {
		dev_err(&hdev->dev, "cannot get irq %u: %d\n", hdev->irq, err);
		goto free_queue;
	}
	crq->irq_requested = true;
	mutex_lock(&crq->reset_mutex);
	err = crq_setup(crq);
	mutex_unlock(&crq->reset_mutex);
	if (err)
		goto free_irq;
	return 0;

free_irq:
	free_irq(hdev->irq, crq);
	crq->irq_requested = false;
free_queue:
	dma_free_coherent(hdev->dma_dev, crq->size, crq->queue, crq->ioba);
	crq->queue = NULL;
	return err;
}
EXPORT_SYMBOL_GPL(hvk_crq_open);

void hvk_crq_close(struct hvk_crq *crq)
{
	bool freed;

	if (!crq->queue)
		return;
	/* Under the lock: no event scheduled after this, none left pending. */
	spin_lock_irq(&crq->lock);
	set_bit(CRQ_EV_CLOSING, &crq->events);
	spin_unlock_irq(&crq->lock);
	cancel_delayed_work_sync(&crq->event_work);
	mutex_lock(&crq->reset_mutex);
	crq_set_state(crq, HVK_CRQ_ST_CLOSED);
	hvk_drain_stop(&crq->drain);
	if (crq->irq_requested)
		free_irq(crq->hdev->irq, crq);
	crq->irq_requested = false;
	/* A round the interrupt scheduled meanwhile does nothing: wait for it. */
	hvk_drain_stop(&crq->drain);
	freed = crq_free_hv(crq);
	mutex_unlock(&crq->reset_mutex);
	/* Still registered: the page stays the hypervisor's, never reused. */
	if (freed)
		dma_free_coherent(crq->hdev->dma_dev, crq->size, crq->queue,
				  crq->ioba);
	else
		dev_err(&crq->hdev->dev, "CRQ page abandoned (%u bytes)\n",
			crq->size);
	crq->queue = NULL;
}
EXPORT_SYMBOL_GPL(hvk_crq_close);
