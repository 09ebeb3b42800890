// SPDX-License-Identifier: GPL-2.0-only
/*
 * Sequential-write device tree builder for the host tests.
 */
#include <stdarg.h>
#include <string.h>

#include <libfdt.h>

#include "dtb_builder.h"

#define DTB_MAX_CELLS	32

static void check(struct dtb *b, int err, const char *what)
{
	if (err && !b->err) {
		b->err = err;
		b->what = what;
	}
}

void dtb_start(struct dtb *b)
{
	b->err = 0;
	b->depth = 0;
	b->what = "";
	check(b, fdt_create(b->buf, sizeof(b->buf)), "fdt_create");
	if (!b->err)
		check(b, fdt_finish_reservemap(b->buf), "fdt_finish_reservemap");
	dtb_begin(b, "");
}

void dtb_begin(struct dtb *b, const char *name)
{
	if (b->err)
		return;
	check(b, fdt_begin_node(b->buf, name), "fdt_begin_node");
	if (!b->err)
		b->depth++;
}

void dtb_end(struct dtb *b)
{
	if (b->err)
		return;
	check(b, fdt_end_node(b->buf), "fdt_end_node");
	if (!b->err)
		b->depth--;
}

void dtb_prop(struct dtb *b, const char *name, const void *val, int len)
{
	if (b->err)
		return;
	check(b, fdt_property(b->buf, name, val, len), name);
}

void dtb_str(struct dtb *b, const char *name, const char *s)
{
	dtb_prop(b, name, s, (int)strlen(s) + 1);
}

void dtb_empty(struct dtb *b, const char *name)
{
	dtb_prop(b, name, "", 0);
}

void dtb_u32(struct dtb *b, const char *name, uint32_t val)
{
	dtb_cells(b, name, 1, val);
}

void dtb_cells(struct dtb *b, const char *name, int n, ...)
{
	fdt32_t cells[DTB_MAX_CELLS];
	va_list ap;
	int i;

	if (n < 0 || n > DTB_MAX_CELLS) {
		check(b, -FDT_ERR_BADVALUE, name);
		return;
	}
	va_start(ap, n);
	for (i = 0; i < n; i++)
		cells[i] = cpu_to_fdt32(va_arg(ap, uint32_t));
	va_end(ap);
	dtb_prop(b, name, cells, n * 4);
}

const void *dtb_finish(struct dtb *b)
{
	while (!b->err && b->depth > 0)
		dtb_end(b);
	if (!b->err)
		check(b, fdt_finish(b->buf), "fdt_finish");
	return b->err ? NULL : b->buf;
}

const char *dtb_strerror(const struct dtb *b)
{
	return b->err ? fdt_strerror(b->err) : "";
}

void dtb_begin_hv(struct dtb *b, const char *method)
{
	dtb_begin(b, "hypervisor");
	dtb_str(b, "compatible", "hvkit,hypervisor-v1");
	if (method)
		dtb_str(b, "method", method);
	dtb_u32(b, "#address-cells", 1);
	dtb_u32(b, "#size-cells", 0);
}

void dtb_dev(struct dtb *b, const char *name, uint32_t reg, const char *type,
	     const char *compat)
{
	dtb_begin(b, name);
	dtb_u32(b, "reg", reg);
	dtb_str(b, "device_type", type);
	if (compat)
		dtb_str(b, "compatible", compat);
	dtb_end(b);
}
