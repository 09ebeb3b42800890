/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The l-lan (veth) memory formats the hypervisor reads and writes: buffer
 * descriptors, receive-queue entries, the correlator each receive buffer
 * carries in its first 8 bytes, and the MAC property. Portable (kernel,
 * host unit tests, fuzzers): everything here parses or builds what crosses
 * the hypervisor boundary, and nothing trusts it.
 */
#ifndef _HVK_LLAN_CODEC_H
#define _HVK_LLAN_CODEC_H

#include "hvk_portable.h"

/* Buffer descriptor: valid, toggle, 24-bit length, 32-bit I/O address. */
#define HVK_LLAN_BD_VALID	0x8000000000000000ULL
#define HVK_LLAN_BD_TOGGLE	0x4000000000000000ULL
#define HVK_LLAN_BD_LEN_MAX	0xffffffU

static inline u32 hvk_llan_bd_len(u64 bd)
{
	return (u32)(bd >> 32) & HVK_LLAN_BD_LEN_MAX;
}

static inline u32 hvk_llan_bd_ioba(u64 bd)
{
	return (u32)bd;
}

/* Receive-queue entry: 16 bytes, big-endian. */
#define HVK_LLAN_RXQ_ENTRY	16
#define HVK_LLAN_RXQ_TOGGLE	0x80
#define HVK_LLAN_RXQ_VALID	0x40
#define HVK_LLAN_RXQ_CSUM_GOOD	0x01
/* Byte offsets in an entry: flags, frame offset (BE16), length, correlator. */
#define HVK_LLAN_RXQ_FLAGS_AT	0
#define HVK_LLAN_RXQ_OFFSET_AT	2
#define HVK_LLAN_RXQ_LENGTH_AT	4
#define HVK_LLAN_RXQ_CORR_AT	8

/* Every receive buffer starts with the guest's 8-byte correlator. */
#define HVK_LLAN_BUF_HDR	8
/* Buffer-list page: the hypervisor's "no suitable buffer" drop counter. */
#define HVK_LLAN_PAGE		4096
#define HVK_LLAN_RXQ_BD		0	/* the receive queue's BD */
#define HVK_LLAN_FILTER_BD	8	/* the filter list's BD */
#define HVK_LLAN_DROP_COUNTER	4088

#define HVK_LLAN_ETH_HLEN	14
#define HVK_LLAN_VLAN_HLEN	4
/* The hypervisor sends at most 64 KiB per frame, in up to six pieces ... */
#define HVK_LLAN_TX_MAX		65536
#define HVK_LLAN_TX_DESCS	6
/*
 * ... but may deliver more: QEMU's net layer reads a frame from its backend
 * into a 4 KiB + 64 KiB buffer, and l-lan hands on whatever fits a posted
 * buffer. The largest receive class covers that.
 */
#define HVK_LLAN_RX_FRAME_MAX	69632
/* Receive buffer sizes are multiples of this. */
#define HVK_LLAN_RX_ALIGN	128
/*
 * The largest receive class: bytes per buffer, correlator included. The
 * rounding leaves room for a frame longer than HVK_LLAN_RX_FRAME_MAX, and
 * the hypervisor may fill it: a frame of up to HVK_LLAN_RX_CLASS_FRAME.
 */
#define HVK_LLAN_RX_CLASS_MAX						\
	((HVK_LLAN_RX_FRAME_MAX + HVK_LLAN_BUF_HDR + HVK_LLAN_RX_ALIGN - 1) / \
	 HVK_LLAN_RX_ALIGN * HVK_LLAN_RX_ALIGN)
#define HVK_LLAN_RX_CLASS_FRAME	(HVK_LLAN_RX_CLASS_MAX - HVK_LLAN_BUF_HDR)

/*
 * Building a received frame. Frames up to the copybreak are copied into
 * one linear buffer; longer ones into page fragments of one page, but at
 * most 8 KiB, so that no frame needs a high-order allocation: 4 KiB with
 * 4 KiB pages (Linux has none smaller), 8 KiB with larger ones. The
 * kernel the driver runs on sets the page size and the number of
 * fragments an skb can hold (MAX_SKB_FRAGS).
 */
#define HVK_LLAN_RX_FRAG_MAX	8192
#define HVK_LLAN_RX_FRAG_SIZE(page_size)				\
	((page_size) < HVK_LLAN_RX_FRAG_MAX ? 4096 : HVK_LLAN_RX_FRAG_MAX)

/*
 * The longest frame the driver can build from @max_frags fragments of
 * @frag_size bytes. The parser drops longer frames that fit their buffer
 * (HVK_LLAN_RX_TOO_LONG), whatever the copybreak: with 4 KiB pages and 17
 * fragments, every frame above HVK_LLAN_RX_FRAME_MAX.
 */
#define HVK_LLAN_RX_BUILD_MAX(frag_size, max_frags)	((frag_size) * (max_frags))

/*
 * Fragments of @frag_size bytes (the last one shorter) that a frame of
 * @length bytes is copied into; 0 when it is copied into a linear buffer.
 */
static inline u32 hvk_llan_rx_nr_frags(u32 length, u32 copybreak,
				       u32 frag_size)
{
	if (length <= copybreak)
		return 0;
	return (u32)(((u64)length + frag_size - 1) / frag_size);
}

#define HVK_LLAN_MIN_MTU	68
#define HVK_LLAN_MAX_MTU	(65535 - HVK_LLAN_ETH_HLEN - HVK_LLAN_BUF_HDR)

#define HVK_LLAN_MAX_CLASSES	3
/* The most buffers hvk_llan_plan() asks for, at any MTU. */
#define HVK_LLAN_MAX_BUFFERS	(256 + 512 + 16)

struct hvk_llan_class {
	u32 size;	/* bytes per buffer, correlator included */
	u32 count;	/* buffers of this size */
};

/* The receive buffers of one registration. */
struct hvk_llan_layout {
	u8 gen;		/* registration generation, in every correlator */
	u32 frame_max;	/* longest frame built: HVK_LLAN_RX_BUILD_MAX() */
	unsigned int nr_classes;
	struct hvk_llan_class cls[HVK_LLAN_MAX_CLASSES];
};

/*
 * Size the receive classes for @mtu, smallest first: one for small frames
 * (acks), one for a full frame of this MTU, and always one that holds the
 * largest frame the hypervisor can deliver, since a frame no posted buffer
 * fits stalls QEMU's receive path. @frame_max is the longest frame the
 * driver can build (HVK_LLAN_RX_BUILD_MAX()); the parser drops longer
 * ones. Returns the total number of buffers, 0 for an MTU out of range.
 */
unsigned int hvk_llan_plan(unsigned int mtu, u32 frame_max,
			   struct hvk_llan_layout *l);

/* Entries the receive queue needs: every posted buffer plus one. */
static inline unsigned int hvk_llan_rxq_entries(unsigned int buffers)
{
	return buffers + 1;
}

u64 hvk_llan_bd(u32 ioba, u32 len);

/* Descriptors carry 32-bit I/O addresses: does [ioba, ioba + len) fit? */
static inline bool hvk_llan_ioba_fits(u64 ioba, u64 len)
{
	return ioba + len <= 1ULL << 32;
}

u64 hvk_llan_correlator(u8 gen, unsigned int cls, u32 index);

enum hvk_llan_rx_verdict {
	HVK_LLAN_RX_EMPTY,	/* not written yet (toggle differs) */
	HVK_LLAN_RX_FRAME,	/* a frame in buffer (cls, index) */
	HVK_LLAN_RX_UNUSED,	/* valid bit clear: buffer returned unused */
	HVK_LLAN_RX_BAD_CORRELATOR,
	HVK_LLAN_RX_BAD_OFFSET,
	HVK_LLAN_RX_BAD_LENGTH,
	HVK_LLAN_RX_TOO_LONG,	/* fits its buffer, longer than frame_max */
	HVK_LLAN_RX_NR_VERDICTS
};

struct hvk_llan_rx {
	unsigned int cls;
	u32 index;
	u32 offset;	/* of the frame in the buffer */
	u32 length;
	bool csum_good;
};

/*
 * Parse one receive-queue entry (16 bytes as the hypervisor wrote them)
 * against the layout of the current registration. @toggle is the toggle
 * value new entries carry in this lap. On HVK_LLAN_RX_FRAME and
 * HVK_LLAN_RX_UNUSED, @rx names the buffer; the frame, if any, lies
 * entirely inside it, is at least an Ethernet header long and at most
 * @l->frame_max. HVK_LLAN_RX_TOO_LONG names the buffer of a frame that
 * lies inside it but is longer than that: the driver drops the frame and
 * keeps the buffer, since the hypervisor broke no rule.
 */
enum hvk_llan_rx_verdict hvk_llan_rxq_parse(const u8 *entry, bool toggle,
					    const struct hvk_llan_layout *l,
					    struct hvk_llan_rx *rx);

/*
 * The MAC from a local-mac-address property: 6 bytes, or 8 with two
 * leading pad bytes (older firmware, and QEMU for non-local addresses).
 * Returns 0 or -EINVAL.
 */
int hvk_llan_parse_mac(const u8 *prop, int len, u8 *mac);

#endif /* _HVK_LLAN_CODEC_H */
