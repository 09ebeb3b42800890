// SPDX-License-Identifier: GPL-2.0-only
/*
 * The CRQ link's transitions; see include/hvkit/crq_state.h. Portable:
 * built into hv_vio and into the host unit tests.
 */
#include <hvkit/crq_state.h>

enum hvk_crq_action hvk_crq_transition(int state, enum hvk_crq_kind kind,
				       int *next)
{
	if (state != HVK_CRQ_ST_WAITING && state != HVK_CRQ_ST_UP)
		state = HVK_CRQ_ST_CLOSED;
	*next = state;

	switch (kind) {
	case HVK_CRQ_K_EMPTY:
		return HVK_CRQ_A_NONE;
	case HVK_CRQ_K_MESSAGE:
		return state == HVK_CRQ_ST_UP ? HVK_CRQ_A_DELIVER : HVK_CRQ_A_EARLY;
	case HVK_CRQ_K_INIT_REQUEST:
		/*
		 * The partner (re)started and speaks first: answer, and the
		 * protocol starts (again). Not while CLOSED: the link is down
		 * until the reset or re-enable that is pending registers the
		 * queue and starts a handshake of its own, which a partner
		 * that is there answers. Bringing the link up now would start
		 * the protocol on a queue about to be freed.
		 */
		if (state == HVK_CRQ_ST_CLOSED)
			return HVK_CRQ_A_IGNORE;
		*next = HVK_CRQ_ST_UP;
		return HVK_CRQ_A_ANSWER_UP;
	case HVK_CRQ_K_INIT_COMPLETE:
		if (state != HVK_CRQ_ST_WAITING)
			return HVK_CRQ_A_IGNORE;
		*next = HVK_CRQ_ST_UP;
		return HVK_CRQ_A_UP;
	case HVK_CRQ_K_PARTNER_LOST:
		*next = HVK_CRQ_ST_CLOSED;
		return HVK_CRQ_A_LOST;
	case HVK_CRQ_K_MIGRATED:
		*next = HVK_CRQ_ST_CLOSED;
		return HVK_CRQ_A_MIGRATED;
	case HVK_CRQ_K_INVALID:
	default:
		return HVK_CRQ_A_INVALID;
	}
}
