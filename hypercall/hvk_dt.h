/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Hypervisor discovery from the device tree: which method, which backend,
 * which child devices. Portable: the kernel feeds it through the OF API,
 * host tests and fuzzers through libfdt (see selftests/host).
 */
#ifndef _HVK_DT_H
#define _HVK_DT_H

#include "hvk_portable.h"
#include <hvkit/method.h>

/*
 * An opaque node handle owned by the reader (a struct device_node in the
 * kernel, an encoded libfdt offset on the host); NULL means "no node".
 */
struct hvk_dt_node;

struct hvk_dt_ops {
	const struct hvk_dt_node *(*root)(void *ctx);
	const struct hvk_dt_node *(*first_child)(void *ctx,
						 const struct hvk_dt_node *node);
	const struct hvk_dt_node *(*next_sibling)(void *ctx,
						  const struct hvk_dt_node *node);
	/* Raw property bytes and length, or NULL if the property is absent. */
	const void *(*prop)(void *ctx, const struct hvk_dt_node *node,
			    const char *name, int *len);
	/* The node's name with unit address ("vty@30000000"), for messages. */
	const char *(*name)(void *ctx, const struct hvk_dt_node *node);
};

#define HVK_DT_MAX_CHILDREN	64
#define HVK_DT_MAX_SKIPPED	16
#define HVK_DT_STR_MAX		64
#define HVK_DT_WHY_MAX		128

struct hvk_dt_child {
	const struct hvk_dt_node *node;
	u32 unit_address;
	char type[HVK_DT_STR_MAX];
	char compatible[HVK_DT_STR_MAX];
	bool has_interrupts;
};

/* A child node that was not turned into a device, and why. */
struct hvk_dt_skip {
	char node[HVK_DT_STR_MAX];
	char why[HVK_DT_WHY_MAX];
};

struct hvk_dt_config {
	enum hvk_method method;
	enum hvk_backend_kind backend;
	unsigned int abi_version;	/* hvkit ABI; 0 on PAPR */
	/* The hvkit node, or /vdevice on PAPR. */
	const struct hvk_dt_node *hv_node;
	char hv_node_name[HVK_DT_STR_MAX];
	/* Method named by an ePAPR hcall-instructions property, if any. */
	enum hvk_method epapr_method;

	unsigned int nr_children;
	struct hvk_dt_child children[HVK_DT_MAX_CHILDREN];
	unsigned int nr_skipped;	/* may exceed HVK_DT_MAX_SKIPPED */
	struct hvk_dt_skip skipped[HVK_DT_MAX_SKIPPED];

	/* On failure: the node at fault and the reason, for one log line. */
	char err_node[HVK_DT_STR_MAX];
	char err_why[HVK_DT_WHY_MAX];
};

/*
 * Find the hypervisor for @arch and the devices it offers.
 *
 * Returns 0 and fills @cfg, or a negative errno with @cfg->err_node and
 * @cfg->err_why set:
 *   -ENODEV     no hypervisor node and no PAPR platform;
 *   -EINVAL     a malformed, truncated or mistyped hypervisor node;
 *   -EOPNOTSUPP an unknown method, unknown ABI version, an ePAPR instruction
 *               sequence hvkit does not recognise, or a method that does not
 *               exist on @arch.
 * Malformed child nodes never fail the call: they are listed in
 * @cfg->skipped with the reason.
 */
int hvk_dt_select(const struct hvk_dt_ops *ops, void *ctx, enum hvk_arch arch,
		  struct hvk_dt_config *cfg);

/*
 * Decode an ePAPR "hcall-instructions" value. Returns the method it encodes
 * or HVK_METHOD_NONE with @why set. The bytes are only compared with known
 * encodings; they are never executed.
 */
enum hvk_method hvk_dt_decode_hcall_instructions(const void *val, int len,
						 char *why, size_t why_len);

/* Parse a method name ("sc1", "hvc", "smc"); HVK_METHOD_NONE if unknown. */
enum hvk_method hvk_dt_method_from_name(const char *name);

/* Whether @method can exist on @arch at all. */
bool hvk_dt_method_valid_for_arch(enum hvk_method method, enum hvk_arch arch);

const char *hvk_dt_method_str(enum hvk_method method);
const char *hvk_dt_arch_str(enum hvk_arch arch);

#endif /* _HVK_DT_H */
