/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hv_console internals shared by the vty core (console.c) and the HVSI
 * protocol layer (hvsi.c).
 */
#ifndef _HV_CONSOLE_VTY_H
#define _HV_CONSOLE_VTY_H

#include <linux/atomic.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <hvkit/busy.h>
#include <hvkit/vio.h>

#include "hvc_iface.h"
#include "hvsi_codec.h"
#include "vty_codec.h"

enum vty_counter {
	VTY_BYTES_IN,
	VTY_BYTES_OUT,
	VTY_PUT_BUSY,		/* writes the hypervisor asked us to retry */
	VTY_PUT_ERRORS,		/* writes that failed: their bytes are lost */
	VTY_BYTES_DROPPED,	/* bytes of those, and of VTY_BUSY_DROPPED */
	VTY_GET_ERRORS,
	VTY_BUSY_DROPPED,	/* printk chunks still busy after the budget */
	VTY_NR_COUNTERS
};

enum hvsi_state {
	HVSI_CLOSED,		/* no handshake yet, or the other side closed */
	HVSI_HANDSHAKE,		/* version query sent */
	HVSI_ESTABLISHED,	/* versions exchanged both ways */
	HVSI_UNSUPPORTED,	/* the other side speaks another version */
};

struct hvk_vty;
struct vty_slot;

/* HVSI protocol state of one vty; see hvsi.c. */
struct hvk_hvsi {
	struct hvk_vty *vty;
	struct vty_slot *slot;
	struct hvk_hvsi_in in;		/* under the vty's rx_lock */

	enum hvsi_state state;
	bool version_ok;		/* our query was answered: version 1 */
	bool carrier;
	bool dtr;
	/* Replies the input path owes, sent from process context. */
	bool owe_version_response;
	u16 owed_query_seqno;
	bool owe_handshake;
	struct work_struct work;
	wait_queue_head_t wait;
	u64 handshakes, closes_received, carrier_changes;
	u8 peer_version;
	bool cut_logged;		/* said once that a read was cut */
};

struct hvk_vty {
	struct hvk_device *hdev;
	struct hvc_struct *hp;
	unsigned int slot;
	int *irq_requested;	/* inside hp, if its layout is known */
	bool irq_on;		/* interrupt driven: see vty_read_input() */

	/* The one reader of an interrupt-driven vty's input. */
	spinlock_t read_lock;
	struct delayed_work read_work;
	bool read_progress;	/* under read_lock */
	bool read_failed;	/* an H_GET_TERM_CHAR failed; under read_lock */

	spinlock_t rx_lock;	/* rx, stash, hvsi input */
	struct hvk_vty_rx rx;
	/* Input of a raw vty decoded but not yet taken by the tty. */
	u8 stash[HVK_VTY_CHUNK];
	unsigned int stash_pos, stash_len;
	bool pinned;		/* holds a module reference while open */

	atomic64_t counters[VTY_NR_COUNTERS];

	struct hvk_hvsi *hvsi;	/* NULL: a raw "hvterm1" vty */
};

/*
 * hvc calls back with a vterm number, which hv_console makes the slot
 * index. The console slot knows its unit address (and protocol) from the
 * device tree before its device probes, so printk can use it from module
 * load on.
 */
struct vty_slot {
	u32 unit_address;
	struct hvk_device *hdev;	/* set while reserved */
	bool reserved;
	const struct hv_ops *ops;	/* raw or HVSI, set with reserved */
	atomic_t hvsi_seqno;	/* HVSI packets sent, console output included */
	struct hvk_vty *vty;

	/* Output answered busy and not waited for yet; see vty_flush(). */
	bool busy;
	long busy_status;
	/*
	 * The printk path's wait for one chunk (atomic busy policy), and
	 * its verdict: drop that chunk at its next busy answer.
	 */
	struct hvk_busy con_busy;
	bool con_busy_run;
	bool con_give_up;
	/* A chunk was given up and no write has gone through since. */
	bool con_outage;
};

/* console.c */
long vty_slot_put(struct vty_slot *s, unsigned int n, u64 hi, u64 lo);
bool vty_put_busy(struct vty_slot *s, struct hvk_vty *vty, long status,
		  unsigned int n);
void vty_put_ok(struct vty_slot *s);
int vty_get_answer(struct hvk_vty *vty, u8 *raw);
bool vty_may_read(struct hvk_vty *vty);
void vty_read_progress(struct hvk_vty *vty);
void vty_read_again(struct hvk_vty *vty);
void vty_kick_input(struct hvk_vty *vty);

/* hvsi.c */
int hvsi_init(struct vty_slot *s, struct hvk_vty *vty);
void hvsi_exit(struct hvk_vty *vty);
int hvsi_put_chars(struct vty_slot *s, struct hvk_vty *vty, const u8 *buf,
		   unsigned int count);
int hvsi_get_chars(struct vty_slot *s, struct hvk_vty *vty, u8 *buf,
		   unsigned int count);
int hvsi_open(struct vty_slot *s, struct hvk_vty *vty);
void hvsi_set_dtr(struct vty_slot *s, struct hvk_vty *vty, bool dtr);
extern const struct attribute_group hvsi_group;

#endif /* _HV_CONSOLE_VTY_H */
