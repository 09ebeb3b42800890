// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvkit-vmm's PL011; see pl011.h. Register offsets and bits from the
 * PrimeCell UART (PL011) Technical Reference Manual.
 */
#include "pl011.h"

enum {
	UARTDR = 0x000,
	UARTRSR = 0x004,
	UARTFR = 0x018,
	UARTIBRD = 0x024,
	UARTFBRD = 0x028,
	UARTLCR_H = 0x02c,
	UARTCR = 0x030,
	UARTIFLS = 0x034,
	UARTIMSC = 0x038,
	UARTRIS = 0x03c,
	UARTMIS = 0x040,
	UARTICR = 0x044,
	UARTDMACR = 0x048,
	UARTPERIPHID0 = 0xfe0,
};

#define FR_RXFE		(1u << 4)
#define FR_TXFF		(1u << 5)
#define FR_RXFF		(1u << 6)
#define FR_TXFE		(1u << 7)
#define INT_RX		(1u << 4)
#define INT_TX		(1u << 5)
#define INT_RT		(1u << 6)
#define INT_ALL		0x7ff

/* Peripheral ID 0x00041011 (PL011, ARM), PrimeCell ID 0xb105f00d. */
static const u8 id_regs[8] = { 0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1 };

static void update_irq(struct hvm_pl011 *u)
{
	bool level = u->ris & u->imsc;

	if (level != u->irq) {
		u->irq = level;
		if (u->ops->set_irq)
			u->ops->set_irq(u->ctx, level);
	}
}

/* The transmitter never holds a byte, so TX is always pending. */
static void update_ris(struct hvm_pl011 *u)
{
	u->ris |= INT_TX;
	if (u->rx_len)
		u->ris |= INT_RX | INT_RT;
	else
		u->ris &= ~(INT_RX | INT_RT);
	update_irq(u);
}

void hvm_pl011_init(struct hvm_pl011 *u, const struct hvm_pl011_ops *ops, void *ctx)
{
	memset(u, 0, sizeof(*u));
	u->ops = ops;
	u->ctx = ctx;
	u->lcrh = 0;
	u->cr = 0x300;	/* TXE and RXE, the reset value */
	u->ifls = 0x12;
	update_ris(u);
}

/*
 * Once a full FIFO has been read down to the low mark, say so, once: the
 * backend's reader stopped reading when it filled the FIFO and waits for
 * this rather than polling for room. Half the FIFO, not one byte: a wake
 * per byte would cost the reader more than the byte.
 */
static void report_room(struct hvm_pl011 *u)
{
	if (!u->rx_was_full || u->rx_len > HVM_PL011_RXQ_LOW)
		return;
	u->rx_was_full = false;
	if (u->ops->rx_room)
		u->ops->rx_room(u->ctx);
}

static u32 read_dr(struct hvm_pl011 *u)
{
	u32 c;

	if (!u->rx_len)
		return 0;
	c = u->rxq[u->rx_head];
	u->rx_head = (u->rx_head + 1) % HVM_PL011_RXQ;
	u->rx_len--;
	update_ris(u);
	report_room(u);
	return c;
}

static u32 read_fr(const struct hvm_pl011 *u)
{
	u32 fr = FR_TXFE;

	if (!u->rx_len)
		fr |= FR_RXFE;
	if (u->rx_len == HVM_PL011_RXQ)
		fr |= FR_RXFF;
	return fr;
}

u64 hvm_pl011_read(struct hvm_pl011 *u, u64 offset, unsigned int len)
{
	(void)len;
	if (offset >= UARTPERIPHID0 && offset < HVM_PL011_SIZE && !(offset & 3))
		return id_regs[(offset - UARTPERIPHID0) / 4];
	switch (offset) {
	case UARTDR:
		return read_dr(u);
	case UARTFR:
		return read_fr(u);
	case UARTIBRD:
		return u->ibrd;
	case UARTFBRD:
		return u->fbrd;
	case UARTLCR_H:
		return u->lcrh;
	case UARTCR:
		return u->cr;
	case UARTIFLS:
		return u->ifls;
	case UARTIMSC:
		return u->imsc;
	case UARTRIS:
		return u->ris;
	case UARTMIS:
		return u->ris & u->imsc;
	default:
		return 0;	/* RSR, DMACR and the rest: no errors, no DMA */
	}
}

void hvm_pl011_write(struct hvm_pl011 *u, u64 offset, unsigned int len, u64 val)
{
	(void)len;
	switch (offset) {
	case UARTDR:
		u->ops->write(u->ctx, (u8)val);
		break;
	case UARTIBRD:
		u->ibrd = val & 0xffff;
		break;
	case UARTFBRD:
		u->fbrd = val & 0x3f;
		break;
	case UARTLCR_H:
		u->lcrh = val & 0xff;
		break;
	case UARTCR:
		u->cr = val & 0xffff;
		break;
	case UARTIFLS:
		u->ifls = val & 0x3f;
		break;
	case UARTIMSC:
		u->imsc = val & INT_ALL;
		break;
	case UARTICR:
		u->ris &= ~(val & INT_ALL);
		break;
	default:
		return;
	}
	update_ris(u);
}

unsigned int hvm_pl011_feed(struct hvm_pl011 *u, const u8 *buf, unsigned int len)
{
	unsigned int n = 0;

	while (n < len && u->rx_len < HVM_PL011_RXQ) {
		u->rxq[(u->rx_head + u->rx_len) % HVM_PL011_RXQ] = buf[n++];
		u->rx_len++;
	}
	if (u->rx_len == HVM_PL011_RXQ)
		u->rx_was_full = true;
	update_ris(u);
	return n;
}
