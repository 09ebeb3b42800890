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
 * like any other thread. A queue whose interrupt cannot be enabled is
 * polled from a delayed work that schedules the same tasklet.
 */
#include <linux/export.h>
#include <hvkit/drain.h>
#include <hvkit/vio.h>

/* Once per queue: the failures go on being counted (enable_failures). */
static void drain_say_enable_failed(struct hvk_drain_ctl *c,
				    struct hvk_drain_actor *a, long status)
{
	if (c->enable_failures != 1)
		return;
	dev_err(&a->hdev->dev,
		"H_VIO_SIGNAL cannot enable the interrupt: %s (%ld); polling every %u ms\n",
		hvk_hcall_status_name(status), status, HVK_DRAIN_POLL_MS);
}

void hvk_drain_apply(struct hvk_drain_ctl *c, struct hvk_drain_actor *a,
		     unsigned int act)
{
	unsigned int next;
	long status;

	while (act) {
		next = 0;
		if (act & HVK_DRAIN_SIGNAL_OFF)
			hvk_dev_set_irq(a->hdev, false);
		if (act & HVK_DRAIN_SIGNAL_ON) {
			status = hvk_dev_set_irq(a->hdev, true);
			if (status != HVK_H_SUCCESS) {
				act |= hvk_drain_enable_failed(c);
				drain_say_enable_failed(c, a, status);
			}
		}
		if (act & HVK_DRAIN_RECHECK) {
			/* The enable is ordered before the look at the queue. */
			mb();
			next = hvk_drain_rechecked(c, a->pending(a));
		}
		if (act & HVK_DRAIN_SCHEDULE)
			a->schedule(a);
		if (act & HVK_DRAIN_POLL_LATER)
			a->schedule_later(a);
		act = next;
	}
}
EXPORT_SYMBOL_GPL(hvk_drain_apply);

long hvk_drain_halt(struct hvk_drain_ctl *c, struct hvk_drain_actor *a)
{
	hvk_drain_ctl_stop(c);
	return hvk_dev_set_irq(a->hdev, false);
}
EXPORT_SYMBOL_GPL(hvk_drain_halt);

static void drain_schedule(struct hvk_drain_actor *a)
{
	struct hvk_drain *d = container_of(a, struct hvk_drain, actor);

	tasklet_schedule(&d->tasklet);
}

static void drain_schedule_later(struct hvk_drain_actor *a)
{
	struct hvk_drain *d = container_of(a, struct hvk_drain, actor);

	schedule_delayed_work(&d->later, msecs_to_jiffies(HVK_DRAIN_POLL_MS));
}

static void drain_later(struct work_struct *work)
{
	struct hvk_drain *d = container_of(to_delayed_work(work),
					   struct hvk_drain, later);

	if (!READ_ONCE(d->stopped))
		tasklet_schedule(&d->tasklet);
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
		hvk_drain_apply(&d->ctl, &d->actor,
				hvk_drain_round_done(&d->ctl, done));
	spin_unlock_irqrestore(&d->lock, flags);
}

void hvk_drain_init(struct hvk_drain *d, struct hvk_device *hdev, u32 budget,
		    hvk_drain_round_fn round,
		    bool (*pending)(struct hvk_drain_actor *a))
{
	d->actor = (struct hvk_drain_actor){
		.hdev = hdev,
		.pending = pending,
		.schedule = drain_schedule,
		.schedule_later = drain_schedule_later,
	};
	d->round = round;
	spin_lock_init(&d->lock);
	hvk_drain_ctl_init(&d->ctl, budget);
	d->stopped = true;
	tasklet_setup(&d->tasklet, drain_round);
	INIT_DELAYED_WORK(&d->later, drain_later);
}
EXPORT_SYMBOL_GPL(hvk_drain_init);

void hvk_drain_irq(struct hvk_drain *d)
{
	unsigned long flags;

	spin_lock_irqsave(&d->lock, flags);
	if (!d->stopped)
		hvk_drain_apply(&d->ctl, &d->actor,
				hvk_drain_interrupt(&d->ctl));
	spin_unlock_irqrestore(&d->lock, flags);
}
EXPORT_SYMBOL_GPL(hvk_drain_irq);

void hvk_drain_kick(struct hvk_drain *d)
{
	unsigned long flags;

	spin_lock_irqsave(&d->lock, flags);
	WRITE_ONCE(d->stopped, false);
	hvk_drain_apply(&d->ctl, &d->actor, hvk_drain_start(&d->ctl));
	spin_unlock_irqrestore(&d->lock, flags);
}
EXPORT_SYMBOL_GPL(hvk_drain_kick);

void hvk_drain_stop(struct hvk_drain *d)
{
	unsigned long flags;

	spin_lock_irqsave(&d->lock, flags);
	WRITE_ONCE(d->stopped, true);
	hvk_drain_halt(&d->ctl, &d->actor);
	spin_unlock_irqrestore(&d->lock, flags);
	/*
	 * The delayed poll first, since it schedules the tasklet; then a
	 * round that is running ends, and one that is scheduled does nothing.
	 */
	cancel_delayed_work_sync(&d->later);
	tasklet_kill(&d->tasklet);
}
EXPORT_SYMBOL_GPL(hvk_drain_stop);
