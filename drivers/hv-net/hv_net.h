/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hv_net internals shared by the driver core and its ethtool operations.
 */
#ifndef _HV_NET_H
#define _HV_NET_H

#include <linux/atomic.h>
#include <linux/netdevice.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <hvkit/busy.h>
#include <hvkit/drain.h>
#include <hvkit/vio.h>

#include "llan_codec.h"

/* Counters, in the order ethtool -S shows them (hvn_stat_names). */
enum hvn_stat {
	HVN_RX_PACKETS,
	HVN_RX_BYTES,
	HVN_TX_PACKETS,
	HVN_TX_BYTES,
	HVN_RX_SMALL_COPIES,	/* frames at or under rx_copybreak */
	HVN_RX_ALLOC_FAILED,	/* no skb: frame dropped, buffer kept */
	HVN_RX_UNUSED,		/* buffers the hypervisor returned unused */
	HVN_RX_BAD_CORRELATOR,	/* unknown, stale or not-posted buffer */
	HVN_RX_BAD_OFFSET,
	HVN_RX_BAD_LENGTH,
	HVN_RX_TOO_LONG,	/* inside its buffer, longer than we build */
	HVN_RX_FRAGS_OVERFLOW,	/* ran out of skb fragments: dropped */
	HVN_RX_POLLS,
	HVN_RX_IRQS,
	HVN_RX_REPOSTS,		/* buffers handed back to the hypervisor */
	HVN_RX_ADD_HCALLS,
	HVN_RX_ADD_ERRORS,
	HVN_RX_ADD_BUSY,	/* buffer add answered busy, retried later */
	HVN_TX_BUSY,		/* send answered busy, retried */
	HVN_TX_BUSY_DROPPED,	/* still busy after the last retry */
	HVN_TX_DROPPED,		/* hypervisor said H_DROPPED */
	HVN_TX_ERRORS,		/* other send failures */
	HVN_TX_LENGTH_ERRORS,	/* frames too short or too long to send */
	HVN_TX_MAPPED,		/* frames sent from their own pages */
	HVN_TX_DESCRIPTORS,	/* descriptors in those sends */
	HVN_TX_MAP_FALLBACKS,	/* could not be mapped in place: copied */
	HVN_REG_RETRIES,	/* H_RESOURCE at registration: freed, retried */
	HVN_REG_ERRORS,
	HVN_RESETS,		/* device resets after bad hypervisor input */
	HVN_RESETS_PACED,	/* of those, delayed by hvk_reset_pace */
	HVN_MCAST_ALLMULTI,	/* receive-mode updates: all multicast */
	HVN_MCAST_FILTERED,	/* receive-mode updates: through filters */
	HVN_MCAST_ERRORS,
	HVN_NR_STATS
};

struct hvn_class {
	u32 size;		/* bytes per buffer, correlator included */
	u32 count;
	void *cpu;		/* count * size bytes, mapped once */
	dma_addr_t dma;
	size_t bytes;
	u8 *posted;		/* per buffer: the hypervisor owns it */
};

struct hvn {
	struct net_device *ndev;
	struct hvk_device *hdev;
	struct napi_struct napi;

	/* Registration (the hypervisor writes all of these). */
	void *buflist;		/* 4 KiB buffer-list page */
	dma_addr_t buflist_dma;
	void *filter;		/* 4 KiB filter-list page */
	dma_addr_t filter_dma;
	u8 *rxq;
	dma_addr_t rxq_dma;
	size_t rxq_bytes;
	u32 rxq_entries;
	u32 rxq_next;
	bool rxq_toggle;
	bool registered;
	bool hw_up;		/* registered, buffers and interrupt set up */
	bool irq_requested;
	spinlock_t irq_lock;	/* drain, and the H_VIO_SIGNAL calls */
	struct hvk_drain_ctl drain;
	struct hvk_drain_actor rx_actor;	/* carries out drain's actions */
	u8 gen;

	struct hvk_llan_layout layout;
	struct hvn_class cls[HVK_LLAN_MAX_CLASSES];
	u32 *refill;		/* buffers waiting to be posted: cls << 24 | index */
	u32 nr_refill;
	u32 nr_buffers;
	unsigned int add_failures;	/* consecutive */
	struct hvk_busy add_busy;	/* the busy answers of one refill */
	bool add_busy_active;
	unsigned long add_retry_at;	/* jiffies: not before, while busy */
	bool multi_add;		/* H_ADD_LOGICAL_LAN_BUFFERS works */
	struct delayed_work refill_work;

	/*
	 * Transmit: a send completes inside the hcall, so one premapped copy
	 * buffer serves every frame up to tx_copybreak bytes; larger frames
	 * are mapped where they are, one descriptor per piece.
	 */
	void *txbuf;
	dma_addr_t txbuf_dma;
	u32 tx_copybreak;

	struct delayed_work reset_work;
	struct hvk_reset_pace reset_pace;	/* of reset_work, under irq_lock */
	bool removing;
	bool abandoned;		/* H_FREE_LOGICAL_LAN failed: keep its memory */
	u32 mcast_filters;	/* ibm,mac-address-filters */
	u32 rx_copybreak;
	u64 no_buffer_base;	/* drop counts of earlier registrations */

	atomic64_t stats[HVN_NR_STATS];
};

static inline void hvn_count(struct hvn *n, enum hvn_stat s)
{
	atomic64_inc(&n->stats[s]);
}

static inline void hvn_add(struct hvn *n, enum hvn_stat s, u64 v)
{
	atomic64_add(v, &n->stats[s]);
}

u64 hvn_no_buffer_drops(struct hvn *n);
u32 hvn_posted_buffers(struct hvn *n);
extern const struct ethtool_ops hvn_ethtool_ops;

#endif /* _HV_NET_H */
