// SPDX-License-Identifier: GPL-2.0-only
/*
 * The drain decision; see include/hvkit/drain.h. Portable: built into
 * hv_vio and into the host unit tests.
 */
#include <hvkit/drain.h>

void hvk_drain_ctl_init(struct hvk_drain_ctl *c, u32 budget)
{
	if (!budget)
		budget = HVK_DRAIN_BUDGET;
	c->budget = budget < HVK_DRAIN_BUDGET_MAX ? budget : HVK_DRAIN_BUDGET_MAX;
	c->polling = false;
	c->signal_off = true;
	c->enable_failures = 0;
}
EXPORT_SYMBOL_GPL(hvk_drain_ctl_init);

/* The signal off, if it is not: the queue is busy. */
static unsigned int drain_quiet(struct hvk_drain_ctl *c)
{
	if (c->signal_off)
		return 0;
	c->signal_off = true;
	return HVK_DRAIN_SIGNAL_OFF;
}

unsigned int hvk_drain_interrupt(struct hvk_drain_ctl *c)
{
	/*
	 * A second pulse while a round is due: the partner writes faster
	 * than one round drains. Stop the pulses until the queue is empty.
	 */
	if (c->polling)
		return drain_quiet(c);
	c->polling = true;
	return HVK_DRAIN_SCHEDULE;
}
EXPORT_SYMBOL_GPL(hvk_drain_interrupt);

unsigned int hvk_drain_start(struct hvk_drain_ctl *c)
{
	/* The signal's state is unknown: off now, on once drained. */
	c->signal_off = false;
	if (c->polling)
		return drain_quiet(c);
	c->polling = true;
	return drain_quiet(c) | HVK_DRAIN_SCHEDULE;
}
EXPORT_SYMBOL_GPL(hvk_drain_start);

unsigned int hvk_drain_restart(struct hvk_drain_ctl *c)
{
	c->polling = false;
	return hvk_drain_start(c);
}
EXPORT_SYMBOL_GPL(hvk_drain_restart);

unsigned int hvk_drain_round_done(struct hvk_drain_ctl *c, u32 done)
{
	unsigned int act = HVK_DRAIN_RECHECK;

	/* A round nobody asked for (after a stop): it changes nothing. */
	if (!c->polling)
		return 0;
	/* Maybe more: go on later, with the signal off. */
	if (done >= c->budget)
		return drain_quiet(c) | HVK_DRAIN_SCHEDULE;
	/*
	 * Empty. Stop polling, the signal on if it was off, then look: an
	 * entry written before the signal was on (or while a pulse found
	 * the round already due) is found by the look; one written after it
	 * sends a pulse.
	 */
	c->polling = false;
	if (c->signal_off) {
		c->signal_off = false;
		act |= HVK_DRAIN_SIGNAL_ON;
	}
	return act;
}
EXPORT_SYMBOL_GPL(hvk_drain_round_done);

unsigned int hvk_drain_rechecked(struct hvk_drain_ctl *c, bool pending)
{
	/* Nothing, or a pulse made it first and a round is due already. */
	if (!pending || c->polling)
		return 0;
	c->polling = true;
	return HVK_DRAIN_SCHEDULE;
}
EXPORT_SYMBOL_GPL(hvk_drain_rechecked);

unsigned int hvk_drain_enable_failed(struct hvk_drain_ctl *c)
{
	c->signal_off = true;
	c->enable_failures++;
	/* A round due already: it comes back here, or finds the queue on. */
	if (c->polling)
		return 0;
	c->polling = true;
	return HVK_DRAIN_POLL_LATER;
}
EXPORT_SYMBOL_GPL(hvk_drain_enable_failed);
