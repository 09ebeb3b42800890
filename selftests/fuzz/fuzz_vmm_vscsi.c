// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fuzz target: hvkit-vmm's v-scsi adapter (tools/hvkit-vmm: vscsi_model.c,
 * srp_target.c, scsi_disk.c, crq_model.c) under a guest that writes what
 * it likes into its memory and sends what it likes over the CRQ. One
 * adapter with a 64 KiB disk (a memfd) at 0:0:0 and 0:1:0, 64 KiB of guest
 * RAM, the queue in its first page. The input is a sequence of records:
 *
 *   op%4 == 0  poke:  offset (2 bytes), a length byte, then that many bytes
 *                     written into guest RAM there;
 *   op%4 == 1  send:  16 raw bytes as the H_SEND_CRQ registers; with op&4
 *                     the entry becomes a payload (SRP, or MAD with op&8)
 *                     whose IU address lies in RAM;
 *   op%4 == 2  build: hv_scsi's codec writes a well-formed request from 6
 *                     parameter bytes (login, a MAD: ADAPTER_INFO,
 *                     CAPABILITIES, maybe with another length, or
 *                     ENABLE_FAST_FAIL; task management, or a command of
 *                     some CDB over 1-12 descriptors, direct, inline or
 *                     external) at the IU page and sends it;
 *   op%4 == 3  queue: H_REG_CRQ (op&4) or H_FREE_CRQ (op&8), else the
 *                     guest takes the next entry (clears its byte 0);
 *                     with op&32 commands are queued from now on (the
 *                     adapter starts out serving each inside its hcall),
 *                     with op&64 the queued ones are served afterwards,
 *                     with op&128 MADs are answered as PowerVM's from now
 *                     on (--vscsi-mads powervm).
 *
 * After every record: H_SEND_CRQ answered H_SUCCESS, the disk did not
 * grow (no write past its end), every entry the adapter posted is one a
 * client can take (init complete, or a payload of its format with an IU
 * of at most 256 bytes), the counters never went back, and never more
 * commands queued than the login's credit. At the end, what is still
 * queued is dropped and freed.
 *
 * The entries are checked as the adapter wrote them: a guest may put an
 * IU or a data buffer over its own queue, and the adapter then writes
 * an answer over entries it posted earlier in the same record. Every
 * touch of guest memory goes through hvm_mem_ptr(), which this target
 * wraps (-Wl,--wrap): the entries posted since the last touch are
 * checked before the adapter gets its pointer.
 */
#define _GNU_SOURCE
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <hvkit/hcall_opcodes.h>
#include <hvkit/hcall_status.h>
#include <hvkit/smccc_abi.h>

#include "fuzz.h"
#include "smccc.h"
#include "vscsi_model.h"

#define UNIT		0x30000100
#define RAM_BASE	0x40000000ull
#define RAM_SIZE	0x10000
#define QUEUE		RAM_BASE
#define IU		(RAM_BASE + 0x1000)
#define TABLE		(RAM_BASE + 0x1100)
#define DATA		(RAM_BASE + 0x2000)
#define DISK_BYTES	0x10000

struct world {
	struct hvm_hcall_table table;
	struct hvm_vscsi vs;
	struct hvm_guest_mem mem;
	u8 ram[RAM_SIZE];
	unsigned int taken;	/* the guest's next slot */
	u64 checked;		/* entries before this offset are checked */
	bool checking;		/* off while a queue op registers anew */
};

static int disk_fd = -1;
static struct world *world;

static long hcall(struct world *w, u32 opcode, u64 a0, u64 a1, u64 a2)
{
	struct hvm_smccc_regs r = { .x = { HVK_SMCCC_FN_BASE | opcode, a0, a1, a2 } };

	hvm_smccc_answer(&w->table, &r);
	return (long)r.x[0];
}

static void send(struct world *w, u64 hi, u64 lo)
{
	long st = hcall(w, HVK_H_SEND_CRQ, UNIT, hi, lo);

	FUZZ_CHECK(st == HVK_H_SUCCESS, "H_SEND_CRQ status %ld", st);
}

static void send_payload(struct world *w, u8 format, unsigned int len)
{
	struct hvk_crq_msg m = { .valid = HVK_CRQ_PAYLOAD, .format = format,
				 .iu_len = (u16)len, .token = IU };
	u64 hi, lo;

	hvk_crq_encode(&m, &hi, &lo);
	send(w, hi, lo);
}

static u8 *gp(struct world *w, u64 gpa)
{
	return w->ram + (gpa - RAM_BASE);
}

static const u8 cdbs[][16] = {
	{ 0x28 }, { 0x2a }, { 0x88 }, { 0x8a }, { 0x12 }, { 0x12, 1, 0x83 }, { 0x25 },
	{ 0x9e, 0x10 }, { 0x1a, 0, 0x3f }, { 0x5a, 0, 0x08 }, { 0xa0 }, { 0x00 }, { 0x35 },
	{ 0x03 }, { 0xff },
};

/* A command from 6 bytes: CDB, its numbers, the list's shape. */
static void build_cmd(struct world *w, const u8 *p)
{
	struct hvk_srp_desc d[12];
	u8 cdb[16];
	unsigned int i, n = 1 + p[3] % 12, out = cdbs[p[0] % 15][0] == 0x2a ||
						   cdbs[p[0] % 15][0] == 0x8a;
	struct hvk_srp_cmd_args a = {
		.tag = p[5], .lun = hvk_srp_lun(0, p[4] & 3, p[4] >> 6), .cdb = cdb,
		.cdb_len = 16, .dir = out ? HVK_SRP_DIR_OUT : HVK_SRP_DIR_IN, .descs = d,
		.nr_descs = n, .max_iu_len = p[3] & 0x80 ? 96 : 256, .indirect_ok = true,
		.iu_ioba = IU, .table = gp(w, TABLE), .table_ioba = TABLE, .table_max = 12,
	};
	int len;

	memcpy(cdb, cdbs[p[0] % 15], 16);
	if (cdb[0] == 0x28 || cdb[0] == 0x2a) {
		hvk_put_be32(cdb + 2, p[1]);
		hvk_put_be16(cdb + 7, p[2]);
	} else if (cdb[0] == 0x88 || cdb[0] == 0x8a) {
		hvk_put_be64(cdb + 2, (u64)p[1] << (p[4] & 0x20 ? 56 : 0));
		hvk_put_be32(cdb + 10, p[2]);
	} else {
		cdb[4] = p[1];
		cdb[9] = p[2];
	}
	for (i = 0; i < n; i++) {
		/* Mostly in RAM; with bit 4, the last one runs past its end. */
		d[i].va = DATA + i * 0x1000 + (p[3] & 0x10 && i == n - 1 ? 0xe000 : 0);
		d[i].len = 512 * (1 + (p[2] + i) % 8);
		a.total_len += d[i].len;
	}
	len = hvk_srp_build_cmd(gp(w, IU), &a);
	if (len > 0)
		send_payload(w, HVK_VIOSRP_SRP, (unsigned int)len);
}

static void build(struct world *w, const u8 *p)
{
	switch (p[0] >> 5) {
	case 0:
		send_payload(w, HVK_VIOSRP_SRP, hvk_srp_build_login(gp(w, IU), p[1], 16 + p[2]));
		break;
	case 1:
		send_payload(w, HVK_VIOSRP_MAD,
			     hvk_mad_build_adapter_info(gp(w, IU), p[1],
							DATA + (u64)p[2] * 0x100));
		break;
	case 2:
		send_payload(w, HVK_VIOSRP_SRP,
			     hvk_srp_build_tsk_mgmt(gp(w, IU), p[1], hvk_srp_lun(0, p[2] & 3, 0),
						    p[3], p[4]));
		break;
	case 3: {
		struct hvk_caps_offer o = { .flags = p[3], .name = "host0", .loc = "U",
					    .migration = p[3] & 1 };
		u64 buf = DATA + (u64)p[2] * 0x100;
		unsigned int len = hvk_mad_build_capabilities(gp(w, IU), p[1], buf,
							      gp(w, DATA), &o);

		/* The data where the MAD says (if in RAM), the length as it likes. */
		if (buf + hvk_caps_len(&o) <= RAM_BASE + RAM_SIZE)
			memmove(gp(w, buf), gp(w, DATA), hvk_caps_len(&o));
		if (p[3] & 2)
			hvk_put_be16(gp(w, IU) + 6, (u16)(p[4] | p[5] << 8));
		send_payload(w, HVK_VIOSRP_MAD, len);
		break;
	}
	case 4:
		send_payload(w, HVK_VIOSRP_MAD, hvk_mad_build_fast_fail(gp(w, IU), p[1]));
		break;
	default:
		build_cmd(w, p);
	}
}

/* Every entry posted since the last check is one a client can take. */
static void check_posted(struct world *w)
{
	u64 off;

	if (!w->checking || !w->vs.crq.registered)
		return;
	for (off = w->checked; off != w->vs.crq.next; off = (off + 16) % w->vs.crq.bytes) {
		const u8 *e = gp(w, w->vs.crq.queue) + off;
		struct hvk_crq_msg m;
		enum hvk_crq_kind k = hvk_crq_decode(e, &m);

		FUZZ_CHECK(k == HVK_CRQ_K_INIT_COMPLETE ||
			   (k == HVK_CRQ_K_MESSAGE && (m.format == HVK_VIOSRP_SRP ||
						       m.format == HVK_VIOSRP_MAD) &&
			    m.iu_len <= HVK_SRP_IU_MAX),
			   "posted entry %02x %02x, IU %u bytes", e[0], e[1], m.iu_len);
	}
	w->checked = off;
}

void *__real_hvm_mem_ptr(const struct hvm_guest_mem *m, u64 gpa, u64 len);
void *__wrap_hvm_mem_ptr(const struct hvm_guest_mem *m, u64 gpa, u64 len);

/* The adapter is about to touch guest memory: check what it posted first. */
void *__wrap_hvm_mem_ptr(const struct hvm_guest_mem *m, u64 gpa, u64 len)
{
	if (world)
		check_posted(world);
	return __real_hvm_mem_ptr(m, gpa, len);
}

static void setup(struct world *w)
{
	struct hvm_disk d = { .fd = disk_fd, .blocks = DISK_BYTES / HVM_SCSI_BLOCK };

	if (disk_fd < 0) {
		disk_fd = memfd_create("fuzz-disk", 0);
		FUZZ_CHECK(disk_fd >= 0 && !ftruncate(disk_fd, DISK_BYTES), "memfd");
		d.fd = disk_fd;
	}
	memset(w->ram, 0, sizeof(w->ram));
	w->taken = 0;
	w->mem = (struct hvm_guest_mem){ .host = w->ram, .base = RAM_BASE, .size = RAM_SIZE };
	hvm_table_init(&w->table);
	hvm_vscsi_init(&w->vs, UNIT, &w->mem, NULL);
	FUZZ_CHECK(!hvm_crq_attach(&w->vs.crq, &w->table), "attach");
	FUZZ_CHECK(!hvm_vscsi_add_lun(&w->vs, 0, 0, 0, &d), "lun 0");
	d.read_only = true;
	FUZZ_CHECK(!hvm_vscsi_add_lun(&w->vs, 0, 1, 0, &d), "lun 1");
}

/* The records of one input; the adapter is set up already. */
static void run(struct world *w, const uint8_t *data, size_t size)
{
	size_t off = 0;
	struct stat st;

	while (off < size) {
		u8 op = data[off++], rec[16] = { 0 };
		u64 dropped = w->vs.dropped_ius, cmds = w->vs.commands;
		size_t n;

		fuzz_context("record at %zu, op %u", off - 1, op);
		/* A queue op may register the queue anew (next back to 0). */
		w->checked = w->vs.crq.next;
		w->checking = op % 4 != 3 || !(op & 12);
		switch (op % 4) {
		case 0:
			if (size - off < 3)
				return;
			n = data[off + 2] < size - off - 3 ? data[off + 2] : size - off - 3;
			memcpy(w->ram + hvk_get_be16(data + off) % (RAM_SIZE - 256), data + off + 3, n);
			off += 3 + n;
			break;
		case 1:
			n = size - off < 16 ? size - off : 16;
			memcpy(rec, data + off, n);
			off += n;
			if (op & 4) {
				rec[0] = HVK_CRQ_PAYLOAD;
				rec[1] = op & 8 ? HVK_VIOSRP_MAD : HVK_VIOSRP_SRP;
				hvk_put_be64(rec + 8, RAM_BASE + hvk_get_be16(rec + 8) % RAM_SIZE);
			}
			send(w, hvk_get_be64(rec), hvk_get_be64(rec + 8));
			break;
		case 2:
			n = size - off < 6 ? size - off : 6;
			memcpy(rec, data + off, n);
			off += n;
			build(w, rec);
			break;
		case 3:
			if (op & 4)
				hcall(w, HVK_H_REG_CRQ, UNIT, QUEUE, 4096);
			else if (op & 8)
				hcall(w, HVK_H_FREE_CRQ, UNIT, 0, 0);
			else
				w->ram[16 * (w->taken++ % 256)] = 0;
			hcall(w, HVK_H_VIO_SIGNAL, UNIT, op >> 4 & 1, 0);
			if (op & 32)
				hvm_vscsi_defer(&w->vs);
			if (op & 64)
				hvm_vscsi_run_queued(&w->vs);
			if (op & 128)
				hvm_vscsi_set_mads(&w->vs, HVM_VSCSI_MADS_POWERVM);
			break;
		}
		check_posted(w);
		FUZZ_CHECK(w->vs.outstanding <= HVM_VSCSI_CREDIT, "%u queued",
			   w->vs.outstanding);
		FUZZ_CHECK(w->vs.dropped_ius >= dropped && w->vs.commands >= cmds, "counters");
		FUZZ_CHECK(!fstat(disk_fd, &st) && st.st_size == DISK_BYTES,
			   "the disk is %lld bytes", (long long)st.st_size);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct world w;

	setup(&w);
	world = &w;
	run(&w, data, size);
	world = NULL;
	hvm_vscsi_stop(&w.vs);
	FUZZ_CHECK(!w.vs.outstanding, "%u credits held after the stop", w.vs.outstanding);
	return 0;
}
