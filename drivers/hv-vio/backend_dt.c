// SPDX-License-Identifier: GPL-2.0-only
/*
 * "dt" backend: devices are the children of the hvkit hypervisor node,
 * with a wired interrupt from their "interrupts" property or MSIs from an
 * msi-parent, and DMA set up from the device tree.
 */
#include <linux/dma-mapping.h>
#include <linux/of_device.h>
#include <linux/of_irq.h>

#include "internal.h"

static int dt_map_wired(struct hvk_device *hdev, struct device_node *np,
			struct device *root)
{
	hdev->irq = irq_of_parse_and_map(np, 0);
	if (!hdev->irq) {
		dev_err(root, "%pOF: cannot map its interrupt\n", np);
		return -EINVAL;
	}
	hdev->vectors = &hvk_vectors_wired;
	return 0;
}

/* The node whose msi-parent gives the device its vectors, if any. */
static struct device_node *dt_msi_source(struct device_node *np)
{
	if (of_property_present(np, "msi-parent"))
		return np;
	if (np->parent && of_property_present(np->parent, "msi-parent"))
		return np->parent;
	return NULL;
}

/*
 * A device has a wired line ("interrupts") or MSIs from its msi-parent
 * (its own or the hypervisor node's). The line wins over an inherited
 * msi-parent silently and over the device's own with a message; an
 * msi-parent that cannot work leaves the line if there is one, and
 * otherwise the device is not created: it could never interrupt.
 */
static int dt_choose_vectors(struct hvk_device *hdev, struct device_node *np,
			     struct device *root)
{
	bool wired = of_property_present(np, "interrupts");
	struct device_node *msi_src = dt_msi_source(np);

	if (wired && msi_src == np)
		dev_warn(root, "%pOF: has both interrupts and msi-parent: using the wired interrupt\n",
			 np);
	if (wired)
		return dt_map_wired(hdev, np, root);
	if (!msi_src)
		return 0;
	if (hvk_msi_configure(hdev, np, msi_src, root)) {
		dev_err(root, "%pOF: no interrupt to fall back to: not binding\n",
			np);
		return -ENODEV;
	}
	return 0;
}

static int dt_init_device(struct hvk_device *hdev, struct device_node *np,
			  struct device *root)
{
	int err;

	hdev->dev.parent = root;
	hdev->dev.dma_mask = &hdev->dev.coherent_dma_mask;
	err = of_dma_configure(&hdev->dev, np, true);
	if (err)
		return err;
	err = dma_set_mask_and_coherent(&hdev->dev, DMA_BIT_MASK(64));
	if (err)
		return err;
	hdev->dma_dev = &hdev->dev;
	return dt_choose_vectors(hdev, np, root);
}

static void dt_release_device(struct hvk_device *hdev)
{
}

const struct hvk_backend hvk_backend_dt = {
	.name = "dt",
	.init_device = dt_init_device,
	.release_device = dt_release_device,
};
