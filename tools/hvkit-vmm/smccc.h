/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One forwarded SMCCC call (HVC or SMC, KVM_EXIT_HYPERCALL) as hvkit-vmm
 * answers it: the identity call, an hvkit opcode through the dispatcher,
 * anything else NOT_SUPPORTED. Portable: the KVM loop reads x0..x9 into
 * struct hvm_smccc_regs, calls hvm_smccc_answer() and writes them back.
 */
#ifndef _HVM_SMCCC_H
#define _HVM_SMCCC_H

#include "hcall_table.h"

/* SMCCC's answer to a function nobody implements. */
#define HVM_SMCCC_NOT_SUPPORTED	((u64)-1)

struct hvm_smccc_regs {
	u64 x[1 + HVM_CALL_REGS];	/* x0 (function ID in, status out), x1..x9 */
};

enum hvm_smccc_kind {
	HVM_SMCCC_HCALL,	/* HVK_SMCCC_FN_BASE | opcode */
	HVM_SMCCC_IDENTITY,	/* HVK_SMCCC_CALL_UID */
	HVM_SMCCC_OTHER,
};

/*
 * What function ID @x0 names (SMCCC: W0, the upper half of X0 is not part
 * of it); *@opcode is set for HVM_SMCCC_HCALL.
 */
enum hvm_smccc_kind hvm_smccc_classify(u64 x0, u32 *opcode);

/* Answer the call in @regs in place. Returns its kind. */
enum hvm_smccc_kind hvm_smccc_answer(struct hvm_hcall_table *t,
				     struct hvm_smccc_regs *regs);

#endif /* _HVM_SMCCC_H */
