/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The device-tree fuzz targets' common core: run hvk_dt_select() on a blob
 * for every architecture and check what it promises.
 */
#ifndef _HVK_FUZZ_DT_CHECK_H
#define _HVK_FUZZ_DT_CHECK_H

#include <stdbool.h>
#include <stddef.h>

/*
 * If libfdt accepts the @size bytes at @fdt (8-byte aligned) as a complete,
 * well-formed blob, run hvk_dt_select() on it for powerpc, arm64 and
 * "other" through the fdt reader in isolate_props mode (each property a
 * separate heap copy of its exact length), check each result and the
 * results against each other, and return true. Return false, having run
 * nothing, when libfdt refuses the blob. A broken invariant aborts.
 */
bool fuzz_dt_select_all(const void *fdt, size_t size);

#endif /* _HVK_FUZZ_DT_CHECK_H */
