// SPDX-License-Identifier: GPL-2.0-only
/*
 * Interrupt vectors of hvkit devices: the platform's global interrupt
 * number on PAPR, a wired line or MSIs elsewhere, behind one interface.
 * The drivers request hdev->irq and never learn which it is.
 */
#include <linux/irqdomain.h>
#include <linux/msi.h>
#include <linux/of.h>
#include <linux/of_irq.h>

#include "internal.h"

/* A VIO device has one interrupt; its MSIs are allocated in one call. */
#define HVK_MSI_VECTORS	1

int hvk_vectors_bind(struct hvk_device *hdev)
{
	if (!hdev->vectors || !hdev->vectors->bind)
		return 0;
	return hdev->vectors->bind(hdev);
}

void hvk_vectors_unbind(struct hvk_device *hdev)
{
	if (hdev->vectors && hdev->vectors->unbind)
		hdev->vectors->unbind(hdev);
}

void hvk_vectors_release(struct hvk_device *hdev)
{
	if (hdev->vectors && hdev->vectors->release)
		hdev->vectors->release(hdev);
}

/* The vio device owns the mapping; it lives as long as our reference. */
const struct hvk_vector_ops hvk_vectors_papr = {
	.kind = "papr",
};

static void wired_release(struct hvk_device *hdev)
{
	irq_dispose_mapping(hdev->irq);
}

const struct hvk_vector_ops hvk_vectors_wired = {
	.kind = "wired",
	.release = wired_release,
};

#ifdef HVK_HAVE_PLATFORM_MSI
/*
 * The MSI core's write-message callback: at activation, whenever the
 * kernel moves the vector, and (all zero) at deactivation. The hypervisor
 * cannot read the controller's message itself, so it is told.
 */
static void msi_write_msg(struct msi_desc *desc, struct msi_msg *msg)
{
	struct hvk_device *hdev = to_hvk_device(msi_desc_to_dev(desc));
	u64 address = (u64)msg->address_hi << 32 | msg->address_lo;

	hvk_dev_write_msi_msg(hdev, desc->msi_index, address, msg->data);
}

static int msi_bind(struct hvk_device *hdev)
{
	int err;

	err = platform_device_msi_init_and_alloc_irqs(&hdev->dev,
						      HVK_MSI_VECTORS,
						      msi_write_msg);
	if (err) {
		dev_err(&hdev->dev, "cannot allocate its %u MSI vector(s): %d\n",
			HVK_MSI_VECTORS, err);
		return err;
	}
	hdev->irq = msi_get_virq(&hdev->dev, 0);
	if (!hdev->irq) {
		platform_device_msi_free_irqs_all(&hdev->dev);
		dev_err(&hdev->dev, "its MSI vector has no Linux irq\n");
		return -ENXIO;
	}
	return 0;
}

static void msi_unbind(struct hvk_device *hdev)
{
	platform_device_msi_free_irqs_all(&hdev->dev);
	hdev->irq = 0;
}

static bool have_platform_msi(void)
{
	return true;
}

static bool msi_domain_found(struct hvk_device *hdev, struct device_node *src)
{
	of_msi_configure(&hdev->dev, src);
	return dev_get_msi_domain(&hdev->dev);
}
#else
/* Never chosen: hvk_msi_configure() refuses first. */
static int msi_bind(struct hvk_device *hdev)
{
	return -EOPNOTSUPP;
}

static void msi_unbind(struct hvk_device *hdev)
{
}

static bool have_platform_msi(void)
{
	return false;
}

static bool msi_domain_found(struct hvk_device *hdev, struct device_node *src)
{
	return false;
}
#endif

const struct hvk_vector_ops hvk_vectors_msi = {
	.kind = "msi",
	.bind = msi_bind,
	.unbind = msi_unbind,
};

/*
 * The ITS takes the DeviceID from the device's own msi-parent specifier
 * and WARNs on any other number of cells, so that is checked here, where
 * the device tree (the hypervisor's) can be refused with a message.
 */
static const char *msi_parent_problem(struct device_node *np,
				      struct device_node *src,
				      const struct of_phandle_args *args)
{
	if (!of_property_read_bool(args->np, "msi-controller"))
		return "is not an MSI controller";
	if (!of_device_is_compatible(args->np, "arm,gic-v3-its"))
		return NULL;
	if (src != np)
		return "is an ITS, which needs the DeviceID in the device's own msi-parent";
	if (args->args_count != 1)
		return "is an ITS, which needs exactly one cell (the DeviceID)";
	return NULL;
}

/*
 * Vectors from the msi-parent of @source (the device's node @np or the
 * hypervisor node). On failure one line names the device and the cause,
 * and the caller falls back to a wired line if there is one.
 */
int hvk_msi_configure(struct hvk_device *hdev, struct device_node *np,
		      struct device_node *source, struct device *root)
{
	struct of_phandle_args args;
	const char *why;
	int err;

	err = of_parse_phandle_with_args(source, "msi-parent", "#msi-cells", 0,
					 &args);
	if (err) {
		dev_err(root, "%pOF: msi-parent of %pOF cannot be parsed: %d\n",
			np, source, err);
		return -EINVAL;
	}
	why = msi_parent_problem(np, source, &args);
	if (why)
		dev_err(root, "%pOF: msi-parent %pOF %s\n", np, args.np, why);
	else if (!have_platform_msi())
		dev_err(root, "%pOF: msi-parent %pOF: this kernel has no platform MSI support\n",
			np, args.np);
	else if (!msi_domain_found(hdev, source))
		dev_err(root, "%pOF: msi-parent %pOF has no MSI domain in this kernel\n",
			np, args.np);
	else
		hdev->vectors = &hvk_vectors_msi;
	of_node_put(args.np);
	return hdev->vectors ? 0 : -EINVAL;
}
