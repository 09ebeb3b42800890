// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvkit-vmm's hcall dispatcher; see hcall_table.h.
 */
#include <hvkit/hcall_status.h>
#include <hvkit/smccc_abi.h>

#include "hcall_table.h"

void hvm_table_init(struct hvm_hcall_table *t)
{
	memset(t, 0, sizeof(*t));
}

static struct hvm_hcall_entry *find(struct hvm_hcall_table *t, u32 opcode,
				    u64 unit, bool *opcode_known)
{
	unsigned int i;

	*opcode_known = false;
	for (i = 0; i < t->count; i++) {
		if (t->entry[i].opcode != opcode)
			continue;
		*opcode_known = true;
		if (t->entry[i].unit == unit)
			return &t->entry[i];
	}
	return NULL;
}

int hvm_table_register(struct hvm_hcall_table *t, u32 opcode, u32 unit,
		       hvm_hcall_fn fn, void *dev)
{
	bool known;

	if (!fn || opcode >= HVK_SMCCC_FN_COUNT)
		return -EINVAL;
	if (find(t, opcode, unit, &known))
		return -EEXIST;
	if (t->count == HVM_TABLE_MAX)
		return -ENOSPC;
	t->entry[t->count++] = (struct hvm_hcall_entry) {
		.opcode = opcode, .unit = unit, .fn = fn, .dev = dev,
	};
	return 0;
}

long hvm_table_dispatch(struct hvm_hcall_table *t, struct hvm_call *call)
{
	struct hvm_hcall_entry *e;
	bool known;
	long busy, status, real;
	int hostile;

	memset(call->out, 0, sizeof(call->out));
	e = find(t, call->opcode, call->in[0], &known);
	if (e && t->busy) {
		/* Busy means not done: the guest must make the call again. */
		busy = hvm_busy_draw(t->busy, call->opcode);
		if (busy)
			return busy;
	}
	if (e && t->hostile) {
		hostile = hvm_hostile_status(t->hostile, call->opcode, &status);
		if (hostile == HVM_HK_STATUS_BEFORE)
			return status;
		if (hostile == HVM_HK_STATUS_AFTER) {
			/* Done, and answered as failed: its outputs mean nothing. */
			e->fn(e->dev, call);
			memset(call->out, 0, sizeof(call->out));
			return status;
		}
		if (hostile == HVM_HK_STATUS_OUTPUTS) {
			real = e->fn(e->dev, call);
			hvm_hostile_garble(t->hostile, call->out, HVM_CALL_REGS);
			return real;
		}
	}
	if (e)
		return e->fn(e->dev, call);
	if (known) {
		t->unknown_units++;
		return HVK_H_PARAMETER;
	}
	t->unknown_opcodes++;
	return HVK_H_FUNCTION;
}
