/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The kernel's hvc console framework, as seen from a module built outside
 * the tree: drivers/tty/hvc/hvc_console.h is not part of the distro header
 * packages, so the few declarations hv_console needs are written here.
 *
 * struct hvc_struct stays opaque except for one field, irq_requested, which
 * a backend that delivers input by interrupt must set (as hvc_iucv does) so
 * that khvcd stops polling. Its offset changed when the framework dropped
 * the outbuf pointer, so hv_console checks at run time which known layout
 * the allocated structure has (see vty_find_irq_requested()); if neither
 * matches, it stays in polled mode.
 */
#ifndef _HV_CONSOLE_HVC_IFACE_H
#define _HV_CONSOLE_HVC_IFACE_H

#include <linux/spinlock.h>
#include <linux/tty.h>
#include <linux/types.h>

struct hvc_struct;

struct hv_ops {
	hvk_hvc_ssize_t (*get_chars)(u32 vtermno, hvk_hvc_u8 *buf,
				     hvk_hvc_size_t count);
	hvk_hvc_ssize_t (*put_chars)(u32 vtermno, const hvk_hvc_u8 *buf,
				     hvk_hvc_size_t count);
	int (*flush)(u32 vtermno, bool wait);
	int (*notifier_add)(struct hvc_struct *hp, int data);
	void (*notifier_del)(struct hvc_struct *hp, int data);
	void (*notifier_hangup)(struct hvc_struct *hp, int data);
	int (*tiocmget)(struct hvc_struct *hp);
	int (*tiocmset)(struct hvc_struct *hp, unsigned int set,
			unsigned int clear);
	void (*dtr_rts)(struct hvc_struct *hp, int raise);
};

int hvc_instantiate(u32 vtermno, int index, const struct hv_ops *ops);
struct hvc_struct *hvc_alloc(u32 vtermno, int data, const struct hv_ops *ops,
			     int outbuf_size);
int hvc_remove(struct hvc_struct *hp);
void hvc_kick(void);
/*
 * One read/write round of @hp in atomic context; returns what is left to
 * do, HVK_HVC_POLL_READ among it (HVC_POLL_READ in hvc_console.h).
 */
int hvc_poll(struct hvc_struct *hp);
#define HVK_HVC_POLL_READ	0x1

/* The leading fields of struct hvc_struct, in the two layouts seen so far. */
struct hvk_hvc_head_outbuf_ptr {
	struct tty_port port;
	spinlock_t lock;	/* the framework's, never taken here */
	int index;
	int do_wakeup;
	char *outbuf;
	int outbuf_size;
	int n_outbuf;
	u32 vtermno;
	const struct hv_ops *ops;
	int irq_requested;
};

struct hvk_hvc_head {
	struct tty_port port;
	spinlock_t lock;	/* the framework's, never taken here */
	int index;
	int do_wakeup;
	int outbuf_size;
	int n_outbuf;
	u32 vtermno;
	const struct hv_ops *ops;
	int irq_requested;
};

#endif /* _HV_CONSOLE_HVC_IFACE_H */
