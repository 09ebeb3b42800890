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

#define HVK_HCALL_MAX_ARGS	9

/* PAPR status codes (the subset hvkit uses or injects). */
#define HVK_H_SUCCESS		0
#define HVK_H_BUSY		1
#define HVK_H_CLOSED		2
#define HVK_H_NOT_AVAILABLE	3
#define HVK_H_CONSTRAINED	4
#define HVK_H_PARTIAL		5
#define HVK_H_IN_PROGRESS	14
#define HVK_H_PENDING		17
#define HVK_H_CONTINUE		18
#define HVK_H_LONG_BUSY_1MS	9900
#define HVK_H_LONG_BUSY_10MS	9901
#define HVK_H_LONG_BUSY_100MS	9902
#define HVK_H_LONG_BUSY_1S	9903
#define HVK_H_LONG_BUSY_10S	9904
#define HVK_H_LONG_BUSY_100S	9905
#define HVK_H_HARDWARE		(-1)
#define HVK_H_FUNCTION		(-2)
#define HVK_H_PRIVILEGE		(-3)
#define HVK_H_PARAMETER		(-4)
#define HVK_H_BAD_MODE		(-5)
#define HVK_H_NOT_FOUND		(-7)
#define HVK_H_NO_MEM		(-9)
#define HVK_H_AUTHORITY		(-10)
#define HVK_H_PERMISSION	(-11)
#define HVK_H_DROPPED		(-12)
#define HVK_H_SOURCE_PARM	(-13)
#define HVK_H_DEST_PARM		(-14)
#define HVK_H_REMOTE_PARM	(-15)
#define HVK_H_RESOURCE		(-16)
#define HVK_H_TOO_BIG		(-64)
#define HVK_H_UNSUPPORTED	(-67)
#define HVK_H_OVERLAP		(-68)
#define HVK_H_STATE		(-75)
#define HVK_H_IN_USE		(-77)

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
