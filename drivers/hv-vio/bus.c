// SPDX-License-Identifier: GPL-2.0-only
/*
 * The hvkit bus: device model, driver matching, sysfs and per-device
 * hypercall accounting.
 */
#define pr_fmt(fmt) "hvkit: " fmt

#include <linux/device.h>
#include <linux/export.h>
#include <linux/module.h>
#include <linux/of.h>
#include <linux/slab.h>
#include <linux/string.h>

#include <hvkit/busy.h>
#include <hvkit/hcall_opcodes.h>

#include "conduit.h"
#include "internal.h"

static const struct hvk_device_id *
hvk_match_id(const struct hvk_device_id *ids, const struct hvk_device *hdev)
{
	for (; ids && (ids->type || ids->compat); ids++) {
		if (ids->type && strncmp(hdev->type, ids->type, strlen(ids->type)))
			continue;
		if (ids->compat && strcmp(hdev->compatible, ids->compat))
			continue;
		return ids;
	}
	return NULL;
}

static int hvk_bus_match(struct device *dev,
			 HVK_MATCH_DRV_CONST struct device_driver *drv)
{
	const struct hvk_driver *hdrv =
		container_of(drv, const struct hvk_driver, driver);

	return !!hvk_match_id(hdrv->id_table, to_hvk_device(dev));
}

static int hvk_bus_uevent(HVK_UEVENT_DEV_CONST struct device *dev,
			  struct kobj_uevent_env *env)
{
	const struct hvk_device *hdev =
		container_of(dev, const struct hvk_device, dev);

	return add_uevent_var(env, "MODALIAS=hvkit:T%sS%s", hdev->type,
			      hdev->compatible);
}

static int hvk_bus_probe(struct device *dev)
{
	struct hvk_device *hdev = to_hvk_device(dev);
	struct hvk_driver *hdrv = to_hvk_driver(dev->driver);
	const struct hvk_device_id *id;
	int err;

	id = hvk_match_id(hdrv->id_table, hdev);
	if (!id)
		return -ENODEV;
	if (!hvk_conduit_online()) {
		dev_info(dev, "not binding %s: the hypervisor is offline\n",
			 hdrv->name);
		return -ENODEV;
	}
	err = hvk_vectors_bind(hdev);
	if (err)
		return err;
	err = hdrv->probe ? hdrv->probe(hdev, id) : 0;
	if (err)
		hvk_vectors_unbind(hdev);
	return err;
}

static void hvk_bus_remove(struct device *dev)
{
	struct hvk_driver *hdrv = to_hvk_driver(dev->driver);
	struct hvk_device *hdev = to_hvk_device(dev);

	if (hdrv->remove)
		hdrv->remove(hdev);
	hvk_vectors_unbind(hdev);
}

static void hvk_bus_shutdown(struct device *dev)
{
	struct hvk_driver *hdrv;

	if (!dev->driver)
		return;
	hdrv = to_hvk_driver(dev->driver);
	if (hdrv->shutdown)
		hdrv->shutdown(to_hvk_device(dev));
}

static ssize_t unit_address_show(struct device *dev,
				 struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "0x%08x\n", to_hvk_device(dev)->unit_address);
}
static DEVICE_ATTR_RO(unit_address);

static ssize_t devtype_show(struct device *dev, struct device_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%s\n", to_hvk_device(dev)->type);
}
static DEVICE_ATTR_RO(devtype);

static ssize_t compatible_show(struct device *dev,
			       struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%s\n", to_hvk_device(dev)->compatible);
}
static DEVICE_ATTR_RO(compatible);

static ssize_t backend_show(struct device *dev, struct device_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%s\n", to_hvk_device(dev)->backend->name);
}
static DEVICE_ATTR_RO(backend);

static ssize_t method_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	return sysfs_emit(buf, "%s\n", hvk_method_name(hvk_hcall_method()));
}
static DEVICE_ATTR_RO(method);

static ssize_t irq_show(struct device *dev, struct device_attribute *attr,
			char *buf)
{
	return sysfs_emit(buf, "%u\n", to_hvk_device(dev)->irq);
}
static DEVICE_ATTR_RO(irq);

static ssize_t interrupt_type_show(struct device *dev,
				   struct device_attribute *attr, char *buf)
{
	const struct hvk_vector_ops *v = to_hvk_device(dev)->vectors;

	return sysfs_emit(buf, "%s\n", v ? v->kind : "none");
}
static DEVICE_ATTR_RO(interrupt_type);

static ssize_t modalias_show(struct device *dev, struct device_attribute *attr,
			     char *buf)
{
	struct hvk_device *hdev = to_hvk_device(dev);

	return sysfs_emit(buf, "hvkit:T%sS%s\n", hdev->type, hdev->compatible);
}
static DEVICE_ATTR_RO(modalias);

static struct attribute *hvk_dev_attrs[] = {
	&dev_attr_unit_address.attr,
	&dev_attr_devtype.attr,
	&dev_attr_compatible.attr,
	&dev_attr_backend.attr,
	&dev_attr_method.attr,
	&dev_attr_irq.attr,
	&dev_attr_interrupt_type.attr,
	&dev_attr_modalias.attr,
	NULL,
};

static const struct attribute_group hvk_dev_group = {
	.attrs = hvk_dev_attrs,
};

struct hvk_stat_attribute {
	struct device_attribute attr;
	size_t offset;		/* of the atomic64_t in hvk_device_stats */
};

static ssize_t stat_show(struct device *dev, struct device_attribute *attr,
			 char *buf)
{
	const struct hvk_stat_attribute *sa =
		container_of(attr, struct hvk_stat_attribute, attr);
	const atomic64_t *counter = (const void *)&to_hvk_device(dev)->stats +
				    sa->offset;

	return sysfs_emit(buf, "%lld\n", (long long)atomic64_read(counter));
}

static struct hvk_stat_attribute stat_hcalls = {
	__ATTR(hcalls, 0444, stat_show, NULL),
	offsetof(struct hvk_device_stats, hcalls)
};

static struct hvk_stat_attribute stat_errors = {
	__ATTR(errors, 0444, stat_show, NULL),
	offsetof(struct hvk_device_stats, errors)
};

static struct hvk_stat_attribute stat_busy = {
	__ATTR(busy, 0444, stat_show, NULL),
	offsetof(struct hvk_device_stats, busy)
};

static struct hvk_stat_attribute stat_busy_gave_up = {
	__ATTR(busy_gave_up, 0444, stat_show, NULL),
	offsetof(struct hvk_device_stats, busy_gave_up)
};

static struct hvk_stat_attribute stat_injected = {
	__ATTR(injected, 0444, stat_show, NULL),
	offsetof(struct hvk_device_stats, injected)
};

static struct attribute *hvk_stats_attrs[] = {
	&stat_hcalls.attr.attr,
	&stat_errors.attr.attr,
	&stat_busy.attr.attr,
	&stat_busy_gave_up.attr.attr,
	&stat_injected.attr.attr,
	NULL,
};

static const struct attribute_group hvk_stats_group = {
	.name = "stats",
	.attrs = hvk_stats_attrs,
};

static const struct attribute_group *hvk_dev_groups[] = {
	&hvk_dev_group,
	&hvk_stats_group,
	NULL,
};

struct bus_type hvk_bus_type = {
	.name = "hvkit",
	.match = hvk_bus_match,
	.uevent = hvk_bus_uevent,
	.probe = hvk_bus_probe,
	.remove = hvk_bus_remove,
	.shutdown = hvk_bus_shutdown,
	.dev_groups = hvk_dev_groups,
};

int __hvk_driver_register(struct hvk_driver *drv, struct module *owner)
{
	drv->driver.name = drv->name;
	drv->driver.bus = &hvk_bus_type;
	drv->driver.owner = owner;
	return driver_register(&drv->driver);
}
EXPORT_SYMBOL_GPL(__hvk_driver_register);

void hvk_driver_unregister(struct hvk_driver *drv)
{
	driver_unregister(&drv->driver);
}
EXPORT_SYMBOL_GPL(hvk_driver_unregister);

static void hvk_dev_count(struct hvk_device *hdev, long status, bool injected)
{
	unsigned int delay;

	atomic64_inc(&hdev->stats.hcalls);
	if (status < 0)
		atomic64_inc(&hdev->stats.errors);
	else if (status && hvk_hcall_is_busy(status, &delay))
		atomic64_inc(&hdev->stats.busy);
	if (injected)
		atomic64_inc(&hdev->stats.injected);
}

long hvk_dev_hcall(struct hvk_device *hdev, unsigned int opcode,
		   struct hvk_hcall_regs *regs)
{
	bool injected;
	long status;

	regs->in[0] = hdev->unit_address;
	status = __hvk_hcall(opcode, regs, &injected);
	hvk_dev_count(hdev, status, injected);
	return status;
}
EXPORT_SYMBOL_GPL(hvk_dev_hcall);

long hvk_dev_hcall_norets(struct hvk_device *hdev, unsigned int opcode,
			  unsigned long a1, unsigned long a2, unsigned long a3)
{
	bool injected;
	long status;

	status = __hvk_hcall_norets(opcode, hdev->unit_address, a1, a2, a3,
				    &injected);
	hvk_dev_count(hdev, status, injected);
	return status;
}
EXPORT_SYMBOL_GPL(hvk_dev_hcall_norets);

long hvk_dev_set_irq(struct hvk_device *hdev, bool enable)
{
	return hvk_dev_hcall_norets(hdev, HVK_H_VIO_SIGNAL, enable ? 1 : 0, 0, 0);
}
EXPORT_SYMBOL_GPL(hvk_dev_set_irq);

/*
 * May run with interrupts off (the MSI core holds the descriptor's lock):
 * busy answers get the atomic budget, and a failure is logged once per
 * device; the vector then stays silent at the hypervisor.
 */
void hvk_dev_write_msi_msg(struct hvk_device *hdev, unsigned int index,
			   u64 address, u32 data)
{
	struct hvk_busy b;
	long status;

	hvk_busy_start_atomic(&b, 0, 0);
	do {
		status = hvk_dev_hcall_norets(hdev, HVK_H_VIO_SET_MSI, index,
					      address, data);
	} while (hvk_busy_delay(&b, status));
	if (hvk_busy_gave_up(&b)) {
		hvk_busy_report(hdev, HVK_H_VIO_SET_MSI, &b);
		return;
	}
	if (status == HVK_H_SUCCESS ||
	    test_and_set_bit(HVK_DEV_MSI_WRITE_REPORTED, &hdev->flags))
		return;
	dev_err(&hdev->dev, "H_VIO_SET_MSI of vector %u (address 0x%llx, data 0x%x): %s (%ld); it will not interrupt\n",
		index, address, data, hvk_hcall_status_name(status), status);
}

/*
 * A busy answer to a registration is waited out (sleeping, the default
 * budget), as PowerVM may give it: failing the open or the reset for it
 * would leave the device down until somebody tried again.
 */
static long register_patiently(struct hvk_device *hdev,
			       const struct hvk_queue_reg_ops *ops, void *ctx)
{
	struct hvk_busy busy;
	long status;

	hvk_busy_start_sleep(&busy, 0, 0);
	do {
		status = ops->reg(ctx);
	} while (hvk_busy_sleep(&busy, status));
	if (hvk_busy_gave_up(&busy))
		hvk_busy_report(hdev, ops->opcode, &busy);
	return status;
}

long hvk_dev_register_queue(struct hvk_device *hdev,
			    const struct hvk_queue_reg_ops *ops, void *ctx,
			    bool *reclaimed)
{
	long status = register_patiently(hdev, ops, ctx);

	if (reclaimed)
		*reclaimed = false;
	if (status != HVK_H_RESOURCE)
		return status;
	dev_info_ratelimited(&hdev->dev, "%s: still registered (H_RESOURCE): freeing it and registering again\n",
			     ops->name);
	ops->unreg(ctx);
	if (reclaimed)
		*reclaimed = true;
	return register_patiently(hdev, ops, ctx);
}
EXPORT_SYMBOL_GPL(hvk_dev_register_queue);

static int match_unit_address(struct device *dev, const void *data)
{
	return to_hvk_device(dev)->unit_address == *(const u32 *)data;
}

struct hvk_device *hvk_find_device(u32 unit_address)
{
	struct device *dev;

	dev = bus_find_device(&hvk_bus_type, NULL, &unit_address,
			      match_unit_address);
	return dev ? to_hvk_device(dev) : NULL;
}
EXPORT_SYMBOL_GPL(hvk_find_device);

static void hvk_device_release(struct device *dev)
{
	struct hvk_device *hdev = to_hvk_device(dev);

	hvk_vectors_release(hdev);
	if (hdev->backend)
		hdev->backend->release_device(hdev);
	of_node_put(dev->of_node);
	kfree(hdev->type);
	kfree(hdev->compatible);
	kfree(hdev);
}

struct hvk_device *hvk_device_create(const struct hvk_backend *backend,
				     const struct hvk_dt_child *child,
				     struct device *root)
{
	struct device_node *np = hvk_to_of_node(child->node);
	struct hvk_device *hdev;
	int err;

	hdev = kzalloc(sizeof(*hdev), GFP_KERNEL);
	if (!hdev)
		return ERR_PTR(-ENOMEM);
	device_initialize(&hdev->dev);
	hdev->dev.release = hvk_device_release;
	hdev->dev.bus = &hvk_bus_type;
	/*
	 * Only of_node, not the fwnode: fw_devlink must not wait for a
	 * supplier device of the interrupt parent, which never exists here.
	 */
	hdev->dev.of_node = of_node_get(np);
	hdev->unit_address = child->unit_address;
	hdev->type = kstrdup(child->type, GFP_KERNEL);
	hdev->compatible = kstrdup(child->compatible, GFP_KERNEL);
	err = dev_set_name(&hdev->dev, "%x", child->unit_address);
	if (!hdev->type || !hdev->compatible || err) {
		err = -ENOMEM;
		goto put;
	}

	err = backend->init_device(hdev, np, root);
	if (err)
		goto put;
	hdev->backend = backend;

	err = device_add(&hdev->dev);
	if (err)
		goto put;
	return hdev;

put:
	put_device(&hdev->dev);
	return ERR_PTR(err);
}

void hvk_device_destroy(struct hvk_device *hdev)
{
	device_unregister(&hdev->dev);
}

int hvk_bus_init(void)
{
	return bus_register(&hvk_bus_type);
}

void hvk_bus_exit(void)
{
	bus_unregister(&hvk_bus_type);
}
