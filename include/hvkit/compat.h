/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The one place that knows kernel versions. hvkit builds out of tree against
 * several distro kernels (Debian 6.1, 6.12, 7.x); where an interface changed
 * between them, the difference is spelled here and nowhere else. Kbuild
 * force-includes it into every hvkit object (-include), so no file
 * includes it and none can miss it.
 *
 * Where a newer kernel added a function or macro, the shim would carry the
 * kernel's own name, so that driver code reads as it would upstream. The
 * differences hvkit meets are all in callback signatures (a const added,
 * char/int turned into u8/size_t, int into an enum), which no shim can give
 * the newer spelling: the kernel calls the callback with the old types, and
 * on arm64 an int argument read as a size_t has undefined upper bits. They
 * are named HVK_*_CONST / hvk_*_t instead, each with the version that
 * changed it.
 */
#ifndef _HVKIT_COMPAT_H
#define _HVKIT_COMPAT_H

#include <linux/version.h>

/* bus_type.match() takes a const driver since 6.11. */
#if KERNEL_VERSION(6, 11, 0) <= LINUX_VERSION_CODE
#define HVK_MATCH_DRV_CONST const
#else
#define HVK_MATCH_DRV_CONST
#endif

/* bus_type.uevent() takes a const device since 6.3. */
#if KERNEL_VERSION(6, 3, 0) <= LINUX_VERSION_CODE
#define HVK_UEVENT_DEV_CONST const
#else
#define HVK_UEVENT_DEV_CONST
#endif

/* The hvc framework's character callbacks take u8/size_t since 6.8. */
#if KERNEL_VERSION(6, 8, 0) <= LINUX_VERSION_CODE
#define hvk_hvc_ssize_t	ssize_t
#define hvk_hvc_u8	u8
#define hvk_hvc_size_t	size_t
#else
#define hvk_hvc_ssize_t	int
#define hvk_hvc_u8	char
#define hvk_hvc_size_t	int
#endif

/* A SCSI host's queuecommand() returns enum scsi_qc_status since 7.0. */
#if KERNEL_VERSION(7, 0, 0) <= LINUX_VERSION_CODE
#define hvk_scsi_qc_t	enum scsi_qc_status
#else
#define hvk_scsi_qc_t	int
#endif

/*
 * Platform MSI. Kernels before 6.2 build it with GENERIC_MSI_IRQ_DOMAIN,
 * later ones with GENERIC_MSI_IRQ; HVK_HAVE_PLATFORM_MSI says whether this
 * kernel has it at all.
 */
#if KERNEL_VERSION(6, 2, 0) <= LINUX_VERSION_CODE
#ifdef CONFIG_GENERIC_MSI_IRQ
#define HVK_HAVE_PLATFORM_MSI 1
#endif
#elif defined(CONFIG_GENERIC_MSI_IRQ_DOMAIN)
#define HVK_HAVE_PLATFORM_MSI 1
#endif

/*
 * platform_device_msi_init_and_alloc_irqs() and
 * platform_device_msi_free_irqs_all() since 6.9; before, the same
 * arguments went to platform_msi_domain_alloc_irqs() and
 * platform_msi_domain_free_irqs().
 */
#if defined(HVK_HAVE_PLATFORM_MSI) && KERNEL_VERSION(6, 9, 0) > LINUX_VERSION_CODE
/* Macros, not inlines: this header comes before every #include. */
#define platform_device_msi_init_and_alloc_irqs(dev, nvec, write_msi_msg) \
	platform_msi_domain_alloc_irqs(dev, nvec, write_msi_msg)
#define platform_device_msi_free_irqs_all(dev) \
	platform_msi_domain_free_irqs(dev)
#endif

#endif /* _HVKIT_COMPAT_H */
