// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host unit tests of the drain decision (drivers/hv-vio/drain_policy.c,
 * include/hvkit/drain.h): the budget per round, the H_VIO_SIGNAL calls a
 * quiet and a busy queue cost, and that no entry is left without a pulse
 * or a round, whenever the partner writes.
 *
 * A fake partner writes entries into a fake queue and pulses the
 * interrupt only while the signal is on, as QEMU's spapr-vio does; the
 * loop below carries out the actions as drivers/hv-vio/drain.c does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ktest.h"
#include <hvkit/drain.h>

struct sim {
	struct hvk_drain_ctl ctl;
	bool signal;		/* H_VIO_SIGNAL state, as the partner sees it */
	bool irq_pending;	/* a pulse not yet handled */
	bool scheduled;		/* a round to run */
	bool later;		/* a round to run after HVK_DRAIN_POLL_MS */
	bool enable_fails;	/* H_VIO_SIGNAL on fails */
	bool in_round;		/* a round took entries, has not decided */
	u32 round_done;
	u32 queued;		/* entries written, not consumed */
	u64 consumed;
	u32 most_in_round;
	unsigned int signal_calls;
	unsigned int rounds;
	unsigned int yields;
};

static void apply(struct sim *s, unsigned int act)
{
	while (act) {
		unsigned int next = 0;

		if (act & HVK_DRAIN_SIGNAL_OFF) {
			s->signal = false;
			s->signal_calls++;
		}
		if (act & HVK_DRAIN_SIGNAL_ON) {
			s->signal_calls++;
			if (s->enable_fails)
				act |= hvk_drain_enable_failed(&s->ctl);
			else
				s->signal = true;
		}
		if (act & HVK_DRAIN_RECHECK)
			next = hvk_drain_rechecked(&s->ctl, s->queued > 0);
		if (act & HVK_DRAIN_SCHEDULE)
			s->scheduled = true;
		if (act & HVK_DRAIN_POLL_LATER)
			s->later = true;
		act = next;
	}
}

static void partner_write(struct sim *s, u32 n)
{
	s->queued += n;
	if (n && s->signal)
		s->irq_pending = true;
}

static void take_irq(struct sim *s)
{
	if (!s->irq_pending)
		return;
	s->irq_pending = false;
	apply(s, hvk_drain_interrupt(&s->ctl));
}

/* HVK_DRAIN_POLL_MS have passed. */
static void fire_later(struct sim *s)
{
	if (!s->later)
		return;
	s->later = false;
	s->scheduled = true;
}

/* The first half of a round: take what is there, up to the budget. */
static void round_take(struct sim *s)
{
	u32 done;

	if (!s->scheduled || s->in_round)
		return;
	s->scheduled = false;
	s->in_round = true;
	s->rounds++;
	done = s->queued < s->ctl.budget ? s->queued : s->ctl.budget;
	s->queued -= done;
	s->consumed += done;
	s->round_done = done;
	if (done > s->most_in_round)
		s->most_in_round = done;
	if (done >= s->ctl.budget)
		s->yields++;
}

/* The second half: the decision (the partner may have written between). */
static void round_finish(struct sim *s)
{
	if (!s->in_round)
		return;
	s->in_round = false;
	apply(s, hvk_drain_round_done(&s->ctl, s->round_done));
}

static void run_round(struct sim *s)
{
	round_take(s);
	round_finish(s);
}

static void sim_init(struct sim *s, u32 budget)
{
	memset(s, 0, sizeof(*s));
	hvk_drain_ctl_init(&s->ctl, budget);
	s->signal = true;
	s->ctl.signal_off = false;	/* as after hvk_drain_start() drained */
}

TEST(budget_defaults_and_cap)
{
	struct hvk_drain_ctl c;

	hvk_drain_ctl_init(&c, 0);
	EXPECT_EQ(c.budget, HVK_DRAIN_BUDGET);
	hvk_drain_ctl_init(&c, 1);
	EXPECT_EQ(c.budget, 1);
	hvk_drain_ctl_init(&c, 100000);
	EXPECT_EQ(c.budget, HVK_DRAIN_BUDGET_MAX);
	EXPECT_TRUE(!c.polling);
}

/* After registration: off, a round, on once drained. */
TEST(start_turns_the_signal_off_then_on)
{
	struct hvk_drain_ctl c;

	hvk_drain_ctl_init(&c, 8);
	EXPECT_EQ(hvk_drain_start(&c), HVK_DRAIN_SIGNAL_OFF | HVK_DRAIN_SCHEDULE);
	EXPECT_EQ(hvk_drain_round_done(&c, 1), HVK_DRAIN_SIGNAL_ON | HVK_DRAIN_RECHECK);
	EXPECT_EQ(hvk_drain_rechecked(&c, false), 0);
	/* Again while a round is due: off only; the round turns it on. */
	hvk_drain_interrupt(&c);
	EXPECT_EQ(hvk_drain_start(&c), HVK_DRAIN_SIGNAL_OFF);
	EXPECT_EQ(hvk_drain_round_done(&c, 0), HVK_DRAIN_SIGNAL_ON | HVK_DRAIN_RECHECK);
}

/*
 * hv_net's stop halts the decision, then frees the interrupt: a pulse in
 * between sets "polling" and its NAPI schedule is dropped (NAPI is off).
 * The next up must schedule a round all the same; hvk_drain_start() alone
 * took the stale "polling" for a round due and only turned the signal
 * off, and receive stalled until the next down and up.
 */
TEST(restart_after_a_stray_pulse_schedules_a_round)
{
	struct hvk_drain_ctl c;

	hvk_drain_ctl_init(&c, 8);
	c.signal_off = false;
	hvk_drain_ctl_stop(&c);
	EXPECT_EQ(hvk_drain_interrupt(&c), HVK_DRAIN_SCHEDULE);	/* dropped */
	EXPECT_EQ(hvk_drain_restart(&c), HVK_DRAIN_SIGNAL_OFF | HVK_DRAIN_SCHEDULE);
	EXPECT_TRUE(c.polling);
	/* What the stale state made of a plain start. */
	hvk_drain_ctl_stop(&c);
	hvk_drain_interrupt(&c);
	EXPECT_EQ(hvk_drain_start(&c), HVK_DRAIN_SIGNAL_OFF);
}

/* One pulse, one entry, one round: no H_VIO_SIGNAL at all. */
TEST(quiet_queue_costs_no_signal_calls)
{
	struct hvk_drain_ctl c;

	hvk_drain_ctl_init(&c, 8);
	c.signal_off = false;
	EXPECT_EQ(hvk_drain_interrupt(&c), HVK_DRAIN_SCHEDULE);
	EXPECT_TRUE(c.polling);
	EXPECT_EQ(hvk_drain_round_done(&c, 1), HVK_DRAIN_RECHECK);
	EXPECT_TRUE(!c.polling);
	EXPECT_EQ(hvk_drain_rechecked(&c, false), 0);
}

/* A second pulse before the round is done: off once, on at the end. */
TEST(second_pulse_turns_the_signal_off_once)
{
	struct hvk_drain_ctl c;

	hvk_drain_ctl_init(&c, 8);
	c.signal_off = false;
	hvk_drain_interrupt(&c);
	EXPECT_EQ(hvk_drain_interrupt(&c), HVK_DRAIN_SIGNAL_OFF);
	EXPECT_EQ(hvk_drain_interrupt(&c), 0);
	EXPECT_EQ(hvk_drain_round_done(&c, 2), HVK_DRAIN_SIGNAL_ON | HVK_DRAIN_RECHECK);
}

TEST(spent_budget_goes_on_with_the_signal_off)
{
	struct hvk_drain_ctl c;

	hvk_drain_ctl_init(&c, 8);
	c.signal_off = false;
	hvk_drain_interrupt(&c);
	EXPECT_EQ(hvk_drain_round_done(&c, 8), HVK_DRAIN_SIGNAL_OFF | HVK_DRAIN_SCHEDULE);
	EXPECT_TRUE(c.polling);
	EXPECT_EQ(hvk_drain_round_done(&c, 8), HVK_DRAIN_SCHEDULE);
	EXPECT_EQ(hvk_drain_round_done(&c, 7), HVK_DRAIN_SIGNAL_ON | HVK_DRAIN_RECHECK);
	EXPECT_TRUE(!c.polling);
	EXPECT_EQ(hvk_drain_rechecked(&c, false), 0);
}

TEST(recheck_finds_what_came_without_a_pulse)
{
	struct hvk_drain_ctl c;

	hvk_drain_ctl_init(&c, 8);
	c.signal_off = false;
	hvk_drain_interrupt(&c);
	hvk_drain_round_done(&c, 0);
	EXPECT_EQ(hvk_drain_rechecked(&c, true), HVK_DRAIN_SCHEDULE);
	EXPECT_TRUE(c.polling);
}

TEST(stray_round_changes_nothing)
{
	struct hvk_drain_ctl c;

	hvk_drain_ctl_init(&c, 8);
	EXPECT_EQ(hvk_drain_round_done(&c, 0), 0);
	EXPECT_EQ(hvk_drain_round_done(&c, 8), 0);
	hvk_drain_interrupt(&c);
	hvk_drain_ctl_stop(&c);
	EXPECT_EQ(hvk_drain_round_done(&c, 8), 0);
	EXPECT_EQ(hvk_drain_rechecked(&c, true), HVK_DRAIN_SCHEDULE);
}

/* Episodes of one entry each: as many rounds, not one signal call. */
TEST(one_entry_episodes_cost_nothing)
{
	struct sim s;
	unsigned int i;

	sim_init(&s, 16);
	for (i = 0; i < 1000; i++) {
		partner_write(&s, 1);
		take_irq(&s);
		run_round(&s);
	}
	EXPECT_EQ(s.consumed, 1000);
	EXPECT_EQ(s.rounds, 1000);
	EXPECT_EQ(s.signal_calls, 0);
	EXPECT_TRUE(s.signal);
}

/*
 * A partner that writes more than a round takes, 10000 rounds long: every
 * round takes at most the budget and yields, the pulses stop after the
 * first round, and the whole flood costs one H_VIO_SIGNAL off and, once
 * it stops, one on.
 */
TEST(flood_is_cut_into_rounds)
{
	struct sim s;
	unsigned int i;

	sim_init(&s, 16);
	partner_write(&s, 40);
	take_irq(&s);
	for (i = 0; i < 10000; i++) {
		run_round(&s);
		partner_write(&s, 40);
		take_irq(&s);
		if (!EXPECT_TRUE(s.scheduled))
			return;
	}
	EXPECT_EQ(s.most_in_round, 16);
	EXPECT_EQ(s.yields, s.rounds);
	EXPECT_EQ(s.signal_calls, 1);
	EXPECT_TRUE(!s.signal);
	while (s.scheduled)
		run_round(&s);
	EXPECT_EQ(s.queued, 0);
	EXPECT_EQ(s.signal_calls, 2);
	EXPECT_TRUE(s.signal);
	ktest_diag("%u rounds, %llu entries, %u H_VIO_SIGNAL", s.rounds,
		   (unsigned long long)s.consumed, s.signal_calls);
}

/* The partner writes after the last round and before the enable. */
TEST(entry_between_round_and_enable_is_found)
{
	struct sim s;
	unsigned int act;

	sim_init(&s, 16);
	partner_write(&s, 1);
	take_irq(&s);
	partner_write(&s, 1);
	take_irq(&s);			/* second pulse: signal off */
	EXPECT_TRUE(!s.signal);
	s.scheduled = false;
	s.queued = 0;			/* the round took both */
	partner_write(&s, 1);		/* signal off: no pulse */
	EXPECT_TRUE(!s.irq_pending);
	act = hvk_drain_round_done(&s.ctl, 2);
	apply(&s, act);
	EXPECT_TRUE(s.scheduled);
	EXPECT_TRUE(s.signal);
	run_round(&s);
	EXPECT_EQ(s.queued, 0);
	EXPECT_TRUE(s.signal);
	EXPECT_TRUE(!s.ctl.polling);
}

/* With the signal on, a pulse that finds the round due is not lost. */
TEST(pulse_during_round_is_not_lost)
{
	struct sim s;

	sim_init(&s, 16);
	partner_write(&s, 1);
	take_irq(&s);
	run_round(&s);			/* takes it, done */
	partner_write(&s, 1);
	take_irq(&s);			/* a new episode */
	s.queued = 0;			/* round in progress took it */
	s.consumed++;
	partner_write(&s, 1);		/* during the round, signal on */
	take_irq(&s);			/* finds the round due: signal off */
	s.scheduled = false;
	apply(&s, hvk_drain_round_done(&s.ctl, 1));
	EXPECT_TRUE(s.scheduled);	/* the look found it */
	run_round(&s);
	EXPECT_EQ(s.queued, 0);
	EXPECT_TRUE(s.signal);
	EXPECT_TRUE(!s.scheduled);
}

/*
 * The hypervisor refuses to turn the signal on: no pulse will come, so the
 * queue is polled, each round trying the enable again, until it works.
 */
TEST(failed_enable_polls_until_the_enable_works)
{
	struct sim s;

	sim_init(&s, 8);
	s.enable_fails = true;
	partner_write(&s, 20);
	take_irq(&s);
	run_round(&s);			/* 8: spent, signal off */
	run_round(&s);			/* 8 */
	run_round(&s);			/* 4: the enable fails */
	EXPECT_EQ(s.queued, 0);
	EXPECT_TRUE(!s.signal);
	EXPECT_TRUE(!s.scheduled);
	EXPECT_TRUE(s.later);
	EXPECT_TRUE(s.ctl.polling);
	EXPECT_EQ(s.ctl.enable_failures, 1);
	partner_write(&s, 3);		/* signal off: no pulse */
	EXPECT_TRUE(!s.irq_pending);
	fire_later(&s);
	run_round(&s);
	EXPECT_EQ(s.queued, 0);
	EXPECT_TRUE(s.later);
	EXPECT_EQ(s.ctl.enable_failures, 2);
	s.enable_fails = false;
	fire_later(&s);
	run_round(&s);
	EXPECT_TRUE(s.signal);
	EXPECT_TRUE(!s.later);
	EXPECT_TRUE(!s.scheduled);
	EXPECT_TRUE(!s.ctl.polling);
	EXPECT_EQ(s.consumed, 23);
}

/* A failed enable during a due round: the round, not a timer, goes on. */
TEST(failed_enable_with_a_round_due_schedules_nothing_more)
{
	struct hvk_drain_ctl c;

	hvk_drain_ctl_init(&c, 8);
	c.polling = true;
	EXPECT_EQ(hvk_drain_enable_failed(&c), 0);
	EXPECT_TRUE(c.signal_off);
	c.polling = false;
	EXPECT_EQ(hvk_drain_enable_failed(&c), HVK_DRAIN_POLL_LATER);
	EXPECT_TRUE(c.polling);
	EXPECT_EQ(c.enable_failures, 2);
}

/*
 * Random interleavings of writes, pulses, rounds and failing enables:
 * whenever nothing is left to run (no pulse pending, no round scheduled
 * now or later), the queue is empty and the signal is on, so that the
 * next entry is announced.
 */
TEST(no_entry_is_stranded)
{
	unsigned int seed, i, ev;
	struct sim s;

	for (seed = 1; seed <= 200; seed++) {
		srand(seed);
		sim_init(&s, 1 + seed % 8);
		for (i = 0; i < 5000; i++) {
			ev = (unsigned int)rand() % 6;
			if (ev == 5 && rand() % 50 == 0)
				s.enable_fails = !s.enable_fails;
			else if (ev == 4)
				fire_later(&s);
			else if (ev == 0)
				partner_write(&s, (u32)rand() % 20);
			else if (ev == 1)
				take_irq(&s);
			else if (ev == 2)
				round_take(&s);
			else if (ev == 3)
				round_finish(&s);
			if (!EXPECT_TRUE(s.most_in_round <= s.ctl.budget))
				return;
			if (!s.irq_pending && !s.scheduled && !s.later &&
			    !s.in_round && s.queued) {
				ktest_fail(__FILE__, __LINE__,
					   "seed %u step %u: %u entries, no pulse, no round",
					   seed, i, s.queued);
				return;
			}
			/* Idle means the signal is on for the next entry. */
			if (!s.ctl.polling && !s.in_round && !s.signal) {
				ktest_fail(__FILE__, __LINE__,
					   "seed %u step %u: idle with the signal off",
					   seed, i);
				return;
			}
			if (!EXPECT_EQ(s.ctl.signal_off, !s.signal))
				return;
		}
	}
}

int main(int argc, char **argv)
{
	return ktest_main(argc, argv);
}
