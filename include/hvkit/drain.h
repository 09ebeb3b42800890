/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Draining a queue that the hypervisor fills and announces with an
 * interrupt gated by H_VIO_SIGNAL (the CRQ; the l-lan receive queue has
 * the same shape). The pulse is neither latched nor replayed, so an entry
 * written while the signal is off, or while a round is already due, must
 * be found by looking. Written once here, NAPI-style:
 *
 *	pulse, idle       -> schedule a round ("polling"); signal stays on
 *	round             -> at most budget entries, in softirq context
 *	budget spent      -> signal off (once), schedule another round
 *	second pulse      -> signal off (once): the partner outruns a round
 *	fewer than budget -> stop polling, signal on if it was off, look
 *	                     again: anything there -> another round
 *	enable fails      -> no pulse will come: keep polling, a round every
 *	                     HVK_DRAIN_POLL_MS, each trying the enable again
 *
 * The decisions are made under one lock with the interrupt's, so a pulse
 * either finds a round due (whose look after it sees the entry) or
 * schedules one. A quiet queue thus costs no H_VIO_SIGNAL at all; a busy
 * one two, however many entries it brings; and a partner that keeps
 * writing gets budget entries per round, the rest of the system its
 * share in between (softirq rounds that keep rescheduling move to
 * ksoftirqd), with its pulses off.
 *
 * The decision (struct hvk_drain_ctl) is portable and tested on the host
 * (selftests/host/test_drain.c); the caller holds the lock and carries
 * out the actions it returns, in the order of the bits below. hv_vio's
 * kernel form, struct hvk_drain, runs the rounds in a tasklet; a NAPI
 * driver can call the decision from its poll function instead.
 */
#ifndef _HVK_DRAIN_H
#define _HVK_DRAIN_H

#include "hvk_portable.h"

#define HVK_DRAIN_BUDGET	64	/* entries per round by default */
#define HVK_DRAIN_BUDGET_MAX	256	/* a CRQ page holds 256 */

/* Actions, carried out in this order. */
#define HVK_DRAIN_SIGNAL_OFF	0x1	/* H_VIO_SIGNAL off */
#define HVK_DRAIN_SIGNAL_ON	0x2	/* H_VIO_SIGNAL on */
#define HVK_DRAIN_RECHECK	0x4	/* look again: hvk_drain_rechecked() */
#define HVK_DRAIN_SCHEDULE	0x8	/* run a round */
#define HVK_DRAIN_POLL_LATER	0x10	/* run a round HVK_DRAIN_POLL_MS later */

/* How often a queue whose interrupt cannot be enabled is looked at. */
#define HVK_DRAIN_POLL_MS	10

struct hvk_drain_ctl {
	u32 budget;	/* entries per round */
	bool polling;	/* a round is scheduled or running */
	bool signal_off;	/* H_VIO_SIGNAL is off (or we do not know) */
	u32 enable_failures;	/* H_VIO_SIGNAL on that failed */
};

/* @budget 0: the default; more than the maximum: the maximum. */
void hvk_drain_ctl_init(struct hvk_drain_ctl *c, u32 budget);

/* The interrupt fired. */
unsigned int hvk_drain_interrupt(struct hvk_drain_ctl *c);

/*
 * Start (again) with the signal in an unknown state, e.g. after the queue
 * was registered: off, a round, on once drained.
 */
unsigned int hvk_drain_start(struct hvk_drain_ctl *c);

/*
 * Start afresh after hvk_drain_halt(), once no round can be running (a
 * pulse that came after the halt may have left the decision "polling"
 * with nothing scheduled): as hvk_drain_start(), the signal unknown.
 */
unsigned int hvk_drain_restart(struct hvk_drain_ctl *c);

/* A round consumed @done entries. */
unsigned int hvk_drain_round_done(struct hvk_drain_ctl *c, u32 done);

/* What the look after enabling found. */
unsigned int hvk_drain_rechecked(struct hvk_drain_ctl *c, bool pending);

/*
 * H_VIO_SIGNAL on failed: the signal is off and no pulse will come, so
 * the queue is polled (POLL_LATER) until an enable succeeds.
 */
unsigned int hvk_drain_enable_failed(struct hvk_drain_ctl *c);

/* Stop draining; the signal is to be turned off. */
static inline void hvk_drain_ctl_stop(struct hvk_drain_ctl *c)
{
	c->polling = false;
	c->signal_off = true;
}

#ifdef __KERNEL__
#include <linux/interrupt.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

struct hvk_device;
struct hvk_drain;

/*
 * Whether the hypervisor was last told to signal (ethtool, sysfs); read
 * without the lock.
 */
static inline bool hvk_drain_signal_on(const struct hvk_drain_ctl *c)
{
	return !READ_ONCE(c->signal_off);
}

/*
 * Who carries out the actions for one queue: its device (H_VIO_SIGNAL),
 * the look at the queue, and how a round is scheduled, now and later (a
 * tasklet and a delayed work for struct hvk_drain, NAPI for hv_net).
 * Embedded in the caller's structure; the callbacks find it from @a.
 */
struct hvk_drain_actor {
	struct hvk_device *hdev;
	bool (*pending)(struct hvk_drain_actor *a);
	void (*schedule)(struct hvk_drain_actor *a);
	void (*schedule_later)(struct hvk_drain_actor *a);
};

/*
 * Carry out @act, and the actions the look after an enable leads to, under
 * the lock that serialises the decisions on @c, so the H_VIO_SIGNAL calls
 * reach the hypervisor in the order they were decided. A failed enable is
 * decided here too (hvk_drain_enable_failed(): poll) and logged once per
 * queue.
 */
void hvk_drain_apply(struct hvk_drain_ctl *c, struct hvk_drain_actor *a,
		     unsigned int act);

/*
 * Stop deciding and turn the signal off, under the same lock; the caller
 * has made sure no round runs any more. Returns the H_VIO_SIGNAL status.
 */
long hvk_drain_halt(struct hvk_drain_ctl *c, struct hvk_drain_actor *a);

/* Consume at most @budget entries; return how many. Softirq context. */
typedef u32 (*hvk_drain_round_fn)(struct hvk_drain *d, u32 budget);

/* The tasklet form, for queues without a NAPI context (the CRQ). */
struct hvk_drain {
	struct hvk_drain_actor actor;
	hvk_drain_round_fn round;
	spinlock_t lock;		/* ctl, stopped, the signal */
	struct hvk_drain_ctl ctl;
	bool stopped;
	struct tasklet_struct tasklet;
	struct delayed_work later;	/* POLL_LATER: schedules the tasklet */
};

/* Stopped until hvk_drain_kick(). */
void hvk_drain_init(struct hvk_drain *d, struct hvk_device *hdev, u32 budget,
		    hvk_drain_round_fn round,
		    bool (*pending)(struct hvk_drain_actor *a));
/* From the device's interrupt handler. */
void hvk_drain_irq(struct hvk_drain *d);
/* Start draining, the signal's state unknown: after registration. */
void hvk_drain_kick(struct hvk_drain *d);
/*
 * Signal off; no round runs once this returns, until hvk_drain_kick().
 * Process context. Free the interrupt first if the drain goes away.
 */
void hvk_drain_stop(struct hvk_drain *d);
#endif

#endif /* _HVK_DRAIN_H */
