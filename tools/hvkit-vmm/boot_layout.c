// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvkit-vmm's guest boot layout; see boot_layout.h.
 *
 * RAM from its base: the kernel at base + text_offset (the base is 2 MiB
 * aligned, as the boot protocol wants), the initrd from the next 2 MiB
 * boundary after the kernel's image_size, the device tree in the last
 * 2 MiB. Everything else is the guest's. (The protocol also wants the
 * initrd and the kernel in one 1 GiB aligned window of up to 32 GiB.)
 */
#include "boot_layout.h"

#define SZ_2M		(2ull << 20)
#define SZ_1G		(1ull << 30)
#define IMAGE_MAGIC	0x644d5241u	/* "ARM\x64" */
/* Header flags, bit 0: kernel endianness; bit 3: physical placement. */
#define FLAG_BE		0x1
#define FLAG_ANYWHERE	0x8

static u64 align_up(u64 v, u64 a)
{
	return (v + a - 1) & ~(a - 1);
}

int hvm_image_parse(const u8 *hdr, u64 file_size, struct hvm_image_info *info,
		    char *why, size_t why_len)
{
	u64 flags;

	if (file_size < HVM_IMAGE_HEADER || (u32)hvk_get_le64(hdr + 56) != IMAGE_MAGIC) {
		snprintf(why, why_len, "not an arm64 Image (no \"ARM\\x64\" magic at byte 56)");
		return -EINVAL;
	}
	info->text_offset = hvk_get_le64(hdr + 8);
	info->image_size = hvk_get_le64(hdr + 16);
	flags = hvk_get_le64(hdr + 24);
	/* Before Linux 3.17 image_size was 0 and text_offset 0x80000. */
	if (!info->image_size) {
		info->text_offset = 0x80000;
		info->image_size = file_size;
	}
	if (flags & FLAG_BE) {
		snprintf(why, why_len, "a big-endian kernel: hvkit-vmm boots little-endian ones");
		return -EINVAL;
	}
	if (info->text_offset >= SZ_2M || (info->text_offset & 0xfff)) {
		snprintf(why, why_len, "text_offset %#llx is not a page offset within 2 MiB",
			 (unsigned long long)info->text_offset);
		return -EINVAL;
	}
	if (file_size > info->image_size) {
		snprintf(why, why_len, "file of %llu bytes, larger than the image size %llu in its header",
			 (unsigned long long)file_size, (unsigned long long)info->image_size);
		return -EINVAL;
	}
	info->any_placement = flags & FLAG_ANYWHERE;
	return 0;
}

static int no_room(char *why, size_t why_len, u64 kernel, u64 initrd, u64 ram)
{
	snprintf(why, why_len,
		 "kernel (%llu MiB), initrd (%llu MiB) and device tree (2 MiB) do not fit in %llu MiB of guest RAM",
		 (unsigned long long)(kernel >> 20), (unsigned long long)(initrd >> 20),
		 (unsigned long long)(ram >> 20));
	return -ENOSPC;
}

int hvm_boot_place(const struct hvm_image_info *info, u64 initrd_size,
		   u64 ram_base, u64 ram_size, struct hvm_boot_layout *out,
		   char *why, size_t why_len)
{
	u64 kernel_end, initrd_end;

	if ((ram_base & (SZ_2M - 1)) || ram_size < 2 * SZ_2M) {
		snprintf(why, why_len, "guest RAM must start 2 MiB aligned and hold at least 4 MiB");
		return -ENOSPC;
	}
	/* Sizes first, so that no sum below can wrap. */
	if (info->image_size > ram_size || initrd_size > ram_size)
		return no_room(why, why_len, info->image_size, initrd_size, ram_size);
	out->kernel = ram_base + info->text_offset;
	kernel_end = align_up(out->kernel + info->image_size, SZ_2M);
	out->initrd = initrd_size ? kernel_end : 0;
	out->initrd_size = initrd_size;
	initrd_end = align_up(kernel_end + initrd_size, SZ_2M);
	out->dtb = ram_base + ram_size - HVM_DTB_MAX;
	if (initrd_end > out->dtb)
		return no_room(why, why_len, info->image_size, initrd_size, ram_size);
	/* The initrd must share a 1 GiB aligned window of 32 GiB with the kernel. */
	if (initrd_end - (out->kernel & ~(SZ_1G - 1)) > 32 * SZ_1G) {
		snprintf(why, why_len, "the initrd would end more than 32 GiB above the kernel's 1 GiB window");
		return -ENOSPC;
	}
	return 0;
}
