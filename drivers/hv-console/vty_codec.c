// SPDX-License-Identifier: GPL-2.0-only
/*
 * vty character transport codec; see vty_codec.h.
 *
 * PowerVM inserts a NUL after each CR it delivers, within the same answer.
 * QEMU 7.2 inserts none, but never lets a NUL follow a CR within one
 * answer: it ends the answer at the CR instead. Removing a NUL only when
 * it directly follows a CR in the same answer is right for both: PowerVM's
 * inserted NULs go, and every byte sequence QEMU carries, CR NUL included,
 * arrives unchanged. Older QEMUs inserted a NUL the PowerVM way (holding a
 * CR back when its NUL did not fit), which this handles too.
 */
#include "vty_codec.h"

static u8 reg_byte(u64 reg, unsigned int i)
{
	return (u8)(reg >> (56 - 8 * i));
}

int hvk_vty_decode(struct hvk_vty_rx *rx, u64 count, u64 hi, u64 lo, u8 *out)
{
	unsigned int i, n = 0;
	bool after_cr = false;
	u8 c;

	if (count > HVK_VTY_CHUNK) {
		rx->bad_counts++;
		return -EPROTO;
	}
	for (i = 0; i < count; i++) {
		c = i < 8 ? reg_byte(hi, i) : reg_byte(lo, i - 8);
		if (after_cr && c == '\0') {
			after_cr = false;
			rx->nuls_dropped++;
			continue;
		}
		after_cr = c == '\r';
		out[n++] = c;
	}
	return (int)n;
}

int hvk_vty_unpack(struct hvk_vty_rx *rx, u64 count, u64 hi, u64 lo, u8 *out)
{
	unsigned int i;

	if (count > HVK_VTY_CHUNK) {
		rx->bad_counts++;
		return -EPROTO;
	}
	for (i = 0; i < count; i++)
		out[i] = i < 8 ? reg_byte(hi, i) : reg_byte(lo, i - 8);
	return (int)count;
}

/*
 * Two big-endian loads: this runs once per 16 bytes of console output, so
 * it is kept to a handful of instructions (a byte loop costs more than the
 * rest of the path under emulation).
 */
unsigned int hvk_vty_encode(const u8 *buf, unsigned int len, u64 *hi, u64 *lo)
{
	u8 padded[HVK_VTY_CHUNK];

	if (len >= HVK_VTY_CHUNK) {
		*hi = hvk_get_be64(buf);
		*lo = hvk_get_be64(buf + 8);
		return HVK_VTY_CHUNK;
	}
	memset(padded, 0, sizeof(padded));
	memcpy(padded, buf, len);
	*hi = hvk_get_be64(padded);
	*lo = hvk_get_be64(padded + 8);
	return len;
}
