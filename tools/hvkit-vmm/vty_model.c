// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvkit-vmm's vty device model; see vty_model.h. An answer carries what
 * hvk_vty_answer_len() allows, so that the guest's hvk_vty_decode()
 * delivers every byte sequence unchanged, CR NUL included.
 */
#include <hvkit/hcall_opcodes.h>
#include <hvkit/hcall_status.h>

#include "vty_model.h"

void hvm_vty_init(struct hvm_vty *vty, u32 unit, const struct hvm_vty_ops *ops,
		  void *ctx)
{
	memset(vty, 0, sizeof(*vty));
	vty->unit = unit;
	vty->ops = ops;
	vty->ctx = ctx;
}

/*
 * Once a full buffer has drained to the low mark, say so, once: the
 * backend's reader stopped reading when it filled the buffer and waits for
 * this rather than polling for room.
 */
static void report_room(struct hvm_vty *vty)
{
	if (!vty->input_was_full || vty->input_len > HVM_VTY_INPUT_LOW)
		return;
	vty->input_was_full = false;
	if (vty->ops->input_room)
		vty->ops->input_room(vty->ctx);
}

static long get_term_char(void *dev, struct hvm_call *call)
{
	struct hvm_vty *vty = dev;
	unsigned int n;

	n = hvk_vty_answer_len(vty->input, vty->input_len);
	hvk_vty_encode(vty->input, n, &call->out[1], &call->out[2]);
	call->out[0] = n;
	vty->input_len -= n;
	memmove(vty->input, vty->input + n, vty->input_len);
	report_room(vty);
	/* --hostile: the answer only; what was taken stays taken. */
	if (vty->hostile)
		hvm_hostile_vty(vty->hostile, call->out);
	return HVK_H_SUCCESS;
}

static long put_term_char(void *dev, struct hvm_call *call)
{
	struct hvm_vty *vty = dev;
	u8 buf[HVK_VTY_CHUNK];
	long taken;
	int n;

	/* The codec counts a count above 16 in put_rx.bad_counts. */
	n = hvk_vty_unpack(&vty->put_rx, call->in[1], call->in[2], call->in[3], buf);
	if (n < 0)
		return HVK_H_PARAMETER;
	if (!n)
		return HVK_H_SUCCESS;
	taken = vty->ops->write(vty->ctx, buf, (unsigned int)n);
	if (taken < n)
		vty->output_lost += n - (taken < 0 ? 0 : taken);
	return HVK_H_SUCCESS;
}

int hvm_vty_attach(struct hvm_vty *vty, struct hvm_hcall_table *t, bool lowest)
{
	static const u32 opcodes[] = { HVK_H_GET_TERM_CHAR, HVK_H_PUT_TERM_CHAR };
	static const hvm_hcall_fn fns[] = { get_term_char, put_term_char };
	unsigned int i;
	int err;

	for (i = 0; i < ARRAY_SIZE(opcodes); i++) {
		err = hvm_table_register(t, opcodes[i], vty->unit, fns[i], vty);
		if (!err && lowest)
			err = hvm_table_register(t, opcodes[i], 0, fns[i], vty);
		if (err)
			return err;
	}
	return 0;
}

unsigned int hvm_vty_feed(struct hvm_vty *vty, const u8 *buf, unsigned int len)
{
	unsigned int room = HVM_VTY_INPUT - vty->input_len;
	bool was_empty = !vty->input_len;

	if (len > room)
		len = room;
	memcpy(vty->input + vty->input_len, buf, len);
	vty->input_len += len;
	if (vty->input_len == HVM_VTY_INPUT)
		vty->input_was_full = true;
	if (was_empty && len && vty->ops->input_ready)
		vty->ops->input_ready(vty->ctx);
	return len;
}
