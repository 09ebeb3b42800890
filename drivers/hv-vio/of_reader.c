// SPDX-License-Identifier: GPL-2.0-only
/*
 * The portable device-tree parser (hypercall/hvk_dt.c) reading the live
 * kernel device tree.
 *
 * No references are taken while walking: the parse runs once at load, and
 * the core pins every node it keeps (of_node_get) right after it.
 */
#include <linux/kernel.h>
#include <linux/of.h>

#include "internal.h"

static const struct hvk_dt_node *to_hvk_node(const struct device_node *np)
{
	return (const struct hvk_dt_node *)np;
}

static const struct hvk_dt_node *of_root_node(void *ctx)
{
	struct device_node *root = of_find_node_by_path("/");

	of_node_put(root);
	return to_hvk_node(root);
}

static const struct hvk_dt_node *
of_first_child(void *ctx, const struct hvk_dt_node *node)
{
	struct device_node *child;

	child = of_get_next_child(hvk_to_of_node(node), NULL);
	of_node_put(child);
	return to_hvk_node(child);
}

static const struct hvk_dt_node *
of_next_sibling(void *ctx, const struct hvk_dt_node *node)
{
	struct device_node *np = hvk_to_of_node(node);
	struct device_node *parent = of_get_parent(np);
	struct device_node *next;

	if (!parent)
		return NULL;
	/* of_get_next_child() drops a reference on its cursor: give it one. */
	next = of_get_next_child(parent, of_node_get(np));
	of_node_put(next);
	of_node_put(parent);
	return to_hvk_node(next);
}

static const void *of_prop(void *ctx, const struct hvk_dt_node *node,
			   const char *name, int *len)
{
	return of_get_property(hvk_to_of_node(node), name, len);
}

static const char *of_name(void *ctx, const struct hvk_dt_node *node)
{
	const struct device_node *np = hvk_to_of_node(node);

	if (!np->parent)
		return "/";
	return kbasename(np->full_name);
}

const struct hvk_dt_ops hvk_of_dt_ops = {
	.root = of_root_node,
	.first_child = of_first_child,
	.next_sibling = of_next_sibling,
	.prop = of_prop,
	.name = of_name,
};
