/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hvkit hypercall conduit: one call interface for every hvkit driver.
 *
 * A call carries an opcode (the PAPR hcall number), up to nine inputs and
 * returns a PAPR status plus up to nine outputs. How the call reaches the
 * hypervisor ("sc1", "hvc" or "smc") is chosen once, at load, from the
 * device tree; see Documentation/hcall-abi.rst.
 */
#ifndef _HVKIT_HCALL_H
#define _HVKIT_HCALL_H

#include <linux/types.h>
#include <hvkit/method.h>
#include <hvkit/hcall_status.h>
#include <hvkit/hcall_opcodes.h>

#define HVK_HCALL_MAX_ARGS	9

struct hvk_hcall_regs {
	unsigned long in[HVK_HCALL_MAX_ARGS];
	unsigned long out[HVK_HCALL_MAX_ARGS];
};

/*
 * Issue hypercall @opcode with @regs->in; fills @regs->out and returns the
 * PAPR status. Returns HVK_H_FUNCTION without trapping when no hypervisor
 * was found at load. Safe in any context the underlying instruction is
 * (it never sleeps).
 */
long hvk_hcall(unsigned int opcode, struct hvk_hcall_regs *regs);

/*
 * For calls with at most four inputs whose outputs are not needed: the
 * shortest path to the hypervisor (one call per 16 console bytes, per
 * CRQ message or per receive buffer).
 */
long hvk_hcall_norets(unsigned int opcode, unsigned long a0, unsigned long a1,
		      unsigned long a2, unsigned long a3);

enum hvk_method hvk_hcall_method(void);
const char *hvk_method_name(enum hvk_method method);
const char *hvk_hcall_status_name(long status);
const char *hvk_hcall_opcode_name(unsigned int opcode);
/* A status by name ("H_BUSY") or number ("-4", "0x10"); 0 or -errno. */
int hvk_hcall_status_from_name(const char *name, long *status);

/* True for H_BUSY and H_LONG_BUSY_*; *delay_ms gets the suggested wait. */
bool hvk_hcall_is_busy(long status, unsigned int *delay_ms);

#endif /* _HVKIT_HCALL_H */
