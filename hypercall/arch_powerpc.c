// SPDX-License-Identifier: GPL-2.0-only
/*
 * PowerPC: PAPR hypercalls with "sc 1", through the kernel's own plpar
 * wrappers so that the powerpc hcall tracepoints count hvkit's calls
 * exactly as they count the in-tree drivers'.
 */
#include <linux/errno.h>
#include <linux/kernel.h>
#include <asm/hvcall.h>
#include <asm/firmware.h>

#include "arch.h"

enum hvk_arch hvk_arch_current(void)
{
	return HVK_ARCH_POWERPC;
}

int hvk_arch_check_method(enum hvk_method method, char *why, size_t why_len)
{
	if (method != HVK_METHOD_SC1) {
		snprintf(why, why_len, "method \"%s\" does not exist on powerpc",
			 hvk_method_name(method));
		return -EOPNOTSUPP;
	}
	if (!firmware_has_feature(FW_FEATURE_LPAR)) {
		snprintf(why, why_len,
			 "method \"sc1\" needs a hypervisor, but this kernel does not run in a logical partition");
		return -EOPNOTSUPP;
	}
	return 0;
}

int hvk_arch_identify(enum hvk_method method, char *why, size_t why_len)
{
	/* PAPR has no identity call; the platform was recognised from the DT. */
	return 0;
}

long hvk_arch_hcall(enum hvk_method method, unsigned int opcode,
		    struct hvk_hcall_regs *regs)
{
	unsigned long *in = regs->in;

	return plpar_hcall9(opcode, regs->out, in[0], in[1], in[2], in[3],
			    in[4], in[5], in[6], in[7], in[8]);
}

/*
 * The kernel's shortest hcall entry: nothing is saved or stored after the
 * call, which matters on paths that make one call per 16 bytes.
 */
long hvk_arch_hcall_norets(enum hvk_method method, unsigned int opcode,
			   unsigned long a0, unsigned long a1,
			   unsigned long a2, unsigned long a3)
{
	return plpar_hcall_norets(opcode, a0, a1, a2, a3);
}
