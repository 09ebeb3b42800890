/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hvkit hcall ABI on arm64 (SMCCC), one definition for both sides: the
 * guest's conduit (hypercall/arch_arm64.c) and the hypervisor that answers
 * it (tools/hvkit-vmm). Includes nothing. Documentation/hcall-abi.rst.
 */
#ifndef _HVKIT_SMCCC_ABI_H
#define _HVKIT_SMCCC_ABI_H

/*
 * A PAPR opcode travels as function ID HVK_SMCCC_FN_BASE | opcode: fast
 * call, SMC64, owning entity 6 (vendor-specific hypervisor service), the
 * opcode in the 16-bit function number. Inputs in x1..x9, the status in
 * x0, outputs in x1..x9.
 */
#define HVK_SMCCC_FN_BASE	0xc6000000u
#define HVK_SMCCC_FN_MASK	0xffff0000u
#define HVK_SMCCC_FN_COUNT	0x10000u

/*
 * The identity call: SMCCC's Call UID query of the vendor-specific
 * hypervisor service (fast, SMC32). An hvkit hypervisor answers with the
 * UID below, bytes 4k..4k+3 little-endian in register k; anything else
 * (SMCCC_RET_NOT_SUPPORTED, another hypervisor's UID) means none is there.
 */
#define HVK_SMCCC_CALL_UID	0x8600ff01u

/* UID 6876b1f3-7f5e-4c1a-9b52-8d2a4c6e0a11, as the four answer registers. */
#define HVK_SMCCC_UID_W0	0xf3b17668u
#define HVK_SMCCC_UID_W1	0x1a4c5e7fu
#define HVK_SMCCC_UID_W2	0x2a8d529bu
#define HVK_SMCCC_UID_W3	0x110a6e4cu

#endif /* _HVKIT_SMCCC_ABI_H */
