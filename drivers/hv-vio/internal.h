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

/*
 * A device's interrupt vectors, one table per way of getting them; the
 * backend picks one when it creates the device and the drivers see only
 * hdev->irq. bind() runs before a driver's probe and unbind() after its
 * remove: MSI vectors live only while a driver is bound, because the
 * kernel keeps a device's MSI state as driver resources and releases it
 * at unbind. release() undoes what the backend set up at creation.
 */
struct hvk_vector_ops {
	const char *kind;	/* sysfs interrupt_type */
	int (*bind)(struct hvk_device *hdev);
	void (*unbind)(struct hvk_device *hdev);
	void (*release)(struct hvk_device *hdev);
};

/* PAPR: the platform's global interrupt number, from the vio device. */
extern const struct hvk_vector_ops hvk_vectors_papr;
/* dt: a line from the node's "interrupts", mapped at creation. */
extern const struct hvk_vector_ops hvk_vectors_wired;
/* dt: MSIs from the msi-parent's domain, the message told by hcall. */
extern const struct hvk_vector_ops hvk_vectors_msi;

/* hdev->flags */
#define HVK_DEV_MSI_WRITE_REPORTED	0	/* a failed H_VIO_SET_MSI was logged */

/* vectors.c */
int hvk_vectors_bind(struct hvk_device *hdev);
void hvk_vectors_unbind(struct hvk_device *hdev);
void hvk_vectors_release(struct hvk_device *hdev);
int hvk_msi_configure(struct hvk_device *hdev, struct device_node *np,
		      struct device_node *source, struct device *root);

/* bus.c: the one place that tells the hypervisor an MSI message. */
void hvk_dev_write_msi_msg(struct hvk_device *hdev, unsigned int index,
			   u64 address, u32 data);

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
