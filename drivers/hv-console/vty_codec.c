// SPDX-License-Identifier: GPL-2.0-only
/*
 * vty character transport codec; see vty_codec.h.
 *
 * The hypervisor (QEMU and PowerVM alike) inserts a NUL after every CR it
 * delivers. Removing exactly that one NUL, and remembering a CR that ended
 * the previous answer, makes every byte sequence arrive unchanged: a CR
 * NUL typed by the peer arrives as CR NUL NUL and leaves as CR NUL.
 */
#include "vty_codec.h"

static u8 reg_byte(u64 reg, unsigned int i)
{
	return (u8)(reg >> (56 - 8 * i));
}

int hvk_vty_decode(struct hvk_vty_rx *rx, u64 count, u64 hi, u64 lo, u8 *out)
{
	unsigned int i, n = 0;
	u8 c;

	if (count > HVK_VTY_CHUNK) {
		rx->bad_counts++;
		return -EPROTO;
	}
	for (i = 0; i < count; i++) {
		c = i < 8 ? reg_byte(hi, i) : reg_byte(lo, i - 8);
		if (rx->last_was_cr && c == '\0') {
			rx->last_was_cr = false;
			rx->nuls_dropped++;
			continue;
		}
		rx->last_was_cr = c == '\r';
		out[n++] = c;
	}
	return (int)n;
}

unsigned int hvk_vty_encode(const u8 *buf, unsigned int len, u64 *hi, u64 *lo)
{
	unsigned int i;

	if (len > HVK_VTY_CHUNK)
		len = HVK_VTY_CHUNK;
	*hi = 0;
	*lo = 0;
	for (i = 0; i < len; i++) {
		u64 *reg = i < 8 ? hi : lo;

		*reg |= (u64)buf[i] << (56 - 8 * (i % 8));
	}
	return len;
}
