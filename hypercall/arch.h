/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Architecture side of the hypercall conduit. Each supported architecture
 * provides exactly these functions (arch_powerpc.c, arch_arm64.c).
 */
#ifndef _HVK_ARCH_H
#define _HVK_ARCH_H

#include <linux/types.h>
#include <hvkit/hcall.h>

/* The architecture this module was built for. */
enum hvk_arch hvk_arch_current(void);

/*
 * Whether @method can work on the running machine, decided without making
 * any call. Returns 0, or -EOPNOTSUPP with the reason in @why.
 */
int hvk_arch_check_method(enum hvk_method method, char *why, size_t why_len);

/*
 * Ask the hypervisor behind @method who it is. Returns 0 if it is one that
 * speaks the hvkit ABI, or -ENODEV with the reason in @why.
 */
int hvk_arch_identify(enum hvk_method method, char *why, size_t why_len);

/* Trap into the hypervisor. */
long hvk_arch_hcall(enum hvk_method method, unsigned int opcode,
		    struct hvk_hcall_regs *regs);
/* A call with at most four arguments whose outputs are not wanted. */
long hvk_arch_hcall_norets(enum hvk_method method, unsigned int opcode,
			   unsigned long a0, unsigned long a1,
			   unsigned long a2, unsigned long a3);

#endif /* _HVK_ARCH_H */
