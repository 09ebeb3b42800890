/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * PAPR hypercall status codes. Shared by the kernel modules and the host
 * unit tests (the busy policy is tested on the host), so it includes
 * nothing.
 */
#ifndef _HVKIT_HCALL_STATUS_H
#define _HVKIT_HCALL_STATUS_H

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
#define HVK_H_P2		(-55)
#define HVK_H_P3		(-56)
#define HVK_H_P4		(-57)
#define HVK_H_TOO_BIG		(-64)
#define HVK_H_UNSUPPORTED	(-67)
#define HVK_H_OVERLAP		(-68)
#define HVK_H_STATE		(-75)
#define HVK_H_IN_USE		(-77)

#endif /* _HVKIT_HCALL_STATUS_H */
