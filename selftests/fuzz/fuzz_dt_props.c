// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fuzz target: a device tree built from a short byte program (dtgen.h):
 * top-level nodes and their children, with the properties hvk_dt.c reads
 * and values from small tables or from the input. Every program gives a
 * valid blob, so the fuzzer spends its time on the parser's decisions
 * instead of on the FDT format. The checks after each call are those of
 * fuzz_dt_blob (dt_check.c).
 */
#include "dt_check.h"
#include "dtgen.h"
#include "fuzz.h"

/* 64 KiB and aligned: too big for the stack of a fuzzer thread. */
static struct dtb tree;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const void *fdt = dtgen_build(data, size, &tree);

	if (fdt)
		FUZZ_CHECK(fuzz_dt_select_all(fdt, sizeof(tree.buf)),
			   "libfdt refuses a tree dtgen built");
	return 0;
}
