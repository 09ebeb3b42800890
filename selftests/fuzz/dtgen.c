// SPDX-License-Identifier: GPL-2.0-only
/*
 * dtgen: byte program <-> device tree (see dtgen.h for the format).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "dtgen.h"

#define ARRAY_LEN(a)	(sizeof(a) / sizeof((a)[0]))

/* Node names: the ones hvk_dt.c looks for, and near misses. */
static const char *const node_names[] = {
	"hypervisor", "vdevice", "rtas", "vty", "l-lan", "v-scsi", "chosen",
	"psci", "soc", "vdevicex", "rtas-x", "memory", "nvram", "serial",
	"bad", "cpus",
};

/* The properties hvk_dt.c reads. */
static const char *const prop_names[] = {
	"compatible", "method", "hcall-instructions", "#address-cells",
	"#size-cells", "reg", "device_type", "interrupts", "status",
	"ibm,hypertas-functions",
};

#define S63	"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_"

/* String values: good ones, their neighbours, and the length limits. */
static const char *const strings[] = {
	"hvkit,hypervisor-v1", "hvkit,hypervisor-v2", "hvkit,hypervisor-v",
	"hvkit,hypervisor-v01", "hvkit,hypervisor-v9999",
	"hvkit,hypervisor-v10000", "hvkit,hypervisor-vX", "hvc", "smc", "sc1",
	"", "serial", "network", "vscsi", "hvterm1", "IBM,l-lan", "IBM,v-scsi",
	"okay", "ok", "disabled", "hcall-vio", "acme,hv", "arm,psci-1.0",
	S63, S63 "!",
};

/* Cell values: instruction words, cell counts, unit addresses. */
static const uint32_t cells[] = {
	0x44000022,	/* sc 1 */
	0x44000002,	/* sc 0 */
	0x60000000,	/* ppc nop */
	0xd4000002,	/* hvc #0 */
	0xd4000003,	/* smc #0 */
	0xd503201f,	/* arm64 nop */
	0x3c004b56,	/* lis r0,0x4b56 (KVM paravirt) */
	0, 1, 2, 0x30000000, 0x71000002, 0xffffffff,
};

struct cursor {
	const uint8_t *p;
	size_t left;
	bool short_read;
};

static uint8_t byte(struct cursor *c)
{
	if (!c->left) {
		c->short_read = true;
		return 0;
	}
	c->left--;
	return *c->p++;
}

static uint32_t u32(struct cursor *c)
{
	uint32_t v = 0;
	int i;

	for (i = 0; i < 4; i++)
		v = v << 8 | byte(c);
	return v;
}

static const char *pick_string(struct cursor *c)
{
	return strings[byte(c) % ARRAY_LEN(strings)];
}

/* Up to 255 bytes, fewer if the program ends first. */
static size_t take(struct cursor *c, uint8_t *buf)
{
	size_t len = byte(c);

	if (len > c->left)
		len = c->left;
	memcpy(buf, c->p, len);
	c->p += len;
	c->left -= len;
	return len;
}

static void add_prop(struct cursor *c, struct dtb *b)
{
	const char *name = prop_names[byte(c) % ARRAY_LEN(prop_names)];
	uint8_t val[512];
	size_t len = 0, n, i, slen;
	const char *s;

	switch (byte(c) % DTGEN_NR_KINDS) {
	case DTGEN_STR:
		s = pick_string(c);
		len = strlen(s) + 1;
		memcpy(val, s, len);
		break;
	case DTGEN_STRS:
		n = byte(c) % 4 + 1;
		for (i = 0; i < n; i++) {
			s = pick_string(c);
			slen = strlen(s) + 1;
			memcpy(val + len, s, slen);
			len += slen;
		}
		break;
	case DTGEN_CELLS:
		n = byte(c) % 6;
		for (i = 0; i < n; i++) {
			fdt32_t v = cpu_to_fdt32(cells[byte(c) % ARRAY_LEN(cells)]);

			memcpy(val + len, &v, 4);
			len += 4;
		}
		break;
	case DTGEN_U32: {
		fdt32_t v = cpu_to_fdt32(u32(c));

		memcpy(val, &v, 4);
		len = 4;
		break;
	}
	case DTGEN_RAW:
		len = take(c, val);
		break;
	case DTGEN_EMPTY:
		break;
	case DTGEN_STR_RAW:
		len = take(c, val);
		val[len++] = '\0';
		break;
	case DTGEN_STR_CUT:
		s = pick_string(c);
		slen = strlen(s) + 1;
		len = byte(c) % slen;
		memcpy(val, s, len);
		break;
	}
	if (!c->short_read)
		dtb_prop(b, name, val, (int)len);
}

/* DEVICES: @count nodes after one of a few patterns. */
static void add_devices(struct cursor *c, struct dtb *b, unsigned int *total)
{
	unsigned int count = byte(c) % 80, variant = byte(c), i;
	char name[32];

	if (c->short_read)
		return;
	for (i = 0; i < count && *total < DTGEN_MAX_DEVICES; i++, (*total)++) {
		bool bad = variant % 6 == 2 || (variant % 6 == 5 && i % 2);

		snprintf(name, sizeof(name), "dev@%x", i);
		dtb_begin(b, name);
		if (!bad)
			dtb_u32(b, "reg", variant % 6 == 1 ? 0 : i);
		dtb_str(b, "device_type", "serial");
		dtb_str(b, "compatible", "hvterm1");
		if (variant % 6 == 3)
			dtb_str(b, "status", "disabled");
		if (variant % 6 == 4)
			dtb_cells(b, "interrupts", 2, i, 0);
		dtb_end(b);
	}
}

const void *dtgen_build(const uint8_t *data, size_t size, struct dtb *b)
{
	struct cursor c = { .p = data, .left = size };
	unsigned int devices = 0;
	char name[64];
	uint8_t unit;
	uint32_t ua;

	/*
	 * dtb_start(), but without libfdt's search of the strings block for
	 * every property name: a memcmp() per string that libFuzzer's hooks
	 * make slow, and half of this target's time.
	 */
	b->err = fdt_create_with_flags(b->buf, sizeof(b->buf),
				       FDT_CREATE_FLAG_NO_NAME_DEDUP);
	if (!b->err)
		b->err = fdt_finish_reservemap(b->buf);
	b->depth = 0;
	b->what = "fdt_create";
	dtb_begin(b, "");
	while (c.left && !c.short_read && !b->err) {
		switch (byte(&c) % DTGEN_NR_OPS) {
		case DTGEN_NODE:
			snprintf(name, sizeof(name), "%s",
				 node_names[byte(&c) % ARRAY_LEN(node_names)]);
			unit = byte(&c);
			if (unit & 1) {
				ua = u32(&c);
				snprintf(name + strlen(name),
					 sizeof(name) - strlen(name), "@%x", ua);
			}
			if (!c.short_read && b->depth <= DTGEN_MAX_DEPTH)
				dtb_begin(b, name);
			break;
		case DTGEN_END:
			if (b->depth > 1)
				dtb_end(b);
			break;
		case DTGEN_PROP:
			add_prop(&c, b);
			break;
		case DTGEN_DEVICES:
			add_devices(&c, b, &devices);
			break;
		}
	}
	return dtb_finish(b);
}

/* ---- the reverse, for seeds ---- */

struct out {
	uint8_t *p;
	size_t len, max;
};

static void put(struct out *o, uint8_t v)
{
	if (o->len < o->max)
		o->p[o->len] = v;
	o->len++;
}

static int index_of(const char *const *table, size_t n, const char *s,
		    size_t slen)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strlen(table[i]) == slen && !memcmp(table[i], s, slen))
			return (int)i;
	return -1;
}

/* STR or STRS when the value is table strings, else RAW (cut to 255). */
static void put_value(struct out *o, const uint8_t *v, int len)
{
	int idx[4], n = 0, pos = 0, i;

	while (pos < len && n < 4) {
		const uint8_t *nul = memchr(v + pos, '\0', len - pos);

		if (!nul)
			break;
		idx[n] = index_of(strings, ARRAY_LEN(strings),
				  (const char *)v + pos, nul - (v + pos));
		if (idx[n] < 0)
			break;
		n++;
		pos = (int)(nul - v) + 1;
	}
	if (n && pos == len) {
		put(o, n == 1 ? DTGEN_STR : DTGEN_STRS);
		if (n > 1)
			put(o, n - 1);
		for (i = 0; i < n; i++)
			put(o, idx[i]);
		return;
	}
	if (!len) {
		put(o, DTGEN_EMPTY);
		return;
	}
	if (len > 255)
		len = 255;
	put(o, DTGEN_RAW);
	put(o, len);
	for (i = 0; i < len; i++)
		put(o, v[i]);
}

static void put_node(struct out *o, const void *fdt, int node, int depth)
{
	const char *name, *at;
	int off, idx, len, sub;
	const void *val;

	if (depth) {
		name = fdt_get_name(fdt, node, NULL);
		at = strchr(name, '@');
		idx = index_of(node_names, ARRAY_LEN(node_names), name,
			       at ? (size_t)(at - name) : strlen(name));
		put(o, DTGEN_NODE);
		if (idx < 0)
			idx = index_of(node_names, ARRAY_LEN(node_names), "bad", 3);
		put(o, idx);
		if (at && at[1] && strspn(at + 1, "0123456789abcdef") ==
		    strlen(at + 1) && strlen(at + 1) <= 8) {
			uint32_t ua = (uint32_t)strtoul(at + 1, NULL, 16);

			put(o, 1);
			put(o, ua >> 24);
			put(o, ua >> 16);
			put(o, ua >> 8);
			put(o, ua);
		} else {
			put(o, 0);
		}
	}
	fdt_for_each_property_offset(off, fdt, node) {
		const char *pname;

		val = fdt_getprop_by_offset(fdt, off, &pname, &len);
		idx = index_of(prop_names, ARRAY_LEN(prop_names), pname,
			       strlen(pname));
		if (!val || idx < 0)
			continue;
		put(o, DTGEN_PROP);
		put(o, idx);
		put_value(o, val, len);
	}
	if (depth < DTGEN_MAX_DEPTH)
		fdt_for_each_subnode(sub, fdt, node)
			put_node(o, fdt, sub, depth + 1);
	if (depth)
		put(o, DTGEN_END);
}

size_t dtgen_encode(const void *fdt, uint8_t *out, size_t max)
{
	struct out o = { .p = out, .max = max };

	put_node(&o, fdt, 0, 0);
	return o.len;
}
