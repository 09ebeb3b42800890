// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvkit-vmm's guest memory checks; see guest_mem.h.
 */
#include "guest_mem.h"

void *hvm_mem_ptr(const struct hvm_guest_mem *m, u64 gpa, u64 len)
{
	u64 off;

	if (!len || gpa < m->base)
		return NULL;
	off = gpa - m->base;
	/* Written so that no sum can wrap: off <= size, then len <= rest. */
	if (off > m->size || len > m->size - off)
		return NULL;
	return m->host + off;
}
