// SPDX-License-Identifier: GPL-2.0-only
/*
 * The two forms of the busy policy (include/hvkit/busy.h) around the
 * portable decision in busy_policy.c: one that sleeps and one that spins.
 */
#define pr_fmt(fmt) "hvkit: " fmt

#include <linux/delay.h>
#include <linux/export.h>
#include <linux/ktime.h>
#include <linux/sched.h>
#include <hvkit/busy.h>
#include <hvkit/vio.h>

void hvk_busy_start_sleep(struct hvk_busy *b, unsigned int budget_ms,
			  unsigned int flags)
{
	u32 us = min_t(unsigned int, budget_ms,
		       HVK_BUSY_SLEEP_BUDGET_MAX_US / USEC_PER_MSEC) *
		 USEC_PER_MSEC;

	hvk_busy_init(b, HVK_BUSY_SLEEPING, us, flags);
	b->start_ns = ktime_get_ns();
}
EXPORT_SYMBOL_GPL(hvk_busy_start_sleep);

bool hvk_busy_sleep(struct hvk_busy *b, long status)
{
	u64 elapsed = div_u64(ktime_get_ns() - b->start_ns, NSEC_PER_USEC);

	if (hvk_busy_next(b, status, elapsed) != HVK_BUSY_RETRY)
		return false;
	might_sleep();
	/* timers-howto: hrtimer sleeps below 20 ms, jiffies above. */
	if (b->wait_us < 20 * USEC_PER_MSEC)
		usleep_range(b->wait_us, b->wait_us + b->wait_us / 4 + 10);
	else
		msleep(b->wait_us / USEC_PER_MSEC);
	return true;
}
EXPORT_SYMBOL_GPL(hvk_busy_sleep);

void hvk_busy_start_atomic(struct hvk_busy *b, unsigned int budget_us,
			   unsigned int flags)
{
	hvk_busy_init(b, HVK_BUSY_ATOMIC, budget_us, flags);
}
EXPORT_SYMBOL_GPL(hvk_busy_start_atomic);

/*
 * No clock is read: the delays asked for are what is counted, so this is
 * safe wherever udelay() is, printk from any context included. The hcalls
 * themselves add to the real time, by at most one call per wait.
 */
bool hvk_busy_delay(struct hvk_busy *b, long status)
{
	if (hvk_busy_next(b, status, 0) != HVK_BUSY_RETRY)
		return false;
	udelay(b->wait_us);
	return true;
}
EXPORT_SYMBOL_GPL(hvk_busy_delay);

void hvk_busy_report(struct hvk_device *hdev, unsigned int opcode,
		     const struct hvk_busy *b)
{
	u64 spent = max(b->elapsed_us, b->waited_us);

	atomic64_inc(&hdev->stats.busy_gave_up);
	dev_warn_ratelimited(&hdev->dev,
			     "%s: hypervisor still busy (%s) after %u tries in %llu us: giving up\n",
			     hvk_hcall_opcode_name(opcode),
			     hvk_hcall_status_name(b->status), b->tries + 1,
			     (unsigned long long)spent);
}
EXPORT_SYMBOL_GPL(hvk_busy_report);
