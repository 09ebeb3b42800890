/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * PAPR hcall opcodes of the VIO devices, one list for the guest drivers and
 * the hypervisor that answers them (tools/hvkit-vmm), the host unit tests
 * and the fuzzers; so it includes nothing.
 */
#ifndef _HVKIT_HCALL_OPCODES_H
#define _HVKIT_HCALL_OPCODES_H

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

/*
 * hvkit's own calls, for what PAPR leaves to the platform (arm64 only; a
 * PAPR hypervisor never sees them). They sit in 0xe800..0xe8ff, clear of
 * PAPR's opcodes, the ultravisor's 0xef00 and KVM's 0xf000 ranges.
 * Documentation/hcall-abi.rst.
 */
#define HVK_H_VIO_SET_MSI		0xe800

/* Largest opcode the conduit accepts: SMCCC leaves 16 bits for it. */
#define HVK_OPCODE_MAX			0xffff

#endif /* _HVKIT_HCALL_OPCODES_H */
