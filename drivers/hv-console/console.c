// SPDX-License-Identifier: GPL-2.0-only
/*
 * hv_console: vty devices (PAPR "hvterm1") as hvc consoles, /dev/hvcN.
 *
 * Output goes out 16 bytes per H_PUT_TERM_CHAR. A busy hypervisor makes
 * the hvc core retry later (tty) or wait and retry (printk console): the
 * tty never drops a byte on H_BUSY/H_LONG_BUSY_*, the printk console
 * drops a chunk that is still busy after the atomic busy policy's 2 ms,
 * and the chunks after it at their first busy answer until a write goes
 * through again (vty_flush()). A hard failure loses the bytes of that one
 * call. Every loss is counted and logged.
 *
 * Input comes 16 bytes per H_GET_TERM_CHAR, is stashed when the tty asks
 * for fewer, and is drained until the hypervisor has nothing left each
 * time the vty interrupts: the interrupt fires only when the hypervisor's
 * input buffer turns non-empty. One context reads (vty_read_input()).
 *
 * The vty named by /chosen stdout-path is hvc0, the system console. Its
 * slot holds the hvkit device from module load on, before the device
 * probes, so that every hypercall, printk's too, goes through hv_vio's
 * hvk_dev_* calls and is counted in the device's stats.
 *
 * "hvterm-protocol" vtys carry HVSI packets instead of bare bytes; hvsi.c
 * wraps and unwraps them. Each kind has its own hv_ops table, chosen once
 * per device (vty_ops_for()), so the data path never asks which it is.
 */
#define pr_fmt(fmt) "hv_console: " fmt

#include <linux/atomic.h>
#include <linux/interrupt.h>
#include <linux/module.h>
#include <linux/of.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <hvkit/vio.h>

#include "hvc_iface.h"
#include "vty.h"

#define VTY_SLOTS		16	/* hvc console indices 0..15 */
#define VTY_CONSOLE_SLOT	0	/* hvc0 */
#define VTY_OUTBUF		256	/* hvc's buffer between tty and us */
#define VTY_READ_RETRY_MS	100	/* after a failed H_GET_TERM_CHAR */
/*
 * How long printk waits out busy answers to one chunk (atomic policy, with
 * interrupts maybe off) before it drops it: hvc_console_print() would
 * otherwise spin for as long as the hypervisor stays busy.
 */
#define VTY_CONSOLE_BUSY_US	HVK_BUSY_ATOMIC_BUDGET_MAX_US

static struct vty_slot vty_slots[VTY_SLOTS];
static DEFINE_MUTEX(vty_slots_mutex);
static bool console_instantiated;

static struct vty_slot *slot_of(u32 vtermno)
{
	if (vtermno >= VTY_SLOTS || !READ_ONCE(vty_slots[vtermno].reserved))
		return NULL;
	return &vty_slots[vtermno];
}

/*
 * H_PUT_TERM_CHAR for a slot. Every reserved slot has its device, the
 * console slot from module load on (before its probe), so every call is
 * made and counted through hv_vio.
 */
long vty_slot_put(struct vty_slot *s, unsigned int n, u64 hi, u64 lo)
{
	return hvk_dev_hcall_norets(s->hdev, HVK_H_PUT_TERM_CHAR, n, hi, lo);
}

/* A write went through: whatever busy run there was is over. */
void vty_put_ok(struct vty_slot *s)
{
	if (unlikely(READ_ONCE(s->busy) || READ_ONCE(s->con_busy_run) ||
		     READ_ONCE(s->con_give_up) || READ_ONCE(s->con_outage))) {
		WRITE_ONCE(s->busy, false);
		WRITE_ONCE(s->con_busy_run, false);
		WRITE_ONCE(s->con_give_up, false);
		WRITE_ONCE(s->con_outage, false);
	}
}

/*
 * A write of @n bytes was answered busy. True: offer it again (after
 * vty_flush()); false: the printk path gave up on it, and it is dropped
 * and counted (vty_flush() logged it).
 */
bool vty_put_busy(struct vty_slot *s, struct hvk_vty *vty, long status,
		  unsigned int n)
{
	if (vty)
		atomic64_inc(&vty->counters[VTY_PUT_BUSY]);
	if (xchg(&s->con_give_up, false)) {
		WRITE_ONCE(s->busy, false);
		if (vty) {
			atomic64_inc(&vty->counters[VTY_BUSY_DROPPED]);
			atomic64_add(n, &vty->counters[VTY_BYTES_DROPPED]);
		}
		return false;
	}
	WRITE_ONCE(s->busy_status, status);
	WRITE_ONCE(s->busy, true);
	return true;
}

/*
 * Send one chunk of at most 16 bytes. Returns the bytes consumed (sent, or
 * lost to a hard failure or to printk's busy budget, counted and logged),
 * or -EAGAIN when the hypervisor is busy and the chunk must be offered
 * again.
 */
static int vty_put_chunk(struct vty_slot *s, struct hvk_vty *vty,
			 const u8 *buf, unsigned int count)
{
	unsigned int n;
	u64 hi, lo;
	long status;
	u32 hint;

	n = hvk_vty_encode(buf, count, &hi, &lo);
	status = vty_slot_put(s, n, hi, lo);
	if (status == HVK_H_SUCCESS) {
		vty_put_ok(s);
		if (vty)
			atomic64_add(n, &vty->counters[VTY_BYTES_OUT]);
		return n;
	}
	if (hvk_busy_hint_us(status, &hint))
		return vty_put_busy(s, vty, status, n) ? -EAGAIN : n;
	/*
	 * A hard failure loses these bytes, and only these: an error return
	 * would make the hvc core throw away its whole buffer unreported.
	 */
	if (vty) {
		atomic64_inc(&vty->counters[VTY_PUT_ERRORS]);
		atomic64_add(n, &vty->counters[VTY_BYTES_DROPPED]);
	}
	dev_err_ratelimited(&s->hdev->dev,
			    "H_PUT_TERM_CHAR failed: %s (%ld), %u bytes dropped\n",
			    hvk_hcall_status_name(status), status, n);
	return n;
}

/*
 * Send all of @buf that the hypervisor takes, 16 bytes per call: the hvc
 * core hands over at most its buffer (VTY_OUTBUF) at a time and would
 * otherwise move the rest down after every chunk. Stops at the first busy
 * answer; what was sent before it counts, and hvc offers the rest again.
 */
static hvk_hvc_ssize_t vty_put_chars(u32 vtermno, const hvk_hvc_u8 *buf,
				     hvk_hvc_size_t count)
{
	struct vty_slot *s = slot_of(vtermno);
	struct hvk_vty *vty;
	hvk_hvc_size_t done = 0;
	int n;

	if (!s)
		return -EPIPE;
	vty = READ_ONCE(s->vty);
	while (done < count) {
		n = vty_put_chunk(s, vty, (const u8 *)buf + done,
				  min_t(hvk_hvc_size_t, count - done,
					HVK_VTY_CHUNK));
		if (n < 0)
			break;
		done += n;
	}
	if (!done && count)
		return -EAGAIN;
	return done;
}

/* printk gave up on a chunk: count it in the device and say so. */
static void vty_console_gave_up(struct vty_slot *s)
{
	hvk_busy_report(s->hdev, HVK_H_PUT_TERM_CHAR, &s->con_busy);
}

/*
 * hvc calls flush between retries of a write the hypervisor was too busy
 * for. With @wait (a tty write, which may sleep) wait once as the sleeping
 * busy policy says (at most 100 ms); the hvc core retries from khvcd for
 * as long as it takes, and the writer can be interrupted. Without (the
 * printk console, maybe with interrupts off, which retries at once and
 * for ever) wait as the atomic policy says, and when the chunk has had
 * VTY_CONSOLE_BUSY_US, have vty_put_busy() drop it at its next busy
 * answer. That starts an outage: until a write goes through again
 * (vty_put_ok()), printk waits no more, and each chunk is dropped at its
 * first busy answer, so an always-busy hypervisor costs printk one wait
 * and then one hypercall per chunk, not 2 ms per 16 bytes.
 */
static int vty_flush(u32 vtermno, bool wait)
{
	struct vty_slot *s = slot_of(vtermno);
	struct hvk_busy busy;
	long status;

	if (!s || !xchg(&s->busy, false))
		return 0;
	status = READ_ONCE(s->busy_status);
	if (wait) {
		hvk_busy_start_sleep(&busy, 0, 0);
		hvk_busy_sleep(&busy, status);
		return 0;
	}
	if (!s->con_busy_run) {
		if (READ_ONCE(s->con_outage)) {
			WRITE_ONCE(s->con_give_up, true);
			return 0;
		}
		hvk_busy_start_atomic(&s->con_busy, VTY_CONSOLE_BUSY_US, 0);
		WRITE_ONCE(s->con_busy_run, true);
	}
	if (!hvk_busy_delay(&s->con_busy, status)) {
		WRITE_ONCE(s->con_busy_run, false);
		WRITE_ONCE(s->con_give_up, true);
		WRITE_ONCE(s->con_outage, true);
		vty_console_gave_up(s);
	}
	return 0;
}

/* One H_GET_TERM_CHAR; a failure is counted and logged. */
static long vty_get_regs(struct hvk_vty *vty, struct hvk_hcall_regs *regs)
{
	long status;

	status = hvk_dev_hcall(vty->hdev, HVK_H_GET_TERM_CHAR, regs);
	if (status != HVK_H_SUCCESS) {
		vty->read_failed = true;
		atomic64_inc(&vty->counters[VTY_GET_ERRORS]);
		dev_err_ratelimited(&vty->hdev->dev,
				    "H_GET_TERM_CHAR failed: %s (%ld)\n",
				    hvk_hcall_status_name(status), status);
	}
	return status;
}

static void vty_bad_count(struct hvk_vty *vty, unsigned long count)
{
	dev_err_once(&vty->hdev->dev,
		     "hypervisor returned %lu characters, more than %d: discarded\n",
		     count, HVK_VTY_CHUNK);
}

/*
 * One answer as the hypervisor gave it, for HVSI. Returns the count (0:
 * nothing waiting) or a negative errno. Called with rx_lock held.
 */
int vty_get_answer(struct hvk_vty *vty, u8 *raw)
{
	struct hvk_hcall_regs regs = {};
	int n;

	if (vty_get_regs(vty, &regs) != HVK_H_SUCCESS)
		return -EIO;
	n = hvk_vty_unpack(&vty->rx, regs.out[0], regs.out[1], regs.out[2],
			   raw);
	if (n < 0)
		vty_bad_count(vty, regs.out[0]);
	return n;
}

/*
 * Refill the stash from the hypervisor. Called with rx_lock held. Returns
 * the bytes stashed (at least one per byte answered: only a NUL after a CR
 * is dropped), 0 when the hypervisor has nothing, or a negative errno.
 */
static int vty_fetch(struct hvk_vty *vty)
{
	struct hvk_hcall_regs regs = {};
	int n;

	vty->stash_pos = 0;
	vty->stash_len = 0;
	if (vty_get_regs(vty, &regs) != HVK_H_SUCCESS)
		return -EIO;
	n = hvk_vty_decode(&vty->rx, regs.out[0], regs.out[1], regs.out[2],
			   vty->stash);
	if (n < 0) {
		vty_bad_count(vty, regs.out[0]);
		return n;
	}
	vty->stash_len = n;
	return n;
}

/*
 * Each answer yields at least one byte, so a call makes at most @count
 * hypercalls, and one more that finds nothing.
 */
static hvk_hvc_ssize_t vty_get_chars(u32 vtermno, hvk_hvc_u8 *buf,
				     hvk_hvc_size_t count)
{
	struct vty_slot *s = slot_of(vtermno);
	struct hvk_vty *vty = s ? READ_ONCE(s->vty) : NULL;
	unsigned long flags;
	unsigned int take;
	int got = 0;

	if (!vty || !count || !vty_may_read(vty))
		return 0;
	spin_lock_irqsave(&vty->rx_lock, flags);
	while (got < count) {
		if (vty->stash_pos == vty->stash_len &&
		    vty_fetch(vty) <= 0)
			break;
		take = min_t(unsigned int, count - got,
			     vty->stash_len - vty->stash_pos);
		memcpy(buf + got, vty->stash + vty->stash_pos, take);
		vty->stash_pos += take;
		got += take;
	}
	spin_unlock_irqrestore(&vty->rx_lock, flags);
	atomic64_add(got, &vty->counters[VTY_BYTES_IN]);
	if (got)
		vty_read_progress(vty);
	return got;
}

/*
 * Who reads input. The hvc core stores the tty flip buffer's commit mark
 * (tty_flip_buffer_push()) after dropping its lock, as a load of the
 * buffer's fill level and a separate store. When two contexts read, one
 * can store an older mark over the other's newer one, and the bytes in
 * between wait in the flip buffer until more input comes: hvc_vio's
 * interrupt handler and khvcd can do this to each other (seen here as
 * 1 MiB reads stopping a few hundred bytes short on the debug kernel).
 * Leaving every read to khvcd avoids it, at half the input speed: each
 * 16-byte refill of the hypervisor's buffer then costs a wake-up of
 * khvcd.
 *
 * So an interrupt-driven vty has one reader, vty_read_input(): hvc_poll()
 * under read_lock with local interrupts off, from the interrupt handler
 * or from read_work, with this CPU marked as the reader. The get_chars
 * callbacks read only when called from there (vty_may_read()). A call
 * from khvcd, which comes after an unthrottle or when it polls, reads
 * nothing and queues read_work instead, so input left behind is read
 * without a second reader. A polled vty (no interrupt) is read by khvcd
 * alone, as before.
 */
static DEFINE_PER_CPU(struct hvk_vty *, vty_reader);

bool vty_may_read(struct hvk_vty *vty)
{
	if (!READ_ONCE(vty->irq_on) || this_cpu_read(vty_reader) == vty)
		return true;
	queue_delayed_work(system_wq, &vty->read_work, 0);
	return false;
}

/* The read found input, or an HVSI read was cut: read on at once. */
void vty_read_progress(struct hvk_vty *vty)
{
	vty->read_progress = true;
}

/* A read stopped with input left: come straight back for it. */
void vty_read_again(struct hvk_vty *vty)
{
	vty_read_progress(vty);
	if (!READ_ONCE(vty->irq_on))
		hvc_kick();
}

static void vty_read_input(struct hvk_vty *vty)
{
	unsigned long flags;
	bool progress, failed;
	int mask;

	spin_lock_irqsave(&vty->read_lock, flags);
	vty->read_progress = false;
	vty->read_failed = false;
	this_cpu_write(vty_reader, vty);
	mask = hvc_poll(vty->hp);
	this_cpu_write(vty_reader, NULL);
	progress = vty->read_progress;
	failed = vty->read_failed;
	spin_unlock_irqrestore(&vty->read_lock, flags);
	/*
	 * A failed H_GET_TERM_CHAR leaves the hypervisor's buffer as it was,
	 * and it interrupts only when that buffer turns non-empty: nothing
	 * would read again. Try later, at a pace a failing hypervisor can
	 * take (each failure is counted and logged).
	 */
	if (failed) {
		queue_delayed_work(system_wq, &vty->read_work,
				   msecs_to_jiffies(VTY_READ_RETRY_MS));
		return;
	}
	/*
	 * More to read: a read in atomic context stops after 128 bytes, or
	 * the flip buffer is full (no progress: look again a tick later).
	 */
	if (!(mask & HVK_HVC_POLL_READ))
		return;
	if (progress)
		mod_delayed_work(system_wq, &vty->read_work, 0);
	else
		queue_delayed_work(system_wq, &vty->read_work, 1);
}

static void vty_read_work(struct work_struct *work)
{
	struct hvk_vty *vty = container_of(to_delayed_work(work),
					   struct hvk_vty, read_work);

	vty_read_input(vty);
}

/* Have input read: by read_work, or by khvcd for a polled vty. */
void vty_kick_input(struct hvk_vty *vty)
{
	if (READ_ONCE(vty->irq_on))
		queue_delayed_work(system_wq, &vty->read_work, 0);
	else
		hvc_kick();
}

static irqreturn_t vty_interrupt(int irq, void *data)
{
	vty_read_input(data);
	return IRQ_HANDLED;
}

/*
 * An open vty pins the module: the hvc core keeps calling our ops until the
 * last close, so rmmod is refused while any vty is open.
 */
static void vty_pin(struct hvk_vty *vty, bool pin)
{
	if (pin && !vty->pinned)
		__module_get(THIS_MODULE);
	else if (!pin && vty->pinned)
		module_put(THIS_MODULE);
	vty->pinned = pin;
}

static void vty_notifier_del(struct hvc_struct *hp, int data);

static int vty_notifier_add(struct hvc_struct *hp, int data)
{
	struct vty_slot *s = slot_of(data);
	struct hvk_vty *vty = s ? s->vty : NULL;
	int err;

	if (!vty)
		return -ENODEV;
	if (vty->hdev->irq && vty->irq_requested && !vty->irq_on) {
		err = request_irq(vty->hdev->irq, vty_interrupt, 0,
				  dev_name(&vty->hdev->dev), vty);
		if (err) {
			dev_err(&vty->hdev->dev, "cannot get irq %u: %d\n",
				vty->hdev->irq, err);
			return err;
		}
		WRITE_ONCE(vty->irq_on, true);
		WRITE_ONCE(*vty->irq_requested, 1);
	}
	vty_pin(vty, true);
	/* Input that arrived before open raised an interrupt nobody saw. */
	vty_kick_input(vty);
	return 0;
}

static void vty_notifier_del(struct hvc_struct *hp, int data)
{
	struct vty_slot *s = slot_of(data);
	struct hvk_vty *vty = s ? s->vty : NULL;

	if (!vty)
		return;
	if (vty->irq_on) {
		WRITE_ONCE(*vty->irq_requested, 0);
		free_irq(vty->hdev->irq, vty);
		WRITE_ONCE(vty->irq_on, false);
		/* khvcd reads from now on; no read_work may outlive the open. */
		cancel_delayed_work_sync(&vty->read_work);
	}
	vty_pin(vty, false);
}

/* Raw "hvterm1" vtys: bytes as they are, and no modem lines. */
static const struct hv_ops vty_raw_ops = {
	.get_chars = vty_get_chars,
	.put_chars = vty_put_chars,
	.flush = vty_flush,
	.notifier_add = vty_notifier_add,
	.notifier_del = vty_notifier_del,
	.notifier_hangup = vty_notifier_del,
};

/*
 * HVSI "hvterm-protocol" vtys: the same interrupt, pinning, busy and
 * printk handling, with hvsi.c's packets in between.
 */
static hvk_hvc_ssize_t hvsi_hvc_put_chars(u32 vtermno, const hvk_hvc_u8 *buf,
					  hvk_hvc_size_t count)
{
	struct vty_slot *s = slot_of(vtermno);

	if (!s)
		return -EPIPE;
	return hvsi_put_chars(s, READ_ONCE(s->vty), (const u8 *)buf, count);
}

static hvk_hvc_ssize_t hvsi_hvc_get_chars(u32 vtermno, hvk_hvc_u8 *buf,
					  hvk_hvc_size_t count)
{
	struct vty_slot *s = slot_of(vtermno);
	struct hvk_vty *vty = s ? READ_ONCE(s->vty) : NULL;

	if (!vty || !count || !vty_may_read(vty))
		return 0;
	return hvsi_get_chars(s, vty, (u8 *)buf, count);
}

static int hvsi_notifier_add(struct hvc_struct *hp, int data)
{
	struct vty_slot *s;
	int err;

	err = vty_notifier_add(hp, data);
	if (err)
		return err;
	s = slot_of(data);
	err = hvsi_open(s, s->vty);
	if (err)
		vty_notifier_del(hp, data);
	return err;
}

/* The slot of an HVSI vty's hvc, for the modem-line callbacks. */
static struct vty_slot *hvsi_slot_of_hp(struct hvc_struct *hp)
{
	struct hvk_vty *vty;
	int i;

	for (i = 0; i < VTY_SLOTS; i++) {
		vty = READ_ONCE(vty_slots[i].vty);
		if (vty && vty->hp == hp)
			return &vty_slots[i];
	}
	return NULL;
}

static int hvsi_tiocmget(struct hvc_struct *hp)
{
	struct vty_slot *s = hvsi_slot_of_hp(hp);
	struct hvk_hvsi *h;

	if (!s)
		return -EINVAL;
	h = s->vty->hvsi;
	return (READ_ONCE(h->carrier) ? TIOCM_CD : 0) |
	       (READ_ONCE(h->dtr) ? TIOCM_DTR : 0);
}

static int hvsi_tiocmset(struct hvc_struct *hp, unsigned int set,
			 unsigned int clear)
{
	struct vty_slot *s = hvsi_slot_of_hp(hp);

	if (!s)
		return -EINVAL;
	if (set & TIOCM_DTR)
		hvsi_set_dtr(s, s->vty, true);
	else if (clear & TIOCM_DTR)
		hvsi_set_dtr(s, s->vty, false);
	return 0;
}

static void hvsi_dtr_rts(struct hvc_struct *hp, int raise)
{
	struct vty_slot *s = hvsi_slot_of_hp(hp);

	if (s)
		hvsi_set_dtr(s, s->vty, raise);
}

static const struct hv_ops vty_hvsi_ops = {
	.get_chars = hvsi_hvc_get_chars,
	.put_chars = hvsi_hvc_put_chars,
	.flush = vty_flush,
	.notifier_add = hvsi_notifier_add,
	.notifier_del = vty_notifier_del,
	.notifier_hangup = vty_notifier_del,
	.tiocmget = hvsi_tiocmget,
	.tiocmset = hvsi_tiocmset,
	.dtr_rts = hvsi_dtr_rts,
};

/* Chosen once per device, at reserve_console() or probe. */
static const struct hv_ops *vty_ops_for(struct hvk_device *hdev)
{
	return strcmp(hdev->compatible, "hvterm-protocol") ? &vty_raw_ops :
							     &vty_hvsi_ops;
}

/*
 * The irq_requested field of the hvc_struct hvc_alloc() returned, found by
 * checking which known layout holds our vterm number and ops there.
 */
static int *vty_find_irq_requested(struct hvc_struct *hp, u32 vtermno,
				   const struct hv_ops *ops)
{
	struct hvk_hvc_head_outbuf_ptr *a = (void *)hp;
	struct hvk_hvc_head *b = (void *)hp;

	if (b->vtermno == vtermno && b->ops == ops)
		return &b->irq_requested;
	if (a->vtermno == vtermno && a->ops == ops)
		return &a->irq_requested;
	return NULL;
}

static ssize_t vty_counter_show(struct device *dev,
				struct device_attribute *attr, char *buf);

/* One read-only file per counter; the index is the counter. */
static struct device_attribute vty_counter_attrs[VTY_NR_COUNTERS] = {
	[VTY_BYTES_IN] = __ATTR(bytes_in, 0444, vty_counter_show, NULL),
	[VTY_BYTES_OUT] = __ATTR(bytes_out, 0444, vty_counter_show, NULL),
	[VTY_PUT_BUSY] = __ATTR(put_busy, 0444, vty_counter_show, NULL),
	[VTY_PUT_ERRORS] = __ATTR(put_errors, 0444, vty_counter_show, NULL),
	[VTY_BYTES_DROPPED] = __ATTR(bytes_dropped, 0444, vty_counter_show, NULL),
	[VTY_GET_ERRORS] = __ATTR(get_errors, 0444, vty_counter_show, NULL),
	[VTY_BUSY_DROPPED] = __ATTR(busy_dropped, 0444, vty_counter_show, NULL),
};

static ssize_t vty_counter_show(struct device *dev,
				struct device_attribute *attr, char *buf)
{
	struct hvk_vty *vty = dev_get_drvdata(dev);
	unsigned int i = attr - vty_counter_attrs;

	return sysfs_emit(buf, "%lld\n",
			  (long long)atomic64_read(&vty->counters[i]));
}

static ssize_t nuls_dropped_show(struct device *dev,
				 struct device_attribute *attr, char *buf)
{
	struct hvk_vty *vty = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%llu\n", vty->rx.nuls_dropped);
}
static DEVICE_ATTR_RO(nuls_dropped);

static ssize_t bad_counts_show(struct device *dev,
			       struct device_attribute *attr, char *buf)
{
	struct hvk_vty *vty = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%llu\n", vty->rx.bad_counts);
}
static DEVICE_ATTR_RO(bad_counts);

static ssize_t hvc_index_show(struct device *dev,
			      struct device_attribute *attr, char *buf)
{
	struct hvk_vty *vty = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%d\n", ((struct hvk_hvc_head *)vty->hp)->index);
}
static DEVICE_ATTR_RO(hvc_index);

static struct attribute *vty_attrs[] = {
	&vty_counter_attrs[VTY_BYTES_IN].attr,
	&vty_counter_attrs[VTY_BYTES_OUT].attr,
	&vty_counter_attrs[VTY_PUT_BUSY].attr,
	&vty_counter_attrs[VTY_PUT_ERRORS].attr,
	&vty_counter_attrs[VTY_BYTES_DROPPED].attr,
	&vty_counter_attrs[VTY_GET_ERRORS].attr,
	&vty_counter_attrs[VTY_BUSY_DROPPED].attr,
	&dev_attr_nuls_dropped.attr,
	&dev_attr_bad_counts.attr,
	&dev_attr_hvc_index.attr,
	NULL,
};

static const struct attribute_group vty_group = {
	.name = "vty",
	.attrs = vty_attrs,
};

/* The unit address of the vty /chosen stdout-path names, if any. */
static int stdout_unit_address(u32 *ua)
{
	struct device_node *chosen, *np;
	const char *path;
	char *p;
	int err;

	chosen = of_find_node_by_path("/chosen");
	if (!chosen)
		return -ENOENT;
	err = of_property_read_string(chosen, "stdout-path", &path);
	if (err)
		err = of_property_read_string(chosen, "linux,stdout-path", &path);
	of_node_put(chosen);
	if (err)
		return err;
	/* "path:options" */
	p = kstrndup(path, strcspn(path, ":"), GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	np = of_find_node_by_path(p);
	kfree(p);
	if (!np)
		return -ENOENT;
	err = of_node_is_type(np, "serial") ? of_property_read_u32(np, "reg", ua) :
					      -ENODEV;
	of_node_put(np);
	return err;
}

static int slot_claim(struct hvk_device *hdev)
{
	u32 ua = hdev->unit_address;
	int i;

	mutex_lock(&vty_slots_mutex);
	for (i = 0; i < VTY_SLOTS; i++) {
		if (vty_slots[i].reserved && vty_slots[i].unit_address == ua &&
		    !vty_slots[i].vty)
			goto out;
	}
	for (i = VTY_CONSOLE_SLOT + 1; i < VTY_SLOTS; i++) {
		if (!vty_slots[i].reserved) {
			vty_slots[i].unit_address = ua;
			vty_slots[i].hdev = hdev;
			vty_slots[i].reserved = true;
			goto out;
		}
	}
	i = -ENOSPC;
out:
	mutex_unlock(&vty_slots_mutex);
	return i;
}

/*
 * The console slot holds a reference to its device from reserve_console()
 * until printk no longer uses the slot (its hvc removed, or released).
 */
static void console_slot_put(void)
{
	struct vty_slot *s = &vty_slots[VTY_CONSOLE_SLOT];

	s->reserved = false;
	s->ops = NULL;
	if (s->hdev)
		hvk_put_device(s->hdev);
	s->hdev = NULL;
}

static void slot_release(unsigned int slot, bool hvc_removed)
{
	mutex_lock(&vty_slots_mutex);
	WRITE_ONCE(vty_slots[slot].vty, NULL);
	if (slot != VTY_CONSOLE_SLOT) {
		vty_slots[slot].reserved = false;
		vty_slots[slot].ops = NULL;
		vty_slots[slot].hdev = NULL;
	} else if (hvc_removed && console_instantiated) {
		/* Removing the console's hvc also undid hvc_instantiate(). */
		console_instantiated = false;
		console_slot_put();
	}
	mutex_unlock(&vty_slots_mutex);
}

/* On PAPR, the built-in hvc_vio may own the vty already. */
static const char *vty_owner(struct hvk_device *hdev)
{
	struct device *parent = hdev->dev.parent;
	struct device_driver *drv;

	if (!parent || !parent->bus || strcmp(parent->bus->name, "vio"))
		return NULL;
	drv = READ_ONCE(parent->driver);
	return drv ? drv->name : NULL;
}

static int vty_probe(struct hvk_device *hdev, const struct hvk_device_id *id)
{
	const char *owner = vty_owner(hdev);
	const struct hv_ops *ops;
	struct hvk_vty *vty;
	int slot, err;

	if (owner) {
		dev_warn(&hdev->dev,
			 "vty is driven by %s; boot with initcall_blacklist=hvc_vio_init to hand it to hv_console\n",
			 owner);
		return -EBUSY;
	}
	vty = devm_kzalloc(&hdev->dev, sizeof(*vty), GFP_KERNEL);
	if (!vty)
		return -ENOMEM;
	vty->hdev = hdev;
	spin_lock_init(&vty->rx_lock);
	spin_lock_init(&vty->read_lock);
	INIT_DELAYED_WORK(&vty->read_work, vty_read_work);
	slot = slot_claim(hdev);
	if (slot < 0) {
		dev_err(&hdev->dev, "more than %d vtys\n", VTY_SLOTS);
		return slot;
	}
	vty->slot = slot;
	dev_set_drvdata(&hdev->dev, vty);
	ops = vty_ops_for(hdev);
	if (ops == &vty_hvsi_ops) {
		err = hvsi_init(&vty_slots[slot], vty);
		if (err)
			goto release;
	}
	vty_slots[slot].ops = ops;
	WRITE_ONCE(vty_slots[slot].vty, vty);

	vty->hp = hvc_alloc(slot, slot, ops, VTY_OUTBUF);
	if (IS_ERR(vty->hp)) {
		err = PTR_ERR(vty->hp);
		goto release;
	}
	vty->irq_requested = vty_find_irq_requested(vty->hp, slot, ops);
	if (hdev->irq && !vty->irq_requested)
		dev_warn(&hdev->dev,
			 "unknown hvc_struct layout: polling instead of using irq %u\n",
			 hdev->irq);
	err = sysfs_create_group(&hdev->dev.kobj, &vty_group);
	if (err)
		goto remove;
	if (vty->hvsi) {
		err = sysfs_create_group(&hdev->dev.kobj, &hvsi_group);
		if (err)
			goto remove_group;
	}
	dev_info(&hdev->dev, "hvc%d%s, %s%s\n",
		 ((struct hvk_hvc_head *)vty->hp)->index,
		 slot == VTY_CONSOLE_SLOT ? " (console)" : "",
		 vty->irq_requested && hdev->irq ? "interrupt driven" : "polled",
		 vty->hvsi ? ", HVSI" : "");
	return 0;

remove_group:
	sysfs_remove_group(&hdev->dev.kobj, &vty_group);
remove:
	hvc_remove(vty->hp);
	slot_release(slot, true);
	return err;
release:
	slot_release(slot, false);
	return err;
}

static void vty_remove(struct hvk_device *hdev)
{
	struct hvk_vty *vty = dev_get_drvdata(&hdev->dev);

	if (vty->hvsi)
		sysfs_remove_group(&hdev->dev.kobj, &hvsi_group);
	sysfs_remove_group(&hdev->dev.kobj, &vty_group);
	hvc_remove(vty->hp);
	cancel_delayed_work_sync(&vty->read_work);
	hvsi_exit(vty);
	slot_release(vty->slot, true);
}

static const struct hvk_device_id vty_ids[] = {
	{ .type = "serial", .compat = "hvterm1" },
	{ .type = "serial", .compat = "hvterm-protocol" },
	{}
};

static struct hvk_driver vty_driver = {
	.name = "hv_console",
	.id_table = vty_ids,
	.probe = vty_probe,
	.remove = vty_remove,
	.driver.suppress_bind_attrs = true,
};

/*
 * hvc has no call to free a console index that was instantiated but never
 * allocated. On pseries the kernel's early console does exactly that with
 * index 0 (hvc_vio_init_early()), and with hvc_vio_init blacklisted nobody
 * ever allocates it, so /dev/hvc0 could never exist. hvc_remove() frees
 * the index of the hvc it removes: remove a scratch hvc of ours that
 * claims index 0, then free the index the scratch hvc really had the same
 * way. Only done for the stdout vty when no driver owns it, and only when
 * the hvc_struct layout is one we recognise.
 */
#define VTY_SCRATCH_VTERM	0x7fffffff

static int free_hvc_index(int index)
{
	struct hvc_struct *hp;
	struct hvk_hvc_head *head;
	int *irq_requested;

	hp = hvc_alloc(VTY_SCRATCH_VTERM, 0, &vty_raw_ops, 16);
	if (IS_ERR(hp))
		return PTR_ERR(hp);
	irq_requested = vty_find_irq_requested(hp, VTY_SCRATCH_VTERM,
					       &vty_raw_ops);
	head = (struct hvk_hvc_head *)hp;
	if (!irq_requested || head->index == index) {
		hvc_remove(hp);
		return -EOPNOTSUPP;
	}
	/* index sits at the same offset in every known layout. */
	head->index = index;
	hvc_remove(hp);
	/* The scratch hvc's own index now matches a new scratch hvc. */
	hp = hvc_alloc(VTY_SCRATCH_VTERM, 0, &vty_raw_ops, 16);
	if (!IS_ERR(hp))
		hvc_remove(hp);
	return 0;
}

/* Make the stdout vty hvc0 and the printk console before any probe. */
static void reserve_console(void)
{
	struct hvk_device *hdev;
	u32 ua;

	if (stdout_unit_address(&ua))
		return;
	hdev = hvk_find_device(ua);
	if (!hdev)
		return;
	if (vty_owner(hdev))
		goto put;

	vty_slots[VTY_CONSOLE_SLOT].unit_address = ua;
	vty_slots[VTY_CONSOLE_SLOT].ops = vty_ops_for(hdev);
	vty_slots[VTY_CONSOLE_SLOT].hdev = hdev;
	vty_slots[VTY_CONSOLE_SLOT].reserved = true;
	if (hvc_instantiate(VTY_CONSOLE_SLOT, 0,
			    vty_slots[VTY_CONSOLE_SLOT].ops)) {
		/* Held by the early boot console: take it over. */
		if (free_hvc_index(0) ||
		    hvc_instantiate(VTY_CONSOLE_SLOT, 0,
				    vty_slots[VTY_CONSOLE_SLOT].ops)) {
			dev_warn(&hdev->dev,
				 "hvc0 is held by another console; this vty gets the next free hvc\n");
			console_slot_put();
			return;
		}
		dev_info(&hdev->dev, "took hvc0 over from the early console\n");
	}
	/* The slot keeps the reference: printk calls through the device. */
	console_instantiated = true;
	return;
put:
	hvk_put_device(hdev);
}

static int __init hv_console_init(void)
{
	reserve_console();
	return hvk_driver_register(&vty_driver);
}

/*
 * hvc has no call to undo hvc_instantiate(); removing an hvc of the same
 * index does it. If the console vty never got one, make one to remove, so
 * that printk does not call into this module after it is gone.
 */
static void release_console(void)
{
	struct hvc_struct *hp;

	if (!console_instantiated)
		return;
	hp = hvc_alloc(VTY_CONSOLE_SLOT, VTY_CONSOLE_SLOT,
		       vty_slots[VTY_CONSOLE_SLOT].ops, VTY_OUTBUF);
	if (!IS_ERR(hp))
		hvc_remove(hp);
	else
		pr_err("cannot release hvc0: %ld\n", PTR_ERR(hp));
	mutex_lock(&vty_slots_mutex);
	if (console_instantiated) {
		console_instantiated = false;
		console_slot_put();
	}
	mutex_unlock(&vty_slots_mutex);
}

static void __exit hv_console_exit(void)
{
	hvk_driver_unregister(&vty_driver);
	release_console();
}

module_init(hv_console_init);
module_exit(hv_console_exit);

MODULE_DESCRIPTION("hvkit vty console driver (hvc)");
MODULE_AUTHOR("The hvkit developers");
MODULE_LICENSE("GPL");
MODULE_ALIAS("hvkit:TserialShvterm1");
MODULE_ALIAS("hvkit:TserialShvterm-protocol");
