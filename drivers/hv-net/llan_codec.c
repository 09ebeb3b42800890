// SPDX-License-Identifier: GPL-2.0-only
/*
 * l-lan formats: see llan_codec.h. No kernel interfaces here, so that the
 * host unit tests and the fuzzers run this very file.
 */
#include "llan_codec.h"

#define SMALL_SIZE	512
#define SMALL_COUNT	256
/* Memory one MTU class may take, and its bounds in buffers. */
#define MTU_CLASS_BYTES	(2U << 20)
#define MTU_CLASS_MIN	64
#define MTU_CLASS_MAX	512
#define MAX_CLASS_COUNT	16

/* "NT" in the top 16 bits tells our correlators from stray values. */
#define CORR_MAGIC	0x4e54ULL

static u32 align_up(u32 v, u32 a)
{
	return (v + a - 1) / a * a;
}

unsigned int hvk_llan_plan(unsigned int mtu, u32 frame_max,
			   struct hvk_llan_layout *l)
{
	u32 mtu_size, max_size, count;
	unsigned int n = 0, total = 0, i;

	l->nr_classes = 0;
	if (mtu < HVK_LLAN_MIN_MTU || mtu > HVK_LLAN_MAX_MTU)
		return 0;
	l->frame_max = frame_max;
	mtu_size = align_up(mtu + HVK_LLAN_ETH_HLEN + HVK_LLAN_VLAN_HLEN +
			    HVK_LLAN_BUF_HDR, HVK_LLAN_RX_ALIGN);
	max_size = HVK_LLAN_RX_CLASS_MAX;

	l->cls[n].size = SMALL_SIZE;
	l->cls[n++].count = SMALL_COUNT;
	if (mtu_size > SMALL_SIZE && mtu_size < max_size) {
		count = MTU_CLASS_BYTES / mtu_size;
		if (count < MTU_CLASS_MIN)
			count = MTU_CLASS_MIN;
		if (count > MTU_CLASS_MAX)
			count = MTU_CLASS_MAX;
		l->cls[n].size = mtu_size;
		l->cls[n++].count = count;
	}
	l->cls[n].size = max_size;
	l->cls[n++].count = MAX_CLASS_COUNT;
	l->nr_classes = n;
	for (i = 0; i < n; i++)
		total += l->cls[i].count;
	return total;
}

u64 hvk_llan_bd(u32 ioba, u32 len)
{
	return HVK_LLAN_BD_VALID | (u64)(len & HVK_LLAN_BD_LEN_MAX) << 32 | ioba;
}

u64 hvk_llan_correlator(u8 gen, unsigned int cls, u32 index)
{
	return CORR_MAGIC << 48 | (u64)gen << 40 | (u64)(cls & 0xff) << 32 |
	       index;
}

static u64 get_be64(const u8 *p)
{
	return (u64)hvk_get_be32(p) << 32 | hvk_get_be32(p + 4);
}

/* The buffer a correlator names, if it is one of this registration's. */
static bool decode_correlator(u64 corr, const struct hvk_llan_layout *l,
			      struct hvk_llan_rx *rx)
{
	unsigned int cls = (corr >> 32) & 0xff;
	u32 index = (u32)corr;

	if (corr >> 48 != CORR_MAGIC || ((corr >> 40) & 0xff) != l->gen)
		return false;
	if (cls >= l->nr_classes || cls >= HVK_LLAN_MAX_CLASSES ||
	    index >= l->cls[cls].count)
		return false;
	rx->cls = cls;
	rx->index = index;
	return true;
}

enum hvk_llan_rx_verdict hvk_llan_rxq_parse(const u8 *entry, bool toggle,
					    const struct hvk_llan_layout *l,
					    struct hvk_llan_rx *rx)
{
	u8 flags = entry[0];
	u32 size;

	if (!!(flags & HVK_LLAN_RXQ_TOGGLE) != toggle)
		return HVK_LLAN_RX_EMPTY;
	if (!decode_correlator(get_be64(entry + 8), l, rx))
		return HVK_LLAN_RX_BAD_CORRELATOR;
	rx->offset = (u32)entry[2] << 8 | entry[3];
	rx->length = hvk_get_be32(entry + 4);
	rx->csum_good = flags & HVK_LLAN_RXQ_CSUM_GOOD;
	if (!(flags & HVK_LLAN_RXQ_VALID))
		return HVK_LLAN_RX_UNUSED;
	size = l->cls[rx->cls].size;
	if (rx->offset < HVK_LLAN_BUF_HDR || rx->offset >= size)
		return HVK_LLAN_RX_BAD_OFFSET;
	if (rx->length < HVK_LLAN_ETH_HLEN || rx->length > size - rx->offset)
		return HVK_LLAN_RX_BAD_LENGTH;
	if (rx->length > l->frame_max)
		return HVK_LLAN_RX_TOO_LONG;
	return HVK_LLAN_RX_FRAME;
}

int hvk_llan_parse_mac(const u8 *prop, int len, u8 *mac)
{
	if (!prop || (len != 6 && len != 8))
		return -EINVAL;
	memcpy(mac, prop + len - 6, 6);
	return 0;
}
