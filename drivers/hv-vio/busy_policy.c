// SPDX-License-Identifier: GPL-2.0-only
/*
 * The busy/long-busy decision; see include/hvkit/busy.h. Portable: built
 * into hv_vio and into the host unit tests, with no clock and no sleep of
 * its own, so that its bounds can be checked against a fake clock.
 */
#include <hvkit/busy.h>

/* H_LONG_BUSY_1MS .. H_LONG_BUSY_100S: 10^n ms, in us. */
static const u32 long_busy_us[] = {
	1000, 10000, 100000, 1000000, 10000000, 100000000,
};

bool hvk_busy_hint_us(long status, u32 *hint_us)
{
	if (status == HVK_H_BUSY) {
		*hint_us = 0;
		return true;
	}
	if (status >= HVK_H_LONG_BUSY_1MS && status <= HVK_H_LONG_BUSY_100S) {
		*hint_us = long_busy_us[status - HVK_H_LONG_BUSY_1MS];
		return true;
	}
	return false;
}
EXPORT_SYMBOL_GPL(hvk_busy_hint_us);

void hvk_busy_init(struct hvk_busy *b, enum hvk_busy_form form,
		   u32 budget_us, unsigned int flags)
{
	u32 dflt, cap;

	memset(b, 0, sizeof(*b));
	if (form == HVK_BUSY_ATOMIC) {
		b->min_us = HVK_BUSY_ATOMIC_MIN_US;
		b->max_us = HVK_BUSY_ATOMIC_MAX_US;
		dflt = HVK_BUSY_ATOMIC_BUDGET_US;
		cap = HVK_BUSY_ATOMIC_BUDGET_MAX_US;
	} else {
		b->min_us = HVK_BUSY_SLEEP_MIN_US;
		b->max_us = HVK_BUSY_SLEEP_MAX_US;
		dflt = HVK_BUSY_SLEEP_BUDGET_US;
		cap = HVK_BUSY_SLEEP_BUDGET_MAX_US;
	}
	if (!budget_us)
		budget_us = dflt;
	b->budget_us = budget_us < cap ? budget_us : cap;
	b->flags = flags;
}
EXPORT_SYMBOL_GPL(hvk_busy_init);

/* The back-off for the next try: min_us doubled per try, up to max_us. */
static u32 busy_backoff_us(const struct hvk_busy *b)
{
	u64 us;

	/* Past 2^20 the shift would only ever be clamped anyway. */
	if (b->tries >= 20)
		return b->max_us;
	us = (u64)b->min_us << b->tries;
	return us < b->max_us ? (u32)us : b->max_us;
}

enum hvk_busy_action hvk_busy_next(struct hvk_busy *b, long status,
				   u64 elapsed_us)
{
	u64 spent, left;
	u32 hint, wait;

	if (!hvk_busy_hint_us(status, &hint)) {
		if (status != HVK_H_IN_PROGRESS ||
		    !(b->flags & HVK_BUSY_IN_PROGRESS))
			return HVK_BUSY_DONE;
		hint = 0;
	}
	b->status = status;
	if (elapsed_us > b->elapsed_us)
		b->elapsed_us = elapsed_us;
	/*
	 * What counts is the longer of the clock and the waits asked for:
	 * an oversleeping caller stops on the clock, and a caller without
	 * one (or a clock that stands still) on its waits.
	 */
	spent = b->elapsed_us > b->waited_us ? b->elapsed_us : b->waited_us;
	if (spent >= b->budget_us) {
		b->gave_up = true;
		b->wait_us = 0;
		return HVK_BUSY_GIVE_UP;
	}
	left = b->budget_us - spent;

	/*
	 * A hint is the hypervisor's estimate and is taken as given, up to
	 * max_us. Plain H_BUSY carries none: back off, so that a hypervisor
	 * that stays busy is asked less and less often.
	 */
	wait = hint ? hint : busy_backoff_us(b);
	if (wait > b->max_us)
		wait = b->max_us;
	if (wait > left)
		wait = (u32)left;
	b->wait_us = wait;
	b->waited_us += wait;
	b->tries++;
	return HVK_BUSY_RETRY;
}
EXPORT_SYMBOL_GPL(hvk_busy_next);

u32 hvk_reset_pace_next(struct hvk_reset_pace *p, u64 now_ms)
{
	u32 delay = 0;

	if (p->started && now_ms < p->last_ms + HVK_RESET_PACE_QUIET_MS) {
		delay = p->delay_ms ? p->delay_ms * 2 : HVK_RESET_PACE_MIN_MS;
		if (delay > HVK_RESET_PACE_MAX_MS)
			delay = HVK_RESET_PACE_MAX_MS;
	}
	p->started = true;
	p->delay_ms = delay;
	p->last_ms = now_ms + delay;
	return delay;
}
EXPORT_SYMBOL_GPL(hvk_reset_pace_next);
