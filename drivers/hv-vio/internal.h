/* SPDX-License-Identifier: GPL-2.0-only */
/* hv-vio core internals shared by the core and its backends. */
#ifndef _HV_VIO_INTERNAL_H
#define _HV_VIO_INTERNAL_H

#include <linux/of.h>
#include <hvkit/vio.h>

#include "hvk_dt.h"

/*
 * One backend per platform. It turns a parsed device-tree child into the
 * platform parts of an hvk_device (parent, irq, DMA device) and undoes that.
 */
struct hvk_backend {
	const char *name;
	int (*init_device)(struct hvk_device *hdev, struct device_node *np,
			   struct device *root);
	void (*release_device)(struct hvk_device *hdev);
};

extern const struct hvk_backend hvk_backend_dt;
#ifdef CONFIG_PPC_PSERIES
extern const struct hvk_backend hvk_backend_papr;
#endif

/* The OF glue for the portable parser: its nodes are device_nodes. */
static inline struct device_node *hvk_to_of_node(const struct hvk_dt_node *n)
{
	return (struct device_node *)n;
}

extern const struct hvk_dt_ops hvk_of_dt_ops;

/* bus.c */
extern struct bus_type hvk_bus_type;
int hvk_bus_init(void);
void hvk_bus_exit(void);
struct hvk_device *hvk_device_create(const struct hvk_backend *backend,
				     const struct hvk_dt_child *child,
				     struct device *root);
void hvk_device_destroy(struct hvk_device *hdev);

/* core.c */
const char *hvk_core_backend_name(void);

#endif /* _HV_VIO_INTERNAL_H */
