// SPDX-License-Identifier: GPL-2.0-only
/*
 * hv_vio: find the hypervisor, choose the hypercall method and the device
 * backend, and create the hvkit devices.
 */
#define pr_fmt(fmt) "hvkit: " fmt

#include <linux/debugfs.h>
#include <linux/device.h>
#include <linux/err.h>
#include <linux/module.h>
#include <linux/of.h>
#include <linux/slab.h>

#include "arch.h"
#include "conduit.h"
#include "internal.h"

struct hvk_core {
	struct hvk_dt_config cfg;
	const struct hvk_backend *backend;
	struct device *root;
	struct dentry *debugfs;
	struct device_node *hv_node;
	char offline_why[HVK_DT_WHY_MAX];
	unsigned int nr_devices;
	struct hvk_device *devices[HVK_DT_MAX_CHILDREN];
};

static struct hvk_core *core;

const char *hvk_core_backend_name(void)
{
	return core->backend->name;
}

static ssize_t method_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	return sysfs_emit(buf, "%s\n", hvk_method_name(core->cfg.method));
}
static DEVICE_ATTR_RO(method);

static ssize_t backend_show(struct device *dev, struct device_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%s\n", core->backend->name);
}
static DEVICE_ATTR_RO(backend);

static ssize_t abi_version_show(struct device *dev,
				struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", core->cfg.abi_version);
}
static DEVICE_ATTR_RO(abi_version);

static ssize_t hypervisor_show(struct device *dev,
			       struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%pOF\n", core->hv_node);
}
static DEVICE_ATTR_RO(hypervisor);

static ssize_t state_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	if (hvk_conduit_online())
		return sysfs_emit(buf, "online\n");
	return sysfs_emit(buf, "offline: %s\n", core->offline_why);
}
static DEVICE_ATTR_RO(state);

static struct attribute *hvk_root_attrs[] = {
	&dev_attr_method.attr,
	&dev_attr_backend.attr,
	&dev_attr_abi_version.attr,
	&dev_attr_hypervisor.attr,
	&dev_attr_state.attr,
	NULL,
};

static const struct attribute_group hvk_root_group = {
	.attrs = hvk_root_attrs,
};

/* "/name" for the top-level nodes the parser reports, "/" for the root. */
static void log_refusal(const char *node, const char *why)
{
	pr_err("%s%s: %s\n", node[0] == '/' ? "" : "/", node, why);
}

static int select_hypervisor(struct hvk_core *c)
{
	char why[HVK_DT_WHY_MAX];
	int err;

	err = hvk_dt_select(&hvk_of_dt_ops, NULL, hvk_arch_current(), &c->cfg);
	if (err) {
		log_refusal(c->cfg.err_node, c->cfg.err_why);
		return err;
	}
	err = hvk_arch_check_method(c->cfg.method, why, sizeof(why));
	if (err) {
		log_refusal(c->cfg.hv_node_name, why);
		return err;
	}
#ifdef CONFIG_PPC_PSERIES
	if (c->cfg.backend == HVK_BACKEND_PAPR)
		c->backend = &hvk_backend_papr;
#endif
	if (c->cfg.backend == HVK_BACKEND_DT)
		c->backend = &hvk_backend_dt;
	if (!c->backend) {
		log_refusal(c->cfg.hv_node_name,
			    "PAPR platform without pseries support in this kernel");
		return -EOPNOTSUPP;
	}
	c->hv_node = of_node_get(hvk_to_of_node(c->cfg.hv_node));
	return 0;
}

/* The first hypercall: ask who is there, and stay offline if not hvkit. */
static void identify_hypervisor(struct hvk_core *c)
{
	int err;

	err = hvk_arch_identify(c->cfg.method, c->offline_why,
				sizeof(c->offline_why));
	if (err) {
		pr_err("%pOF: %s\n", c->hv_node, c->offline_why);
		hvk_conduit_set_online(false);
		return;
	}
	hvk_conduit_set_online(true);
}

static void log_skipped(const struct hvk_dt_config *cfg)
{
	unsigned int i, shown = min_t(unsigned int, cfg->nr_skipped,
				      HVK_DT_MAX_SKIPPED);

	for (i = 0; i < shown; i++)
		pr_warn("%s/%s: skipped: %s\n", cfg->hv_node_name[0] == '/' ?
			"" : "/", cfg->skipped[i].node, cfg->skipped[i].why);
	if (cfg->nr_skipped > shown)
		pr_warn("%u more device nodes skipped\n",
			cfg->nr_skipped - shown);
}

static void destroy_devices(struct hvk_core *c)
{
	while (c->nr_devices)
		hvk_device_destroy(c->devices[--c->nr_devices]);
}

static int create_devices(struct hvk_core *c)
{
	struct hvk_device *hdev;
	unsigned int i;

	for (i = 0; i < c->cfg.nr_children; i++) {
		hdev = hvk_device_create(c->backend, &c->cfg.children[i],
					 c->root);
		if (IS_ERR(hdev)) {
			/* Out of memory is fatal; a node we cannot use is not. */
			if (PTR_ERR(hdev) == -ENOMEM) {
				destroy_devices(c);
				return -ENOMEM;
			}
			continue;
		}
		c->devices[c->nr_devices++] = hdev;
	}
	return 0;
}

static int __init hvk_core_init(void)
{
	int err;

	core = kzalloc(sizeof(*core), GFP_KERNEL);
	if (!core)
		return -ENOMEM;
	err = select_hypervisor(core);
	if (err)
		goto free;

	core->debugfs = debugfs_create_dir("hvkit", NULL);
	err = hvk_conduit_init(core->cfg.method, core->debugfs);
	if (err)
		goto put_node;
	identify_hypervisor(core);

	core->root = root_device_register("hvkit");
	if (IS_ERR(core->root)) {
		err = PTR_ERR(core->root);
		goto conduit;
	}
	err = device_add_group(core->root, &hvk_root_group);
	if (err)
		goto root;
	err = hvk_bus_init();
	if (err)
		goto root;
	log_skipped(&core->cfg);
	err = create_devices(core);
	if (err)
		goto bus;

	pr_info("%pOF: method %s, backend %s, %u devices, hypervisor %s\n",
		core->hv_node, hvk_method_name(core->cfg.method),
		core->backend->name, core->nr_devices,
		hvk_conduit_online() ? "online" : "offline");
	return 0;

bus:
	hvk_bus_exit();
root:
	root_device_unregister(core->root);
conduit:
	hvk_conduit_exit();
put_node:
	debugfs_remove_recursive(core->debugfs);
	of_node_put(core->hv_node);
free:
	kfree(core);
	core = NULL;
	return err;
}

static void __exit hvk_core_exit(void)
{
	destroy_devices(core);
	hvk_bus_exit();
	root_device_unregister(core->root);
	hvk_conduit_exit();
	debugfs_remove_recursive(core->debugfs);
	of_node_put(core->hv_node);
	kfree(core);
	core = NULL;
}

module_init(hvk_core_init);
module_exit(hvk_core_exit);

MODULE_DESCRIPTION("hvkit core: hypercall conduit and virtual device bus");
MODULE_AUTHOR("The hvkit developers");
MODULE_LICENSE("GPL");
