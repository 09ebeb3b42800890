// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fuzz target: hvkit-vmm's l-lan devices and switch (tools/hvkit-vmm/
 * llan_model.c) under a guest that writes what it likes into its memory
 * and makes any l-lan hypercall. Two devices, A (playing PowerVM: it takes
 * H_ADD_LOGICAL_LAN_BUFFERS and H_ILLAN_ATTRIBUTES) and B (QEMU), and an
 * external port on one switch, 64 KiB of guest RAM. The input is a
 * sequence of records; bit 3 of the op picks the device:
 *
 *   op%8 == 0  poke:     offset (2 bytes), a length byte, that many bytes;
 *   op%8 == 1  register: 4 bytes shape the buffer list, filter list and
 *                        queue (mostly in RAM, sometimes not, or unaligned);
 *   op%8 == 2  add:      offset (2 bytes) and a length byte for one buffer;
 *                        with bit 4 of the op, H_ADD_LOGICAL_LAN_BUFFERS:
 *                        a byte (count - 1, 3 bits; where a BD loses its
 *                        valid bit), then 3 bytes per BD as above;
 *   op%8 == 3  send:     a byte (count, invalid-BD mask), then 4 bytes per
 *                        descriptor (offset, length); count 7 sets the
 *                        continuation token;
 *   op%8 == 4  receive:  length (2 bytes) and a byte: straight into the
 *                        device, or in through the external port to a
 *                        broadcast, A's, B's or another MAC;
 *   op%8 == 5  raw call: an opcode byte, a unit byte, two 8-byte inputs;
 *   op%8 == 6  misc:     free, H_VIO_SIGNAL, change the MAC, multicast;
 *   op%8 == 7  hv_net:   register as hv_net does (codec layout, correlators,
 *                        every buffer posted), or take the queue's entries
 *                        with hv_net's parser and post their buffers again;
 *                        eight per call on A, as hv_net on PowerVM.
 *
 * After every record: each status is one QEMU gives for that call; no
 * byte of RAM changed outside the buffer lists, queues and posted buffers
 * of the devices (before or after the record); the pools are QEMU's
 * (sorted, none over 4096, every buffer in RAM, rx_bufs their sum); the
 * counters never went back. H_ADD_LOGICAL_LAN_BUFFERS added its whole
 * list or, failing, left the pools exactly as they were; H_ILLAN_ATTRIBUTES
 * said only what A does. At every interrupt: the entry just written is
 * valid, in the right lap, at offset 8, as long as the frame.
 */
#include <string.h>

#include <hvkit/hcall_opcodes.h>
#include <hvkit/hcall_status.h>
#include <hvkit/smccc_abi.h>

#include "fuzz.h"
#include "llan_model.h"
#include "smccc.h"

#define RAM_BASE	0x40000000ull
#define RAM_SIZE	0x10000
#define UNIT_A		0x30000020
#define UNIT_B		0x30000021
/* hv_net's registration: each device in its half of RAM. */
#define HV_BUFLIST	0x0000
#define HV_FILTER	0x1000
#define HV_RXQ		0x2000
#define HV_RXQ_ENTRIES	64
#define HV_BUFS		0x3000

/*
 * The write check looks at every byte of RAM after every record: it is the
 * harness, not code under test, and gives the fuzzer no coverage signal.
 */
#define HARNESS __attribute__((no_sanitize("coverage", "address", "undefined"), noinline))
#define BLOCK 64

static const u8 MAC_A[6] = { 0x02, 0, 0, 0, 0, 0x0a };
static const u8 MAC_B[6] = { 0x02, 0, 0, 0, 0, 0x0b };
static const u8 MAC_X[6] = { 0x02, 0, 0, 0, 0, 0x0c };
static const u8 BCAST[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

/* What hv_net keeps of a device it registered. */
struct guest {
	bool on;
	unsigned int next;
	bool toggle;
	struct hvk_llan_layout lay;
};

struct counters {
	u64 v[26];
};

struct world {
	struct hvm_hcall_table table;
	struct hvm_llan dev[2];
	struct hvm_lan_switch sw;
	struct hvm_guest_mem mem;
	struct guest g[2];
	int ext;
	u64 rx_bytes_seen[2];
	u8 ram[RAM_SIZE];
	u8 before[RAM_SIZE];
	int allowed[RAM_SIZE + 1];
	u8 frame[HVK_LLAN_TX_MAX];
};

static struct world w;

static u64 base(unsigned int d)
{
	return RAM_BASE + d * (RAM_SIZE / 2);
}

static u8 *gp(u64 gpa)
{
	return w.ram + (gpa - RAM_BASE);
}

static void snapshot_counters(const struct hvm_llan *l, struct counters *c)
{
	const u64 v[] = {
		l->bad_registrations, l->double_registrations, l->bad_frees, l->bad_buffers,
		l->refused_buffers, l->closed_sends, l->continued_sends, l->oversize_sends,
		l->bad_send_addresses, l->bad_signals, l->rx_no_buffer, l->rx_closed,
		l->rx_bad_addresses, l->rx_frames, l->rx_bytes, l->tx_frames, l->tx_bytes,
		w.sw.flooded + w.sw.forwarded + w.sw.filtered, w.sw.runts + w.sw.bad_ports,
		l->bad_batches, l->failed_batches, l->bad_attributes, l->single_adds,
		l->multi_calls, l->multi_adds, l->attribute_calls,
	};

	_Static_assert(sizeof(v) == sizeof(c->v), "every counter");
	memcpy(c->v, v, sizeof(v));
}

/* The entry hvm_llan_deliver() just wrote, checked as the interrupt comes. */
static void pulse(struct hvm_llan *l)
{
	unsigned int d = l == &w.dev[1];
	bool wrapped = l->rxq_ptr == 0;
	u32 at = wrapped ? l->rxq_bytes - HVK_LLAN_RXQ_ENTRY : l->rxq_ptr - HVK_LLAN_RXQ_ENTRY;
	u64 len = l->rx_bytes - w.rx_bytes_seen[d];
	const u8 *e = gp(l->rxq + at);
	u8 want = HVK_LLAN_RXQ_VALID |
		  ((wrapped ? l->rxq_toggle : !l->rxq_toggle) ? HVK_LLAN_RXQ_TOGGLE : 0);

	w.rx_bytes_seen[d] = l->rx_bytes;
	/* A queue over the buffer list's rxq BD is rewritten at the wrap. */
	if (l->rxq < l->buf_list + 8 && l->buf_list < l->rxq + l->rxq_bytes)
		return;
	FUZZ_CHECK(e[0] == want && hvk_get_be16(e + 2) == HVK_LLAN_BUF_HDR &&
		   hvk_get_be32(e + 4) == len && len && len <= HVK_LLAN_TX_MAX,
		   "entry %02x (want %02x) offset %u length %u (frame %llu)", e[0], want,
		   hvk_get_be16(e + 2), hvk_get_be32(e + 4), (unsigned long long)len);
}

static void ext_out(void *ctx, const u8 *frame, size_t len)
{
	(void)ctx;
	(void)frame;
	FUZZ_CHECK(len >= HVK_LLAN_ETH_HLEN && len <= HVK_LLAN_TX_MAX, "%zu bytes out", len);
}

/* The pools of @l, every field, for the all-or-nothing check. */
struct pools {
	u32 size[HVM_LLAN_POOLS], count[HVM_LLAN_POOLS], rx_bufs;
	u8 order[HVM_LLAN_POOLS];
	u64 top[HVM_LLAN_POOLS];
};

static void snapshot_pools(const struct hvm_llan *l, struct pools *p)
{
	unsigned int i;

	memset(p, 0, sizeof(*p));
	for (i = 0; i < HVM_LLAN_POOLS; i++) {
		p->size[i] = l->pool[i].size;
		p->count[i] = l->pool[i].count;
		p->order[i] = l->order[i];
		p->top[i] = l->pool[i].count ? l->pool[i].bd[l->pool[i].count - 1] : 0;
	}
	p->rx_bufs = l->rx_bufs;
}

static struct hvm_llan *dev_at(u64 unit)
{
	return unit == UNIT_A ? &w.dev[0] : unit == UNIT_B ? &w.dev[1] : NULL;
}

/* H_ADD_LOGICAL_LAN_BUFFERS: every valid BD of the list added, or none. */
static void check_multi_add(const u64 *in, long st, const struct pools *before)
{
	struct hvm_llan *l = dev_at(in[0]);
	struct pools after;
	unsigned int n = 0;

	FUZZ_CHECK(st == HVK_H_SUCCESS || st == HVK_H_PARAMETER || st == HVK_H_RESOURCE,
		   "multi add: %ld", st);
	FUZZ_CHECK(st != HVK_H_SUCCESS || l == &w.dev[0], "multi add served on %#llx",
		   (unsigned long long)in[0]);
	if (!l)
		return;
	snapshot_pools(l, &after);
	if (st != HVK_H_SUCCESS) {
		FUZZ_CHECK(!memcmp(&after, before, sizeof(after)),
			   "a refused list changed the pools (%u -> %u buffers)", before->rx_bufs,
			   after.rx_bufs);
		return;
	}
	while (n < HVM_LLAN_ADD_MAX && (in[1 + n] & HVK_LLAN_BD_VALID))
		n++;
	FUZZ_CHECK(n && after.rx_bufs == before->rx_bufs + n, "a list of %u added %u", n,
		   after.rx_bufs - before->rx_bufs);
}

static long call(u32 opcode, const u64 *in)
{
	struct hvm_smccc_regs r = { .x = { HVK_SMCCC_FN_BASE | opcode } };
	struct hvm_llan *l = dev_at(in[0]);
	struct pools before;
	long st;

	if (l)
		snapshot_pools(l, &before);
	memcpy(&r.x[1], in, HVM_CALL_REGS * sizeof(u64));
	hvm_smccc_answer(&w.table, &r);
	st = (long)r.x[0];
	switch (opcode) {
	case HVK_H_ADD_LOGICAL_LAN_BUFFERS:
		check_multi_add(in, st, &before);
		break;
	case HVK_H_ILLAN_ATTRIBUTES:
		FUZZ_CHECK(st == HVK_H_PARAMETER ||
			   (st == HVK_H_SUCCESS && l == &w.dev[0] &&
			    r.x[1] == HVM_ILLAN_RX_MULTI_BUFF),
			   "attributes on %#llx: %ld, %#llx", (unsigned long long)in[0], st,
			   (unsigned long long)r.x[1]);
		break;
	case HVK_H_REGISTER_LOGICAL_LAN:
	case HVK_H_ADD_LOGICAL_LAN_BUFFER:
		FUZZ_CHECK(st == HVK_H_SUCCESS || st == HVK_H_PARAMETER || st == HVK_H_RESOURCE,
			   "opcode %#x: %ld", opcode, st);
		break;
	case HVK_H_FREE_LOGICAL_LAN:
		FUZZ_CHECK(st == HVK_H_SUCCESS || st == HVK_H_RESOURCE || st == HVK_H_PARAMETER,
			   "free: %ld", st);
		break;
	case HVK_H_SEND_LOGICAL_LAN:
		FUZZ_CHECK(st == HVK_H_SUCCESS || st == HVK_H_DROPPED || st == HVK_H_HARDWARE ||
			   st == HVK_H_RESOURCE || st == HVK_H_DEST_PARM || st == HVK_H_PARAMETER,
			   "send: %ld", st);
		break;
	case HVK_H_VIO_SIGNAL:
		FUZZ_CHECK(st == HVK_H_SUCCESS || st == HVK_H_PARAMETER, "signal: %ld", st);
		break;
	case HVK_H_MULTICAST_CTRL:
	case HVK_H_CHANGE_LOGICAL_LAN_MAC:
		FUZZ_CHECK(st == HVK_H_SUCCESS || st == HVK_H_PARAMETER, "opcode %#x: %ld",
			   opcode, st);
		break;
	default:
		FUZZ_CHECK(st == HVK_H_FUNCTION, "opcode %#x: %ld", opcode, st);
	}
	return st;
}

static long call2(u32 opcode, u32 unit, u64 a1, u64 a2)
{
	u64 in[HVM_CALL_REGS] = { unit, a1, a2 };

	return call(opcode, in);
}

/* Buffers hv_net is about to post: eight per call on A, one on B. */
static u64 pending[HVM_LLAN_ADD_MAX];
static unsigned int nr_pending;

static void hv_flush(unsigned int d)
{
	u64 in[HVM_CALL_REGS] = { w.dev[d].unit };

	if (!nr_pending)
		return;
	if (nr_pending == 1) {
		call2(HVK_H_ADD_LOGICAL_LAN_BUFFER, w.dev[d].unit, pending[0], 0);
	} else {
		memcpy(&in[1], pending, nr_pending * sizeof(u64));
		call(HVK_H_ADD_LOGICAL_LAN_BUFFERS, in);
	}
	nr_pending = 0;
}

static void hv_post(unsigned int d, u64 bd)
{
	pending[nr_pending++] = bd;
	if (d || nr_pending == HVM_LLAN_ADD_MAX)
		hv_flush(d);
}

static void hv_register(unsigned int d)
{
	struct guest *g = &w.g[d];
	u64 at = base(d) + HV_BUFS;
	unsigned int c;
	u32 i;
	u64 in[HVM_CALL_REGS] = {
		w.dev[d].unit, base(d) + HV_BUFLIST,
		hvk_llan_bd((u32)(base(d) + HV_RXQ), HV_RXQ_ENTRIES * HVK_LLAN_RXQ_ENTRY),
		base(d) + HV_FILTER,
	};

	g->lay = (struct hvk_llan_layout){
		.gen = (u8)(g->lay.gen + 1), .frame_max = 4096 - 8, .nr_classes = 3,
		.cls = { { 256, 8 }, { 1536, 4 }, { 4096, 2 } },
	};
	if (call(HVK_H_REGISTER_LOGICAL_LAN, in) != HVK_H_SUCCESS)
		return;
	g->on = true;
	g->next = 0;
	g->toggle = true;
	for (c = 0; c < g->lay.nr_classes; c++) {
		for (i = 0; i < g->lay.cls[c].count; i++, at += g->lay.cls[c].size) {
			hvk_put_be64(gp(at), hvk_llan_correlator(g->lay.gen, c, i));
			hv_post(d, hvk_llan_bd((u32)at, g->lay.cls[c].size));
		}
	}
	hv_flush(d);
	call2(HVK_H_VIO_SIGNAL, w.dev[d].unit, 1, 0);
}

/* hv_net's poll: entries taken, buffers posted again, a bad entry stops it. */
static void hv_poll(unsigned int d)
{
	struct guest *g = &w.g[d];
	struct hvk_llan_rx rx;
	unsigned int n;

	if (!g->on || !w.dev[d].registered)
		return hv_register(d);
	for (n = 0; n < HV_RXQ_ENTRIES; n++) {
		const u8 *e = gp(base(d) + HV_RXQ + g->next * HVK_LLAN_RXQ_ENTRY);
		enum hvk_llan_rx_verdict v = hvk_llan_rxq_parse(e, g->toggle, &g->lay, &rx);
		u64 at = base(d) + HV_BUFS;
		unsigned int c;

		if (v == HVK_LLAN_RX_EMPTY)
			break;
		if (++g->next == HV_RXQ_ENTRIES) {
			g->next = 0;
			g->toggle = !g->toggle;
		}
		if (v != HVK_LLAN_RX_FRAME && v != HVK_LLAN_RX_UNUSED && v != HVK_LLAN_RX_TOO_LONG)
			break;
		for (c = 0; c < rx.cls; c++)
			at += (u64)g->lay.cls[c].size * g->lay.cls[c].count;
		at += (u64)rx.index * g->lay.cls[rx.cls].size;
		hvk_put_be64(gp(at), hvk_llan_correlator(g->lay.gen, rx.cls, rx.index));
		hv_post(d, hvk_llan_bd((u32)at, g->lay.cls[rx.cls].size));
	}
	hv_flush(d);
}

static HARNESS void allow(u64 gpa, u64 len)
{
	u64 lo = gpa < RAM_BASE ? RAM_BASE : gpa, hi = gpa + len;

	if (hi > RAM_BASE + RAM_SIZE)
		hi = RAM_BASE + RAM_SIZE;
	if (lo >= hi)
		return;
	w.allowed[lo - RAM_BASE]++;
	w.allowed[hi - RAM_BASE]--;
}

/* What a device may write: its lists and queue, the buffers it holds. */
static HARNESS void allow_device(const struct hvm_llan *l)
{
	unsigned int p, i;

	if (!l->registered)
		return;
	allow(l->buf_list, HVK_LLAN_PAGE);
	allow(l->rxq, l->rxq_bytes);
	for (p = 0; p < HVM_LLAN_POOLS; p++)
		for (i = 0; i < l->pool[p].count; i++)
			allow(hvk_llan_bd_ioba(l->pool[p].bd[i]), hvk_llan_bd_len(l->pool[p].bd[i]));
}

static HARNESS void check_writes(void)
{
	int depth = 0;
	unsigned int i;

	if (!memcmp(w.before, w.ram, RAM_SIZE))
		return;
	allow_device(&w.dev[0]);
	allow_device(&w.dev[1]);
	for (i = 0; i < RAM_SIZE; i += BLOCK) {
		bool same = !memcmp(w.ram + i, w.before + i, BLOCK);
		unsigned int j;

		for (j = i; j < i + BLOCK; j++) {
			depth += w.allowed[j];
			if (same)
				continue;
			FUZZ_CHECK(depth > 0 || w.ram[j] == w.before[j],
				   "RAM %#x changed (%02x -> %02x) outside the devices' memory",
				   j, w.before[j], w.ram[j]);
		}
	}
}

static void check_pools(const struct hvm_llan *l)
{
	u64 sum = 0;
	unsigned int p, i;
	u32 seen = 0;

	for (p = 0; p < HVM_LLAN_POOLS; p++) {
		const struct hvm_llan_pool *pool = &l->pool[l->order[p]];

		FUZZ_CHECK(l->order[p] < HVM_LLAN_POOLS && !(seen & 1u << l->order[p]), "order");
		seen |= 1u << l->order[p];
		FUZZ_CHECK(!p || l->pool[l->order[p - 1]].size <= pool->size, "pools unsorted");
		FUZZ_CHECK(pool->count <= HVM_LLAN_POOL_BDS, "pool of %u", pool->count);
		for (i = 0; i < pool->count; i++) {
			u64 bd = pool->bd[i];

			FUZZ_CHECK(hvk_llan_bd_len(bd) == pool->size &&
				   hvm_mem_ptr(&w.mem, hvk_llan_bd_ioba(bd), hvk_llan_bd_len(bd)),
				   "pooled BD %#llx", (unsigned long long)bd);
		}
		sum += pool->count;
	}
	FUZZ_CHECK(sum == l->rx_bufs, "rx_bufs %u, pools %llu", l->rx_bufs,
		   (unsigned long long)sum);
	if (l->registered)
		FUZZ_CHECK(l->rxq_ptr < l->rxq_bytes && !(l->rxq_ptr % HVK_LLAN_RXQ_ENTRY) &&
			   hvm_mem_ptr(&w.mem, l->rxq, l->rxq_bytes) &&
			   hvm_mem_ptr(&w.mem, l->buf_list, HVK_LLAN_PAGE),
			   "queue at %u of %u", l->rxq_ptr, l->rxq_bytes);
}

static void setup(void)
{
	memset(w.ram, 0, sizeof(w.ram));
	memset(w.g, 0, sizeof(w.g));
	w.mem = (struct hvm_guest_mem){ .host = w.ram, .base = RAM_BASE, .size = RAM_SIZE };
	hvm_table_init(&w.table);
	hvm_llan_init(&w.dev[0], UNIT_A, &w.mem, MAC_A, pulse, NULL);
	hvm_llan_init(&w.dev[1], UNIT_B, &w.mem, MAC_B, pulse, NULL);
	hvm_llan_set_powervm(&w.dev[0], true);
	nr_pending = 0;
	FUZZ_CHECK(!hvm_llan_attach(&w.dev[0], &w.table) &&
		   !hvm_llan_attach(&w.dev[1], &w.table), "attach");
	hvm_lan_switch_init(&w.sw);
	FUZZ_CHECK(hvm_lan_switch_add_llan(&w.sw, &w.dev[0]) == 0 &&
		   hvm_lan_switch_add_llan(&w.sw, &w.dev[1]) == 1, "ports");
	w.ext = hvm_lan_switch_add_external(&w.sw, ext_out, NULL);
	FUZZ_CHECK(w.ext == 2, "external port");
}

static const u32 opcodes[] = {
	HVK_H_REGISTER_LOGICAL_LAN, HVK_H_FREE_LOGICAL_LAN, HVK_H_ADD_LOGICAL_LAN_BUFFER,
	HVK_H_SEND_LOGICAL_LAN, HVK_H_MULTICAST_CTRL, HVK_H_CHANGE_LOGICAL_LAN_MAC,
	HVK_H_VIO_SIGNAL, HVK_H_ILLAN_ATTRIBUTES, HVK_H_ADD_LOGICAL_LAN_BUFFERS,
};

/* Copy up to @want bytes of the input into @rec (zero-padded). */
static size_t take(const u8 *data, size_t size, size_t *off, u8 *rec, size_t want)
{
	size_t n = size - *off < want ? size - *off : want;

	memset(rec, 0, want);
	memcpy(rec, data + *off, n);
	*off += n;
	return n;
}

static void receive(unsigned int d, const u8 *p)
{
	static const u8 *const dst[] = { BCAST, MAC_A, MAC_B, MAC_X };
	size_t len = hvk_get_be16(p) % 0x2000, i;
	int ret;

	memcpy(w.frame, dst[p[2] >> 1 & 3], 6);
	memcpy(w.frame + 6, MAC_X, 6);
	for (i = 12; i < len; i++)
		w.frame[i] = (u8)(i ^ p[2]);
	if (p[2] & 1) {
		hvm_lan_switch_input(&w.sw, (unsigned int)w.ext, w.frame, len);
		return;
	}
	ret = hvm_llan_deliver(&w.dev[d], w.frame, len);
	FUZZ_CHECK(ret == 0 || ret == -ENOTCONN || ret == -ENOBUFS || ret == -EINVAL,
		   "deliver %zu bytes: %d", len, ret);
	FUZZ_CHECK(ret != -EINVAL || !len, "deliver %zu bytes: -EINVAL", len);
}

static void send(unsigned int d, const u8 *data, size_t size, size_t *off, u8 ctl)
{
	u64 in[HVM_CALL_REGS] = { w.dev[d].unit };
	unsigned int i, n = ctl & 7;
	u8 rec[4];

	for (i = 0; i < n && i < HVK_LLAN_TX_DESCS; i++) {
		u16 o, len;

		take(data, size, off, rec, 4);
		o = hvk_get_be16(rec);
		len = hvk_get_be16(rec + 2);
		in[1 + i] = hvk_llan_bd(len & 0x8000 ? (u32)o << 16 : (u32)(RAM_BASE + o),
					len & 0x7fff);
		if (ctl >> (3 + i) & 1)
			in[1 + i] &= ~HVK_LLAN_BD_VALID;
	}
	if (n == 7)
		in[7] = 1;
	call(HVK_H_SEND_LOGICAL_LAN, in);
}

static void misc(unsigned int d, const u8 *p)
{
	u64 mac;

	switch (p[0] & 3) {
	case 0:
		call2(HVK_H_FREE_LOGICAL_LAN, w.dev[d].unit, 0, 0);
		break;
	case 1:
		call2(HVK_H_VIO_SIGNAL, w.dev[d].unit, p[1] & 3, 0);
		break;
	case 2:
		mac = (u64)p[1] << 40 | (u64)p[2] << 32 | p[3];
		call2(HVK_H_CHANGE_LOGICAL_LAN_MAC, w.dev[d].unit, mac, 0);
		break;
	default:
		call2(HVK_H_MULTICAST_CTRL, w.dev[d].unit, (u64)p[1] << 16 | p[2], 0);
	}
}

static void reg(unsigned int d, const u8 *p)
{
	u64 buf = RAM_BASE + (u64)(p[0] & 0x1f) * 0x1000 + (p[0] & 0x20 ? 8 : 0);
	u64 filter = RAM_BASE + (u64)(p[1] & 0x1f) * 0x1000 + (p[1] & 0x20 ? 16 : 0);
	u64 rxq = hvk_llan_bd((u32)(RAM_BASE + (u32)p[2] * 0x100 + (p[3] & 0x80 ? 4 : 0)),
			      ((p[3] & 0x3f) + 1) * 16 + (p[3] & 0x40 ? 8 : 0));
	u64 in[HVM_CALL_REGS] = { w.dev[d].unit, p[0] & 0x40 ? 0x1000 : buf,
				  p[1] & 0x40 ? rxq & ~HVK_LLAN_BD_VALID : rxq,
				  p[1] & 0x80 ? (1ull << 32) | filter : filter };

	call(HVK_H_REGISTER_LOGICAL_LAN, in);
}

/* A buffer's BD from offset (2 bytes) and a length byte. */
static u64 add_bd(const u8 *p)
{
	u8 b = p[2];
	u32 len = b & 0x80 ? b & 0x7f : (64u << (b & 7)) + (b >> 3 & 0xf) * 4;

	return hvk_llan_bd((u32)(RAM_BASE + hvk_get_be16(p)), len) ^
	       (b & 0x40 ? HVK_LLAN_BD_VALID : 0);
}

static void add(unsigned int d, const u8 *p)
{
	call2(HVK_H_ADD_LOGICAL_LAN_BUFFER, w.dev[d].unit, add_bd(p), 0);
}

/*
 * H_ADD_LOGICAL_LAN_BUFFERS: (ctl & 7) + 1 BDs; ctl >> 3 names one (of 32:
 * mostly none) that loses its valid bit, a hole or the list's end.
 */
static void add_many(unsigned int d, const u8 *data, size_t size, size_t *off, u8 ctl)
{
	u64 in[HVM_CALL_REGS] = { w.dev[d].unit };
	unsigned int i, n = (ctl & 7) + 1;
	u8 rec[3];

	for (i = 0; i < n; i++) {
		take(data, size, off, rec, 3);
		in[1 + i] = add_bd(rec) | HVK_LLAN_BD_VALID;
	}
	if ((ctl >> 3) < HVM_LLAN_ADD_MAX)
		in[1 + (ctl >> 3)] &= ~HVK_LLAN_BD_VALID;
	call(HVK_H_ADD_LOGICAL_LAN_BUFFERS, in);
}

static void raw_call(const u8 *p)
{
	static const u32 units[] = { UNIT_A, UNIT_B, 0x30000099, 0 };
	u64 in[HVM_CALL_REGS] = { units[p[1] & 3], hvk_get_be64(p + 2), hvk_get_be64(p + 10) };

	call(opcodes[p[0] % ARRAY_SIZE(opcodes)], in);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t off = 0;

	setup();
	while (off < size) {
		u8 op = data[off++], rec[18];
		unsigned int d = op >> 3 & 1;
		struct counters c0[2], c1[2];
		unsigned int i, j;
		size_t n;

		fuzz_context("record at %zu, op %u", off - 1, op);
		snapshot_counters(&w.dev[0], &c0[0]);
		snapshot_counters(&w.dev[1], &c0[1]);
		memcpy(w.before, w.ram, RAM_SIZE);
		memset(w.allowed, 0, sizeof(w.allowed));
		allow_device(&w.dev[0]);
		allow_device(&w.dev[1]);
		w.rx_bytes_seen[0] = w.dev[0].rx_bytes;
		w.rx_bytes_seen[1] = w.dev[1].rx_bytes;
		switch (op % 8) {
		case 0:
			take(data, size, &off, rec, 3);
			n = rec[2] < size - off ? rec[2] : size - off;
			memcpy(w.ram + hvk_get_be16(rec) % (RAM_SIZE - 256), data + off, n);
			off += n;
			memcpy(w.before, w.ram, RAM_SIZE);
			break;
		case 1:
			take(data, size, &off, rec, 4);
			reg(d, rec);
			break;
		case 2:
			if (op & 0x10) {
				take(data, size, &off, rec, 1);
				add_many(d, data, size, &off, rec[0]);
				break;
			}
			take(data, size, &off, rec, 3);
			add(d, rec);
			break;
		case 3:
			take(data, size, &off, rec, 1);
			send(d, data, size, &off, rec[0]);
			break;
		case 4:
			take(data, size, &off, rec, 3);
			receive(d, rec);
			break;
		case 5:
			take(data, size, &off, rec, 18);
			raw_call(rec);
			break;
		case 6:
			take(data, size, &off, rec, 4);
			misc(d, rec);
			break;
		default:
			hv_poll(d);
		}
		check_writes();
		for (i = 0; i < 2; i++) {
			check_pools(&w.dev[i]);
			snapshot_counters(&w.dev[i], &c1[i]);
			for (j = 0; j < ARRAY_SIZE(c1[i].v); j++)
				FUZZ_CHECK(c1[i].v[j] >= c0[i].v[j], "device %u counter %u went back",
					   i, j);
		}
	}
	return 0;
}
