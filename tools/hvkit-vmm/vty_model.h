/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hvkit-vmm's vty device model: H_GET_TERM_CHAR and H_PUT_TERM_CHAR with
 * QEMU pseries' semantics, through the kit's vty codec
 * (drivers/hv-console/vty_codec.h). The byte source and sink behind it (a
 * unix socket, stdio, a test's buffer) are the caller's.
 */
#ifndef _HVM_VTY_MODEL_H
#define _HVM_VTY_MODEL_H

#include "hcall_table.h"
#include "vty_codec.h"

/* Input held for the guest; the backend is not read while it is full. */
#define HVM_VTY_INPUT	256
/*
 * A buffer that a feed filled reports room (ops->input_room) once the guest
 * has taken it down to this: one wake of the feeder per half buffer rather
 * than one per H_GET_TERM_CHAR, and still half a buffer in hand for the
 * guest while the feeder refills.
 */
#define HVM_VTY_INPUT_LOW	(HVM_VTY_INPUT / 2)

struct hvm_vty_ops {
	/* Guest output; returns the bytes taken, or < 0 (counted, dropped). */
	long (*write)(void *ctx, const u8 *buf, unsigned int len);
	/* Input became available while there was none: raise the interrupt. */
	void (*input_ready)(void *ctx);
	/*
	 * The input buffer, full after a feed, has been drained to
	 * HVM_VTY_INPUT_LOW: a backend left unread while it was full can be
	 * read again. Called inside H_GET_TERM_CHAR; may be NULL.
	 */
	void (*input_room)(void *ctx);
};

struct hvm_vty {
	u32 unit;
	const struct hvm_vty_ops *ops;
	void *ctx;
	u8 input[HVM_VTY_INPUT];
	unsigned int input_len;
	bool input_was_full;	/* a feed filled it; input_room not yet reported */
	/* Counters (guest behaviour and backend losses), for the logs. */
	struct hvk_vty_rx put_rx; /* .bad_counts: H_PUT_TERM_CHAR counts above 16 */
	u64 output_lost;	/* bytes the sink refused */
	/*
	 * --hostile (NULL: off): H_GET_TERM_CHAR's answer may be mutated
	 * after the input was taken (hostile.h, the vty site).
	 */
	struct hvm_hostile *hostile;
};

void hvm_vty_init(struct hvm_vty *vty, u32 unit, const struct hvm_vty_ops *ops,
		  void *ctx);

/*
 * Serve the vty's two opcodes at its unit address; with @lowest also at
 * unit address 0, which QEMU and PowerVM map to the vty with the lowest
 * reg (early console output uses it). Returns 0 or the table's error.
 */
int hvm_vty_attach(struct hvm_vty *vty, struct hvm_hcall_table *t, bool lowest);

/*
 * Input from the backend: takes what fits, returns how many bytes. A feed
 * that fills the buffer arms one ops->input_room report.
 */
unsigned int hvm_vty_feed(struct hvm_vty *vty, const u8 *buf, unsigned int len);

#endif /* _HVM_VTY_MODEL_H */
