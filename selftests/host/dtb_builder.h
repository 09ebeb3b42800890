/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Build small device tree blobs in C with libfdt's sequential-write API.
 *
 *	struct dtb b;
 *
 *	dtb_start(&b);			   root node is open
 *	dtb_begin(&b, "hypervisor");
 *	dtb_str(&b, "method", "hvc");
 *	dtb_end(&b);
 *	fdt = dtb_finish(&b);		   NULL if anything failed
 *
 * Errors are sticky: the first libfdt error is kept in b.err and every later
 * call does nothing, so a test only checks the result of dtb_finish().
 */
#ifndef _HVK_DTB_BUILDER_H
#define _HVK_DTB_BUILDER_H

#include <stddef.h>
#include <stdint.h>

#define DTB_BUF_SIZE	(64 * 1024)

struct dtb {
	/* libfdt wants the blob 8-byte aligned. */
	_Alignas(8) char buf[DTB_BUF_SIZE];
	int err;		/* first libfdt error, 0 if none */
	int depth;		/* open nodes, the root included */
	const char *what;	/* the call that failed, for the message */
};

void dtb_start(struct dtb *b);
void dtb_begin(struct dtb *b, const char *name);
void dtb_end(struct dtb *b);

/* Raw bytes, exactly as given. */
void dtb_prop(struct dtb *b, const char *name, const void *val, int len);
/* One string with its NUL. */
void dtb_str(struct dtb *b, const char *name, const char *s);
/* Bytes of a string literal, its final NUL included: DTB_STRS(b, "p", "a\0b"). */
#define DTB_STRS(b, name, lit)	dtb_prop(b, name, lit, (int)sizeof(lit))
/* Bytes of a string literal without its final NUL (unterminated). */
#define DTB_RAW(b, name, lit)	dtb_prop(b, name, lit, (int)sizeof(lit) - 1)
void dtb_empty(struct dtb *b, const char *name);
void dtb_u32(struct dtb *b, const char *name, uint32_t val);
/* @n big-endian cells. */
void dtb_cells(struct dtb *b, const char *name, int n, ...);

/* Close all open nodes and the blob; NULL (with b->err set) on failure. */
const void *dtb_finish(struct dtb *b);
/* Why the last dtb_finish() failed, or "" */
const char *dtb_strerror(const struct dtb *b);

/* ---- hvkit shorthands ---- */

/*
 * Open a top-level "hypervisor" node with compatible "hvkit,hypervisor-v1",
 * #address-cells = <1>, #size-cells = <0> and, unless @method is NULL,
 * method = @method.
 */
void dtb_begin_hv(struct dtb *b, const char *method);

/*
 * A complete device node @name with reg = <@reg>, device_type = @type and,
 * unless @compat is NULL, compatible = @compat.
 */
void dtb_dev(struct dtb *b, const char *name, uint32_t reg, const char *type,
	     const char *compat);

#endif /* _HVK_DTB_BUILDER_H */
