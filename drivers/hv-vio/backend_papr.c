// SPDX-License-Identifier: GPL-2.0-only
/*
 * "papr" backend: each hvkit device sits on top of the kernel's own
 * powerpc vio device for the same /vdevice node, which already carries the
 * TCE-backed DMA ops and the mapped interrupt. hvkit never binds the vio
 * device itself, so in-tree drivers can keep theirs.
 */
#include <linux/device.h>
#include <asm/vio.h>

#include "internal.h"

static int papr_init_device(struct hvk_device *hdev, struct device_node *np,
			    struct device *root)
{
	struct vio_dev *vdev;

	/* Holds a reference on the vio device until release. */
	vdev = vio_find_node(np);
	if (!vdev) {
		dev_err(root, "%pOF: no powerpc vio device for this node\n", np);
		return -ENODEV;
	}
	hdev->backend_data = vdev;
	hdev->dev.parent = &vdev->dev;
	hdev->dma_dev = &vdev->dev;
	hdev->irq = vdev->irq;
	hdev->vectors = &hvk_vectors_papr;
	return 0;
}

static void papr_release_device(struct hvk_device *hdev)
{
	struct vio_dev *vdev = hdev->backend_data;

	put_device(&vdev->dev);
}

const struct hvk_backend hvk_backend_papr = {
	.name = "papr",
	.init_device = papr_init_device,
	.release_device = papr_release_device,
};
