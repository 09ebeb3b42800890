/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Hypercall methods, by name. Shared by the kernel modules and the host-side
 * unit tests and fuzzers, so it includes nothing.
 */
#ifndef _HVKIT_METHOD_H
#define _HVKIT_METHOD_H

enum hvk_method {
	HVK_METHOD_NONE = 0,
	HVK_METHOD_SC1,		/* PowerPC "sc 1" (PAPR) */
	HVK_METHOD_HVC,		/* arm64 "hvc #0" (SMCCC) */
	HVK_METHOD_SMC,		/* arm64 "smc #0" (SMCCC) */
};

/* The architectures hvkit knows a method for. */
enum hvk_arch {
	HVK_ARCH_OTHER = 0,
	HVK_ARCH_POWERPC,
	HVK_ARCH_ARM64,
};

/* How devices are found. */
enum hvk_backend_kind {
	HVK_BACKEND_NONE = 0,
	HVK_BACKEND_PAPR,	/* the kernel's powerpc vio bus (/vdevice) */
	HVK_BACKEND_DT,		/* children of the hvkit hypervisor node */
};

#define HVK_ABI_VERSION		1

#endif /* _HVKIT_METHOD_H */
