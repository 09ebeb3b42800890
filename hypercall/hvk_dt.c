// SPDX-License-Identifier: GPL-2.0-only
/*
 * Hypervisor discovery from the device tree.
 *
 * Everything read here is treated as untrusted: a property may be absent,
 * truncated, of the wrong type or deliberately malformed. Each check names
 * the node and the reason so that the caller can print one clear line.
 */
#include "hvk_dt.h"

#define HVK_COMPAT_PREFIX	"hvkit,hypervisor-v"

/* Instruction words as they appear in the device tree (big-endian cells). */
#define PPC_INSN_SC1		0x44000022u	/* sc 1 */
#define PPC_INSN_SC0		0x44000002u	/* sc 0 */
#define PPC_INSN_NOP		0x60000000u	/* ori r0,r0,0 */
#define PPC_INSN_LIS_R0_MASK	0xffff0000u
#define PPC_INSN_LIS_R0		0x3c000000u	/* lis r0,imm */
#define A64_INSN_HVC0		0xd4000002u	/* hvc #0 */
#define A64_INSN_SMC0		0xd4000003u	/* smc #0 */
#define A64_INSN_NOP		0xd503201fu	/* nop */

static const char *const method_names[] = {
	[HVK_METHOD_NONE] = "none",
	[HVK_METHOD_SC1] = "sc1",
	[HVK_METHOD_HVC] = "hvc",
	[HVK_METHOD_SMC] = "smc",
};

const char *hvk_dt_method_str(enum hvk_method method)
{
	if ((unsigned int)method >= ARRAY_SIZE(method_names))
		return "invalid";
	return method_names[method];
}

const char *hvk_dt_arch_str(enum hvk_arch arch)
{
	switch (arch) {
	case HVK_ARCH_POWERPC:
		return "powerpc";
	case HVK_ARCH_ARM64:
		return "arm64";
	default:
		return "this architecture";
	}
}

enum hvk_method hvk_dt_method_from_name(const char *name)
{
	unsigned int i;

	for (i = HVK_METHOD_NONE + 1; i < ARRAY_SIZE(method_names); i++)
		if (!strcmp(name, method_names[i]))
			return (enum hvk_method)i;
	return HVK_METHOD_NONE;
}

bool hvk_dt_method_valid_for_arch(enum hvk_method method, enum hvk_arch arch)
{
	switch (method) {
	case HVK_METHOD_SC1:
		return arch == HVK_ARCH_POWERPC;
	case HVK_METHOD_HVC:
	case HVK_METHOD_SMC:
		return arch == HVK_ARCH_ARM64;
	default:
		return false;
	}
}

static void set_why(char *buf, size_t len, const char *what)
{
	snprintf(buf, len, "%s", what);
}

/* An hcall-instructions value must be one to four whole cells. */
static bool hcall_insns_len_ok(int len)
{
	return len >= 4 && len <= 16 && !(len % 4);
}

/* Check that the words after the call instruction are all @nop. */
static bool only_nops_follow(const void *val, int nwords, u32 nop)
{
	int i;

	for (i = 1; i < nwords; i++)
		if (hvk_get_be32((const u8 *)val + 4 * i) != nop)
			return false;
	return true;
}

enum hvk_method hvk_dt_decode_hcall_instructions(const void *val, int len,
						 char *why, size_t why_len)
{
	enum hvk_method method;
	int nwords;
	u32 first;
	u32 nop;

	if (!val || !hcall_insns_len_ok(len)) {
		snprintf(why, why_len,
			 "hcall-instructions must be 1 to 4 cells, not %d bytes",
			 val ? len : 0);
		return HVK_METHOD_NONE;
	}
	nwords = len / 4;
	first = hvk_get_be32(val);

	switch (first) {
	case PPC_INSN_SC1:
		method = HVK_METHOD_SC1;
		nop = PPC_INSN_NOP;
		break;
	case A64_INSN_HVC0:
		method = HVK_METHOD_HVC;
		nop = A64_INSN_NOP;
		break;
	case A64_INSN_SMC0:
		method = HVK_METHOD_SMC;
		nop = A64_INSN_NOP;
		break;
	default:
		if ((first & PPC_INSN_LIS_R0_MASK) == PPC_INSN_LIS_R0 &&
		    nwords >= 3 && hvk_get_be32((const u8 *)val + 8) == PPC_INSN_SC0)
			set_why(why, why_len,
				"hcall-instructions is the KVM 'sc 0' paravirt sequence, not a VIO hypercall method");
		else
			snprintf(why, why_len,
				 "hcall-instructions: unrecognised instruction 0x%08x",
				 first);
		return HVK_METHOD_NONE;
	}

	if (!only_nops_follow(val, nwords, nop)) {
		snprintf(why, why_len,
			 "hcall-instructions: '%s' followed by something other than nops",
			 hvk_dt_method_str(method));
		return HVK_METHOD_NONE;
	}
	return method;
}

/*
 * A single NUL-terminated string that fills the property exactly.
 * Returns the string or NULL with @why set.
 */
static const char *get_one_string(const struct hvk_dt_ops *ops, void *ctx,
				  const struct hvk_dt_node *node, const char *name,
				  char *why, size_t why_len)
{
	const char *s;
	int len;

	s = ops->prop(ctx, node, name, &len);
	if (!s) {
		snprintf(why, why_len, "missing '%s'", name);
		return NULL;
	}
	if (len < 2 || s[len - 1] != '\0' || strnlen(s, len) != (size_t)len - 1) {
		snprintf(why, why_len, "'%s' must be one non-empty string", name);
		return NULL;
	}
	return s;
}

/*
 * The hvkit compatible in a string list, if any. Returns 1 and sets
 * @version when found, 0 when the node is not an hvkit node, or -EINVAL on
 * a malformed list or version.
 */
static int find_hvkit_compatible(const char *prop, int len,
				 unsigned int *version)
{
	const size_t plen = sizeof(HVK_COMPAT_PREFIX) - 1;
	int pos = 0;

	while (pos < len) {
		const char *s = prop + pos;
		size_t slen = strnlen(s, len - pos);
		bool ours = slen >= plen && !memcmp(s, HVK_COMPAT_PREFIX, plen);
		unsigned long v = 0;
		size_t i;

		/* Another node's broken compatible is not ours to judge. */
		if (slen == (size_t)(len - pos))
			return ours ? -EINVAL : 0;
		pos += slen + 1;
		if (!ours)
			continue;
		if (slen == plen || slen - plen > 4)
			return -EINVAL;
		for (i = plen; i < slen; i++) {
			if (s[i] < '0' || s[i] > '9')
				return -EINVAL;
			v = v * 10 + (unsigned long)(s[i] - '0');
		}
		if (s[plen] == '0')
			return -EINVAL;
		*version = (unsigned int)v;
		return 1;
	}
	return 0;
}

static void copy_name(char *dst, const char *src)
{
	snprintf(dst, HVK_DT_STR_MAX, "%s", src ? src : "?");
}

static int fail(struct hvk_dt_config *cfg, const struct hvk_dt_ops *ops,
		void *ctx, const struct hvk_dt_node *node, int err)
{
	copy_name(cfg->err_node, ops->name(ctx, node));
	return err;
}

static const struct hvk_dt_node *
find_child(const struct hvk_dt_ops *ops, void *ctx,
	   const struct hvk_dt_node *parent, const char *want)
{
	size_t wlen = strlen(want);
	const struct hvk_dt_node *n;

	for (n = ops->first_child(ctx, parent); n; n = ops->next_sibling(ctx, n)) {
		const char *name = ops->name(ctx, n);

		if (name && !strncmp(name, want, wlen) &&
		    (name[wlen] == '\0' || name[wlen] == '@'))
			return n;
	}
	return NULL;
}

static int read_u32(const struct hvk_dt_ops *ops, void *ctx,
		    const struct hvk_dt_node *node, const char *name, u32 *val)
{
	const void *p;
	int len;

	p = ops->prop(ctx, node, name, &len);
	if (!p)
		return -ENOENT;
	if (len != 4)
		return -EINVAL;
	*val = hvk_get_be32(p);
	return 0;
}

static void skip_child(struct hvk_dt_config *cfg, const char *node,
		       const char *why)
{
	struct hvk_dt_skip *s;

	if (cfg->nr_skipped < HVK_DT_MAX_SKIPPED) {
		s = &cfg->skipped[cfg->nr_skipped];
		copy_name(s->node, node);
		snprintf(s->why, sizeof(s->why), "%s", why);
	}
	cfg->nr_skipped++;
}

/* Copy a one-string property into @dst, or explain why not. */
static bool child_string(const struct hvk_dt_ops *ops, void *ctx,
			 const struct hvk_dt_node *node, const char *prop, bool first_only,
			 char *dst, char *why)
{
	const char *s;
	size_t slen;
	int len;

	s = ops->prop(ctx, node, prop, &len);
	if (!s) {
		snprintf(why, HVK_DT_WHY_MAX, "missing '%s'", prop);
		return false;
	}
	/* Even when only the first string is used, the list must end in NUL. */
	slen = len > 0 ? strnlen(s, len) : 0;
	if (len <= 0 || s[len - 1] != '\0' || slen == 0 ||
	    (!first_only && slen + 1 != (size_t)len)) {
		snprintf(why, HVK_DT_WHY_MAX, "'%s' is not a valid string", prop);
		return false;
	}
	if (slen >= HVK_DT_STR_MAX) {
		snprintf(why, HVK_DT_WHY_MAX, "'%s' is longer than %d bytes",
			 prop, HVK_DT_STR_MAX - 1);
		return false;
	}
	memcpy(dst, s, slen + 1);
	return true;
}

static bool child_disabled(const struct hvk_dt_ops *ops, void *ctx,
			   const struct hvk_dt_node *node)
{
	const char *s;
	int len;

	s = ops->prop(ctx, node, "status", &len);
	if (!s || len <= 0)
		return false;
	return !(strnlen(s, len) < (size_t)len &&
		 (!strcmp(s, "okay") || !strcmp(s, "ok")));
}

/* Parse one child; false (with @why) if it cannot become a device. */
static bool parse_child(const struct hvk_dt_ops *ops, void *ctx,
			const struct hvk_dt_node *node, bool need_compatible,
			struct hvk_dt_child *c, char *why)
{
	const void *irq;
	int len;
	u32 reg;
	int err;

	memset(c, 0, sizeof(*c));
	c->node = node;

	err = read_u32(ops, ctx, node, "reg", &reg);
	if (err) {
		set_why(why, HVK_DT_WHY_MAX, err == -ENOENT ? "missing 'reg'" :
			"'reg' must be exactly one cell (the unit address)");
		return false;
	}
	c->unit_address = reg;

	if (!child_string(ops, ctx, node, "device_type", false, c->type, why))
		return false;
	if (need_compatible &&
	    !child_string(ops, ctx, node, "compatible", true, c->compatible, why))
		return false;
	if (!need_compatible && ops->prop(ctx, node, "compatible", &len) &&
	    !child_string(ops, ctx, node, "compatible", true, c->compatible, why))
		return false;

	irq = ops->prop(ctx, node, "interrupts", &len);
	if (irq && (len <= 0 || len % 4)) {
		set_why(why, HVK_DT_WHY_MAX,
			"'interrupts' is not a whole number of cells");
		return false;
	}
	c->has_interrupts = !!irq;
	return true;
}

static int find_duplicate(const struct hvk_dt_config *cfg, u32 ua)
{
	unsigned int i;

	for (i = 0; i < cfg->nr_children; i++)
		if (cfg->children[i].unit_address == ua)
			return (int)i;
	return -1;
}

static void collect_children(const struct hvk_dt_ops *ops, void *ctx,
			     const struct hvk_dt_node *parent, bool need_compatible,
			     struct hvk_dt_config *cfg)
{
	char why[HVK_DT_WHY_MAX];
	struct hvk_dt_child c;
	const struct hvk_dt_node *n;
	int dup;

	for (n = ops->first_child(ctx, parent); n; n = ops->next_sibling(ctx, n)) {
		const char *name = ops->name(ctx, n);

		if (child_disabled(ops, ctx, n))
			continue;
		if (!parse_child(ops, ctx, n, need_compatible, &c, why)) {
			skip_child(cfg, name, why);
			continue;
		}
		dup = find_duplicate(cfg, c.unit_address);
		if (dup >= 0) {
			snprintf(why, sizeof(why),
				 "duplicate unit address 0x%x (already used by %s)",
				 c.unit_address,
				 ops->name(ctx, cfg->children[dup].node));
			skip_child(cfg, name, why);
			continue;
		}
		if (cfg->nr_children == HVK_DT_MAX_CHILDREN) {
			snprintf(why, sizeof(why), "more than %d devices",
				 HVK_DT_MAX_CHILDREN);
			skip_child(cfg, name, why);
			continue;
		}
		cfg->children[cfg->nr_children++] = c;
	}
}

/* The method of an hvkit node: "method", "hcall-instructions", or both. */
static int hvkit_node_method(const struct hvk_dt_ops *ops, void *ctx,
			     const struct hvk_dt_node *node, struct hvk_dt_config *cfg)
{
	enum hvk_method named = HVK_METHOD_NONE;
	const char *method;
	const void *insns;
	int len;

	if (ops->prop(ctx, node, "method", &len)) {
		method = get_one_string(ops, ctx, node, "method", cfg->err_why,
					sizeof(cfg->err_why));
		if (!method)
			return -EINVAL;
		named = hvk_dt_method_from_name(method);
		if (named == HVK_METHOD_NONE) {
			snprintf(cfg->err_why, sizeof(cfg->err_why),
				 "unknown method \"%.32s\" (known: sc1, hvc, smc)",
				 method);
			return -EOPNOTSUPP;
		}
	}

	insns = ops->prop(ctx, node, "hcall-instructions", &len);
	if (insns) {
		cfg->epapr_method =
			hvk_dt_decode_hcall_instructions(insns, len, cfg->err_why,
							 sizeof(cfg->err_why));
		/* A value of the wrong size is malformed, not just unknown. */
		if (cfg->epapr_method == HVK_METHOD_NONE)
			return hcall_insns_len_ok(len) ? -EOPNOTSUPP : -EINVAL;
		if (named != HVK_METHOD_NONE && named != cfg->epapr_method) {
			snprintf(cfg->err_why, sizeof(cfg->err_why),
				 "method \"%s\" contradicts hcall-instructions (%s)",
				 hvk_dt_method_str(named),
				 hvk_dt_method_str(cfg->epapr_method));
			return -EINVAL;
		}
		if (named == HVK_METHOD_NONE)
			named = cfg->epapr_method;
	}

	if (named == HVK_METHOD_NONE) {
		set_why(cfg->err_why, sizeof(cfg->err_why),
			"neither 'method' nor 'hcall-instructions' is present");
		return -EINVAL;
	}
	cfg->method = named;
	return 0;
}

static int check_cells(const struct hvk_dt_ops *ops, void *ctx,
		       const struct hvk_dt_node *node, const char *name, u32 want,
		       struct hvk_dt_config *cfg)
{
	u32 val;
	int err;

	err = read_u32(ops, ctx, node, name, &val);
	if (err == -ENOENT) {
		snprintf(cfg->err_why, sizeof(cfg->err_why), "missing '%s'", name);
		return -EINVAL;
	}
	if (err) {
		snprintf(cfg->err_why, sizeof(cfg->err_why),
			 "'%s' must be one cell", name);
		return -EINVAL;
	}
	if (val != want) {
		snprintf(cfg->err_why, sizeof(cfg->err_why),
			 "'%s' is %u, must be %u", name, val, want);
		return -EINVAL;
	}
	return 0;
}

static int select_hvkit(const struct hvk_dt_ops *ops, void *ctx,
			enum hvk_arch arch, const struct hvk_dt_node *node,
			unsigned int version, struct hvk_dt_config *cfg)
{
	int err;

	copy_name(cfg->hv_node_name, ops->name(ctx, node));
	if (version != HVK_ABI_VERSION) {
		snprintf(cfg->err_why, sizeof(cfg->err_why),
			 "unsupported hvkit ABI version %u (this kit speaks %u)",
			 version, HVK_ABI_VERSION);
		return fail(cfg, ops, ctx, node, -EOPNOTSUPP);
	}
	err = hvkit_node_method(ops, ctx, node, cfg);
	if (err)
		return fail(cfg, ops, ctx, node, err);
	if (!hvk_dt_method_valid_for_arch(cfg->method, arch)) {
		snprintf(cfg->err_why, sizeof(cfg->err_why),
			 "method \"%s\" does not exist on %s",
			 hvk_dt_method_str(cfg->method), hvk_dt_arch_str(arch));
		return fail(cfg, ops, ctx, node, -EOPNOTSUPP);
	}
	if (ops->first_child(ctx, node)) {
		err = check_cells(ops, ctx, node, "#address-cells", 1, cfg);
		if (!err)
			err = check_cells(ops, ctx, node, "#size-cells", 0, cfg);
		if (err)
			return fail(cfg, ops, ctx, node, err);
	}
	cfg->abi_version = version;
	cfg->backend = HVK_BACKEND_DT;
	cfg->hv_node = node;
	collect_children(ops, ctx, node, true, cfg);
	return 0;
}

/* PAPR: /vdevice plus /rtas with ibm,hypertas-functions. */
static const struct hvk_dt_node *
find_papr(const struct hvk_dt_ops *ops, void *ctx,
	  const struct hvk_dt_node *root)
{
	const struct hvk_dt_node *vdevice, *rtas;
	int len;

	vdevice = find_child(ops, ctx, root, "vdevice");
	rtas = find_child(ops, ctx, root, "rtas");
	if (!vdevice || !rtas ||
	    !ops->prop(ctx, rtas, "ibm,hypertas-functions", &len))
		return NULL;
	return vdevice;
}

static int select_papr(const struct hvk_dt_ops *ops, void *ctx,
		       enum hvk_arch arch, const struct hvk_dt_node *vdevice,
		       struct hvk_dt_config *cfg)
{
	copy_name(cfg->hv_node_name, ops->name(ctx, vdevice));
	if (!hvk_dt_method_valid_for_arch(HVK_METHOD_SC1, arch)) {
		snprintf(cfg->err_why, sizeof(cfg->err_why),
			 "PAPR platform found, but its method \"sc1\" does not exist on %s",
			 hvk_dt_arch_str(arch));
		return fail(cfg, ops, ctx, vdevice, -EOPNOTSUPP);
	}
	cfg->method = HVK_METHOD_SC1;
	cfg->backend = HVK_BACKEND_PAPR;
	cfg->hv_node = vdevice;
	collect_children(ops, ctx, vdevice, false, cfg);
	return 0;
}

int hvk_dt_select(const struct hvk_dt_ops *ops, void *ctx, enum hvk_arch arch,
		  struct hvk_dt_config *cfg)
{
	const struct hvk_dt_node *root, *n, *vdevice;
	unsigned int version = 0;
	const char *compat;
	int len, found;

	memset(cfg, 0, sizeof(*cfg));
	root = ops->root(ctx);
	if (!root) {
		copy_name(cfg->err_node, "/");
		set_why(cfg->err_why, sizeof(cfg->err_why), "no device tree");
		return -ENODEV;
	}

	/* An hvkit hypervisor node anywhere at the top level wins. */
	for (n = ops->first_child(ctx, root); n; n = ops->next_sibling(ctx, n)) {
		compat = ops->prop(ctx, n, "compatible", &len);
		if (!compat || len <= 0)
			continue;
		found = find_hvkit_compatible(compat, len, &version);
		if (found < 0) {
			copy_name(cfg->hv_node_name, ops->name(ctx, n));
			set_why(cfg->err_why, sizeof(cfg->err_why),
				"malformed 'compatible' (expected \"" HVK_COMPAT_PREFIX "<N>\")");
			return fail(cfg, ops, ctx, n, -EINVAL);
		}
		if (found)
			return select_hvkit(ops, ctx, arch, n, version, cfg);
	}

	vdevice = find_papr(ops, ctx, root);
	if (vdevice)
		return select_papr(ops, ctx, arch, vdevice, cfg);

	copy_name(cfg->err_node, "/");
	set_why(cfg->err_why, sizeof(cfg->err_why),
		"no \"" HVK_COMPAT_PREFIX "1\" node and no PAPR /vdevice + /rtas hypertas");
	return -ENODEV;
}
