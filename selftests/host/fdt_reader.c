// SPDX-License-Identifier: GPL-2.0-only
/*
 * struct hvk_dt_ops over libfdt.
 *
 * A node handle is the node's structure-block offset plus one, cast to a
 * pointer: offset 0 (the root) must not become NULL, which means "no node"
 * to the parser.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "fdt_reader.h"

static const struct hvk_dt_node *to_node(int offset)
{
	if (offset < 0)
		return NULL;
	return (const struct hvk_dt_node *)(uintptr_t)((unsigned int)offset + 1);
}

static int to_offset(const struct hvk_dt_node *node)
{
	return (int)((uintptr_t)node - 1);
}

static const void *blob(void *ctx)
{
	return ((const struct hvk_fdt_reader *)ctx)->fdt;
}

static const struct hvk_dt_node *fdt_ops_root(void *ctx)
{
	/* The root node always sits at the start of the structure block. */
	if (!blob(ctx))
		return NULL;
	return to_node(0);
}

static const struct hvk_dt_node *
fdt_ops_first_child(void *ctx, const struct hvk_dt_node *node)
{
	if (!node)
		return NULL;
	return to_node(fdt_first_subnode(blob(ctx), to_offset(node)));
}

static const struct hvk_dt_node *
fdt_ops_next_sibling(void *ctx, const struct hvk_dt_node *node)
{
	if (!node)
		return NULL;
	return to_node(fdt_next_subnode(blob(ctx), to_offset(node)));
}

/* A heap copy of @len bytes at @val, remembered for release; NULL if OOM. */
static const void *copy_prop(struct hvk_fdt_reader *r, const void *val,
			     int len)
{
	void *copy;

	if (r->nr_copies == r->max_copies) {
		size_t max = r->max_copies ? 2 * r->max_copies : 16;
		void **copies = realloc(r->copies, max * sizeof(*copies));

		if (!copies)
			return NULL;
		r->copies = copies;
		r->max_copies = max;
	}
	/* malloc(0) may return NULL, which would read as "absent". */
	copy = malloc(len);
	if (!copy && !len)
		copy = malloc(1);
	if (!copy)
		return NULL;
	memcpy(copy, val, len);
	r->copies[r->nr_copies++] = copy;
	return copy;
}

static const void *fdt_ops_prop(void *ctx, const struct hvk_dt_node *node,
				const char *name, int *len)
{
	struct hvk_fdt_reader *r = ctx;
	const void *val;
	int l;

	*len = 0;
	if (!node)
		return NULL;
	val = fdt_getprop(r->fdt, to_offset(node), name, &l);
	if (!val || l < 0)
		return NULL;
	if (r->isolate_props) {
		val = copy_prop(r, val, l);
		if (!val) {
			/* Out of memory: not something to hide from a test. */
			fprintf(stderr, "fdt_reader: out of memory\n");
			abort();
		}
	}
	*len = l;
	return val;
}

static const char *fdt_ops_name(void *ctx, const struct hvk_dt_node *node)
{
	const char *name;
	int offset;

	if (!node)
		return NULL;
	offset = to_offset(node);
	if (offset == 0)
		return "/";
	name = fdt_get_name(blob(ctx), offset, NULL);
	return name ? name : "?";
}

const struct hvk_dt_ops hvk_fdt_ops = {
	.root = fdt_ops_root,
	.first_child = fdt_ops_first_child,
	.next_sibling = fdt_ops_next_sibling,
	.prop = fdt_ops_prop,
	.name = fdt_ops_name,
};

int hvk_fdt_reader_init(struct hvk_fdt_reader *r, const void *fdt, size_t size)
{
	int err;

	r->fdt = NULL;
	r->isolate_props = false;
	r->copies = NULL;
	r->nr_copies = 0;
	r->max_copies = 0;
	/* fdt_check_header() reads the whole header before checking sizes. */
	if (!fdt || size < sizeof(struct fdt_header))
		return -FDT_ERR_TRUNCATED;
	err = fdt_check_header(fdt);
	if (err)
		return err;
	if (fdt_totalsize(fdt) > size)
		return -FDT_ERR_TRUNCATED;
	err = fdt_check_full(fdt, size);
	if (err)
		return err;
	r->fdt = fdt;
	return 0;
}

void hvk_fdt_reader_release(struct hvk_fdt_reader *r)
{
	size_t i;

	for (i = 0; i < r->nr_copies; i++)
		free(r->copies[i]);
	free(r->copies);
	r->copies = NULL;
	r->nr_copies = 0;
	r->max_copies = 0;
}
