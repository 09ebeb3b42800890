/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * CRQ entries as the hypervisor writes them: 16 big-endian bytes whose
 * first byte says what the entry is, and what one decoded entry does in
 * each state of the link. Portable (kernel, host unit tests
 * test_srp_codec.c and test_crq_state.c, fuzzers): everything here
 * decides on hypervisor-written memory, so it is tested without a device;
 * the transport (crq.c) carries out the answers under its lock.
 */
#ifndef _HVK_CRQ_CODEC_H
#define _HVK_CRQ_CODEC_H

#include "hvk_portable.h"

#define HVK_CRQ_ENTRY_SIZE	16

/* Byte 0 of an entry. */
#define HVK_CRQ_FREE		0x00
#define HVK_CRQ_PAYLOAD		0x80
#define HVK_CRQ_INIT		0xc0
#define HVK_CRQ_TRANSPORT	0xff

/* Byte 1 with HVK_CRQ_INIT. */
#define HVK_CRQ_INIT_REQUEST	0x01
#define HVK_CRQ_INIT_COMPLETE	0x02

/* Byte 1 with HVK_CRQ_TRANSPORT. */
#define HVK_CRQ_PARTNER_FAILED	0x01
#define HVK_CRQ_PARTNER_DEREG	0x02
#define HVK_CRQ_MIGRATED	0x06

enum hvk_crq_kind {
	HVK_CRQ_K_EMPTY,	/* slot not written yet */
	HVK_CRQ_K_MESSAGE,	/* a protocol message for the consumer */
	HVK_CRQ_K_INIT_REQUEST,	/* the partner asks us to initialise */
	HVK_CRQ_K_INIT_COMPLETE,	/* the partner answered our request */
	HVK_CRQ_K_PARTNER_LOST,	/* partner failed or deregistered: reset */
	HVK_CRQ_K_MIGRATED,	/* partition migrated: re-enable, log in */
	HVK_CRQ_K_INVALID,	/* anything else: counted and dropped */
};

/* An entry decoded; the field names follow the v-scsi view (ABI 4.1). */
struct hvk_crq_msg {
	u8 valid;
	u8 format;
	u8 status;
	u16 timeout;
	u16 iu_len;
	u64 token;		/* bytes 8-15: IU address or correlator */
};

/* Decode the 16 bytes at @entry into @msg and say what they are. */
enum hvk_crq_kind hvk_crq_decode(const u8 *entry, struct hvk_crq_msg *msg);

/* The two register halves of a message for H_SEND_CRQ. */
void hvk_crq_encode(const struct hvk_crq_msg *msg, u64 *hi, u64 *lo);

/* The link's state machine. */
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

#endif /* _HVK_CRQ_CODEC_H */
