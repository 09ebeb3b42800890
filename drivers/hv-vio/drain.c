// SPDX-License-Identifier: GPL-2.0-only
/*
 * Draining a signalled queue in rounds; see include/hvkit/drain.h.
 *
 * The rounds run in a tasklet, that is in softirq context with interrupts
 * enabled, as ibmvscsi drains its CRQ. irq_poll would fit as well, but
 * CONFIG_IRQ_POLL is an option that kernels may leave out (hvkit's debug
 * kernel config does), and NAPI needs a net_device. A round that spent
 * its budget schedules the tasklet again, and softirq work that keeps
 * rescheduling itself is handed to ksoftirqd, which the scheduler treats
 * like any other thread.
 */
#include <linux/export.h>
#include <hvkit/drain.h>
#include <hvkit/vio.h>

long hvk_drain_apply(struct hvk_drain_ctl *c, const struct hvk_drain_actor *a,
		     unsigned int act)
{
	long failed = HVK_H_SUCCESS, status;
	unsigned int next;

	while (act) {
		next = 0;
		if (act & HVK_DRAIN_SIGNAL_OFF)
			hvk_dev_set_irq(a->hdev, false);
		if (act & HVK_DRAIN_SIGNAL_ON) {
			status = hvk_dev_set_irq(a->hdev, true);
			if (status != HVK_H_SUCCESS) {
				c->signal_off = true;
				failed = status;
			}
		}
		if (act & HVK_DRAIN_RECHECK) {
			/* The enable is ordered before the look at the queue. */
			mb();
			next = hvk_drain_rechecked(c, a->pending(a->ctx));
		}
		if (act & HVK_DRAIN_SCHEDULE)
			a->schedule(a->ctx);
		act = next;
	}
	return failed;
}
EXPORT_SYMBOL_GPL(hvk_drain_apply);

static bool drain_pending(void *ctx)
{
	struct hvk_drain *d = ctx;

	return d->pending(d);
}

static void drain_schedule(void *ctx)
{
	struct hvk_drain *d = ctx;

	tasklet_schedule(&d->tasklet);
}

/* Under d->lock. A failed enable is reported by the transport's counters. */
static void drain_apply(struct hvk_drain *d, unsigned int act)
{
	hvk_drain_apply(&d->ctl, &d->actor, act);
}

static void drain_round(struct tasklet_struct *t)
{
	struct hvk_drain *d = from_tasklet(d, t, tasklet);
	unsigned long flags;
	u32 done;

	if (READ_ONCE(d->stopped))
		return;
	done = d->round(d, d->ctl.budget);
	spin_lock_irqsave(&d->lock, flags);
	if (!d->stopped)
		drain_apply(d, hvk_drain_round_done(&d->ctl, done));
	spin_unlock_irqrestore(&d->lock, flags);
}

void hvk_drain_init(struct hvk_drain *d, struct hvk_device *hdev, u32 budget,
		    hvk_drain_round_fn round, hvk_drain_pending_fn pending)
{
	d->hdev = hdev;
	d->actor = (struct hvk_drain_actor){
		.hdev = hdev,
		.pending = drain_pending,
		.schedule = drain_schedule,
		.ctx = d,
	};
	d->round = round;
	d->pending = pending;
	spin_lock_init(&d->lock);
	hvk_drain_ctl_init(&d->ctl, budget);
	d->stopped = true;
	tasklet_setup(&d->tasklet, drain_round);
}
EXPORT_SYMBOL_GPL(hvk_drain_init);

void hvk_drain_irq(struct hvk_drain *d)
{
	unsigned long flags;

	spin_lock_irqsave(&d->lock, flags);
	if (!d->stopped)
		drain_apply(d, hvk_drain_interrupt(&d->ctl));
	spin_unlock_irqrestore(&d->lock, flags);
}
EXPORT_SYMBOL_GPL(hvk_drain_irq);

void hvk_drain_kick(struct hvk_drain *d)
{
	unsigned long flags;

	spin_lock_irqsave(&d->lock, flags);
	WRITE_ONCE(d->stopped, false);
	drain_apply(d, hvk_drain_start(&d->ctl));
	spin_unlock_irqrestore(&d->lock, flags);
}
EXPORT_SYMBOL_GPL(hvk_drain_kick);

void hvk_drain_stop(struct hvk_drain *d)
{
	unsigned long flags;

	spin_lock_irqsave(&d->lock, flags);
	WRITE_ONCE(d->stopped, true);
	hvk_drain_ctl_stop(&d->ctl);
	hvk_dev_set_irq(d->hdev, false);
	spin_unlock_irqrestore(&d->lock, flags);
	/* A round that is running ends; one that is scheduled does nothing. */
	tasklet_kill(&d->tasklet);
}
EXPORT_SYMBOL_GPL(hvk_drain_stop);
