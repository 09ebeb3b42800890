// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host unit tests of the busy/long-busy policy (drivers/hv-vio/
 * busy_policy.c, include/hvkit/busy.h): which answers are retried, how
 * long one wait may be, and that the total is bounded whatever the
 * hypervisor answers and whatever the clock does.
 *
 * The drivers' loops are simulated here with a fake hypervisor and a fake
 * clock, as the kernel forms (drivers/hv-vio/busy.c) drive the decision:
 * call, decide, wait what the decision says, call again.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "ktest.h"
#include <hvkit/busy.h>

/* A hypervisor that answers a fixed script, then one status forever. */
struct fake_hv {
	const long *script;
	unsigned int script_len;
	long forever;
	unsigned int calls;
};

static long fake_hcall(struct fake_hv *hv)
{
	unsigned int i = hv->calls++;

	return i < hv->script_len ? hv->script[i] : hv->forever;
}

/*
 * How the kernel's time passes around the calls: each hcall costs
 * @call_us, each wait is overslept by @slack_pct percent plus @slack_us
 * (usleep_range()'s range, msleep()'s extra jiffy).
 */
struct fake_clock {
	u64 now_us;
	u32 call_us;
	u32 slack_pct;
	u32 slack_us;
	bool stopped;		/* a clock that never moves */
};

struct sim_result {
	long status;
	enum hvk_busy_action last;
	u64 elapsed_us;		/* by the fake clock */
	unsigned int calls;
	u32 longest_wait_us;
};

/* One call made the way hvk_busy_sleep()/hvk_busy_delay() make it. */
static struct sim_result simulate(enum hvk_busy_form form, u32 budget_us,
				  unsigned int flags, struct fake_hv *hv,
				  struct fake_clock *clk)
{
	struct sim_result r = { 0 };
	struct hvk_busy b;

	hvk_busy_init(&b, form, budget_us, flags);
	for (;;) {
		r.status = fake_hcall(hv);
		if (!clk->stopped)
			clk->now_us += clk->call_us;
		/* The atomic form reads no clock. */
		r.last = hvk_busy_next(&b, r.status,
				       form == HVK_BUSY_ATOMIC ? 0 : clk->now_us);
		if (r.last != HVK_BUSY_RETRY)
			break;
		if (b.wait_us > r.longest_wait_us)
			r.longest_wait_us = b.wait_us;
		if (!clk->stopped)
			clk->now_us += b.wait_us +
				       (u64)b.wait_us * clk->slack_pct / 100 +
				       clk->slack_us;
		/* A runaway loop is a failure, not a hang of the test. */
		if (hv->calls > 10000000)
			break;
	}
	r.elapsed_us = clk->now_us;
	r.calls = hv->calls;
	return r;
}

TEST(hints_are_papr_orders_of_magnitude)
{
	static const u32 want[] = {
		1000, 10000, 100000, 1000000, 10000000, 100000000,
	};
	unsigned int i;
	u32 us = 7;

	EXPECT_TRUE(hvk_busy_hint_us(HVK_H_BUSY, &us));
	EXPECT_EQ(us, 0);
	for (i = 0; i < 6; i++) {
		EXPECT_TRUE(hvk_busy_hint_us(HVK_H_LONG_BUSY_1MS + i, &us));
		EXPECT_EQ(us, want[i]);
	}
	EXPECT_TRUE(!hvk_busy_hint_us(HVK_H_LONG_BUSY_1MS - 1, &us));
	EXPECT_TRUE(!hvk_busy_hint_us(HVK_H_LONG_BUSY_100S + 1, &us));
	EXPECT_TRUE(!hvk_busy_hint_us(HVK_H_SUCCESS, &us));
	EXPECT_TRUE(!hvk_busy_hint_us(HVK_H_IN_PROGRESS, &us));
}

TEST(success_and_errors_stop_at_once)
{
	static const long done[] = {
		HVK_H_SUCCESS, HVK_H_CLOSED, HVK_H_NOT_AVAILABLE,
		HVK_H_IN_PROGRESS, HVK_H_PENDING, HVK_H_HARDWARE,
		HVK_H_PARAMETER, HVK_H_RESOURCE, HVK_H_DROPPED,
		HVK_H_LONG_BUSY_1MS - 1, HVK_H_LONG_BUSY_100S + 1, -9905,
	};
	unsigned int i, form;
	struct hvk_busy b;

	for (form = HVK_BUSY_SLEEPING; form <= HVK_BUSY_ATOMIC; form++) {
		for (i = 0; i < ARRAY_SIZE(done); i++) {
			hvk_busy_init(&b, form, 0, 0);
			if (!EXPECT_EQ(hvk_busy_next(&b, done[i], 0),
				       HVK_BUSY_DONE))
				ktest_diag("status %ld, form %u", done[i], form);
			EXPECT_TRUE(!hvk_busy_gave_up(&b));
			EXPECT_EQ(b.tries, 0);
		}
	}
}

TEST(h_closed_is_done_even_for_the_crq)
{
	struct hvk_busy b;

	hvk_busy_init(&b, HVK_BUSY_SLEEPING, 30000000, HVK_BUSY_IN_PROGRESS);
	EXPECT_EQ(hvk_busy_next(&b, HVK_H_CLOSED, 0), HVK_BUSY_DONE);
	EXPECT_TRUE(!hvk_busy_gave_up(&b));
}

TEST(in_progress_is_retried_only_when_asked)
{
	struct hvk_busy b;

	hvk_busy_init(&b, HVK_BUSY_SLEEPING, 0, 0);
	EXPECT_EQ(hvk_busy_next(&b, HVK_H_IN_PROGRESS, 0), HVK_BUSY_DONE);
	hvk_busy_init(&b, HVK_BUSY_SLEEPING, 0, HVK_BUSY_IN_PROGRESS);
	EXPECT_EQ(hvk_busy_next(&b, HVK_H_IN_PROGRESS, 0), HVK_BUSY_RETRY);
	EXPECT_EQ(b.wait_us, HVK_BUSY_SLEEP_MIN_US);
}

TEST(h_busy_retries_with_a_doubling_wait)
{
	static const u32 atomic_waits[] = { 1, 2, 4, 8, 16, 32, 64, 64, 64 };
	struct hvk_busy b;
	unsigned int i;
	u32 want;

	hvk_busy_init(&b, HVK_BUSY_ATOMIC, 0, 0);
	for (i = 0; i < ARRAY_SIZE(atomic_waits); i++) {
		ASSERT_TRUE(hvk_busy_next(&b, HVK_H_BUSY, 0) == HVK_BUSY_RETRY);
		EXPECT_EQ(b.wait_us, atomic_waits[i]);
	}
	hvk_busy_init(&b, HVK_BUSY_SLEEPING, 0, 0);
	for (i = 0, want = HVK_BUSY_SLEEP_MIN_US; i < 14; i++) {
		ASSERT_TRUE(hvk_busy_next(&b, HVK_H_BUSY, 0) == HVK_BUSY_RETRY);
		EXPECT_EQ(b.wait_us, want);
		want = want * 2 < HVK_BUSY_SLEEP_MAX_US ? want * 2 :
		       HVK_BUSY_SLEEP_MAX_US;
	}
	EXPECT_EQ(b.tries, 14);
}

TEST(long_busy_hint_is_honoured_up_to_the_clamp)
{
	struct hvk_busy b;
	unsigned int i;

	hvk_busy_init(&b, HVK_BUSY_SLEEPING, 0, 0);
	EXPECT_EQ(hvk_busy_next(&b, HVK_H_LONG_BUSY_1MS, 0), HVK_BUSY_RETRY);
	EXPECT_EQ(b.wait_us, 1000);
	EXPECT_EQ(hvk_busy_next(&b, HVK_H_LONG_BUSY_10MS, 0), HVK_BUSY_RETRY);
	EXPECT_EQ(b.wait_us, 10000);
	EXPECT_EQ(hvk_busy_next(&b, HVK_H_LONG_BUSY_100MS, 0), HVK_BUSY_RETRY);
	EXPECT_EQ(b.wait_us, 100000);
	/* No back-off on a hint: the hypervisor said when. */
	for (i = 0; i < 20; i++) {
		ASSERT_TRUE(hvk_busy_next(&b, HVK_H_LONG_BUSY_1MS, 0) ==
			    HVK_BUSY_RETRY);
		EXPECT_EQ(b.wait_us, 1000);
	}
}

TEST(long_busy_100s_is_clamped_per_wait)
{
	struct hvk_busy b;

	hvk_busy_init(&b, HVK_BUSY_SLEEPING, 0, 0);
	EXPECT_EQ(hvk_busy_next(&b, HVK_H_LONG_BUSY_100S, 0), HVK_BUSY_RETRY);
	EXPECT_EQ(b.wait_us, HVK_BUSY_SLEEP_MAX_US);
	EXPECT_EQ(b.wait_us, 100000);
	hvk_busy_init(&b, HVK_BUSY_ATOMIC, 0, 0);
	EXPECT_EQ(hvk_busy_next(&b, HVK_H_LONG_BUSY_100S, 0), HVK_BUSY_RETRY);
	EXPECT_EQ(b.wait_us, HVK_BUSY_ATOMIC_MAX_US);
	EXPECT_EQ(b.wait_us, 64);
}

TEST(budgets_default_and_cap)
{
	struct hvk_busy b;

	hvk_busy_init(&b, HVK_BUSY_SLEEPING, 0, 0);
	EXPECT_EQ(b.budget_us, 5000000);
	hvk_busy_init(&b, HVK_BUSY_SLEEPING, 60000000, 0);
	EXPECT_EQ(b.budget_us, 30000000);
	hvk_busy_init(&b, HVK_BUSY_SLEEPING, 1000000, 0);
	EXPECT_EQ(b.budget_us, 1000000);
	hvk_busy_init(&b, HVK_BUSY_ATOMIC, 0, 0);
	EXPECT_EQ(b.budget_us, 500);
	hvk_busy_init(&b, HVK_BUSY_ATOMIC, 1000000, 0);
	EXPECT_EQ(b.budget_us, 2000);
}

/* Every busy answer, in both forms: the budget ends the retries. */
TEST(budget_ends_every_busy_answer_with_a_give_up)
{
	long st;
	unsigned int form;

	for (form = HVK_BUSY_SLEEPING; form <= HVK_BUSY_ATOMIC; form++) {
		for (st = HVK_H_LONG_BUSY_1MS - 1; st <= HVK_H_LONG_BUSY_100S;
		     st++) {
			struct fake_hv hv = { .forever = st };
			struct fake_clock clk = { 0 };
			struct sim_result r;
			struct hvk_busy b;

			if (st == HVK_H_LONG_BUSY_1MS - 1)
				hv.forever = HVK_H_BUSY;
			hvk_busy_init(&b, form, 0, 0);
			r = simulate(form, 0, 0, &hv, &clk);
			EXPECT_EQ(r.last, HVK_BUSY_GIVE_UP);
			EXPECT_EQ(r.status, hv.forever);
			/* The waits fill the budget exactly, no more. */
			if (!EXPECT_EQ(r.elapsed_us, b.budget_us))
				ktest_diag("form %u status %ld", form,
					   hv.forever);
			EXPECT_TRUE(r.longest_wait_us <= b.max_us);
		}
	}
}

TEST(a_clock_that_stands_still_still_ends)
{
	struct fake_hv hv = { .forever = HVK_H_BUSY };
	struct fake_clock clk = { .stopped = true };
	struct sim_result r;

	r = simulate(HVK_BUSY_SLEEPING, 0, 0, &hv, &clk);
	EXPECT_EQ(r.last, HVK_BUSY_GIVE_UP);
	/* 50 us doubling to 100 ms, then 100 ms waits: about 60 calls. */
	EXPECT_TRUE(r.calls < 80);
	ktest_diag("always H_BUSY, clock stopped: %u calls", r.calls);
}

TEST(oversleeping_ends_on_the_clock)
{
	struct fake_hv hv = { .forever = HVK_H_LONG_BUSY_10MS };
	struct fake_clock clk = { .call_us = 20, .slack_pct = 50,
				  .slack_us = 4000 };
	struct sim_result r;

	r = simulate(HVK_BUSY_SLEEPING, 1000000, 0, &hv, &clk);
	EXPECT_EQ(r.last, HVK_BUSY_GIVE_UP);
	/* At most one wait (and its slack) past the budget. */
	EXPECT_TRUE(r.elapsed_us >= 1000000);
	EXPECT_TRUE(r.elapsed_us <= 1000000 + 10000 * 3 / 2 + 4000 + 2 * 20);
}

TEST(busy_then_success_is_success)
{
	static const long script[] = {
		HVK_H_BUSY, HVK_H_LONG_BUSY_10MS, HVK_H_LONG_BUSY_1MS,
	};
	struct fake_hv hv = {
		.script = script,
		.script_len = ARRAY_SIZE(script),
		.forever = HVK_H_SUCCESS,
	};
	struct fake_clock clk = { .call_us = 5 };
	struct sim_result r;

	r = simulate(HVK_BUSY_SLEEPING, 0, 0, &hv, &clk);
	EXPECT_EQ(r.last, HVK_BUSY_DONE);
	EXPECT_EQ(r.status, HVK_H_SUCCESS);
	EXPECT_EQ(r.calls, 4);
	/* 50 us of back-off, then the hints as given: 10 ms, 1 ms. */
	EXPECT_EQ(r.elapsed_us, 4 * 5 + 50 + 10000 + 1000);
}

TEST(crq_enable_in_progress_then_success)
{
	static const long script[] = {
		HVK_H_IN_PROGRESS, HVK_H_IN_PROGRESS, HVK_H_LONG_BUSY_100MS,
	};
	struct fake_hv hv = {
		.script = script,
		.script_len = ARRAY_SIZE(script),
		.forever = HVK_H_SUCCESS,
	};
	struct fake_clock clk = { 0 };
	struct sim_result r;

	r = simulate(HVK_BUSY_SLEEPING, 30000000, HVK_BUSY_IN_PROGRESS, &hv,
		     &clk);
	EXPECT_EQ(r.last, HVK_BUSY_DONE);
	EXPECT_EQ(r.status, HVK_H_SUCCESS);
	EXPECT_EQ(r.calls, 4);
}

/*
 * Finding 4: hvn_free_lan() runs under rtnl (ndo_stop, MTU change,
 * reset). It used to make up to 50 calls and sleep the hint after each
 * busy answer, so a hypervisor that answers H_FREE_LOGICAL_LAN with
 * H_LONG_BUSY_100S forever held rtnl for 50 x 100 s. Through the policy
 * the free gives up within the sleeping form's default budget (5 s), plus
 * one wait's oversleep and the calls.
 */
static u64 old_free_lan_us(struct fake_hv *hv, struct fake_clock *clk)
{
	unsigned int tries;
	u32 hint;

	for (tries = 0; tries < 50; tries++) {
		clk->now_us += clk->call_us;
		if (!hvk_busy_hint_us(fake_hcall(hv), &hint))
			break;
		clk->now_us += hint > 1000 ? hint : 1000;
	}
	return clk->now_us;
}

TEST(free_lan_long_busy_100s_forever_gives_up_within_bound)
{
	/* msleep(100) on HZ=100 may take 110 ms; an hcall ~ 10 us. */
	struct fake_clock clk = { .call_us = 10, .slack_pct = 10,
				  .slack_us = 10 };
	struct fake_hv hv = { .forever = HVK_H_LONG_BUSY_100S };
	const u64 bound = HVK_BUSY_SLEEP_BUDGET_US +
			  HVK_BUSY_SLEEP_MAX_US * 11 / 10 + 10 + 10 * 100;
	struct fake_clock old_clk = clk;
	struct fake_hv old_hv = hv;
	struct sim_result r;
	u64 old_us;

	r = simulate(HVK_BUSY_SLEEPING, 0, 0, &hv, &clk);
	EXPECT_EQ(r.last, HVK_BUSY_GIVE_UP);
	EXPECT_EQ(r.status, HVK_H_LONG_BUSY_100S);
	if (!EXPECT_TRUE(r.elapsed_us <= bound))
		ktest_diag("free held rtnl %llu us, bound %llu us",
			   (unsigned long long)r.elapsed_us,
			   (unsigned long long)bound);
	EXPECT_TRUE(r.longest_wait_us <= 100000);
	ktest_diag("H_LONG_BUSY_100S forever: gave up after %u calls, %llu ms",
		   r.calls, (unsigned long long)r.elapsed_us / 1000);

	/* What the loop before the policy did, for the record. */
	old_us = old_free_lan_us(&old_hv, &old_clk);
	EXPECT_EQ(old_hv.calls, 50);
	EXPECT_TRUE(old_us >= 5000ULL * 1000000);
	ktest_diag("the old loop: %u calls, %llu s under rtnl", old_hv.calls,
		   (unsigned long long)old_us / 1000000);
}

/* hv_net's transmit, in softirq/atomic context: always H_BUSY. */
TEST(send_always_busy_gives_up_within_the_atomic_budget)
{
	struct fake_hv hv = { .forever = HVK_H_BUSY };
	struct fake_clock clk = { 0 };
	struct sim_result r;

	r = simulate(HVK_BUSY_ATOMIC, 0, 0, &hv, &clk);
	EXPECT_EQ(r.last, HVK_BUSY_GIVE_UP);
	EXPECT_EQ(r.elapsed_us, HVK_BUSY_ATOMIC_BUDGET_US);
	EXPECT_TRUE(r.longest_wait_us <= HVK_BUSY_ATOMIC_MAX_US);
	ktest_diag("always H_BUSY, atomic: %u calls in %llu us", r.calls,
		   (unsigned long long)r.elapsed_us);
}

/* The printk console: one 16-byte chunk costs at most 2 ms. */
TEST(console_always_long_busy_gives_up_within_2ms)
{
	struct fake_hv hv = { .forever = HVK_H_LONG_BUSY_100S };
	struct fake_clock clk = { 0 };
	struct sim_result r;

	r = simulate(HVK_BUSY_ATOMIC, HVK_BUSY_ATOMIC_BUDGET_MAX_US, 0, &hv,
		     &clk);
	EXPECT_EQ(r.last, HVK_BUSY_GIVE_UP);
	EXPECT_EQ(r.elapsed_us, 2000);
}

/*
 * Resets a driver makes by itself are paced: the first at once, those
 * that follow within a second wait 10, 20, 40 ... ms up to 1 s, and a
 * quiet second starts over. A partner provoking a reset after every
 * registration gets about ten a second at first and one a second after.
 */
TEST(reset_pace_doubles_then_caps_then_forgets)
{
	struct hvk_reset_pace p = { 0 };
	u32 expect[] = { 0, 10, 20, 40, 80, 160, 320, 640, 1000, 1000 };
	u64 now = 5000;
	unsigned int i, resets = 0;
	u32 d;

	for (i = 0; i < ARRAY_SIZE(expect); i++) {
		d = hvk_reset_pace_next(&p, now);
		EXPECT_EQ(d, expect[i]);
		now += d + 1;		/* provoked again right after it ran */
	}
	/* A quiet second after the last ran: at once again. */
	EXPECT_EQ(hvk_reset_pace_next(&p, p.last_ms + HVK_RESET_PACE_QUIET_MS), 0);
	EXPECT_EQ(hvk_reset_pace_next(&p, p.last_ms), HVK_RESET_PACE_MIN_MS);
	/* Ten seconds of back-to-back provocation: a bounded number. */
	memset(&p, 0, sizeof(p));
	for (now = 0; now < 10000; now += d + 1, resets++)
		d = hvk_reset_pace_next(&p, now);
	EXPECT_TRUE(resets <= 20);
	ktest_diag("%u resets in 10 s of back-to-back provocation", resets);
}

int main(int argc, char **argv)
{
	return ktest_main(argc, argv);
}
