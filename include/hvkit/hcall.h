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

#define HVK_HCALL_MAX_ARGS	9

/* PAPR opcodes used by the VIO devices. */
#define HVK_H_GET_TCE			0x1c
#define HVK_H_PUT_TCE			0x20
#define HVK_H_GET_TERM_CHAR		0x54
#define HVK_H_PUT_TERM_CHAR		0x58
#define HVK_H_REG_CRQ			0xfc
#define HVK_H_FREE_CRQ			0x100
#define HVK_H_VIO_SIGNAL		0x104
#define HVK_H_SEND_CRQ			0x108
#define HVK_H_REGISTER_LOGICAL_LAN	0x114
#define HVK_H_FREE_LOGICAL_LAN		0x118
#define HVK_H_ADD_LOGICAL_LAN_BUFFER	0x11c
#define HVK_H_SEND_LOGICAL_LAN		0x120
#define HVK_H_MULTICAST_CTRL		0x130
#define HVK_H_STUFF_TCE			0x138
#define HVK_H_PUT_TCE_INDIRECT		0x13c
#define HVK_H_CHANGE_LOGICAL_LAN_MAC	0x14c
#define HVK_H_ILLAN_ATTRIBUTES		0x244
#define HVK_H_ADD_LOGICAL_LAN_BUFFERS	0x248
#define HVK_H_ENABLE_CRQ		0x2b0

/* Largest opcode the conduit accepts: SMCCC leaves 16 bits for it. */
#define HVK_OPCODE_MAX			0xffff

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
