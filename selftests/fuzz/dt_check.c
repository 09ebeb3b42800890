// SPDX-License-Identifier: GPL-2.0-only
/*
 * Invariants of hvk_dt_select(), checked after every call by the device
 * tree fuzz targets. Not instrumented for coverage: only the parser and
 * the input decoders steer the fuzzer.
 *
 * Three kinds of checks:
 *  - the contract of hvk_dt.h: the return value is one of the documented
 *    errnos, every string is terminated within its buffer, counts are
 *    within their arrays, the method exists on the architecture and the
 *    backend agrees with it, a failure names a node and a reason;
 *  - the result against the tree itself, read again through the reader:
 *    each child is a child of the hypervisor node and its unit address,
 *    type and compatible are those of its properties; every child node is
 *    a device, skipped or disabled, so that none is lost silently;
 *  - the three architectures against each other: which node is the
 *    hypervisor does not depend on the architecture, only whether its
 *    method exists there does.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "dt_check.h"
#include "fdt_reader.h"
#include "fuzz.h"
#include "hvk_dt.h"

#define HVK_PREFIX	"hvkit,hypervisor-v"

static const enum hvk_arch arches[] = {
	HVK_ARCH_POWERPC, HVK_ARCH_ARM64, HVK_ARCH_OTHER,
};
#define NR_ARCHES	(sizeof(arches) / sizeof(arches[0]))

struct outcome {
	int ret;
	char hv_node_name[HVK_DT_STR_MAX];
	char err_node[HVK_DT_STR_MAX];
};

static struct hvk_fdt_reader reader;
static const struct hvk_dt_ops *const ops = &hvk_fdt_ops;

/* The child nodes of the hypervisor node, listed once per call. */
#define MAX_NODES	4096
static const struct hvk_dt_node *hv_children[MAX_NODES];
static unsigned int nr_hv_children;

static const void *prop(const struct hvk_dt_node *n, const char *name,
			int *len)
{
	return ops->prop(&reader, n, name, len);
}

static const char *name_of(const struct hvk_dt_node *n)
{
	const char *s = ops->name(&reader, n);

	return s ? s : "?";
}

static bool is_child_of(const struct hvk_dt_node *parent,
			const struct hvk_dt_node *node)
{
	const struct hvk_dt_node *n;

	for (n = ops->first_child(&reader, parent); n;
	     n = ops->next_sibling(&reader, n))
		if (n == node)
			return true;
	return false;
}

/* Whether a string list holds an element that starts with the hvkit prefix. */
static bool list_has_hvkit(const char *s, int len)
{
	const size_t plen = sizeof(HVK_PREFIX) - 1;
	int pos = 0;

	while (pos < len) {
		const char *e = s + pos;
		const char *nul = memchr(e, '\0', len - pos);
		size_t elen = nul ? (size_t)(nul - e) : (size_t)(len - pos);

		if (elen >= plen && !memcmp(e, HVK_PREFIX, plen))
			return true;
		pos += elen + 1;
	}
	return false;
}

/* Whether the string list holds exactly the element @want. */
static bool list_has(const char *s, int len, const char *want)
{
	size_t wlen = strlen(want) + 1;
	int pos = 0;

	while (pos < len) {
		const char *e = s + pos;
		const char *nul = memchr(e, '\0', len - pos);

		if (!nul)
			return false;
		if ((size_t)(nul - e) + 1 == wlen && !memcmp(e, want, wlen))
			return true;
		pos += (int)(nul - e) + 1;
	}
	return false;
}

/* Node @name, with or without a unit address. */
static bool name_is(const char *name, const char *want)
{
	size_t n = strlen(want);

	return !strncmp(name, want, n) && (name[n] == '\0' || name[n] == '@');
}

/* An independent reading of the "status" rule of the binding. */
static bool disabled(const struct hvk_dt_node *n)
{
	const char *s;
	int len;

	s = prop(n, "status", &len);
	if (!s || len <= 0)
		return false;
	if (!memchr(s, '\0', len))
		return true;
	return strcmp(s, "okay") && strcmp(s, "ok");
}

static void check_child(const struct hvk_dt_config *cfg, unsigned int i)
{
	const struct hvk_dt_child *c = &cfg->children[i];
	const char *type, *compat;
	const void *reg;
	int len, clen;
	unsigned int j;

	FUZZ_CHECK(c->node, "child %u has no node", i);
	for (j = 0; j < nr_hv_children && hv_children[j] != c->node; j++)
		;
	FUZZ_CHECK(j < nr_hv_children, "child %u (%s) is not a child of %s",
		   i, name_of(c->node), cfg->hv_node_name);
	FUZZ_CHECK(!disabled(c->node), "child %u (%s) is disabled", i,
		   name_of(c->node));
	FUZZ_CHECK(fuzz_terminated(c->type, sizeof(c->type)),
		   "child %u type unterminated", i);
	FUZZ_CHECK(fuzz_terminated(c->compatible, sizeof(c->compatible)),
		   "child %u compatible unterminated", i);
	FUZZ_CHECK(c->type[0], "child %u (%s) has an empty type", i,
		   name_of(c->node));

	reg = prop(c->node, "reg", &len);
	FUZZ_CHECK(reg && len == 4, "child %u (%s): reg of %d bytes", i,
		   name_of(c->node), reg ? len : -1);
	FUZZ_CHECK(c->unit_address == hvk_get_be32(reg),
		   "child %u (%s): unit address 0x%x, reg 0x%x", i,
		   name_of(c->node), c->unit_address, hvk_get_be32(reg));

	type = prop(c->node, "device_type", &len);
	FUZZ_CHECK(type && len == (int)strlen(c->type) + 1 &&
		   !memcmp(type, c->type, len),
		   "child %u (%s): type \"%s\" is not its device_type", i,
		   name_of(c->node), c->type);

	compat = prop(c->node, "compatible", &clen);
	if (cfg->backend == HVK_BACKEND_DT)
		FUZZ_CHECK(compat && c->compatible[0],
			   "child %u (%s) without compatible", i,
			   name_of(c->node));
	if (compat) {
		len = (int)strlen(c->compatible) + 1;
		FUZZ_CHECK(clen >= len && !memcmp(compat, c->compatible, len),
			   "child %u (%s): \"%s\" is not its first compatible",
			   i, name_of(c->node), c->compatible);
	} else {
		FUZZ_CHECK(!c->compatible[0],
			   "child %u (%s): compatible \"%s\" out of nowhere",
			   i, name_of(c->node), c->compatible);
	}

	for (j = 0; j < i; j++)
		FUZZ_CHECK(cfg->children[j].unit_address != c->unit_address,
			   "children %u and %u share unit address 0x%x", j, i,
			   c->unit_address);
}

static void check_success(enum hvk_arch arch, const struct hvk_dt_config *cfg)
{
	const struct hvk_dt_node *root = ops->root(&reader), *n;
	unsigned int i, off = 0;
	const char *compat;
	int len;

	FUZZ_CHECK(!cfg->err_node[0] && !cfg->err_why[0],
		   "error \"%.63s\": \"%.127s\" set on success", cfg->err_node,
		   cfg->err_why);
	FUZZ_CHECK(hvk_dt_method_valid_for_arch(cfg->method, arch),
		   "method %d on %s", cfg->method, hvk_dt_arch_str(arch));
	FUZZ_CHECK(cfg->hv_node, "no hypervisor node");
	FUZZ_CHECK(is_child_of(root, cfg->hv_node),
		   "hypervisor node %s is not at the top level",
		   name_of(cfg->hv_node));
	FUZZ_CHECK(!strncmp(cfg->hv_node_name, name_of(cfg->hv_node),
			    HVK_DT_STR_MAX - 1),
		   "hv_node_name \"%s\" for node \"%s\"", cfg->hv_node_name,
		   name_of(cfg->hv_node));

	switch (cfg->backend) {
	case HVK_BACKEND_PAPR:
		FUZZ_CHECK(cfg->method == HVK_METHOD_SC1,
			   "PAPR backend with method %s",
			   hvk_dt_method_str(cfg->method));
		FUZZ_CHECK(cfg->abi_version == 0 &&
			   cfg->epapr_method == HVK_METHOD_NONE,
			   "PAPR backend with abi %u, ePAPR method %d",
			   cfg->abi_version, cfg->epapr_method);
		FUZZ_CHECK(name_is(name_of(cfg->hv_node), "vdevice"),
			   "PAPR backend on node %s", name_of(cfg->hv_node));
		/* An hvkit node would have won over PAPR. */
		for (n = ops->first_child(&reader, root); n;
		     n = ops->next_sibling(&reader, n)) {
			compat = prop(n, "compatible", &len);
			FUZZ_CHECK(!compat || !list_has_hvkit(compat, len),
				   "PAPR chosen over hvkit node %s",
				   name_of(n));
		}
		break;
	case HVK_BACKEND_DT:
		FUZZ_CHECK(cfg->abi_version == HVK_ABI_VERSION,
			   "hvkit backend with abi %u", cfg->abi_version);
		FUZZ_CHECK(cfg->epapr_method == HVK_METHOD_NONE ||
			   cfg->epapr_method == cfg->method,
			   "method %s but hcall-instructions %s",
			   hvk_dt_method_str(cfg->method),
			   hvk_dt_method_str(cfg->epapr_method));
		compat = prop(cfg->hv_node, "compatible", &len);
		FUZZ_CHECK(compat && list_has(compat, len, HVK_PREFIX "1"),
			   "hvkit backend on %s, not an hvkit node",
			   name_of(cfg->hv_node));
		break;
	default:
		FUZZ_CHECK(0, "backend %d on success", cfg->backend);
	}

	FUZZ_CHECK(cfg->nr_children <= HVK_DT_MAX_CHILDREN, "%u children",
		   cfg->nr_children);
	/* Every child node is a device, skipped, or disabled. */
	nr_hv_children = 0;
	for (n = ops->first_child(&reader, cfg->hv_node); n;
	     n = ops->next_sibling(&reader, n)) {
		FUZZ_CHECK(nr_hv_children < MAX_NODES, "too many nodes");
		hv_children[nr_hv_children++] = n;
		off += disabled(n);
	}
	FUZZ_CHECK(cfg->nr_children + cfg->nr_skipped + off == nr_hv_children,
		   "%u child nodes, but %u devices + %u skipped + %u disabled",
		   nr_hv_children, cfg->nr_children, cfg->nr_skipped, off);
	for (i = 0; i < cfg->nr_children; i++)
		check_child(cfg, i);
	for (i = 0; i < cfg->nr_skipped && i < HVK_DT_MAX_SKIPPED; i++) {
		const struct hvk_dt_skip *s = &cfg->skipped[i];

		FUZZ_CHECK(fuzz_terminated(s->node, sizeof(s->node)) &&
			   fuzz_terminated(s->why, sizeof(s->why)),
			   "skipped entry %u unterminated", i);
		/* A node may be named "" (libfdt accepts it): no check. */
		FUZZ_CHECK(s->why[0], "skipped entry %u (\"%s\") without a reason",
			   i, s->node);
	}
}

static void check_failure(int ret, const struct hvk_dt_config *cfg)
{
	FUZZ_CHECK(fuzz_terminated(cfg->err_node, sizeof(cfg->err_node)) &&
		   fuzz_terminated(cfg->err_why, sizeof(cfg->err_why)),
		   "error strings unterminated");
	FUZZ_CHECK(cfg->err_why[0], "failure %d without a reason (node \"%s\")",
		   ret, cfg->err_node);
	if (ret == -ENODEV)
		FUZZ_CHECK(!strcmp(cfg->err_node, "/"),
			   "-ENODEV blames \"%s\", not /", cfg->err_node);
}

static void check_one(enum hvk_arch arch, int ret,
		      const struct hvk_dt_config *cfg)
{
	fuzz_context("arch %s: returned %d", hvk_dt_arch_str(arch), ret);
	FUZZ_CHECK(ret == 0 || ret == -ENODEV || ret == -EINVAL ||
		   ret == -EOPNOTSUPP, "undocumented return value %d", ret);
	FUZZ_CHECK(fuzz_terminated(cfg->hv_node_name,
				   sizeof(cfg->hv_node_name)),
		   "hv_node_name unterminated");
	if (ret)
		check_failure(ret, cfg);
	else
		check_success(arch, cfg);
}

static void check_across(const struct outcome *o)
{
	unsigned int i, ok = 0, nodev = 0;

	fuzz_context("powerpc %d, arm64 %d, other %d", o[0].ret, o[1].ret,
		     o[2].ret);
	for (i = 0; i < NR_ARCHES; i++) {
		ok += !o[i].ret;
		nodev += o[i].ret == -ENODEV;
		FUZZ_CHECK(!strcmp(o[i].hv_node_name, o[0].hv_node_name),
			   "hypervisor node \"%s\" on %s, \"%s\" on %s",
			   o[i].hv_node_name, hvk_dt_arch_str(arches[i]),
			   o[0].hv_node_name, hvk_dt_arch_str(arches[0]));
	}
	FUZZ_CHECK(o[2].ret != 0, "a method exists on no other architecture");
	FUZZ_CHECK(ok <= 1, "success on %u architectures", ok);
	FUZZ_CHECK(nodev == 0 || nodev == NR_ARCHES,
		   "-ENODEV on only %u architectures", nodev);
	for (i = 0; i < NR_ARCHES; i++) {
		if (ok)
			FUZZ_CHECK(!o[i].ret || o[i].ret == -EOPNOTSUPP,
				   "found elsewhere, but %d on %s", o[i].ret,
				   hvk_dt_arch_str(arches[i]));
		if (o[i].ret && o[0].ret && o[i].ret != -ENODEV)
			FUZZ_CHECK(!strcmp(o[i].err_node, o[0].err_node),
				   "%s blames \"%s\", powerpc \"%s\"",
				   hvk_dt_arch_str(arches[i]), o[i].err_node,
				   o[0].err_node);
	}
}

/*
 * Whether libfdt can check the blob at all. libfdt 1.6.1 (Debian 12) has
 * two defects that the fuzzer finds within seconds, both in
 * fdt_check_full() itself:
 *  - on a blob of a version before 16 whose root node name has no '/',
 *    fdt_get_name() fails and its NULL result is dereferenced;
 *  - a property length near 2^32 wraps the next tag's offset backwards,
 *    and the walk never ends.
 * Both blobs are invalid anyway; this refuses them before libfdt sees
 * them, so that a report is about hvk_dt.c and not about the library.
 */
static bool libfdt_can_check(const uint8_t *fdt, size_t size)
{
	uint32_t off, end, p, len;
	const uint8_t *nul;

	if (size < sizeof(struct fdt_header) || fdt_magic(fdt) != FDT_MAGIC)
		return true;
	if (fdt_version(fdt) < 16)
		return false;
	off = fdt_off_dt_struct(fdt);
	if (off > size)
		return true;		/* libfdt refuses it */
	end = size;
	if (fdt_version(fdt) >= 17 && fdt_size_dt_struct(fdt) < size - off)
		end = off + fdt_size_dt_struct(fdt);
	for (p = off; end - p >= 4; ) {
		switch (hvk_get_be32(fdt + p)) {
		case FDT_BEGIN_NODE:
			p += 4;
			nul = memchr(fdt + p, '\0', end - p);
			if (!nul)
				return true;
			p = (uint32_t)(nul - fdt) + 1;
			break;
		case FDT_PROP:
			if (end - p < 12)
				return true;
			len = hvk_get_be32(fdt + p + 4);
			if (len > end - p - 12)
				return false;
			p += 12 + len;
			break;
		case FDT_END_NODE:
		case FDT_NOP:
			p += 4;
			break;
		default:
			return true;	/* FDT_END, or a bad tag */
		}
		p = (p + 3) & ~3u;
		if (p > end)
			return true;
	}
	return true;
}

bool fuzz_dt_select_all(const void *fdt, size_t size)
{
	struct outcome o[NR_ARCHES];
	struct hvk_dt_config *cfg;
	unsigned int i;

	if (!libfdt_can_check(fdt, size) ||
	    hvk_fdt_reader_init(&reader, fdt, size))
		return false;
	reader.isolate_props = true;
	/* Exactly its size, so that ASan sees a write past any array. */
	cfg = malloc(sizeof(*cfg));
	FUZZ_CHECK(cfg, "out of memory");

	for (i = 0; i < NR_ARCHES; i++) {
		/* Garbage, so that anything left unset shows. */
		memset(cfg, 0xa5, sizeof(*cfg));
		o[i].ret = hvk_dt_select(ops, &reader, arches[i], cfg);
		check_one(arches[i], o[i].ret, cfg);
		memcpy(o[i].hv_node_name, cfg->hv_node_name,
		       sizeof(o[i].hv_node_name));
		memcpy(o[i].err_node, cfg->err_node, sizeof(o[i].err_node));
		hvk_fdt_reader_release(&reader);
	}
	check_across(o);
	fuzz_context("%s", "");
	free(cfg);
	return true;
}
