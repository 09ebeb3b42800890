/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hvkit bus: virtual devices offered by the hypervisor, and their drivers.
 */
#ifndef _HVKIT_VIO_H
#define _HVKIT_VIO_H

#include <linux/atomic.h>
#include <linux/device.h>
#include <linux/mod_devicetable.h>
#include <hvkit/hcall.h>

struct hvk_backend;
struct hvk_vector_ops;

struct hvk_device_stats {
	atomic64_t hcalls;
	atomic64_t errors;
	atomic64_t busy;
	atomic64_t busy_gave_up;	/* still busy when the budget ran out */
	atomic64_t injected;
};

struct hvk_device {
	struct device dev;
	u32 unit_address;
	const char *type;		/* device_type */
	const char *compatible;		/* first compatible string, or "" */
	/*
	 * Linux irq, 0 if none. Wired and PAPR interrupts have it from the
	 * device's creation on; an MSI vector only while a driver is bound.
	 */
	unsigned int irq;
	const struct hvk_vector_ops *vectors;	/* NULL: no interrupt */
	unsigned long flags;			/* HVK_DEV_* bits */
	/* The device to hand to the DMA API (the vio device on PAPR). */
	struct device *dma_dev;
	const struct hvk_backend *backend;
	void *backend_data;
	struct hvk_device_stats stats;
};

/* Matches when @type is a prefix of the device_type and @compat matches. */
struct hvk_device_id {
	const char *type;
	const char *compat;
};

struct hvk_driver {
	const char *name;
	const struct hvk_device_id *id_table;	/* ends with an empty entry */
	int (*probe)(struct hvk_device *hdev, const struct hvk_device_id *id);
	void (*remove)(struct hvk_device *hdev);
	void (*shutdown)(struct hvk_device *hdev);
	struct device_driver driver;
};

#define to_hvk_device(d)	container_of(d, struct hvk_device, dev)
#define to_hvk_driver(d)	container_of(d, struct hvk_driver, driver)

int __hvk_driver_register(struct hvk_driver *drv, struct module *owner);
#define hvk_driver_register(drv) __hvk_driver_register(drv, THIS_MODULE)
void hvk_driver_unregister(struct hvk_driver *drv);

/*
 * A hypercall made on behalf of @hdev, counted in its stats. The first
 * argument is the device's unit address: @regs->in[0] is set to it, and
 * the caller fills in the rest from @regs->in[1] on.
 */
long hvk_dev_hcall(struct hvk_device *hdev, unsigned int opcode,
		   struct hvk_hcall_regs *regs);

/*
 * A status-only call on behalf of @hdev: its unit address and up to three
 * more arguments (hvk_hcall_norets()), counted in its stats.
 */
long hvk_dev_hcall_norets(struct hvk_device *hdev, unsigned int opcode,
			  unsigned long a1, unsigned long a2, unsigned long a3);

/* Gate the device's interrupt at the hypervisor (H_VIO_SIGNAL). */
long hvk_dev_set_irq(struct hvk_device *hdev, bool enable);

/*
 * Registering a queue with the hypervisor (H_REG_CRQ, H_REGISTER_LOGICAL_LAN)
 * is written once here, in process context. Busy answers are waited out
 * (the sleeping busy policy, its default budget). H_RESOURCE means the
 * queue is still registered: by firmware, or by the kernel before a kexec.
 * The old registration is freed and the call made once more; a second
 * H_RESOURCE is returned like any other status, to be reported by the
 * caller.
 */
struct hvk_queue_reg_ops {
	const char *name;	/* the register hypercall's name, for the log */
	unsigned int opcode;	/* and its opcode, for the busy report */
	long (*reg)(void *ctx);
	void (*unreg)(void *ctx);	/* waits out busy answers itself */
};

/*
 * Returns the register call's last status; *@reclaimed (may be NULL) says
 * whether an old registration was freed first.
 */
long hvk_dev_register_queue(struct hvk_device *hdev,
			    const struct hvk_queue_reg_ops *ops, void *ctx,
			    bool *reclaimed);

/* The device with this unit address, with a reference held, or NULL. */
struct hvk_device *hvk_find_device(u32 unit_address);

static inline void hvk_put_device(struct hvk_device *hdev)
{
	put_device(&hdev->dev);
}

#endif /* _HVKIT_VIO_H */
