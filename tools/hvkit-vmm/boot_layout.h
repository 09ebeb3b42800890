/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Where hvkit-vmm puts the guest kernel, its initrd and its device tree in
 * guest RAM, following the arm64 boot protocol (the kernel's
 * Documentation/arch/arm64/booting.rst): the Image header says how far
 * from a 2 MiB aligned base the kernel goes and how much memory it needs;
 * the device tree goes on an 8-byte boundary, at most 2 MiB. Portable: it
 * only reads the header bytes and does arithmetic, checked for overlap and
 * for room.
 */
#ifndef _HVM_BOOT_LAYOUT_H
#define _HVM_BOOT_LAYOUT_H

#include "hvk_portable.h"

#define HVM_IMAGE_HEADER	64
#define HVM_DTB_MAX		(2u << 20)

struct hvm_image_info {
	u64 text_offset;
	u64 image_size;		/* memory the kernel needs, BSS included */
	bool any_placement;	/* header flag: any 2 MiB aligned base works */
};

/*
 * Check the 64-byte arm64 Image header of a file of @file_size bytes.
 * Returns 0, or -EINVAL with @why set (not an arm64 Image, big-endian,
 * image larger than the header says).
 */
int hvm_image_parse(const u8 *hdr, u64 file_size, struct hvm_image_info *info,
		    char *why, size_t why_len);

struct hvm_boot_layout {
	u64 kernel;		/* load address = entry point */
	u64 initrd, initrd_size;	/* initrd_size 0: none */
	u64 dtb;
};

/*
 * Place a kernel described by @info, an initrd of @initrd_size bytes (0:
 * none) and a device tree of up to HVM_DTB_MAX bytes in the RAM
 * [@ram_base, @ram_base + @ram_size). Returns 0, or -ENOSPC with @why
 * saying what does not fit and how much memory would.
 */
int hvm_boot_place(const struct hvm_image_info *info, u64 initrd_size,
		   u64 ram_base, u64 ram_size, struct hvm_boot_layout *out,
		   char *why, size_t why_len);

#endif /* _HVM_BOOT_LAYOUT_H */
