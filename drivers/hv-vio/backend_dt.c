// SPDX-License-Identifier: GPL-2.0-only
/*
 * "dt" backend: devices are the children of the hvkit hypervisor node,
 * with wired interrupts from their "interrupts" property and DMA set up
 * from the device tree.
 */
#include <linux/dma-mapping.h>
#include <linux/of_device.h>
#include <linux/of_irq.h>

#include "internal.h"

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
	if (of_get_property(np, "interrupts", NULL)) {
		hdev->irq = irq_of_parse_and_map(np, 0);
		if (!hdev->irq) {
			dev_err(root, "%pOF: cannot map its interrupt\n", np);
			return -EINVAL;
		}
	}
	return 0;
}

static void dt_release_device(struct hvk_device *hdev)
{
	if (hdev->irq)
		irq_dispose_mapping(hdev->irq);
}

const struct hvk_backend hvk_backend_dt = {
	.name = "dt",
	.init_device = dt_init_device,
	.release_device = dt_release_device,
};
