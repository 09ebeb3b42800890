/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hvkit-vmm's l-lan (PAPR "IBM,l-lan", veth) device and a small switch
 * between such devices and external ports.
 *
 * The device answers H_REGISTER_LOGICAL_LAN, H_FREE_LOGICAL_LAN,
 * H_ADD_LOGICAL_LAN_BUFFER, H_SEND_LOGICAL_LAN, H_MULTICAST_CTRL,
 * H_CHANGE_LOGICAL_LAN_MAC and H_VIO_SIGNAL at its unit address with QEMU
 * pseries' statuses (papr-vio-abi.md 2.4, 3), keeping receive buffers the
 * way QEMU's default "rx buffer pools" mode does: up to five pools, one per
 * exact buffer length, kept in order of length; a frame takes the last
 * buffer added to the smallest non-empty pool whose buffers hold it and
 * its 8-byte correlator. H_ILLAN_ATTRIBUTES and H_ADD_LOGICAL_LAN_BUFFERS
 * are not served, as on QEMU (the table answers H_FUNCTION), unless the
 * device plays PowerVM (hvm_llan_set_powervm(), --llan powervm): then
 * H_ADD_LOGICAL_LAN_BUFFERS takes up to eight buffers per call, each
 * checked as H_ADD_LOGICAL_LAN_BUFFER checks one, all or none added, and
 * H_ILLAN_ATTRIBUTES tells what this device does: the multi-buffer call,
 * no checksum offload, no large send, no trunk.
 *
 * Every address the guest gives is checked against guest memory before it
 * is used, and what the guest got wrong is counted. Every format is the
 * guest driver's (drivers/hv-net/llan_codec.h). Portable: no KVM, no
 * sockets; the owner moves frames in and out, and serialises every call
 * into a device and its switch (hcalls and frames from outside alike, as
 * vm->lock does), since a send runs the switch and delivers into the
 * other devices inside the hcall.
 *
 * Guest memory is reached through 32-bit BD addresses: a guest whose RAM
 * lies above 4 GiB cannot describe its buffers (hv_net refuses them).
 */
#ifndef _HVM_LLAN_MODEL_H
#define _HVM_LLAN_MODEL_H

#include "llan_codec.h"

#include "guest_mem.h"
#include "hcall_table.h"

#define HVM_ETH_ALEN		6
/* QEMU's receive pools: how many lengths, and buffers of each. */
#define HVM_LLAN_POOLS		5
#define HVM_LLAN_POOL_BDS	4096
/* Length of a pool no buffer size has claimed (sorts last). */
#define HVM_LLAN_POOL_UNUSED	0xffffffffu
/* Where, in a receive buffer, the frame goes (QEMU: always right after the correlator). */
#define HVM_LLAN_RX_OFFSET	HVK_LLAN_BUF_HDR
/* H_ADD_LOGICAL_LAN_BUFFERS: BD1..BD8 in the inputs after the unit address. */
#define HVM_LLAN_ADD_MAX	8

/*
 * H_ILLAN_ATTRIBUTES bits (papr-vio-abi.md 2.4; ibmveth.h's names): what
 * the hypervisor can do (read only) and what the guest turns on.
 */
#define HVM_ILLAN_ACTIVE_TRUNK		0x1ull		/* read only */
#define HVM_ILLAN_IPV4_TCP_CSUM		0x2ull		/* guest sets */
#define HVM_ILLAN_IPV6_TCP_CSUM		0x4ull		/* guest sets */
#define HVM_ILLAN_TRUNK_PRI_MASK	0xf00ull	/* read only */
#define HVM_ILLAN_PADDED_PKT_CSUM	0x2000ull	/* read only */
#define HVM_ILLAN_LRG_SND_SUPPORT	0x8000ull	/* read only */
#define HVM_ILLAN_LRG_SR_ENABLED	0x10000ull	/* guest sets */
#define HVM_ILLAN_RX_MULTI_BUFF		0x40000ull	/* read only */
/* The bits a guest may name in the reset and set masks. */
#define HVM_ILLAN_SETTABLE	(HVM_ILLAN_IPV4_TCP_CSUM | HVM_ILLAN_IPV6_TCP_CSUM | \
				 HVM_ILLAN_LRG_SR_ENABLED)
/*
 * What this device plays PowerVM with: the multi-buffer call and nothing
 * else. It checksums nothing and segments nothing, so none of the
 * settable bits can be turned on.
 */
#define HVM_ILLAN_POWERVM_ATTRS	HVM_ILLAN_RX_MULTI_BUFF
#define HVM_ILLAN_POWERVM_SETS	0ull

struct hvm_llan;

/* Receive buffers of one length, the last added on top. */
struct hvm_llan_pool {
	u32 size;		/* bytes per buffer, or HVM_LLAN_POOL_UNUSED */
	u32 count;
	u64 bd[HVM_LLAN_POOL_BDS];
};

/* Frames the guest sent, one call each, gathered and checked. */
typedef void (*hvm_llan_output_fn)(void *ctx, struct hvm_llan *from,
				   const u8 *frame, size_t len);

struct hvm_llan {
	u32 unit;
	const struct hvm_guest_mem *mem;
	u8 perm_mac[HVM_ETH_ALEN];	/* the device tree's; back at each free */
	u8 mac[HVM_ETH_ALEN];		/* as H_CHANGE_LOGICAL_LAN_MAC set it */
	void *owner;
	void (*pulse)(struct hvm_llan *l);	/* the interrupt line */
	hvm_llan_output_fn output;
	void *output_ctx;
	/* hvm_llan_can_receive() became true (see hvm_llan_set_rx_ready()). */
	void (*rx_ready)(struct hvm_llan *l);

	/* The registration. */
	bool registered;
	bool irq_enabled;		/* H_VIO_SIGNAL mode bit 0 */
	u64 buf_list;			/* guest physical, one page */
	u64 filter_list;		/* guest physical, one page (unused, as on QEMU) */
	u64 rxq_bd;			/* as registered, toggle clear */
	u64 rxq;			/* guest physical */
	u32 rxq_bytes;
	u32 rxq_ptr;			/* byte offset of the next entry */
	bool rxq_toggle;		/* the buffer list's rxq BD toggle bit */
	u32 rx_bufs;			/* buffers held, all pools */
	struct hvm_llan_pool pool[HVM_LLAN_POOLS];
	u8 order[HVM_LLAN_POOLS];	/* pool indices, shortest buffers first */
	u8 txbuf[HVK_LLAN_TX_MAX];	/* the frame being sent */
	/* PowerVM's two l-lan calls are served (set before hvm_llan_attach()). */
	bool powervm;
	u64 attrs;			/* H_ILLAN_ATTRIBUTES' answer */

	/* What the guest got wrong, for the logs. Never reset. */
	u64 bad_registrations;	/* H_REGISTER_LOGICAL_LAN: H_PARAMETER */
	u64 double_registrations; /* H_REGISTER_LOGICAL_LAN: H_RESOURCE */
	u64 bad_frees;		/* H_FREE_LOGICAL_LAN while not registered */
	u64 bad_buffers;	/* H_ADD_LOGICAL_LAN_BUFFER(S): H_PARAMETER */
	u64 refused_buffers;	/* H_ADD_LOGICAL_LAN_BUFFER(S): H_RESOURCE */
	u64 bad_batches;	/* H_ADD_LOGICAL_LAN_BUFFERS: no list, or a hole in it */
	u64 failed_batches;	/* H_ADD_LOGICAL_LAN_BUFFERS refused: nothing added */
	u64 bad_attributes;	/* H_ILLAN_ATTRIBUTES: a bit it cannot set or reset */
	u64 closed_sends;	/* H_SEND_LOGICAL_LAN unregistered: H_DROPPED */
	u64 continued_sends;	/* non-zero continuation token: H_HARDWARE */
	u64 oversize_sends;	/* more than 64 KiB: H_RESOURCE */
	u64 bad_send_addresses;	/* a descriptor outside guest memory: H_DEST_PARM */
	u64 bad_signals;	/* H_VIO_SIGNAL with bits l-lan lacks */
	u64 rx_no_buffer;	/* frames dropped, no buffer fits (also at 4088) */
	u64 rx_closed;		/* frames for an unregistered device */
	u64 rx_bad_addresses;	/* a buffer or the queue left guest memory */
	/* What went well. */
	u64 rx_frames, rx_bytes, tx_frames, tx_bytes;
	u64 single_adds;	/* buffers H_ADD_LOGICAL_LAN_BUFFER added */
	u64 multi_calls;	/* H_ADD_LOGICAL_LAN_BUFFERS that added their list */
	u64 multi_adds;		/* buffers those added */
	u64 attribute_calls;	/* H_ILLAN_ATTRIBUTES answered H_SUCCESS */

	/*
	 * --hostile (NULL: off): a delivered frame's receive queue entry may
	 * be mutated (hostile.h, the llan site); the frame still goes only
	 * into the buffer taken for it.
	 */
	struct hvm_hostile *hostile;
};

/*
 * A device at @unit with the permanent MAC @mac, unregistered, its
 * interrupt disabled. @pulse (may be NULL) raises the device's interrupt.
 */
void hvm_llan_init(struct hvm_llan *l, u32 unit, const struct hvm_guest_mem *mem,
		   const u8 *mac, void (*pulse)(struct hvm_llan *l), void *owner);

/* Where frames the guest sends go; NULL drops them (counted as sent). */
void hvm_llan_set_output(struct hvm_llan *l, hvm_llan_output_fn fn, void *ctx);

/*
 * @fn (may be NULL) is told, inside H_ADD_LOGICAL_LAN_BUFFER, each time
 * hvm_llan_can_receive() turns true: the registered device got its first
 * buffer, after registering or after running out. An owner that stopped
 * reading its backend while no device could receive starts again there;
 * once per transition, not per buffer.
 */
void hvm_llan_set_rx_ready(struct hvm_llan *l, void (*fn)(struct hvm_llan *l));

/*
 * Play PowerVM (before hvm_llan_attach()): serve H_ADD_LOGICAL_LAN_BUFFERS
 * and H_ILLAN_ATTRIBUTES too. Off (QEMU's behaviour) after hvm_llan_init().
 */
void hvm_llan_set_powervm(struct hvm_llan *l, bool on);

/*
 * Serve the l-lan opcodes and H_VIO_SIGNAL at the device's unit, and
 * PowerVM's two more if the device plays it.
 */
int hvm_llan_attach(struct hvm_llan *l, struct hvm_hcall_table *t);

/*
 * Whether a frame could be delivered now: registered and holding buffers
 * (QEMU's can_receive; an owner with a backend stops reading it while not).
 */
bool hvm_llan_can_receive(const struct hvm_llan *l);

/*
 * Put @frame into a buffer the guest posted: the frame at offset 8, then
 * the receive queue entry (correlator, length, offset, and the toggle and
 * valid byte last), then the interrupt pulse if enabled. Returns 0;
 * -ENOTCONN when not registered; -ENOBUFS when no buffer holds the frame
 * (the frame is dropped and counted, also in the buffer list's counter at
 * 4088); -EFAULT when guest memory refused the write (the buffer is
 * consumed, as on QEMU); -EINVAL for an empty frame.
 */
int hvm_llan_deliver(struct hvm_llan *l, const void *frame, size_t len);

/*
 * The switch: frames from a port go to the port that last sent from the
 * destination MAC, or to every other port when the destination is
 * multicast, broadcast or not learned yet. Ports are l-lans (their output
 * is the switch) or external (the owner's callback, e.g. a TAP writer,
 * frames coming in through hvm_lan_switch_input()).
 */
#define HVM_LAN_MAX_PORTS	8
#define HVM_LAN_FDB_SIZE	64

struct hvm_lan_port {
	struct hvm_llan *llan;		/* or NULL: external */
	void (*output)(void *ctx, const u8 *frame, size_t len);
	void *ctx;
	u64 frames_out;			/* frames the switch gave this port */
};

struct hvm_lan_fdb_entry {
	u8 mac[HVM_ETH_ALEN];
	bool used;
	u8 port;
};

struct hvm_lan_switch {
	unsigned int nr_ports;
	struct hvm_lan_port port[HVM_LAN_MAX_PORTS];
	struct hvm_lan_fdb_entry fdb[HVM_LAN_FDB_SIZE];
	unsigned int fdb_next;		/* the entry replaced when all are used */
	u64 forwarded;			/* unicast to one learned port */
	u64 flooded;			/* to every other port */
	u64 filtered;			/* destination learned on the source port */
	u64 runts;			/* shorter than an Ethernet header: dropped */
	u64 bad_ports;			/* input from a port that does not exist */
};

void hvm_lan_switch_init(struct hvm_lan_switch *s);

/* Plug @l in (its output becomes the switch). Returns the port or -ENOSPC. */
int hvm_lan_switch_add_llan(struct hvm_lan_switch *s, struct hvm_llan *l);

/* An external port whose frames go to @output(@ctx, ...). Port or -ENOSPC. */
int hvm_lan_switch_add_external(struct hvm_lan_switch *s,
				void (*output)(void *ctx, const u8 *frame, size_t len),
				void *ctx);

/* A frame that came in on @port (an external one, read by its owner). */
void hvm_lan_switch_input(struct hvm_lan_switch *s, unsigned int port,
			  const u8 *frame, size_t len);

#endif /* _HVM_LLAN_MODEL_H */
