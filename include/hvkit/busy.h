/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What every hvkit driver does when the hypervisor answers H_BUSY,
 * H_LONG_BUSY_* (or, where the caller asks, H_IN_PROGRESS): retry after a
 * wait, within bounds, or give up.
 *
 * The decision (hvk_busy_next()) is portable: the modules and the host
 * unit tests (selftests/host/test_busy.c) compile the same code, so the
 * bounds below are tested on the host. hv_vio wraps it in two forms:
 *
 *	hvk_busy_start_sleep(&b, budget_ms, flags);
 *	do {
 *		status = hvk_dev_hcall(hdev, opcode, &regs);
 *	} while (hvk_busy_sleep(&b, status));
 *	if (hvk_busy_gave_up(&b))
 *		hvk_busy_report(hdev, opcode, &b);
 *
 * and the same with hvk_busy_start_atomic()/hvk_busy_delay(), which never
 * sleeps. See Documentation/hcall-abi.rst, "Busy answers".
 */
#ifndef _HVKIT_BUSY_H
#define _HVKIT_BUSY_H

#include "hvk_portable.h"
#include <hvkit/hcall_status.h>

/*
 * Sleeping form: process context, may hold a mutex or rtnl. A long-busy
 * hint is honoured up to 100 ms per wait: PAPR offers hints up to 100 s,
 * and one such wait under rtnl would stall every network configuration
 * change of the system. The waits of one call add up to 5 s by default;
 * a caller may ask for up to 30 s (the CRQ's H_FREE_CRQ/H_ENABLE_CRQ,
 * which run from a work item and have always had 30 s).
 */
#define HVK_BUSY_SLEEP_MIN_US		50
#define HVK_BUSY_SLEEP_MAX_US		100000
#define HVK_BUSY_SLEEP_BUDGET_US	5000000
#define HVK_BUSY_SLEEP_BUDGET_MAX_US	30000000

/*
 * Atomic form: interrupts or preemption may be off (transmit, printk). A
 * wait is a udelay() of at most 64 us and the waits of one call add up to
 * 500 us by default, 2 ms at most: long enough to ride out a hypervisor
 * that is briefly busy, short enough that an always-busy one cannot pin
 * a CPU.
 */
#define HVK_BUSY_ATOMIC_MIN_US		1
#define HVK_BUSY_ATOMIC_MAX_US		64
#define HVK_BUSY_ATOMIC_BUDGET_US	500
#define HVK_BUSY_ATOMIC_BUDGET_MAX_US	2000

/* Flags for the start functions. */
#define HVK_BUSY_IN_PROGRESS	0x1	/* retry H_IN_PROGRESS like H_BUSY */

enum hvk_busy_form {
	HVK_BUSY_SLEEPING,
	HVK_BUSY_ATOMIC,
};

enum hvk_busy_action {
	HVK_BUSY_DONE,		/* not busy: the status is the call's result */
	HVK_BUSY_RETRY,		/* wait wait_us, then make the call again */
	HVK_BUSY_GIVE_UP,	/* still busy and the budget is spent */
};

struct hvk_busy {
	u32 min_us;		/* first wait after a plain H_BUSY */
	u32 max_us;		/* longest single wait, whatever the hint */
	u32 budget_us;		/* longest total, from the first call on */
	unsigned int flags;
	u32 tries;		/* busy answers that were retried */
	u32 wait_us;		/* the wait before the next try */
	u64 waited_us;		/* the sum of the waits asked for so far */
	u64 elapsed_us;		/* time taken so far, as last reported */
	long status;		/* the last busy answer */
	bool gave_up;
#ifdef __KERNEL__
	u64 start_ns;		/* sleeping form: when the first call was made */
#endif
};

/*
 * The wait the hypervisor suggests with @status, in us: 0 for H_BUSY,
 * 1 ms .. 100 s for H_LONG_BUSY_1MS .. H_LONG_BUSY_100S. False when
 * @status is no busy answer.
 */
bool hvk_busy_hint_us(long status, u32 *hint_us);

/*
 * Start a call of the given form. @budget_us 0 means the form's default;
 * larger than the form's maximum means the maximum.
 */
void hvk_busy_init(struct hvk_busy *b, enum hvk_busy_form form,
		   u32 budget_us, unsigned int flags);

/*
 * The decision for the answer @status, @elapsed_us after the first call
 * was made (0 if the caller has no clock: the waits asked for count
 * anyway, so the calls end even if time does not move). With
 * HVK_BUSY_RETRY, b->wait_us is the wait: the long-busy hint, or for
 * H_BUSY (and H_IN_PROGRESS) a back-off that doubles from min_us on every
 * try; never more than max_us nor than what is left of the budget.
 */
enum hvk_busy_action hvk_busy_next(struct hvk_busy *b, long status,
				   u64 elapsed_us);

static inline bool hvk_busy_gave_up(const struct hvk_busy *b)
{
	return b->gave_up;
}

/*
 * Pacing of the resets a driver makes by itself (after a transport event,
 * a bad queue entry): a hypervisor that provokes one after every
 * registration must not keep a CPU resetting back to back. A reset due a
 * quiet second after the last goes at once; each one due sooner waits
 * twice as long as the one before, from 10 ms up to 1 s.
 */
#define HVK_RESET_PACE_MIN_MS	10
#define HVK_RESET_PACE_MAX_MS	1000
#define HVK_RESET_PACE_QUIET_MS	1000

struct hvk_reset_pace {
	u64 last_ms;	/* when the last reset was to run */
	u32 delay_ms;	/* the wait it was given */
	bool started;
};

/*
 * A reset is asked for at @now_ms (any monotonic clock in ms): how long
 * to wait before making it. Records it as the last.
 */
u32 hvk_reset_pace_next(struct hvk_reset_pace *p, u64 now_ms);

#ifdef __KERNEL__
struct hvk_device;

/* Sleeping form: may sleep (usleep_range()/msleep()). */
void hvk_busy_start_sleep(struct hvk_busy *b, unsigned int budget_ms,
			  unsigned int flags);
/* True: @status was busy and the wait is over, make the call again. */
bool hvk_busy_sleep(struct hvk_busy *b, long status);

/* Atomic form: never sleeps (udelay()). */
void hvk_busy_start_atomic(struct hvk_busy *b, unsigned int budget_us,
			   unsigned int flags);
bool hvk_busy_delay(struct hvk_busy *b, long status);

/*
 * After a give-up: count it in @hdev's stats/busy_gave_up and say so in
 * the log, rate limited, naming the device and the hcall.
 */
void hvk_busy_report(struct hvk_device *hdev, unsigned int opcode,
		     const struct hvk_busy *b);
#endif

#endif /* _HVKIT_BUSY_H */
