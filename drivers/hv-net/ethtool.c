// SPDX-License-Identifier: GPL-2.0-only
/*
 * hv_net ethtool operations: driver information, the receive "ring" (the
 * posted buffers and the queue they report into) and the counters,
 * including the hypervisor's own no-buffer drop count and the hypercalls
 * this device made per packet.
 */
#include <linux/ethtool.h>
#include <linux/netdevice.h>

#include "hv_net.h"

/* Each counter of enum hvn_stat by name: ethtool -S shows them in this order. */
static const char hvn_stat_names[HVN_NR_STATS][ETH_GSTRING_LEN] = {
	[HVN_RX_PACKETS] = "rx_packets",
	[HVN_RX_BYTES] = "rx_bytes",
	[HVN_TX_PACKETS] = "tx_packets",
	[HVN_TX_BYTES] = "tx_bytes",
	[HVN_RX_SMALL_COPIES] = "rx_small_copies",
	[HVN_RX_ALLOC_FAILED] = "rx_alloc_failed",
	[HVN_RX_UNUSED] = "rx_unused_buffers",
	[HVN_RX_BAD_CORRELATOR] = "rx_bad_correlator",
	[HVN_RX_BAD_OFFSET] = "rx_bad_offset",
	[HVN_RX_BAD_LENGTH] = "rx_bad_length",
	[HVN_RX_TOO_LONG] = "rx_too_long",
	[HVN_RX_FRAGS_OVERFLOW] = "rx_frags_overflow",
	[HVN_RX_POLLS] = "rx_polls",
	[HVN_RX_IRQS] = "rx_interrupts",
	[HVN_RX_REPOSTS] = "rx_buffers_posted",
	[HVN_RX_ADD_HCALLS] = "rx_add_hcalls",
	[HVN_RX_ADD_ERRORS] = "rx_add_errors",
	[HVN_RX_ADD_BUSY] = "rx_add_busy",
	[HVN_TX_BUSY] = "tx_busy_retries",
	[HVN_TX_BUSY_DROPPED] = "tx_busy_dropped",
	[HVN_TX_DROPPED] = "tx_hv_dropped",
	[HVN_TX_ERRORS] = "tx_errors",
	[HVN_TX_LENGTH_ERRORS] = "tx_length_errors",
	[HVN_TX_MAPPED] = "tx_mapped",
	[HVN_TX_DESCRIPTORS] = "tx_descriptors",
	[HVN_TX_MAP_FALLBACKS] = "tx_map_fallbacks",
	[HVN_REG_RETRIES] = "register_retries",
	[HVN_REG_ERRORS] = "register_errors",
	[HVN_RESETS] = "resets",
	[HVN_RESETS_PACED] = "resets_paced",
	[HVN_MCAST_ALLMULTI] = "multicast_allmulti_updates",
	[HVN_MCAST_FILTERED] = "multicast_filter_updates",
	[HVN_MCAST_ERRORS] = "multicast_errors",
};

/* Values derived from the device's and the hypervisor's counters. */
enum hvn_derived {
	HVN_D_RX_NO_BUFFER,
	HVN_D_HCALLS,
	HVN_D_HCALL_ERRORS,
	HVN_D_HCALL_BUSY,
	HVN_D_HCALL_BUSY_GAVE_UP,
	HVN_D_HCALLS_INJECTED,
	HVN_D_HCALLS_PER_1000_PACKETS,
	HVN_D_RX_IRQ_ENABLED,
	HVN_D_RX_IRQ_ENABLE_FAILURES,
	HVN_NR_DERIVED
};

static const char hvn_derived_names[HVN_NR_DERIVED][ETH_GSTRING_LEN] = {
	[HVN_D_RX_NO_BUFFER] = "rx_no_buffer",
	[HVN_D_HCALLS] = "hcalls",
	[HVN_D_HCALL_ERRORS] = "hcall_errors",
	[HVN_D_HCALL_BUSY] = "hcall_busy",
	[HVN_D_HCALL_BUSY_GAVE_UP] = "hcall_busy_gave_up",
	[HVN_D_HCALLS_INJECTED] = "hcalls_injected",
	[HVN_D_HCALLS_PER_1000_PACKETS] = "hcalls_per_1000_packets",
	[HVN_D_RX_IRQ_ENABLED] = "rx_irq_enabled",
	[HVN_D_RX_IRQ_ENABLE_FAILURES] = "rx_irq_enable_failures",
};

#define HVN_NR_NAMES	(HVN_NR_STATS + HVN_NR_DERIVED)

static void hvn_get_drvinfo(struct net_device *ndev,
			    struct ethtool_drvinfo *info)
{
	struct hvn *n = netdev_priv(ndev);

	strscpy(info->driver, "hv_net", sizeof(info->driver));
	strscpy(info->bus_info, dev_name(&n->hdev->dev), sizeof(info->bus_info));
	snprintf(info->fw_version, sizeof(info->fw_version), "%s",
		 n->multi_add ? "l-lan multi-add" : "l-lan");
}

/*
 * rx: the receive buffers posted to the hypervisor, all size classes
 * together (the sizes follow the MTU); tx: one frame at a time, since the
 * hypervisor copies each frame before the send hcall returns.
 */
static void hvn_get_ringparam(struct net_device *ndev,
			      struct ethtool_ringparam *ring,
			      struct kernel_ethtool_ringparam *kring,
			      struct netlink_ext_ack *extack)
{
	struct hvn *n = netdev_priv(ndev);

	ring->rx_max_pending = HVK_LLAN_MAX_BUFFERS;
	ring->rx_pending = hvn_posted_buffers(n);
	ring->tx_max_pending = 1;
	ring->tx_pending = 1;
}

static int hvn_get_sset_count(struct net_device *ndev, int sset)
{
	if (sset != ETH_SS_STATS)
		return -EOPNOTSUPP;
	return HVN_NR_NAMES;
}

static void hvn_get_strings(struct net_device *ndev, u32 sset, u8 *data)
{
	if (sset != ETH_SS_STATS)
		return;
	memcpy(data, hvn_stat_names, sizeof(hvn_stat_names));
	memcpy(data + sizeof(hvn_stat_names), hvn_derived_names,
	       sizeof(hvn_derived_names));
}

static void hvn_get_ethtool_stats(struct net_device *ndev,
				  struct ethtool_stats *stats, u64 *data)
{
	struct hvn *n = netdev_priv(ndev);
	struct hvk_device_stats *hs = &n->hdev->stats;
	u64 *d = data + HVN_NR_STATS;
	u64 packets, hcalls;
	unsigned int i;

	for (i = 0; i < HVN_NR_STATS; i++)
		data[i] = atomic64_read(&n->stats[i]);
	hcalls = atomic64_read(&hs->hcalls);
	packets = data[HVN_RX_PACKETS] + data[HVN_TX_PACKETS];
	d[HVN_D_RX_NO_BUFFER] = hvn_no_buffer_drops(n);
	d[HVN_D_HCALLS] = hcalls;
	d[HVN_D_HCALL_ERRORS] = atomic64_read(&hs->errors);
	d[HVN_D_HCALL_BUSY] = atomic64_read(&hs->busy);
	d[HVN_D_HCALL_BUSY_GAVE_UP] = atomic64_read(&hs->busy_gave_up);
	d[HVN_D_HCALLS_INJECTED] = atomic64_read(&hs->injected);
	d[HVN_D_HCALLS_PER_1000_PACKETS] = packets ? div64_u64(hcalls * 1000, packets) : 0;
	d[HVN_D_RX_IRQ_ENABLED] = hvk_drain_signal_on(&n->drain);
	d[HVN_D_RX_IRQ_ENABLE_FAILURES] = READ_ONCE(n->drain.enable_failures);
}

/*
 * tx-copybreak: frames up to it are copied into the premapped send buffer,
 * larger ones mapped in place; 65536 copies every frame.
 * rx-copybreak: frames up to it are copied into a linear skb, larger ones
 * into page fragments; 69632 makes every frame QEMU delivers linear.
 */
static u32 *hvn_tunable(struct hvn *n, u32 id, u32 *max)
{
	switch (id) {
	case ETHTOOL_TX_COPYBREAK:
		*max = HVK_LLAN_TX_MAX;
		return &n->tx_copybreak;
	case ETHTOOL_RX_COPYBREAK:
		*max = HVK_LLAN_RX_FRAME_MAX;
		return &n->rx_copybreak;
	default:
		return NULL;
	}
}

static int hvn_get_tunable(struct net_device *ndev,
			   const struct ethtool_tunable *t, void *data)
{
	u32 max, *v = hvn_tunable(netdev_priv(ndev), t->id, &max);

	if (!v)
		return -EOPNOTSUPP;
	*(u32 *)data = READ_ONCE(*v);
	return 0;
}

static int hvn_set_tunable(struct net_device *ndev,
			   const struct ethtool_tunable *t, const void *data)
{
	u32 max, *v = hvn_tunable(netdev_priv(ndev), t->id, &max);

	if (!v)
		return -EOPNOTSUPP;
	if (*(const u32 *)data > max)
		return -EINVAL;
	WRITE_ONCE(*v, *(const u32 *)data);
	return 0;
}

const struct ethtool_ops hvn_ethtool_ops = {
	.get_drvinfo = hvn_get_drvinfo,
	.get_link = ethtool_op_get_link,
	.get_ringparam = hvn_get_ringparam,
	.get_sset_count = hvn_get_sset_count,
	.get_strings = hvn_get_strings,
	.get_ethtool_stats = hvn_get_ethtool_stats,
	.get_tunable = hvn_get_tunable,
	.set_tunable = hvn_set_tunable,
};
