// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvk_dtpatch: test-only module that rewrites the "compatible" property of
 * one device-tree node, before hv_vio enumerates the devices.
 *
 * QEMU's spapr-vty is always "hvterm1"; it carries any byte stream
 * unchanged, so with this module turning one into "hvterm-protocol" and
 * the host agent speaking HVSI on its socket, hv_console's HVSI path runs
 * against QEMU's real device. Never packaged, never installed.
 *
 *   insmod hvk_dtpatch.ko node=/vdevice/vty@30003000 compatible=hvterm-protocol
 *
 * The change lasts until reboot: the module cannot be removed, because
 * the tree keeps a replaced property on the node's dead list, where it
 * must stay valid for as long as the node lives.
 */
#define pr_fmt(fmt) "hvk_dtpatch: " fmt

#include <linux/module.h>
#include <linux/of.h>
#include <linux/slab.h>

static char *node;
module_param(node, charp, 0444);
MODULE_PARM_DESC(node, "full path of the node to change");

static char *compatible;
module_param(compatible, charp, 0444);
MODULE_PARM_DESC(compatible, "the node's new compatible string");

static struct of_changeset dtpatch_changeset;

static int __init hvk_dtpatch_init(void)
{
	struct property *prop;
	struct device_node *np;
	int err;

	if (!node || !compatible) {
		pr_err("both node= and compatible= are needed\n");
		return -EINVAL;
	}
	np = of_find_node_by_path(node);
	if (!np) {
		pr_err("%s: no such node\n", node);
		return -ENOENT;
	}
	prop = kzalloc(sizeof(*prop), GFP_KERNEL);
	if (prop) {
		prop->name = kstrdup("compatible", GFP_KERNEL);
		prop->value = kstrdup(compatible, GFP_KERNEL);
		prop->length = strlen(compatible) + 1;
	}
	if (!prop || !prop->name || !prop->value) {
		err = -ENOMEM;
		goto free;
	}
	of_changeset_init(&dtpatch_changeset);
	err = of_changeset_update_property(&dtpatch_changeset, np, prop);
	if (!err)
		err = of_changeset_apply(&dtpatch_changeset);
	if (err) {
		pr_err("%pOF: cannot change compatible: %d\n", np, err);
		of_changeset_destroy(&dtpatch_changeset);
		goto free;
	}
	pr_info("%pOF: compatible is now \"%s\"\n", np, compatible);
	of_node_put(np);
	return 0;

free:
	if (prop) {
		kfree(prop->value);
		kfree(prop->name);
		kfree(prop);
	}
	of_node_put(np);
	return err;
}

module_init(hvk_dtpatch_init);

MODULE_DESCRIPTION("hvkit test helper: rewrite a device-tree node's compatible");
MODULE_AUTHOR("The hvkit developers");
MODULE_LICENSE("GPL");
