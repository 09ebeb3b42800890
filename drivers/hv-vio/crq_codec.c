// SPDX-License-Identifier: GPL-2.0-only
/*
 * CRQ entry codec and the link's transitions; see crq_codec.h. Only byte 0 (and byte 1 of the init
 * and transport entries) belongs to the transport; the rest of a payload
 * entry is the protocol's, decoded here in the v-scsi layout that every
 * PAPR CRQ protocol in use shares for bytes 1-15.
 */
#include <hvkit/crq_codec.h>

static enum hvk_crq_kind init_kind(u8 format)
{
	switch (format) {
	case HVK_CRQ_INIT_REQUEST:
		return HVK_CRQ_K_INIT_REQUEST;
	case HVK_CRQ_INIT_COMPLETE:
		return HVK_CRQ_K_INIT_COMPLETE;
	default:
		return HVK_CRQ_K_INVALID;
	}
}

static enum hvk_crq_kind transport_kind(u8 format)
{
	switch (format) {
	case HVK_CRQ_PARTNER_FAILED:
	case HVK_CRQ_PARTNER_DEREG:
		return HVK_CRQ_K_PARTNER_LOST;
	case HVK_CRQ_MIGRATED:
		return HVK_CRQ_K_MIGRATED;
	default:
		return HVK_CRQ_K_INVALID;
	}
}

enum hvk_crq_kind hvk_crq_decode(const u8 *entry, struct hvk_crq_msg *msg)
{
	msg->valid = entry[0];
	msg->format = entry[1];
	msg->status = entry[3];
	msg->timeout = hvk_get_be16(entry + 4);
	msg->iu_len = hvk_get_be16(entry + 6);
	msg->token = hvk_get_be64(entry + 8);

	switch (msg->valid) {
	case HVK_CRQ_FREE:
		return HVK_CRQ_K_EMPTY;
	case HVK_CRQ_PAYLOAD:
		return HVK_CRQ_K_MESSAGE;
	case HVK_CRQ_INIT:
		return init_kind(msg->format);
	case HVK_CRQ_TRANSPORT:
		return transport_kind(msg->format);
	default:
		return HVK_CRQ_K_INVALID;
	}
}

void hvk_crq_encode(const struct hvk_crq_msg *msg, u64 *hi, u64 *lo)
{
	*hi = (u64)msg->valid << 56 | (u64)msg->format << 48 |
	      (u64)msg->status << 32 | (u64)msg->timeout << 16 | msg->iu_len;
	*lo = msg->token;
}

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
