// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvkit-vmm's SMCCC front door; see smccc.h and Documentation/hcall-abi.rst.
 */
#include <hvkit/smccc_abi.h>

#include "smccc.h"

enum hvm_smccc_kind hvm_smccc_classify(u64 x0, u32 *opcode)
{
	u32 fid = (u32)x0;

	if (fid == HVK_SMCCC_CALL_UID)
		return HVM_SMCCC_IDENTITY;
	if ((fid & HVK_SMCCC_FN_MASK) != HVK_SMCCC_FN_BASE)
		return HVM_SMCCC_OTHER;
	*opcode = fid & ~HVK_SMCCC_FN_MASK;
	return HVM_SMCCC_HCALL;
}

static void answer_identity(struct hvm_smccc_regs *regs)
{
	memset(regs->x, 0, sizeof(regs->x));
	regs->x[0] = HVK_SMCCC_UID_W0;
	regs->x[1] = HVK_SMCCC_UID_W1;
	regs->x[2] = HVK_SMCCC_UID_W2;
	regs->x[3] = HVK_SMCCC_UID_W3;
}

static void answer_hcall(struct hvm_hcall_table *t, u32 opcode,
			 struct hvm_smccc_regs *regs)
{
	struct hvm_call call = { .opcode = opcode };

	memcpy(call.in, &regs->x[1], sizeof(call.in));
	regs->x[0] = (u64)hvm_table_dispatch(t, &call);
	memcpy(&regs->x[1], call.out, sizeof(call.out));
}

enum hvm_smccc_kind hvm_smccc_answer(struct hvm_hcall_table *t,
				     struct hvm_smccc_regs *regs)
{
	enum hvm_smccc_kind kind;
	u32 opcode = 0;

	kind = hvm_smccc_classify(regs->x[0], &opcode);
	switch (kind) {
	case HVM_SMCCC_IDENTITY:
		answer_identity(regs);
		break;
	case HVM_SMCCC_HCALL:
		answer_hcall(t, opcode, regs);
		break;
	default:
		regs->x[0] = HVM_SMCCC_NOT_SUPPORTED;
		break;
	}
	return kind;
}
