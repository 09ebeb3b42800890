// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fuzz target: a flattened device tree blob, as firmware or a hypervisor
 * hands it to the guest. Blobs libfdt refuses (fdt_check_full) are dropped:
 * the kernel unflattens the tree before hvkit sees it, so hvk_dt.c only
 * ever walks well-formed trees, but with any content. The checks after
 * each call are in dt_check.c.
 */
#include <stdlib.h>

#include "dt_check.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* libfdt wants the blob 8-byte aligned; libFuzzer's input may not be. */
	void *fdt = fuzz_dup(data, size);

	fuzz_dt_select_all(fdt, size);
	free(fdt);
	return 0;
}
