// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fuzz target: receive-queue entries and MAC properties as a hypervisor
 * could write them, through the l-lan codec (drivers/hv-net/llan_codec.c).
 *
 * Input: 2 bytes MTU (big-endian, any value), 1 byte generation, 1 byte
 * toggle, then 16-byte receive-queue entries; whatever is left after the
 * last whole entry is a local-mac-address property. Each entry is parsed
 * as a kernel with 4 KiB and one with 64 KiB pages would parse it. Each
 * verdict is checked against a model written from the ABI, and every frame
 * the codec accepts must lie inside a buffer of the layout (the driver
 * copies it without further checks) and fit the fragments of an skb when
 * built as the driver builds it (skb_add_rx_frag() does not check). The
 * entry's reserved byte 1, which the parser ignores, times 512 is the
 * copybreak of that build.
 */
#include <string.h>

#include "fuzz.h"
#include "llan_codec.h"

static uint64_t be(const uint8_t *p, int n)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

/* Page size, and the fewest fragments an skb holds there (Linux 6.1). */
static const struct {
	uint32_t page_size;
	uint32_t max_frags;
} kernels[] = {
	{ 4096, 17 },
	{ 65536, 16 },
};

static enum hvk_llan_rx_verdict model(const uint8_t *e, bool toggle,
				      const struct hvk_llan_layout *l)
{
	uint64_t corr = be(e + 8, 8);
	unsigned int cls = (corr >> 32) & 0xff;
	uint32_t index = (uint32_t)corr, off, len, size;

	if (((e[0] & 0x80) != 0) != toggle)
		return HVK_LLAN_RX_EMPTY;
	if (corr >> 48 != 0x4e54 || ((corr >> 40) & 0xff) != l->gen ||
	    cls >= l->nr_classes || index >= l->cls[cls].count)
		return HVK_LLAN_RX_BAD_CORRELATOR;
	if (!(e[0] & 0x40))
		return HVK_LLAN_RX_UNUSED;
	off = (uint32_t)be(e + 2, 2);
	len = (uint32_t)be(e + 4, 4);
	size = l->cls[cls].size;
	if (off < 8 || off >= size)
		return HVK_LLAN_RX_BAD_OFFSET;
	if (len < 14 || (uint64_t)off + len > size)
		return HVK_LLAN_RX_BAD_LENGTH;
	if (len > l->frame_max)
		return HVK_LLAN_RX_TOO_LONG;
	return HVK_LLAN_RX_FRAME;
}

/* Build an accepted frame as the driver does, on kernel @k. */
static void check_build(const struct hvk_llan_rx *rx, uint32_t copybreak,
			unsigned int k)
{
	uint32_t frag = HVK_LLAN_RX_FRAG_SIZE(kernels[k].page_size);
	uint32_t nr = hvk_llan_rx_nr_frags(rx->length, copybreak, frag);

	if (rx->length <= copybreak) {
		FUZZ_CHECK(!nr, "%u bytes, copybreak %u: %u fragments",
			   rx->length, copybreak, nr);
		return;
	}
	FUZZ_CHECK(nr && (uint64_t)nr * frag >= rx->length &&
		   (uint64_t)(nr - 1) * frag < rx->length,
		   "%u bytes in %u fragments of %u", rx->length, nr, frag);
	FUZZ_CHECK(nr <= kernels[k].max_frags,
		   "%u-byte pages: %u bytes in %u fragments of %u, at most %u",
		   kernels[k].page_size, rx->length, nr, frag,
		   kernels[k].max_frags);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hvk_llan_layout l[ARRAY_SIZE(kernels)];
	unsigned int mtu, total, k;
	size_t off;
	bool toggle;

	if (size < 4)
		return 0;
	mtu = (unsigned int)be(data, 2);
	fuzz_context("mtu %u", mtu);
	for (k = 0; k < ARRAY_SIZE(kernels); k++) {
		struct hvk_llan_layout *lk = &l[k];
		uint32_t frag = HVK_LLAN_RX_FRAG_SIZE(kernels[k].page_size);
		uint32_t max = HVK_LLAN_RX_BUILD_MAX(frag, kernels[k].max_frags);

		memset(lk, 0, sizeof(*lk));
		total = hvk_llan_plan(mtu, max, lk);
		lk->gen = data[2];
		if (mtu < HVK_LLAN_MIN_MTU || mtu > HVK_LLAN_MAX_MTU) {
			FUZZ_CHECK(!total && !lk->nr_classes,
				   "plan for MTU out of range");
			continue;
		}
		FUZZ_CHECK(total && total <= HVK_LLAN_MAX_BUFFERS, "%u buffers",
			   total);
		FUZZ_CHECK(lk->cls[lk->nr_classes - 1].size ==
			   HVK_LLAN_RX_CLASS_MAX,
			   "largest class %u", lk->cls[lk->nr_classes - 1].size);
		/* Every frame QEMU can deliver is built. */
		FUZZ_CHECK(lk->frame_max >= HVK_LLAN_RX_FRAME_MAX,
			   "frame_max %u", lk->frame_max);
	}
	toggle = data[3] & 1;
	for (off = 4; off + HVK_LLAN_RXQ_ENTRY <= size; off += HVK_LLAN_RXQ_ENTRY) {
		const uint8_t *e = data + off;

		for (k = 0; k < ARRAY_SIZE(kernels); k++) {
			enum hvk_llan_rx_verdict v, w;
			struct hvk_llan_rx rx;

			fuzz_context("mtu %u, entry %zu, %u-byte pages", mtu,
				     (off - 4) / 16, kernels[k].page_size);
			v = hvk_llan_rxq_parse(e, toggle, &l[k], &rx);
			w = model(e, toggle, &l[k]);
			FUZZ_CHECK(v == w, "verdict %d, model %d", v, w);
			if (v != HVK_LLAN_RX_FRAME && v != HVK_LLAN_RX_TOO_LONG)
				continue;
			FUZZ_CHECK(rx.cls < l[k].nr_classes &&
				   rx.index < l[k].cls[rx.cls].count,
				   "buffer %u/%u", rx.cls, rx.index);
			FUZZ_CHECK(rx.offset >= HVK_LLAN_BUF_HDR &&
				   rx.length >= HVK_LLAN_ETH_HLEN &&
				   (uint64_t)rx.offset + rx.length <=
				   l[k].cls[rx.cls].size,
				   "frame %u+%u in a %u-byte buffer", rx.offset,
				   rx.length, l[k].cls[rx.cls].size);
			if (v == HVK_LLAN_RX_FRAME)
				check_build(&rx, (uint32_t)e[1] << 9, k);
		}
	}
	if (off < size) {
		uint8_t mac[6];
		int len = (int)(size - off);
		int err = hvk_llan_parse_mac(data + off, len, mac);

		FUZZ_CHECK(err == ((len == 6 || len == 8) ? 0 : -EINVAL),
			   "mac length %d: %d", len, err);
		if (!err)
			FUZZ_CHECK(!memcmp(mac, data + size - 6, 6), "mac bytes");
	}
	return 0;
}
