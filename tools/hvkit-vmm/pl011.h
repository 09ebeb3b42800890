/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hvkit-vmm's boot console: the PL011 registers Linux's amba-pl011 driver
 * and its earlycon touch, served from MMIO exits. The transmit FIFO is
 * always empty (a write goes straight to the backend), the receive FIFO
 * holds what the backend fed. The interrupt is a level: raised while any
 * unmasked interrupt is pending. Portable: no KVM in here.
 */
#ifndef _HVM_PL011_H
#define _HVM_PL011_H

#include "hvk_portable.h"

#define HVM_PL011_SIZE	0x1000
#define HVM_PL011_RXQ	32	/* the PL011's receive FIFO depth */
/* A FIFO that a feed filled reports room (ops->rx_room) at this level. */
#define HVM_PL011_RXQ_LOW	(HVM_PL011_RXQ / 2)

struct hvm_pl011_ops {
	void (*write)(void *ctx, u8 c);
	/* The interrupt line's new level. */
	void (*set_irq)(void *ctx, bool level);
	/*
	 * The receive FIFO, full after a feed, has been read down to
	 * HVM_PL011_RXQ_LOW: a backend left unread while it was full can be
	 * read again. Called inside the data register's read; may be NULL.
	 */
	void (*rx_room)(void *ctx);
};

struct hvm_pl011 {
	const struct hvm_pl011_ops *ops;
	void *ctx;
	u32 cr, lcrh, ibrd, fbrd, ifls, imsc, ris;
	u8 rxq[HVM_PL011_RXQ];
	unsigned int rx_head, rx_len;
	bool rx_was_full;	/* a feed filled it; rx_room not yet reported */
	bool irq;
};

void hvm_pl011_init(struct hvm_pl011 *u, const struct hvm_pl011_ops *ops, void *ctx);

/*
 * An MMIO access at @offset of @len bytes (1, 2, 4 or 8) into the device.
 * Reads return the value; anything the device does not have reads 0 and
 * ignores writes.
 */
u64 hvm_pl011_read(struct hvm_pl011 *u, u64 offset, unsigned int len);
void hvm_pl011_write(struct hvm_pl011 *u, u64 offset, unsigned int len, u64 val);

/*
 * Input from the backend: takes what the FIFO has room for. A feed that
 * fills the FIFO arms one ops->rx_room report.
 */
unsigned int hvm_pl011_feed(struct hvm_pl011 *u, const u8 *buf, unsigned int len);

#endif /* _HVM_PL011_H */
