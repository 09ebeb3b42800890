/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The CRQ link's state machine: what one decoded entry does in each state.
 * Portable (kernel and host unit tests, selftests/host/test_crq_state.c):
 * the transport (crq.c) asks hvk_crq_transition() and carries out the
 * answer under its lock, so the decision is tested without a device.
 */
#ifndef _HVK_CRQ_STATE_H
#define _HVK_CRQ_STATE_H

#include <hvkit/crq_codec.h>

enum hvk_crq_state {
	HVK_CRQ_ST_CLOSED,	/* not registered, or down until a reset */
	HVK_CRQ_ST_WAITING,	/* registered, waiting for the partner */
	HVK_CRQ_ST_UP,		/* handshake done: payload may flow */
};

enum hvk_crq_action {
	HVK_CRQ_A_NONE,		/* nothing to do (an empty slot) */
	HVK_CRQ_A_DELIVER,	/* hand the payload to the protocol */
	HVK_CRQ_A_EARLY,	/* payload outside UP: counted, dropped */
	HVK_CRQ_A_ANSWER_UP,	/* send INIT_COMPLETE; UP if it was sent */
	HVK_CRQ_A_UP,		/* UP: the protocol may start */
	HVK_CRQ_A_IGNORE,	/* an init entry this state does not expect */
	HVK_CRQ_A_LOST,		/* down: free, register, handshake again */
	HVK_CRQ_A_MIGRATED,	/* down: enable again, handshake again */
	HVK_CRQ_A_INVALID,	/* no known kind: counted, dropped */
};

/*
 * What an entry of @kind does in @state, and the state after it in
 * @next (for HVK_CRQ_A_ANSWER_UP, the state once the answer was sent).
 * A @state out of range is taken as HVK_CRQ_ST_CLOSED.
 */
enum hvk_crq_action hvk_crq_transition(int state, enum hvk_crq_kind kind,
				       int *next);

#endif /* _HVK_CRQ_STATE_H */
