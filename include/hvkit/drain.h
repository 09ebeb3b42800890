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

struct hvk_drain_ctl {
	u32 budget;	/* entries per round */
	bool polling;	/* a round is scheduled or running */
	bool signal_off;	/* we turned H_VIO_SIGNAL off (or do not know) */
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

/* A round consumed @done entries. */
unsigned int hvk_drain_round_done(struct hvk_drain_ctl *c, u32 done);

/* What the look after enabling found. */
unsigned int hvk_drain_rechecked(struct hvk_drain_ctl *c, bool pending);

/* Stop draining (the caller turns the signal off itself). */
static inline void hvk_drain_ctl_stop(struct hvk_drain_ctl *c)
{
	c->polling = false;
	c->signal_off = true;
}

#ifdef __KERNEL__
#include <linux/interrupt.h>
#include <linux/spinlock.h>

struct hvk_device;
struct hvk_drain;

/*
 * Who carries out the actions for one queue: its device (H_VIO_SIGNAL),
 * the look at the queue, and how a round is scheduled (a tasklet for
 * struct hvk_drain, NAPI for hv_net).
 */
struct hvk_drain_actor {
	struct hvk_device *hdev;
	bool (*pending)(void *ctx);
	void (*schedule)(void *ctx);
	void *ctx;
};

/*
 * Carry out @act, and the actions the look after an enable leads to, under
 * the lock that serialises the decisions on @c, so the H_VIO_SIGNAL calls
 * reach the hypervisor in the order they were decided. Returns H_SUCCESS
 * or the status of an enable that failed; the signal then counts as off
 * and the caller decides how to go on (poll, reset).
 */
long hvk_drain_apply(struct hvk_drain_ctl *c, const struct hvk_drain_actor *a,
		     unsigned int act);

/* Consume at most @budget entries; return how many. Softirq context. */
typedef u32 (*hvk_drain_round_fn)(struct hvk_drain *d, u32 budget);
/* Whether an entry is waiting; called between rounds. */
typedef bool (*hvk_drain_pending_fn)(struct hvk_drain *d);

struct hvk_drain {
	struct hvk_device *hdev;
	struct hvk_drain_actor actor;
	hvk_drain_round_fn round;
	hvk_drain_pending_fn pending;
	spinlock_t lock;		/* ctl, stopped, the signal */
	struct hvk_drain_ctl ctl;
	bool stopped;
	struct tasklet_struct tasklet;
};

/* Stopped until hvk_drain_kick(). */
void hvk_drain_init(struct hvk_drain *d, struct hvk_device *hdev, u32 budget,
		    hvk_drain_round_fn round, hvk_drain_pending_fn pending);
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
