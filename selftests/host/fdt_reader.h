/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * struct hvk_dt_ops over a flattened device tree blob, through libfdt.
 *
 * Used by the host unit tests and meant to be reused as is by fuzz targets:
 * it depends on nothing but libfdt and hvk_dt.h, and it checks the whole
 * blob once up front so that the walk itself never trusts a bad offset.
 */
#ifndef _HVK_FDT_READER_H
#define _HVK_FDT_READER_H

#include <stdbool.h>
#include <stddef.h>

#include "hvk_dt.h"

struct hvk_fdt_reader {
	const void *fdt;
	/*
	 * When set, prop() hands out a fresh heap copy of exactly the
	 * property's length instead of a pointer into the blob, so that
	 * AddressSanitizer catches a parser reading past a property's end.
	 * The copies live until hvk_fdt_reader_release().
	 */
	bool isolate_props;
	void **copies;
	size_t nr_copies;
	size_t max_copies;
};

/* Pass a struct hvk_fdt_reader as the ctx of these ops. */
extern const struct hvk_dt_ops hvk_fdt_ops;

/*
 * Check that @blob holds a complete, well-formed FDT of at most @size bytes
 * and point @r at it, with isolate_props off and no copies. libfdt wants
 * the blob 8-byte aligned: a fuzz target should copy its input into a
 * malloc()ed buffer first. Returns 0, or a negative libfdt error
 * (-FDT_ERR_*) that fdt_strerror() turns into text.
 */
int hvk_fdt_reader_init(struct hvk_fdt_reader *r, const void *blob,
			size_t size);

/*
 * Free the property copies made in isolate_props mode. Call it before
 * reusing @r with hvk_fdt_reader_init(), which starts with no copies.
 */
void hvk_fdt_reader_release(struct hvk_fdt_reader *r);

#endif /* _HVK_FDT_READER_H */
