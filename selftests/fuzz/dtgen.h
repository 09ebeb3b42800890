/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * dtgen: a device tree described by a short byte program, for the
 * fuzz_dt_props target, and the reverse, for its seeds.
 *
 * The program is a sequence of instructions, each an opcode byte (taken
 * modulo the number of opcodes, so every byte is one) and its operands.
 * Names and most values are indices into small tables of the names and
 * values hvk_dt.c looks at, so that a single-byte mutation swaps "hvc" for
 * "sc1" or "reg" for "interrupts" instead of breaking the blob:
 *
 *   NODE    name unit [u32]   open a child of the current node (at most
 *                             DTGEN_MAX_DEPTH below the root); unit bit 0:
 *                             a unit address follows, big-endian, printed
 *                             as "@<hex>"
 *   END                       close the current node (never the root)
 *   PROP    name kind ...     add a property to the current node; kind
 *                             selects how its value is made (dtgen.c)
 *   DEVICES count variant     add count % 80 device nodes of a pattern at
 *                             once, to reach the child and skip limits
 *
 * A missing operand reads as 0 and ends the program; nodes left open are
 * closed. The tables are in dtgen.c.
 */
#ifndef _HVK_FUZZ_DTGEN_H
#define _HVK_FUZZ_DTGEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dtb_builder.h"

#define DTGEN_MAX_DEPTH		3
/* Nodes that DEVICES may add in one program, to keep each run fast. */
#define DTGEN_MAX_DEVICES	90

enum dtgen_op {
	DTGEN_NODE,
	DTGEN_END,
	DTGEN_PROP,
	DTGEN_DEVICES,
	DTGEN_NR_OPS
};

enum dtgen_kind {
	DTGEN_STR,		/* idx: a table string with its NUL */
	DTGEN_STRS,		/* n idx...: n % 4 + 1 table strings */
	DTGEN_CELLS,		/* n idx...: n % 6 table cells */
	DTGEN_U32,		/* u32: one cell as given */
	DTGEN_RAW,		/* len bytes...: the bytes as given */
	DTGEN_EMPTY,		/* nothing: an empty property */
	DTGEN_STR_RAW,		/* len bytes...: the bytes and a NUL */
	DTGEN_STR_CUT,		/* idx cut: a table string cut short */
	DTGEN_NR_KINDS
};

/*
 * Run the program in @data on @b and finish the blob. Returns the blob
 * (b->buf) or NULL when libfdt could not build it (too big).
 */
const void *dtgen_build(const uint8_t *data, size_t size, struct dtb *b);

/*
 * Write a program for the tree @fdt into @out (at most @max bytes). Nodes
 * and properties hvk_dt.c never reads are left out, and values longer than
 * 255 bytes are cut. Returns the length of the whole program: more than
 * @max if it did not fit.
 */
size_t dtgen_encode(const void *fdt, uint8_t *out, size_t max);

#endif /* _HVK_FUZZ_DTGEN_H */
