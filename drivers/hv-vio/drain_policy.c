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
}
EXPORT_SYMBOL_GPL(hvk_drain_ctl_init);

unsigned int hvk_drain_interrupt(struct hvk_drain_ctl *c)
{
	/* Polling already: a pulse that was on its way; the round sees it. */
	if (c->polling)
		return 0;
	c->polling = true;
	return HVK_DRAIN_SIGNAL_OFF | HVK_DRAIN_SCHEDULE;
}
EXPORT_SYMBOL_GPL(hvk_drain_interrupt);

unsigned int hvk_drain_round_done(struct hvk_drain_ctl *c, u32 done)
{
	/* A round nobody asked for (after a stop): it changes nothing. */
	if (!c->polling)
		return 0;
	/* Maybe more: go on later, with the signal still off. */
	if (done >= c->budget)
		return HVK_DRAIN_SCHEDULE;
	/*
	 * Empty. Enable first, then stop polling, then look: an entry
	 * written before the enable sent no pulse and is found by the
	 * look; one written after it sends a pulse.
	 */
	c->polling = false;
	return HVK_DRAIN_SIGNAL_ON | HVK_DRAIN_RECHECK;
}
EXPORT_SYMBOL_GPL(hvk_drain_round_done);

unsigned int hvk_drain_rechecked(struct hvk_drain_ctl *c, bool pending)
{
	/* Nothing, or a pulse made it first and polls already. */
	if (!pending || c->polling)
		return 0;
	c->polling = true;
	return HVK_DRAIN_SIGNAL_OFF | HVK_DRAIN_SCHEDULE;
}
EXPORT_SYMBOL_GPL(hvk_drain_rechecked);
