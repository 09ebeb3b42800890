// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host unit tests of the CRQ link's state machine (hvk_crq_transition()
 * in drivers/hv-vio/crq_codec.c): every kind of entry in every state, decoded from the
 * bytes a partner writes, as crq.c dispatches them.
 */
#include <stdio.h>
#include <string.h>

#include "ktest.h"
#include <hvkit/crq_codec.h>

static const char *const state_names[] = { "CLOSED", "WAITING", "UP" };

/* The action for the 16-byte entry starting with @valid, @format. */
static enum hvk_crq_action step(int state, u8 valid, u8 format, int *next)
{
	u8 entry[HVK_CRQ_ENTRY_SIZE] = { valid, format };
	struct hvk_crq_msg msg;

	return hvk_crq_transition(state, hvk_crq_decode(entry, &msg), next);
}

TEST(init_request_while_waiting_answers_and_comes_up)
{
	int next;

	EXPECT_EQ(step(HVK_CRQ_ST_WAITING, HVK_CRQ_INIT, HVK_CRQ_INIT_REQUEST, &next),
		  HVK_CRQ_A_ANSWER_UP);
	EXPECT_EQ(next, HVK_CRQ_ST_UP);
}

/* The partner restarted without a transport event: log in again. */
TEST(init_request_while_up_answers_and_restarts)
{
	int next;

	EXPECT_EQ(step(HVK_CRQ_ST_UP, HVK_CRQ_INIT, HVK_CRQ_INIT_REQUEST, &next),
		  HVK_CRQ_A_ANSWER_UP);
	EXPECT_EQ(next, HVK_CRQ_ST_UP);
}

/*
 * CLOSED: the queue is down until a reset (or a re-enable) registers it
 * and starts a handshake of its own. An init request left behind a
 * partner-lost event, or arriving while the reset frees the queue, must
 * not bring the link up under it.
 */
TEST(init_request_while_closed_is_ignored)
{
	int next;

	EXPECT_EQ(step(HVK_CRQ_ST_CLOSED, HVK_CRQ_INIT, HVK_CRQ_INIT_REQUEST, &next),
		  HVK_CRQ_A_IGNORE);
	EXPECT_EQ(next, HVK_CRQ_ST_CLOSED);
}

TEST(init_complete_only_while_waiting)
{
	int next;

	EXPECT_EQ(step(HVK_CRQ_ST_WAITING, HVK_CRQ_INIT, HVK_CRQ_INIT_COMPLETE, &next),
		  HVK_CRQ_A_UP);
	EXPECT_EQ(next, HVK_CRQ_ST_UP);
	EXPECT_EQ(step(HVK_CRQ_ST_UP, HVK_CRQ_INIT, HVK_CRQ_INIT_COMPLETE, &next),
		  HVK_CRQ_A_IGNORE);
	EXPECT_EQ(next, HVK_CRQ_ST_UP);
	EXPECT_EQ(step(HVK_CRQ_ST_CLOSED, HVK_CRQ_INIT, HVK_CRQ_INIT_COMPLETE, &next),
		  HVK_CRQ_A_IGNORE);
	EXPECT_EQ(next, HVK_CRQ_ST_CLOSED);
}

TEST(payload_only_while_up)
{
	int next;

	EXPECT_EQ(step(HVK_CRQ_ST_UP, HVK_CRQ_PAYLOAD, 1, &next), HVK_CRQ_A_DELIVER);
	EXPECT_EQ(next, HVK_CRQ_ST_UP);
	EXPECT_EQ(step(HVK_CRQ_ST_WAITING, HVK_CRQ_PAYLOAD, 1, &next), HVK_CRQ_A_EARLY);
	EXPECT_EQ(next, HVK_CRQ_ST_WAITING);
	EXPECT_EQ(step(HVK_CRQ_ST_CLOSED, HVK_CRQ_PAYLOAD, 1, &next), HVK_CRQ_A_EARLY);
	EXPECT_EQ(next, HVK_CRQ_ST_CLOSED);
}

/* Transport events take the link down from any state. */
TEST(transport_events_close_from_any_state)
{
	static const u8 lost[] = { HVK_CRQ_PARTNER_FAILED, HVK_CRQ_PARTNER_DEREG };
	unsigned int i;
	int s, next;

	for (s = HVK_CRQ_ST_CLOSED; s <= HVK_CRQ_ST_UP; s++) {
		for (i = 0; i < ARRAY_SIZE(lost); i++) {
			EXPECT_EQ(step(s, HVK_CRQ_TRANSPORT, lost[i], &next), HVK_CRQ_A_LOST);
			EXPECT_EQ(next, HVK_CRQ_ST_CLOSED);
		}
		EXPECT_EQ(step(s, HVK_CRQ_TRANSPORT, HVK_CRQ_MIGRATED, &next),
			  HVK_CRQ_A_MIGRATED);
		EXPECT_EQ(next, HVK_CRQ_ST_CLOSED);
	}
}

/* Nothing but an init entry or a transport event changes the state. */
TEST(every_entry_in_every_state)
{
	unsigned int v, f;
	int s, next;
	enum hvk_crq_action a;

	for (s = HVK_CRQ_ST_CLOSED; s <= HVK_CRQ_ST_UP; s++) {
		for (v = 0; v < 256; v++) {
			for (f = 0; f < 256; f++) {
				a = step(s, (u8)v, (u8)f, &next);
				if (v != HVK_CRQ_INIT && v != HVK_CRQ_TRANSPORT &&
				    !EXPECT_EQ(next, s)) {
					ktest_diag("%s: %02x %02x", state_names[s], v, f);
					return;
				}
				/* Only WAITING or UP can become UP. */
				if (next == HVK_CRQ_ST_UP && s == HVK_CRQ_ST_CLOSED) {
					ktest_fail(__FILE__, __LINE__,
						   "%02x %02x brings a CLOSED link up", v, f);
					return;
				}
				if (v != HVK_CRQ_FREE && v != HVK_CRQ_PAYLOAD &&
				    v != HVK_CRQ_INIT && v != HVK_CRQ_TRANSPORT &&
				    !EXPECT_EQ(a, HVK_CRQ_A_INVALID))
					return;
			}
		}
	}
}

/* A state the transport never writes is taken as CLOSED. */
TEST(unknown_state_is_closed)
{
	int next;

	EXPECT_EQ(step(7, HVK_CRQ_INIT, HVK_CRQ_INIT_REQUEST, &next), HVK_CRQ_A_IGNORE);
	EXPECT_EQ(next, HVK_CRQ_ST_CLOSED);
	EXPECT_EQ(step(-1, HVK_CRQ_PAYLOAD, 1, &next), HVK_CRQ_A_EARLY);
	EXPECT_EQ(next, HVK_CRQ_ST_CLOSED);
	EXPECT_EQ(step(3, HVK_CRQ_FREE, 0, &next), HVK_CRQ_A_NONE);
	EXPECT_EQ(next, HVK_CRQ_ST_CLOSED);
}

int main(int argc, char **argv)
{
	return ktest_main(argc, argv);
}
