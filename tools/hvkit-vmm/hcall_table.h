/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hvkit-vmm's hcall dispatcher: a registration table, as QEMU's PAPR hcall
 * layer is. A device model registers each opcode it serves for its unit
 * address (handler + its own state); a call is routed by opcode, then by
 * unit address (the first input of every device call), so a new device
 * model never touches the dispatcher. An opcode nobody serves answers
 * H_FUNCTION, a unit nobody has H_PARAMETER, as QEMU pseries does.
 *
 * Portable (the VMM, host unit tests, the fuzzer): no KVM in here.
 */
#ifndef _HVM_HCALL_TABLE_H
#define _HVM_HCALL_TABLE_H

#include "hvk_portable.h"

#include "busy_inject.h"
#include "hostile.h"

/* Inputs x1..x9 and outputs x1..x9 of the SMCCC call. */
#define HVM_CALL_REGS		9
/* Registrations one VM can hold: a few opcodes for each of a few dozen units. */
#define HVM_TABLE_MAX		512

struct hvm_call {
	u32 opcode;
	u64 in[HVM_CALL_REGS];		/* in[0]: the unit address */
	u64 out[HVM_CALL_REGS];		/* zeroed before the handler runs */
};

/* Returns the PAPR status for x0. */
typedef long (*hvm_hcall_fn)(void *dev, struct hvm_call *call);

struct hvm_hcall_entry {
	u32 opcode;
	u32 unit;
	hvm_hcall_fn fn;
	void *dev;
};

struct hvm_hcall_table {
	unsigned int count;
	struct hvm_hcall_entry entry[HVM_TABLE_MAX];
	/* Calls answered H_FUNCTION / H_PARAMETER by the table itself. */
	u64 unknown_opcodes;
	u64 unknown_units;
	/*
	 * --busy: when set, a call that reaches a device may be answered
	 * busy instead of made (busy_inject.h).
	 */
	struct hvm_busy *busy;
	/*
	 * --hostile: when set, a call that reaches a device may be answered
	 * a hostile status instead of (or after) being made, or its outputs
	 * garbled (hostile.h, the status site).
	 */
	struct hvm_hostile *hostile;
};

void hvm_table_init(struct hvm_hcall_table *t);

/*
 * Serve @opcode for @unit with @fn(@dev, call). Returns 0, -EEXIST when the
 * pair is taken, -EINVAL for an opcode the conduit cannot carry or a NULL
 * handler, -ENOSPC when the table is full.
 */
int hvm_table_register(struct hvm_hcall_table *t, u32 opcode, u32 unit,
		       hvm_hcall_fn fn, void *dev);

/*
 * Route @call (opcode and inputs as the guest gave them) to its handler;
 * returns the status for x0 with @call->out filled. With t->busy, a call
 * for a device may be answered busy instead, the handler not called; with
 * t->hostile, answered a hostile status before or after the handler, or
 * with garbage outputs. Any input is safe: the table compares, it never
 * indexes by a guest value.
 */
long hvm_table_dispatch(struct hvm_hcall_table *t, struct hvm_call *call);

#endif /* _HVM_HCALL_TABLE_H */
