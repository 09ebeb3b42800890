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

/* In enum hvn_stat order, then the derived values of hvn_derived. */
static const char hvn_stat_names[][ETH_GSTRING_LEN] = {
	"rx_packets",
	"rx_bytes",
	"tx_packets",
	"tx_bytes",
	"rx_small_copies",
	"rx_alloc_failed",
	"rx_unused_buffers",
	"rx_bad_correlator",
	"rx_bad_offset",
	"rx_bad_length",
	"rx_too_long",
	"rx_frags_overflow",
	"rx_polls",
	"rx_interrupts",
	"rx_buffers_posted",
	"rx_add_hcalls",
	"rx_add_errors",
	"tx_busy_retries",
	"tx_busy_dropped",
	"tx_hv_dropped",
	"tx_errors",
	"tx_length_errors",
	"tx_mapped",
	"tx_descriptors",
	"tx_map_fallbacks",
	"register_retries",
	"register_errors",
	"resets",
	"resets_paced",
	"multicast_allmulti_updates",
	"multicast_filter_updates",
	"multicast_errors",
	/* derived */
	"rx_no_buffer",
	"hcalls",
	"hcall_errors",
	"hcall_busy",
	"hcall_busy_gave_up",
	"hcalls_injected",
	"hcalls_per_1000_packets",
	"rx_irq_enabled",
	"rx_irq_enable_failures",
};

#define HVN_NR_DERIVED	9

static_assert(ARRAY_SIZE(hvn_stat_names) == HVN_NR_STATS + HVN_NR_DERIVED);

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
	return ARRAY_SIZE(hvn_stat_names);
}

static void hvn_get_strings(struct net_device *ndev, u32 sset, u8 *data)
{
	if (sset == ETH_SS_STATS)
		memcpy(data, hvn_stat_names, sizeof(hvn_stat_names));
}

static void hvn_get_ethtool_stats(struct net_device *ndev,
				  struct ethtool_stats *stats, u64 *data)
{
	struct hvn *n = netdev_priv(ndev);
	struct hvk_device_stats *hs = &n->hdev->stats;
	u64 packets, hcalls;
	unsigned int i;

	for (i = 0; i < HVN_NR_STATS; i++)
		data[i] = atomic64_read(&n->stats[i]);
	hcalls = atomic64_read(&hs->hcalls);
	packets = data[HVN_RX_PACKETS] + data[HVN_TX_PACKETS];
	data[i++] = hvn_no_buffer_drops(n);
	data[i++] = hcalls;
	data[i++] = atomic64_read(&hs->errors);
	data[i++] = atomic64_read(&hs->busy);
	data[i++] = atomic64_read(&hs->busy_gave_up);
	data[i++] = atomic64_read(&hs->injected);
	data[i++] = packets ? div64_u64(hcalls * 1000, packets) : 0;
	data[i++] = hvk_drain_signal_on(&n->drain);
	data[i++] = READ_ONCE(n->drain.enable_failures);
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
