/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Guest physical memory as hvkit-vmm sees it: one RAM region mapped into
 * the VMM. Every address and length a guest gives goes through
 * hvm_mem_ptr() before the VMM touches it: the guest is outside the VMM's
 * trust boundary. (DMA addresses are guest physical: the guest's dt
 * backend uses dma-direct.)
 */
#ifndef _HVM_GUEST_MEM_H
#define _HVM_GUEST_MEM_H

#include "hvk_portable.h"

struct hvm_guest_mem {
	u8 *host;	/* where the region is mapped in the VMM */
	u64 base;	/* its guest physical address */
	u64 size;
};

/*
 * The VMM's pointer to guest bytes [@gpa, @gpa + @len), or NULL when any
 * of them lies outside the region (wrapping included) or @len is 0.
 */
void *hvm_mem_ptr(const struct hvm_guest_mem *m, u64 gpa, u64 len);

#endif /* _HVM_GUEST_MEM_H */
