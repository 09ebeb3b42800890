// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fuzz target: receive-queue entries and MAC properties as a hypervisor
 * could write them, through the l-lan codec (drivers/hv-net/llan_codec.c).
 *
 * Input: 2 bytes MTU (big-endian, any value), 1 byte generation, 1 byte
 * toggle, then 16-byte receive-queue entries; whatever is left after the
 * last whole entry is a local-mac-address property. Each verdict is checked
 * against a model written from the ABI, and every frame the codec accepts
 * must lie inside a buffer of the layout (the driver copies it without
 * further checks).
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
	return HVK_LLAN_RX_FRAME;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hvk_llan_layout l;
	unsigned int mtu, total;
	size_t off;
	bool toggle;

	if (size < 4)
		return 0;
	mtu = (unsigned int)be(data, 2);
	memset(&l, 0, sizeof(l));
	total = hvk_llan_plan(mtu, &l);
	fuzz_context("mtu %u", mtu);
	if (mtu < HVK_LLAN_MIN_MTU || mtu > HVK_LLAN_MAX_MTU) {
		FUZZ_CHECK(!total && !l.nr_classes, "plan for MTU out of range");
	} else {
		FUZZ_CHECK(total && total <= HVK_LLAN_MAX_BUFFERS, "%u buffers", total);
		FUZZ_CHECK(l.cls[l.nr_classes - 1].size >=
			   HVK_LLAN_RX_FRAME_MAX + HVK_LLAN_BUF_HDR,
			   "largest class %u", l.cls[l.nr_classes - 1].size);
	}
	l.gen = data[2];
	toggle = data[3] & 1;
	for (off = 4; off + HVK_LLAN_RXQ_ENTRY <= size; off += HVK_LLAN_RXQ_ENTRY) {
		const uint8_t *e = data + off;
		enum hvk_llan_rx_verdict v, w;
		struct hvk_llan_rx rx;

		fuzz_context("mtu %u, entry %zu", mtu, (off - 4) / 16);
		v = hvk_llan_rxq_parse(e, toggle, &l, &rx);
		w = model(e, toggle, &l);
		FUZZ_CHECK(v == w, "verdict %d, model %d", v, w);
		if (v == HVK_LLAN_RX_FRAME) {
			FUZZ_CHECK(rx.cls < l.nr_classes &&
				   rx.index < l.cls[rx.cls].count,
				   "buffer %u/%u", rx.cls, rx.index);
			FUZZ_CHECK(rx.offset >= HVK_LLAN_BUF_HDR &&
				   rx.length >= HVK_LLAN_ETH_HLEN &&
				   (uint64_t)rx.offset + rx.length <=
				   l.cls[rx.cls].size,
				   "frame %u+%u in a %u-byte buffer", rx.offset,
				   rx.length, l.cls[rx.cls].size);
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
