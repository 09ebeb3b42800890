// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvkit-vmm's l-lan device and switch; see llan_model.h.
 */
#include <string.h>

#include <hvkit/hcall_opcodes.h>
#include <hvkit/hcall_status.h>

#include "llan_model.h"

/* BDs of the pages given at registration, and of the receive queue. */
#define PAGE_ALIGN_LLAN		HVK_LLAN_PAGE
#define RXQ_ALIGN		HVK_LLAN_RXQ_ENTRY
/* Receive buffers: addresses and lengths in multiples of 4, 16 bytes at least. */
#define BUF_ALIGN		4
#define BUF_MIN			16

static void reset_pools(struct hvm_llan *l)
{
	unsigned int i;

	for (i = 0; i < HVM_LLAN_POOLS; i++) {
		l->pool[i].size = HVM_LLAN_POOL_UNUSED;
		l->pool[i].count = 0;
		l->order[i] = (u8)i;
	}
	l->rx_bufs = 0;
}

void hvm_llan_init(struct hvm_llan *l, u32 unit, const struct hvm_guest_mem *mem,
		   const u8 *mac, void (*pulse)(struct hvm_llan *l), void *owner)
{
	memset(l, 0, sizeof(*l));
	l->unit = unit;
	l->mem = mem;
	memcpy(l->perm_mac, mac, HVM_ETH_ALEN);
	memcpy(l->mac, mac, HVM_ETH_ALEN);
	l->pulse = pulse;
	l->owner = owner;
	reset_pools(l);
}

void hvm_llan_set_output(struct hvm_llan *l, hvm_llan_output_fn fn, void *ctx)
{
	l->output = fn;
	l->output_ctx = ctx;
}

void hvm_llan_set_rx_ready(struct hvm_llan *l, void (*fn)(struct hvm_llan *l))
{
	l->rx_ready = fn;
}

bool hvm_llan_can_receive(const struct hvm_llan *l)
{
	return l->registered && l->rx_bufs > 0;
}

/*
 * QEMU's test of a BD: address and length multiples of @align, the whole
 * buffer readable and writable (here: inside guest memory).
 */
static bool bd_ok(const struct hvm_llan *l, u64 bd, u32 align)
{
	u32 ioba = hvk_llan_bd_ioba(bd), len = hvk_llan_bd_len(bd);

	if (ioba % align || len % align)
		return false;
	return hvm_mem_ptr(l->mem, ioba, len) != NULL;
}

/*
 * A page given by address at registration. QEMU tests only the low 32 bits
 * (it builds a BD of it) and then uses the whole value; this refuses an
 * address a BD cannot carry.
 */
static bool page_ok(const struct hvm_llan *l, u64 gpa)
{
	if (gpa >> 32)
		return false;
	return bd_ok(l, hvk_llan_bd((u32)gpa, HVK_LLAN_PAGE), PAGE_ALIGN_LLAN);
}

/* H_REGISTER_LOGICAL_LAN(unit, buffer list, rxq BD, filter list, mac). */
static long reg_llan(void *dev, struct hvm_call *call)
{
	struct hvm_llan *l = dev;
	u64 buf_list = call->in[1], rxq_bd = call->in[2], filter = call->in[3];
	u8 *page, *rxq;

	if (l->registered) {
		l->double_registrations++;
		return HVK_H_RESOURCE;
	}
	if (!page_ok(l, buf_list) || !page_ok(l, filter) ||
	    !(rxq_bd & HVK_LLAN_BD_VALID) || !bd_ok(l, rxq_bd, RXQ_ALIGN)) {
		l->bad_registrations++;
		return HVK_H_PARAMETER;
	}
	page = hvm_mem_ptr(l->mem, buf_list, HVK_LLAN_PAGE);
	rxq = hvm_mem_ptr(l->mem, hvk_llan_bd_ioba(rxq_bd), hvk_llan_bd_len(rxq_bd));
	if (!page || !rxq) {	/* checked above; the region is the truth */
		l->bad_registrations++;
		return HVK_H_PARAMETER;
	}
	/* The MAC argument is ignored and the interrupt left off, as on QEMU. */
	l->irq_enabled = false;
	rxq_bd &= ~HVK_LLAN_BD_TOGGLE;
	l->buf_list = buf_list;
	l->filter_list = filter;
	l->rxq_bd = rxq_bd;
	l->rxq = hvk_llan_bd_ioba(rxq_bd);
	l->rxq_bytes = hvk_llan_bd_len(rxq_bd);
	l->rxq_ptr = 0;
	l->rxq_toggle = false;
	reset_pools(l);
	/* The page: rxq BD, filter BD, no buffers, the drop counter at zero. */
	hvk_put_be64(page + HVK_LLAN_RXQ_BD, rxq_bd);
	hvk_put_be64(page + HVK_LLAN_FILTER_BD, hvk_llan_bd((u32)filter, HVK_LLAN_PAGE));
	memset(page + 16, 0, HVK_LLAN_PAGE - 16);
	memset(rxq, 0, l->rxq_bytes);
	l->registered = true;
	return HVK_H_SUCCESS;
}

/* H_FREE_LOGICAL_LAN: every buffer forgotten, the permanent MAC back. */
static long free_llan(void *dev, struct hvm_call *call)
{
	struct hvm_llan *l = dev;

	(void)call;
	if (!l->registered) {
		l->bad_frees++;
		return HVK_H_RESOURCE;
	}
	l->registered = false;
	l->buf_list = 0;
	reset_pools(l);
	memcpy(l->mac, l->perm_mac, HVM_ETH_ALEN);
	return HVK_H_SUCCESS;
}

static int pool_by_size(const struct hvm_llan *l, u32 size)
{
	unsigned int i;

	for (i = 0; i < HVM_LLAN_POOLS; i++)
		if (l->pool[l->order[i]].size == size)
			return l->order[i];
	return -1;
}

/* Keep l->order shortest first (insertion sort of five). */
static void sort_pools(struct hvm_llan *l)
{
	unsigned int i, j;

	for (i = 1; i < HVM_LLAN_POOLS; i++) {
		u8 p = l->order[i];

		for (j = i; j > 0 && l->pool[l->order[j - 1]].size > l->pool[p].size; j--)
			l->order[j] = l->order[j - 1];
		l->order[j] = p;
	}
}

/*
 * QEMU's pool choice for a new buffer: the pool of its exact length, else
 * an empty pool (looking from the longest end) takes that length.
 */
static int pool_for(struct hvm_llan *l, u32 size)
{
	int p = pool_by_size(l, size), i;

	if (p >= 0)
		return p;
	for (i = HVM_LLAN_POOLS - 1; i >= 0; i--) {
		if (!l->pool[l->order[i]].count) {
			l->pool[l->order[i]].size = size;
			sort_pools(l);
			return pool_by_size(l, size);
		}
	}
	return -1;
}

/*
 * One buffer as H_ADD_LOGICAL_LAN_BUFFER takes it, into its pool: the
 * check and the statuses of both add calls. The valid bit is not looked
 * at. The caller tells rx_ready.
 */
static long add_one(struct hvm_llan *l, u64 bd)
{
	struct hvm_llan_pool *pool;
	int p;

	if (!bd_ok(l, bd, BUF_ALIGN) || hvk_llan_bd_len(bd) < BUF_MIN) {
		l->bad_buffers++;
		return HVK_H_PARAMETER;
	}
	if (!l->registered) {
		l->refused_buffers++;
		return HVK_H_RESOURCE;
	}
	p = pool_for(l, hvk_llan_bd_len(bd));
	if (p < 0 || l->pool[p].count >= HVM_LLAN_POOL_BDS) {
		l->refused_buffers++;
		return HVK_H_RESOURCE;
	}
	pool = &l->pool[p];
	pool->bd[pool->count++] = bd;
	l->rx_bufs++;
	return HVK_H_SUCCESS;
}

/* Registration alone cannot receive: the first buffer is the change. */
static void tell_rx_ready(struct hvm_llan *l, u32 had)
{
	if (!had && l->rx_bufs && l->rx_ready)
		l->rx_ready(l);
}

/* H_ADD_LOGICAL_LAN_BUFFER(unit, BD). */
static long add_buffer(void *dev, struct hvm_call *call)
{
	struct hvm_llan *l = dev;
	u32 had = l->rx_bufs;
	long status;

	status = add_one(l, call->in[1]);
	if (status == HVK_H_SUCCESS) {
		l->single_adds++;
		tell_rx_ready(l, had);
	}
	return status;
}

/*
 * H_ADD_LOGICAL_LAN_BUFFERS(unit, BD1..BD8), PowerVM's: the list ends at
 * the first BD without the valid bit (ibmveth and hv_net pass zeros after
 * their last), and each BD of it is added as H_ADD_LOGICAL_LAN_BUFFER adds
 * one. All or nothing: both drivers take a failed call to have added none
 * of its list and post those buffers again, so a buffer this kept would be
 * posted twice. The first BD refused gives the call its status, and the
 * ones added before it come out again, the pools as they were.
 */
static long add_buffers(void *dev, struct hvm_call *call)
{
	struct hvm_llan *l = dev;
	const u64 *bd = &call->in[1];
	u32 sizes[HVM_LLAN_POOLS], had = l->rx_bufs;
	u8 order[HVM_LLAN_POOLS], from[HVM_LLAN_ADD_MAX];
	unsigned int i, n;
	long status = HVK_H_SUCCESS;

	for (n = 0; n < HVM_LLAN_ADD_MAX && (bd[n] & HVK_LLAN_BD_VALID); n++)
		;
	for (i = n; i < HVM_LLAN_ADD_MAX; i++)
		if (bd[i] & HVK_LLAN_BD_VALID)
			break;
	if (!n || i < HVM_LLAN_ADD_MAX) {
		l->bad_batches++;
		return HVK_H_PARAMETER;
	}
	for (i = 0; i < HVM_LLAN_POOLS; i++) {
		sizes[i] = l->pool[i].size;
		order[i] = l->order[i];
	}
	for (i = 0; i < n && status == HVK_H_SUCCESS; i++) {
		status = add_one(l, bd[i]);
		/* Added on top of its pool: the pool of its length now. */
		if (status == HVK_H_SUCCESS)
			from[i] = (u8)pool_by_size(l, hvk_llan_bd_len(bd[i]));
	}
	if (status != HVK_H_SUCCESS) {
		/* i - 1 failed; take back the i - 1 before it, last first. */
		for (i--; i-- > 0;) {
			struct hvm_llan_pool *pool = &l->pool[from[i]];

			pool->bd[--pool->count] = 0;
			l->rx_bufs--;
		}
		for (i = 0; i < HVM_LLAN_POOLS; i++) {
			l->pool[i].size = sizes[i];
			l->order[i] = order[i];
		}
		l->failed_batches++;
		return status;
	}
	l->multi_calls++;
	l->multi_adds += n;
	tell_rx_ready(l, had);
	return HVK_H_SUCCESS;
}

/*
 * H_ILLAN_ATTRIBUTES(unit, reset mask, set mask): the attributes, the
 * reset mask's bits cleared and then the set mask's set, in r4. A guest
 * may name only the bits it turns on (checksum offload, large send): any
 * other bit, or turning on what this device does not do (all of them),
 * is H_PARAMETER and changes nothing. Turning off what is off is fine
 * (ibmveth does so to undo a refused set). Registered or not.
 */
static long illan_attributes(void *dev, struct hvm_call *call)
{
	struct hvm_llan *l = dev;
	u64 reset = call->in[1], set = call->in[2];

	if ((reset | set) & ~HVM_ILLAN_SETTABLE || set & ~HVM_ILLAN_POWERVM_SETS) {
		l->bad_attributes++;
		return HVK_H_PARAMETER;
	}
	l->attrs = (l->attrs & ~reset) | set;
	call->out[0] = l->attrs;
	l->attribute_calls++;
	return HVK_H_SUCCESS;
}

/*
 * H_SEND_LOGICAL_LAN(unit, BD1..BD6, continuation token): the BDs up to
 * the first one not valid, gathered into one frame inside the call.
 */
static long send_llan(void *dev, struct hvm_call *call)
{
	struct hvm_llan *l = dev;
	unsigned int i, n;
	u32 total = 0, at = 0;

	if (!l->registered) {
		l->closed_sends++;
		return HVK_H_DROPPED;
	}
	if (call->in[1 + HVK_LLAN_TX_DESCS]) {
		l->continued_sends++;
		return HVK_H_HARDWARE;
	}
	for (n = 0; n < HVK_LLAN_TX_DESCS; n++) {
		if (!(call->in[1 + n] & HVK_LLAN_BD_VALID))
			break;
		total += hvk_llan_bd_len(call->in[1 + n]);
	}
	if (!total)
		return HVK_H_SUCCESS;
	if (total > HVK_LLAN_TX_MAX) {
		l->oversize_sends++;
		return HVK_H_RESOURCE;
	}
	for (i = 0; i < n; i++) {
		u32 len = hvk_llan_bd_len(call->in[1 + i]);
		const u8 *src;

		if (!len)
			continue;
		src = hvm_mem_ptr(l->mem, hvk_llan_bd_ioba(call->in[1 + i]), len);
		if (!src) {
			l->bad_send_addresses++;
			return HVK_H_DEST_PARM;
		}
		memcpy(l->txbuf + at, src, len);
		at += len;
	}
	l->tx_frames++;
	l->tx_bytes += total;
	if (l->output)
		l->output(l->output_ctx, l, l->txbuf, total);
	return HVK_H_SUCCESS;
}

/* H_MULTICAST_CTRL: QEMU filters nothing and answers success. */
static long multicast_ctrl(void *dev, struct hvm_call *call)
{
	(void)dev;
	(void)call;
	return HVK_H_SUCCESS;
}

/* H_CHANGE_LOGICAL_LAN_MAC(unit, mac): the low 48 bits, first octet highest. */
static long change_mac(void *dev, struct hvm_call *call)
{
	struct hvm_llan *l = dev;
	u64 mac = call->in[1];
	int i;

	for (i = HVM_ETH_ALEN - 1; i >= 0; i--, mac >>= 8)
		l->mac[i] = (u8)mac;
	return HVK_H_SUCCESS;
}

/* H_VIO_SIGNAL(unit, mode): l-lan has the one interrupt bit. */
static long vio_signal(void *dev, struct hvm_call *call)
{
	struct hvm_llan *l = dev;

	if (call->in[1] & ~1ull) {
		l->bad_signals++;
		return HVK_H_PARAMETER;
	}
	l->irq_enabled = call->in[1] & 1;
	return HVK_H_SUCCESS;
}

void hvm_llan_set_powervm(struct hvm_llan *l, bool on)
{
	l->powervm = on;
	l->attrs = on ? HVM_ILLAN_POWERVM_ATTRS : 0;
}

int hvm_llan_attach(struct hvm_llan *l, struct hvm_hcall_table *t)
{
	static const struct {
		u32 opcode;
		hvm_hcall_fn fn;
	} calls[] = {
		{ HVK_H_REGISTER_LOGICAL_LAN, reg_llan },
		{ HVK_H_FREE_LOGICAL_LAN, free_llan },
		{ HVK_H_ADD_LOGICAL_LAN_BUFFER, add_buffer },
		{ HVK_H_SEND_LOGICAL_LAN, send_llan },
		{ HVK_H_MULTICAST_CTRL, multicast_ctrl },
		{ HVK_H_CHANGE_LOGICAL_LAN_MAC, change_mac },
		{ HVK_H_VIO_SIGNAL, vio_signal },
	};
	unsigned int i;
	int err;

	for (i = 0; i < ARRAY_SIZE(calls); i++) {
		err = hvm_table_register(t, calls[i].opcode, l->unit, calls[i].fn, l);
		if (err)
			return err;
	}
	if (!l->powervm)
		return 0;
	err = hvm_table_register(t, HVK_H_ADD_LOGICAL_LAN_BUFFERS, l->unit, add_buffers, l);
	if (err)
		return err;
	return hvm_table_register(t, HVK_H_ILLAN_ATTRIBUTES, l->unit, illan_attributes, l);
}

/* The guest-visible "no suitable buffer" counter, big-endian at 4088. */
static void count_drop(struct hvm_llan *l)
{
	u8 *c = hvm_mem_ptr(l->mem, l->buf_list + HVK_LLAN_DROP_COUNTER, 8);

	l->rx_no_buffer++;
	if (c)
		hvk_put_be64(c, hvk_get_be64(c) + 1);
}

/* The last buffer added to the shortest non-empty pool holding @len + 8. */
static bool take_buffer(struct hvm_llan *l, size_t len, u64 *bd)
{
	unsigned int i;

	if (len > HVK_LLAN_BD_LEN_MAX)
		return false;
	for (i = 0; i < HVM_LLAN_POOLS; i++) {
		struct hvm_llan_pool *p = &l->pool[l->order[i]];

		if (p->count && (u64)p->size >= (u64)len + HVM_LLAN_RX_OFFSET) {
			*bd = p->bd[--p->count];
			p->bd[p->count] = 0;
			return true;
		}
	}
	return false;
}

/*
 * The correlator of a buffer the guest holds other than the one just
 * taken (the top of the first pool with one), into @corr; false if none.
 */
static bool other_correlator(const struct hvm_llan *l, u8 *corr)
{
	const struct hvm_llan_pool *p;
	unsigned int i;
	u8 *buf;

	for (i = 0; i < HVM_LLAN_POOLS; i++) {
		p = &l->pool[i];
		if (!p->count)
			continue;
		buf = hvm_mem_ptr(l->mem, hvk_llan_bd_ioba(p->bd[p->count - 1]),
				  HVK_LLAN_BUF_HDR);
		if (!buf)
			return false;
		memcpy(corr, buf, HVK_LLAN_BUF_HDR);
		return true;
	}
	return false;
}

int hvm_llan_deliver(struct hvm_llan *l, const void *frame, size_t len)
{
	u8 *buf, *entry, *page;
	u8 e[HVK_LLAN_RXQ_ENTRY], other[HVK_LLAN_BUF_HDR];
	int hostile = -1;
	u64 bd;

	if (!len)
		return -EINVAL;
	if (!l->registered) {
		l->rx_closed++;
		return -ENOTCONN;
	}
	if (!l->rx_bufs || !take_buffer(l, len, &bd)) {
		count_drop(l);
		return -ENOBUFS;
	}
	l->rx_bufs--;
	/* Checked when posted; checked again, the region is the truth. */
	buf = hvm_mem_ptr(l->mem, hvk_llan_bd_ioba(bd), (u64)len + HVM_LLAN_RX_OFFSET);
	entry = hvm_mem_ptr(l->mem, l->rxq + l->rxq_ptr, HVK_LLAN_RXQ_ENTRY);
	if (!buf || !entry) {
		l->rx_bad_addresses++;
		return -EFAULT;
	}
	memcpy(buf + HVM_LLAN_RX_OFFSET, frame, len);
	/*
	 * The entry in QEMU's order: correlator (as the buffer holds it, after
	 * the frame went in), length, offset, then the flags byte the guest
	 * polls on, last and with release. The guest may have put the buffer
	 * over its queue: the correlator goes through a copy, the whole entry
	 * is made here first.
	 */
	memset(e, 0, sizeof(e));
	e[HVK_LLAN_RXQ_FLAGS_AT] = HVK_LLAN_RXQ_VALID | (l->rxq_toggle ? 0 : HVK_LLAN_RXQ_TOGGLE);
	memcpy(e + HVK_LLAN_RXQ_CORR_AT, buf, HVK_LLAN_BUF_HDR);
	hvk_put_be32(e + HVK_LLAN_RXQ_LENGTH_AT, (u32)len);
	hvk_put_be16(e + HVK_LLAN_RXQ_OFFSET_AT, HVM_LLAN_RX_OFFSET);
	/* --hostile: the entry only; the frame stayed in its buffer. */
	if (l->hostile)
		hostile = hvm_hostile_llan(l->hostile, e, hvk_llan_bd_len(bd),
					   other_correlator(l, other) ? other : NULL);
	memcpy(entry + HVK_LLAN_RXQ_OFFSET_AT, e + HVK_LLAN_RXQ_OFFSET_AT,
	       HVK_LLAN_RXQ_ENTRY - HVK_LLAN_RXQ_OFFSET_AT);
	__atomic_store_n(&entry[HVK_LLAN_RXQ_FLAGS_AT], e[HVK_LLAN_RXQ_FLAGS_AT],
			 __ATOMIC_RELEASE);
	/*
	 * An entry the guest must not take (hostile toggle or valid): the
	 * slot stays the next, the next frame's entry goes over it; the
	 * buffer is gone with the frame, as on a lost frame.
	 */
	if (hostile == HVM_HK_LLAN_TOGGLE || hostile == HVM_HK_LLAN_VALID)
		return 0;
	l->rxq_ptr += HVK_LLAN_RXQ_ENTRY;
	if (l->rxq_ptr >= l->rxq_bytes) {
		/* A lap done: flip the toggle in the buffer list's rxq BD too. */
		l->rxq_ptr = 0;
		l->rxq_toggle = !l->rxq_toggle;
		page = hvm_mem_ptr(l->mem, l->buf_list + HVK_LLAN_RXQ_BD, 8);
		if (page)
			hvk_put_be64(page, l->rxq_bd |
				     (l->rxq_toggle ? HVK_LLAN_BD_TOGGLE : 0));
	}
	l->rx_frames++;
	l->rx_bytes += len;
	if (l->irq_enabled && l->pulse)
		l->pulse(l);
	return 0;
}

/* ---------------------------------------------------------------------- */
/* The switch */

void hvm_lan_switch_init(struct hvm_lan_switch *s)
{
	memset(s, 0, sizeof(*s));
}

static void switch_from_llan(void *ctx, struct hvm_llan *from, const u8 *frame,
			     size_t len);

int hvm_lan_switch_add_llan(struct hvm_lan_switch *s, struct hvm_llan *l)
{
	if (s->nr_ports == HVM_LAN_MAX_PORTS)
		return -ENOSPC;
	s->port[s->nr_ports] = (struct hvm_lan_port){ .llan = l };
	hvm_llan_set_output(l, switch_from_llan, s);
	return (int)s->nr_ports++;
}

int hvm_lan_switch_add_external(struct hvm_lan_switch *s,
				void (*output)(void *ctx, const u8 *frame, size_t len),
				void *ctx)
{
	if (s->nr_ports == HVM_LAN_MAX_PORTS)
		return -ENOSPC;
	s->port[s->nr_ports] = (struct hvm_lan_port){ .output = output, .ctx = ctx };
	return (int)s->nr_ports++;
}

static struct hvm_lan_fdb_entry *fdb_find(struct hvm_lan_switch *s, const u8 *mac)
{
	unsigned int i;

	for (i = 0; i < HVM_LAN_FDB_SIZE; i++)
		if (s->fdb[i].used && !memcmp(s->fdb[i].mac, mac, HVM_ETH_ALEN))
			return &s->fdb[i];
	return NULL;
}

/* @mac (a unicast source) is behind @port; the oldest entry makes room. */
static void fdb_learn(struct hvm_lan_switch *s, const u8 *mac, unsigned int port)
{
	struct hvm_lan_fdb_entry *e;

	if (mac[0] & 1)
		return;
	e = fdb_find(s, mac);
	if (!e) {
		e = &s->fdb[s->fdb_next];
		s->fdb_next = (s->fdb_next + 1) % HVM_LAN_FDB_SIZE;
		memcpy(e->mac, mac, HVM_ETH_ALEN);
		e->used = true;
	}
	e->port = (u8)port;
}

static void port_out(struct hvm_lan_switch *s, unsigned int port, const u8 *frame,
		     size_t len)
{
	struct hvm_lan_port *p = &s->port[port];

	p->frames_out++;
	if (p->llan)
		hvm_llan_deliver(p->llan, frame, len);	/* drops are counted there */
	else if (p->output)
		p->output(p->ctx, frame, len);
}

void hvm_lan_switch_input(struct hvm_lan_switch *s, unsigned int port,
			  const u8 *frame, size_t len)
{
	struct hvm_lan_fdb_entry *e;
	unsigned int i;

	if (port >= s->nr_ports) {
		s->bad_ports++;
		return;
	}
	if (len < HVK_LLAN_ETH_HLEN) {
		s->runts++;
		return;
	}
	fdb_learn(s, frame + HVM_ETH_ALEN, port);
	e = frame[0] & 1 ? NULL : fdb_find(s, frame);
	if (e && e->port == port) {
		s->filtered++;
		return;
	}
	if (e) {
		s->forwarded++;
		port_out(s, e->port, frame, len);
		return;
	}
	s->flooded++;
	for (i = 0; i < s->nr_ports; i++)
		if (i != port)
			port_out(s, i, frame, len);
}

static void switch_from_llan(void *ctx, struct hvm_llan *from, const u8 *frame,
			     size_t len)
{
	struct hvm_lan_switch *s = ctx;
	unsigned int i;

	for (i = 0; i < s->nr_ports; i++) {
		if (s->port[i].llan == from) {
			hvm_lan_switch_input(s, i, frame, len);
			return;
		}
	}
	s->bad_ports++;
}
