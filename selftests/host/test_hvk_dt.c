// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host unit tests of the hypervisor device-tree parser (hypercall/hvk_dt.c):
 * method and backend selection, child collection, and the refusal of every
 * malformed input with the right errno, node and reason.
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "dtb_builder.h"
#include "fdt_reader.h"
#include "hvk_dt.h"
#include "ktest.h"

/* Instruction words, as big-endian cells in hcall-instructions. */
#define SC1	0x44000022u
#define SC0	0x44000002u
#define PNOP	0x60000000u
#define HVC0	0xd4000002u
#define SMC0	0xd4000003u
#define ANOP	0xd503201fu

#define PPC	HVK_ARCH_POWERPC
#define ARM	HVK_ARCH_ARM64

#define BUILD_FAILED	INT_MIN

/* The tree under construction; every test starts it with dtb_start(&B). */
static struct dtb B;
/* The parser's result, allocated to its exact size so ASan sees overruns. */
static struct hvk_dt_config *cfg;
static struct hvk_fdt_reader reader;

static const char *errname(int err)
{
	switch (err) {
	case 0:			return "0";
	case -EINVAL:		return "-EINVAL";
	case -ENODEV:		return "-ENODEV";
	case -EOPNOTSUPP:	return "-EOPNOTSUPP";
	case BUILD_FAILED:	return "(tree not built)";
	default:		return "(other)";
	}
}

/* Finish the tree in B and run the parser on it for @arch. */
static int run(enum hvk_arch arch)
{
	const void *fdt = dtb_finish(&B);
	int err;

	hvk_fdt_reader_release(&reader);
	free(cfg);
	cfg = malloc(sizeof(*cfg));
	if (!cfg) {
		perror("malloc");
		exit(2);
	}
	/* Garbage, so that anything the parser forgets to set shows. */
	memset(cfg, 0xa5, sizeof(*cfg));
	if (!fdt) {
		ktest_fail(__FILE__, __LINE__, "building the tree: %s: %s",
			   B.what, dtb_strerror(&B));
		return BUILD_FAILED;
	}
	err = hvk_fdt_reader_init(&reader, fdt, sizeof(B.buf));
	if (err) {
		ktest_fail(__FILE__, __LINE__, "reading the tree back: %s",
			   fdt_strerror(err));
		return BUILD_FAILED;
	}
	reader.isolate_props = true;
	return hvk_dt_select(&hvk_fdt_ops, &reader, arch, cfg);
}

static bool expect_ret(const char *file, int line, int got, int want)
{
	if (got == want)
		return true;
	ktest_fail(file, line, "returned %d (%s), expected %d (%s)", got,
		   errname(got), want, errname(want));
	if (got != BUILD_FAILED && got)
		ktest_diag("err_node \"%s\", err_why \"%s\"", cfg->err_node,
			   cfg->err_why);
	return false;
}

/* The call failed with @err, blaming node @node for a reason containing @why. */
static void expect_err(const char *file, int line, int got, int err,
		       const char *node, const char *why)
{
	if (!expect_ret(file, line, got, err))
		return;
	if (strcmp(cfg->err_node, node))
		ktest_fail(file, line, "err_node \"%s\", expected \"%s\"",
			   cfg->err_node, node);
	if (!strstr(cfg->err_why, why))
		ktest_fail(file, line, "err_why \"%s\" lacks \"%s\"",
			   cfg->err_why, why);
}

/*
 * The call succeeded, @node was the only child skipped and the reason
 * contains @why.
 */
static void expect_skip(const char *file, int line, int got, const char *node,
			const char *why)
{
	if (!expect_ret(file, line, got, 0))
		return;
	if (cfg->nr_skipped != 1) {
		ktest_fail(file, line, "%u children skipped, expected 1",
			   cfg->nr_skipped);
		return;
	}
	if (strcmp(cfg->skipped[0].node, node))
		ktest_fail(file, line, "skipped \"%s\", expected \"%s\"",
			   cfg->skipped[0].node, node);
	if (!strstr(cfg->skipped[0].why, why))
		ktest_fail(file, line, "skip reason \"%s\" lacks \"%s\"",
			   cfg->skipped[0].why, why);
	if (cfg->err_node[0] || cfg->err_why[0])
		ktest_fail(file, line, "error set on success: \"%s\": \"%s\"",
			   cfg->err_node, cfg->err_why);
}

#define EXPECT_OK(got)	expect_ret(__FILE__, __LINE__, got, 0)
#define EXPECT_ERR(got, err, node, why) \
	expect_err(__FILE__, __LINE__, got, err, node, why)
#define EXPECT_SKIP(got, node, why) \
	expect_skip(__FILE__, __LINE__, got, node, why)

static const char *node_name(const struct hvk_dt_node *n)
{
	return hvk_fdt_ops.name(&reader, n);
}

/* Start a tree whose hvkit node has @method and is left open. */
static void hv_tree(const char *method)
{
	dtb_start(&B);
	dtb_begin_hv(&B, method);
}

/* An hvkit node with @method and one good vty, parsed for @arch. */
static int hv_run(const char *method, enum hvk_arch arch)
{
	hv_tree(method);
	dtb_dev(&B, "vty@30000000", 0x30000000, "serial", "hvterm1");
	return run(arch);
}

/* An hvkit node with only hcall-instructions = @n cells. */
static int epapr_run(enum hvk_arch arch, int n, uint32_t c0, uint32_t c1,
		     uint32_t c2, uint32_t c3)
{
	hv_tree(NULL);
	dtb_cells(&B, "hcall-instructions", n, c0, c1, c2, c3);
	return run(arch);
}

/* An hvkit node with only hcall-instructions = these raw bytes. */
static int epapr_bytes_run(enum hvk_arch arch, const void *val, int len)
{
	hv_tree(NULL);
	dtb_prop(&B, "hcall-instructions", val, len);
	return run(arch);
}

/* An hvkit node whose compatible is the @len bytes at @compat, with "hvc". */
static int compat_run(const void *compat, int len)
{
	dtb_start(&B);
	dtb_begin(&B, "hypervisor");
	dtb_prop(&B, "compatible", compat, len);
	dtb_str(&B, "method", "hvc");
	return run(ARM);
}

#define COMPAT_RUN(lit)		compat_run(lit, (int)sizeof(lit))
#define COMPAT_RUN_RAW(lit)	compat_run(lit, (int)sizeof(lit) - 1)

/*
 * A QEMU pseries-like tree, left open at the root so that a test can add
 * more top-level nodes.
 */
static void papr_tree(bool hypertas)
{
	dtb_start(&B);
	DTB_STRS(&B, "compatible", "qemu,pseries");
	dtb_str(&B, "model", "IBM pSeries (emulated by qemu)");
	dtb_str(&B, "device_type", "chrp");
	dtb_u32(&B, "#address-cells", 2);
	dtb_u32(&B, "#size-cells", 2);

	dtb_begin(&B, "chosen");
	dtb_str(&B, "linux,stdout-path", "/vdevice/vty@30000000");
	dtb_end(&B);

	dtb_begin(&B, "memory@0");
	dtb_str(&B, "device_type", "memory");
	dtb_cells(&B, "reg", 4, 0, 0, 0, 0x40000000);
	dtb_end(&B);

	dtb_begin(&B, "rtas");
	if (hypertas)
		DTB_STRS(&B, "ibm,hypertas-functions",
			 "hcall-pft\0hcall-term\0hcall-dabr\0hcall-interrupt\0"
			 "hcall-tce\0hcall-vio\0hcall-splpar\0hcall-join\0"
			 "hcall-bulk\0hcall-set-mode\0hcall-sprg0\0hcall-copy\0"
			 "hcall-debug\0hcall-vphn\0hcall-multi-tce");
	dtb_u32(&B, "rtas-size", 0x2000);
	dtb_end(&B);

	dtb_begin(&B, "vdevice");
	dtb_str(&B, "device_type", "vdevice");
	dtb_str(&B, "compatible", "IBM,vdevice");
	dtb_u32(&B, "#address-cells", 1);
	dtb_u32(&B, "#size-cells", 0);
	dtb_empty(&B, "interrupt-controller");
	dtb_u32(&B, "#interrupt-cells", 2);

	dtb_begin(&B, "vty@30000000");
	dtb_u32(&B, "reg", 0x30000000);
	dtb_str(&B, "device_type", "serial");
	dtb_str(&B, "compatible", "hvterm1");
	dtb_cells(&B, "interrupts", 2, 0x1000, 0);
	dtb_end(&B);

	dtb_begin(&B, "l-lan@71000002");
	dtb_u32(&B, "reg", 0x71000002);
	dtb_str(&B, "device_type", "network");
	dtb_str(&B, "compatible", "IBM,l-lan");
	dtb_prop(&B, "local-mac-address", "\x52\x54\x00\x12\x34\x56", 6);
	dtb_u32(&B, "ibm,mac-address-filters", 0xff);
	dtb_cells(&B, "ibm,my-dma-window", 5, 0x71000002, 0, 0, 0, 0x10000000);
	dtb_cells(&B, "interrupts", 2, 0x1001, 0);
	dtb_end(&B);

	dtb_begin(&B, "v-scsi@71000003");
	dtb_u32(&B, "reg", 0x71000003);
	dtb_str(&B, "device_type", "vscsi");
	dtb_str(&B, "compatible", "IBM,v-scsi");
	dtb_cells(&B, "ibm,my-dma-window", 5, 0x71000003, 0, 0, 0, 0x10000000);
	dtb_cells(&B, "interrupts", 2, 0x1002, 0);
	dtb_end(&B);

	dtb_begin(&B, "nvram@71000000");
	dtb_u32(&B, "reg", 0x71000000);
	dtb_str(&B, "device_type", "nvram");
	dtb_str(&B, "compatible", "qemu,spapr-nvram");
	dtb_u32(&B, "#bytes", 0x10000);
	dtb_end(&B);

	dtb_end(&B);	/* vdevice */
}

static void expect_child(const char *file, int line, unsigned int i,
			 const char *name, uint32_t ua, const char *type,
			 const char *compat, bool irq)
{
	const struct hvk_dt_child *c;

	if (i >= cfg->nr_children) {
		ktest_fail(file, line, "no child %u (%u children)", i,
			   cfg->nr_children);
		return;
	}
	c = &cfg->children[i];
	if (!c->node || strcmp(node_name(c->node), name))
		ktest_fail(file, line, "child %u is \"%s\", expected \"%s\"", i,
			   c->node ? node_name(c->node) : "(null)", name);
	if (c->unit_address != ua)
		ktest_fail(file, line, "%s: unit address 0x%x, expected 0x%x",
			   name, c->unit_address, ua);
	if (strcmp(c->type, type))
		ktest_fail(file, line, "%s: type \"%s\", expected \"%s\"",
			   name, c->type, type);
	if (strcmp(c->compatible, compat))
		ktest_fail(file, line, "%s: compatible \"%s\", expected \"%s\"",
			   name, c->compatible, compat);
	if (c->has_interrupts != irq)
		ktest_fail(file, line, "%s: has_interrupts %d, expected %d",
			   name, c->has_interrupts, irq);
}

#define EXPECT_CHILD(i, name, ua, type, compat, irq) \
	expect_child(__FILE__, __LINE__, i, name, ua, type, compat, irq)

/* Success with @method on the hvkit backend and nothing odd. */
static bool expect_hvkit(const char *file, int line, int got,
			 enum hvk_method method)
{
	unsigned int failures = ktest_failures();

	if (!expect_ret(file, line, got, 0))
		return false;
	if (cfg->method != method)
		ktest_fail(file, line, "method %s, expected %s",
			   hvk_dt_method_str(cfg->method),
			   hvk_dt_method_str(method));
	if (cfg->backend != HVK_BACKEND_DT)
		ktest_fail(file, line, "backend %d, expected dt", cfg->backend);
	if (cfg->abi_version != 1)
		ktest_fail(file, line, "abi_version %u", cfg->abi_version);
	if (!cfg->hv_node || strcmp(node_name(cfg->hv_node), "hypervisor"))
		ktest_fail(file, line, "hv_node is not /hypervisor");
	if (strcmp(cfg->hv_node_name, "hypervisor"))
		ktest_fail(file, line, "hv_node_name \"%s\"", cfg->hv_node_name);
	if (cfg->nr_skipped)
		ktest_fail(file, line, "%u children skipped, first %s: %s",
			   cfg->nr_skipped, cfg->skipped[0].node,
			   cfg->skipped[0].why);
	if (cfg->err_node[0] || cfg->err_why[0])
		ktest_fail(file, line, "error set on success: \"%s\": \"%s\"",
			   cfg->err_node, cfg->err_why);
	return ktest_failures() == failures;
}

#define EXPECT_HVKIT(got, method) expect_hvkit(__FILE__, __LINE__, got, method)

/* ------------------------------------------------------------------------ */
/* Small helpers of the parser                                              */
/* ------------------------------------------------------------------------ */

TEST(method_names)
{
	EXPECT_EQ(hvk_dt_method_from_name("sc1"), HVK_METHOD_SC1);
	EXPECT_EQ(hvk_dt_method_from_name("hvc"), HVK_METHOD_HVC);
	EXPECT_EQ(hvk_dt_method_from_name("smc"), HVK_METHOD_SMC);
	EXPECT_EQ(hvk_dt_method_from_name("none"), HVK_METHOD_NONE);
	EXPECT_EQ(hvk_dt_method_from_name(""), HVK_METHOD_NONE);
	EXPECT_EQ(hvk_dt_method_from_name("HVC"), HVK_METHOD_NONE);
	EXPECT_EQ(hvk_dt_method_from_name("hvc "), HVK_METHOD_NONE);
	EXPECT_STREQ(hvk_dt_method_str(HVK_METHOD_SC1), "sc1");
	EXPECT_STREQ(hvk_dt_method_str(HVK_METHOD_SMC), "smc");
	EXPECT_STREQ(hvk_dt_method_str((enum hvk_method)42), "invalid");
	EXPECT_STREQ(hvk_dt_arch_str(HVK_ARCH_POWERPC), "powerpc");
	EXPECT_STREQ(hvk_dt_arch_str(HVK_ARCH_ARM64), "arm64");
	EXPECT_STREQ(hvk_dt_arch_str(HVK_ARCH_OTHER), "this architecture");
}

TEST(method_valid_for_arch)
{
	EXPECT_TRUE(hvk_dt_method_valid_for_arch(HVK_METHOD_SC1, PPC));
	EXPECT_TRUE(!hvk_dt_method_valid_for_arch(HVK_METHOD_SC1, ARM));
	EXPECT_TRUE(hvk_dt_method_valid_for_arch(HVK_METHOD_HVC, ARM));
	EXPECT_TRUE(hvk_dt_method_valid_for_arch(HVK_METHOD_SMC, ARM));
	EXPECT_TRUE(!hvk_dt_method_valid_for_arch(HVK_METHOD_HVC, PPC));
	EXPECT_TRUE(!hvk_dt_method_valid_for_arch(HVK_METHOD_SMC, PPC));
	EXPECT_TRUE(!hvk_dt_method_valid_for_arch(HVK_METHOD_NONE, PPC));
	EXPECT_TRUE(!hvk_dt_method_valid_for_arch(HVK_METHOD_HVC,
						  HVK_ARCH_OTHER));
}

TEST(decode_hcall_instructions_directly)
{
	static const uint8_t sc1[] = { 0x44, 0, 0, 0x22, 0x60, 0, 0, 0 };
	static const uint8_t hvc[] = { 0xd4, 0, 0, 0x02 };
	static const uint8_t smc[] = { 0xd4, 0, 0, 0x03, 0xd5, 0x03, 0x20, 0x1f };
	char why[HVK_DT_WHY_MAX];

	EXPECT_EQ(hvk_dt_decode_hcall_instructions(sc1, 8, why, sizeof(why)),
		  HVK_METHOD_SC1);
	EXPECT_EQ(hvk_dt_decode_hcall_instructions(hvc, 4, why, sizeof(why)),
		  HVK_METHOD_HVC);
	EXPECT_EQ(hvk_dt_decode_hcall_instructions(smc, 8, why, sizeof(why)),
		  HVK_METHOD_SMC);
	/* Only the given length counts: "sc 1" alone, then a cut-off nop. */
	EXPECT_EQ(hvk_dt_decode_hcall_instructions(sc1, 4, why, sizeof(why)),
		  HVK_METHOD_SC1);
	EXPECT_EQ(hvk_dt_decode_hcall_instructions(sc1, 6, why, sizeof(why)),
		  HVK_METHOD_NONE);
	EXPECT_CONTAINS(why, "not 6 bytes");
	EXPECT_EQ(hvk_dt_decode_hcall_instructions(NULL, 8, why, sizeof(why)),
		  HVK_METHOD_NONE);
	EXPECT_CONTAINS(why, "1 to 4 cells");
	/* A tiny message buffer is truncated, never overrun. */
	EXPECT_EQ(hvk_dt_decode_hcall_instructions(hvc, 3, why, 8),
		  HVK_METHOD_NONE);
	EXPECT_EQ(strlen(why), 7);
}

/* ------------------------------------------------------------------------ */
/* Methods                                                                  */
/* ------------------------------------------------------------------------ */

TEST(method_sc1_on_powerpc)
{
	EXPECT_HVKIT(hv_run("sc1", PPC), HVK_METHOD_SC1);
	EXPECT_EQ(cfg->epapr_method, HVK_METHOD_NONE);
	EXPECT_EQ(cfg->nr_children, 1);
	EXPECT_CHILD(0, "vty@30000000", 0x30000000, "serial", "hvterm1", false);
}

TEST(method_hvc_on_arm64)
{
	EXPECT_HVKIT(hv_run("hvc", ARM), HVK_METHOD_HVC);
	EXPECT_EQ(cfg->nr_children, 1);
}

TEST(method_smc_on_arm64)
{
	EXPECT_HVKIT(hv_run("smc", ARM), HVK_METHOD_SMC);
	EXPECT_EQ(cfg->nr_children, 1);
}

/* hcall-instructions alone, with 0 to 3 trailing nops. */
static void epapr_nops(enum hvk_arch arch, uint32_t insn, uint32_t nop,
		       enum hvk_method want)
{
	int n;

	for (n = 1; n <= 4; n++) {
		if (!EXPECT_HVKIT(epapr_run(arch, n, insn, nop, nop, nop), want) ||
		    !EXPECT_EQ(cfg->epapr_method, want))
			ktest_diag("with %d nop(s)", n - 1);
	}
}

TEST(epapr_sc1_with_0_to_3_nops)
{
	epapr_nops(PPC, SC1, PNOP, HVK_METHOD_SC1);
}

TEST(epapr_hvc_with_0_to_3_nops)
{
	epapr_nops(ARM, HVC0, ANOP, HVK_METHOD_HVC);
}

TEST(epapr_smc_with_0_to_3_nops)
{
	epapr_nops(ARM, SMC0, ANOP, HVK_METHOD_SMC);
}

TEST(method_and_agreeing_hcall_instructions)
{
	hv_tree("hvc");
	dtb_cells(&B, "hcall-instructions", 2, HVC0, ANOP);
	EXPECT_HVKIT(run(ARM), HVK_METHOD_HVC);
	EXPECT_EQ(cfg->epapr_method, HVK_METHOD_HVC);

	hv_tree("sc1");
	dtb_cells(&B, "hcall-instructions", 4, SC1, PNOP, PNOP, PNOP);
	EXPECT_HVKIT(run(PPC), HVK_METHOD_SC1);
	EXPECT_EQ(cfg->epapr_method, HVK_METHOD_SC1);

	hv_tree("smc");
	dtb_cells(&B, "hcall-instructions", 1, SMC0);
	EXPECT_HVKIT(run(ARM), HVK_METHOD_SMC);
	EXPECT_EQ(cfg->epapr_method, HVK_METHOD_SMC);
}

TEST(hvkit_node_without_children_needs_no_cells)
{
	dtb_start(&B);
	dtb_begin(&B, "hypervisor");
	dtb_str(&B, "compatible", "hvkit,hypervisor-v1");
	dtb_str(&B, "method", "hvc");
	EXPECT_HVKIT(run(ARM), HVK_METHOD_HVC);
	EXPECT_EQ(cfg->nr_children, 0);
}

TEST(hvkit_compatible_later_in_list)
{
	EXPECT_HVKIT(COMPAT_RUN("acme,hv-2000\0hvkit,hypervisor-v1"),
		     HVK_METHOD_HVC);
	EXPECT_HVKIT(COMPAT_RUN("hvkit,hypervisor-v1\0acme,hv-2000"),
		     HVK_METHOD_HVC);
}

TEST(hvkit_node_found_among_other_top_level_nodes)
{
	dtb_start(&B);
	dtb_begin(&B, "chosen");
	dtb_end(&B);
	dtb_begin(&B, "psci");
	DTB_STRS(&B, "compatible", "arm,psci-1.0\0arm,psci-0.2");
	dtb_str(&B, "method", "smc");
	dtb_end(&B);
	dtb_begin_hv(&B, "hvc");
	dtb_end(&B);
	EXPECT_HVKIT(run(ARM), HVK_METHOD_HVC);
}

TEST(hvkit_children_collected)
{
	hv_tree("hvc");
	dtb_begin(&B, "vty@30000000");
	dtb_u32(&B, "reg", 0x30000000);
	dtb_str(&B, "device_type", "serial");
	DTB_STRS(&B, "compatible", "hvterm1\0hvterm-protocol");
	dtb_cells(&B, "interrupts", 3, 0, 5, 4);
	dtb_end(&B);
	dtb_begin(&B, "l-lan@1000");
	dtb_u32(&B, "reg", 0x1000);
	dtb_str(&B, "device_type", "network");
	dtb_str(&B, "compatible", "IBM,l-lan");
	dtb_prop(&B, "local-mac-address", "\x02\x00\x00\x00\x00\x01", 6);
	dtb_cells(&B, "interrupts", 1, 7);
	dtb_end(&B);
	dtb_dev(&B, "v-scsi@2000", 0x2000, "vscsi", "IBM,v-scsi");
	EXPECT_HVKIT(run(ARM), HVK_METHOD_HVC);
	EXPECT_EQ(cfg->nr_children, 3);
	EXPECT_CHILD(0, "vty@30000000", 0x30000000, "serial", "hvterm1", true);
	EXPECT_CHILD(1, "l-lan@1000", 0x1000, "network", "IBM,l-lan", true);
	EXPECT_CHILD(2, "v-scsi@2000", 0x2000, "vscsi", "IBM,v-scsi", false);
}

TEST(status_disabled_child_ignored)
{
	hv_tree("hvc");
	dtb_dev(&B, "vty@0", 0, "serial", "hvterm1");
	dtb_begin(&B, "vty@1");
	dtb_u32(&B, "reg", 1);
	dtb_str(&B, "device_type", "serial");
	dtb_str(&B, "compatible", "hvterm1");
	dtb_str(&B, "status", "disabled");
	dtb_end(&B);
	/* Disabled children are not checked either. */
	dtb_begin(&B, "broken@2");
	dtb_str(&B, "status", "fail");
	dtb_end(&B);
	dtb_begin(&B, "vty@3");
	dtb_u32(&B, "reg", 3);
	dtb_str(&B, "device_type", "serial");
	dtb_str(&B, "compatible", "hvterm1");
	dtb_str(&B, "status", "okay");
	dtb_end(&B);
	dtb_begin(&B, "vty@4");
	dtb_u32(&B, "reg", 4);
	dtb_str(&B, "device_type", "serial");
	dtb_str(&B, "compatible", "hvterm1");
	dtb_str(&B, "status", "ok");
	dtb_end(&B);
	EXPECT_HVKIT(run(ARM), HVK_METHOD_HVC);
	EXPECT_EQ(cfg->nr_children, 3);
	EXPECT_CHILD(0, "vty@0", 0, "serial", "hvterm1", false);
	EXPECT_CHILD(1, "vty@3", 3, "serial", "hvterm1", false);
	EXPECT_CHILD(2, "vty@4", 4, "serial", "hvterm1", false);
}

TEST(max_children_accepted)
{
	char name[32];
	int i;

	hv_tree("hvc");
	for (i = 0; i < HVK_DT_MAX_CHILDREN; i++) {
		snprintf(name, sizeof(name), "vty@%x", 0x30000000 + i);
		dtb_dev(&B, name, 0x30000000 + i, "serial", "hvterm1");
	}
	EXPECT_HVKIT(run(ARM), HVK_METHOD_HVC);
	EXPECT_EQ(cfg->nr_children, HVK_DT_MAX_CHILDREN);
	EXPECT_CHILD(HVK_DT_MAX_CHILDREN - 1, "vty@3000003f", 0x3000003f,
		     "serial", "hvterm1", false);
}

/* ------------------------------------------------------------------------ */
/* PAPR and precedence                                                      */
/* ------------------------------------------------------------------------ */

TEST(papr_qemu_pseries)
{
	papr_tree(true);
	ASSERT_TRUE(EXPECT_OK(run(PPC)));
	EXPECT_EQ(cfg->method, HVK_METHOD_SC1);
	EXPECT_EQ(cfg->backend, HVK_BACKEND_PAPR);
	EXPECT_EQ(cfg->abi_version, 0);
	EXPECT_EQ(cfg->epapr_method, HVK_METHOD_NONE);
	EXPECT_STREQ(cfg->hv_node_name, "vdevice");
	EXPECT_TRUE(cfg->hv_node && !strcmp(node_name(cfg->hv_node), "vdevice"));
	EXPECT_EQ(cfg->nr_skipped, 0);
	EXPECT_STREQ(cfg->err_node, "");
	EXPECT_STREQ(cfg->err_why, "");
	EXPECT_EQ(cfg->nr_children, 4);
	EXPECT_CHILD(0, "vty@30000000", 0x30000000, "serial", "hvterm1", true);
	EXPECT_CHILD(1, "l-lan@71000002", 0x71000002, "network", "IBM,l-lan",
		     true);
	EXPECT_CHILD(2, "v-scsi@71000003", 0x71000003, "vscsi", "IBM,v-scsi",
		     true);
	EXPECT_CHILD(3, "nvram@71000000", 0x71000000, "nvram",
		     "qemu,spapr-nvram", false);
}

TEST(papr_child_compatible_is_optional)
{
	dtb_start(&B);
	dtb_begin(&B, "rtas");
	dtb_str(&B, "ibm,hypertas-functions", "hcall-vio");
	dtb_end(&B);
	dtb_begin(&B, "vdevice");
	dtb_u32(&B, "#address-cells", 1);
	dtb_u32(&B, "#size-cells", 0);
	dtb_dev(&B, "vty@30000000", 0x30000000, "serial", NULL);
	ASSERT_TRUE(EXPECT_OK(run(PPC)));
	EXPECT_EQ(cfg->backend, HVK_BACKEND_PAPR);
	EXPECT_EQ(cfg->nr_children, 1);
	EXPECT_CHILD(0, "vty@30000000", 0x30000000, "serial", "", false);
}

TEST(papr_bad_child_skipped)
{
	dtb_start(&B);
	dtb_begin(&B, "rtas");
	dtb_str(&B, "ibm,hypertas-functions", "hcall-vio");
	dtb_end(&B);
	dtb_begin(&B, "vdevice");
	dtb_dev(&B, "vty@30000000", 0x30000000, "serial", "hvterm1");
	dtb_begin(&B, "vty@30000001");
	dtb_str(&B, "device_type", "serial");
	dtb_end(&B);
	EXPECT_SKIP(run(PPC), "vty@30000001", "missing 'reg'");
	EXPECT_EQ(cfg->backend, HVK_BACKEND_PAPR);
	EXPECT_EQ(cfg->nr_children, 1);
}

TEST(papr_on_arm64_refused)
{
	papr_tree(true);
	EXPECT_ERR(run(ARM), -EOPNOTSUPP, "vdevice",
		   "PAPR platform found, but its method \"sc1\" does not exist on arm64");
}

TEST(papr_without_hypertas_is_no_hypervisor)
{
	papr_tree(false);
	EXPECT_ERR(run(PPC), -ENODEV, "/", "no PAPR /vdevice");
}

TEST(papr_without_rtas_is_no_hypervisor)
{
	dtb_start(&B);
	dtb_begin(&B, "vdevice");
	dtb_dev(&B, "vty@30000000", 0x30000000, "serial", "hvterm1");
	EXPECT_ERR(run(PPC), -ENODEV, "/", "no \"hvkit,hypervisor-v1\" node");
}

TEST(unrelated_broken_compatible_ignored)
{
	/* Another vendor's malformed node does not stop PAPR detection. */
	papr_tree(true);
	dtb_begin(&B, "acme-firmware");
	DTB_RAW(&B, "compatible", "acme,fw\0acme,fw-unterminated");
	dtb_end(&B);
	EXPECT_EQ(run(PPC), 0);
	EXPECT_EQ(cfg->backend, HVK_BACKEND_PAPR);

	/* But an unterminated hvkit compatible is still refused. */
	papr_tree(true);
	dtb_begin(&B, "hypervisor");
	DTB_RAW(&B, "compatible", "acme,hv\0hvkit,hypervisor-v1");
	dtb_end(&B);
	EXPECT_ERR(run(PPC), -EINVAL, "hypervisor", "malformed 'compatible'");
}

TEST(hvkit_node_wins_over_papr)
{
	papr_tree(true);
	dtb_begin_hv(&B, "sc1");
	dtb_dev(&B, "vty@100", 0x100, "serial", "hvterm-protocol");
	EXPECT_HVKIT(run(PPC), HVK_METHOD_SC1);
	EXPECT_EQ(cfg->nr_children, 1);
	EXPECT_CHILD(0, "vty@100", 0x100, "serial", "hvterm-protocol", false);

	/* On arm64 as well, where the PAPR tree alone would be refused. */
	papr_tree(true);
	dtb_begin_hv(&B, "hvc");
	dtb_end(&B);
	EXPECT_HVKIT(run(ARM), HVK_METHOD_HVC);
	EXPECT_EQ(cfg->nr_children, 0);
}

TEST(no_hypervisor)
{
	dtb_start(&B);
	DTB_STRS(&B, "compatible", "linux,dummy-virt");
	dtb_begin(&B, "chosen");
	dtb_end(&B);
	dtb_begin(&B, "psci");
	dtb_str(&B, "compatible", "arm,psci-1.0");
	dtb_str(&B, "method", "hvc");
	dtb_end(&B);
	EXPECT_ERR(run(ARM), -ENODEV, "/", "no \"hvkit,hypervisor-v1\" node");

	/* An hvkit node below the top level does not count. */
	dtb_start(&B);
	dtb_begin(&B, "soc");
	dtb_begin_hv(&B, "hvc");
	EXPECT_ERR(run(ARM), -ENODEV, "/", "no PAPR /vdevice");
}

TEST(empty_tree)
{
	dtb_start(&B);
	EXPECT_ERR(run(PPC), -ENODEV, "/", "no \"hvkit,hypervisor-v1\" node");
}

static const struct hvk_dt_node *null_root(void *ctx)
{
	(void)ctx;
	return NULL;
}

TEST(no_tree_at_all)
{
	struct hvk_dt_ops ops = hvk_fdt_ops;
	struct hvk_dt_config *c = malloc(sizeof(*c));

	ASSERT_TRUE(c);
	ops.root = null_root;
	EXPECT_EQ(hvk_dt_select(&ops, NULL, PPC, c), -ENODEV);
	EXPECT_STREQ(c->err_node, "/");
	EXPECT_STREQ(c->err_why, "no device tree");
	free(c);
}

TEST(other_architecture_has_no_method)
{
	EXPECT_ERR(hv_run("hvc", HVK_ARCH_OTHER), -EOPNOTSUPP, "hypervisor",
		   "method \"hvc\" does not exist on this architecture");
	papr_tree(true);
	EXPECT_ERR(run(HVK_ARCH_OTHER), -EOPNOTSUPP, "vdevice",
		   "does not exist on this architecture");
}

/* ------------------------------------------------------------------------ */
/* Malformed hypervisor nodes: the whole call fails                         */
/* ------------------------------------------------------------------------ */

TEST(bad_method_as_u32_cell)
{
	hv_tree(NULL);
	dtb_u32(&B, "method", 2);
	EXPECT_ERR(run(ARM), -EINVAL, "hypervisor",
		   "'method' must be one non-empty string");
}

TEST(bad_method_as_string_list)
{
	hv_tree(NULL);
	DTB_STRS(&B, "method", "hvc\0smc");
	EXPECT_ERR(run(ARM), -EINVAL, "hypervisor",
		   "'method' must be one non-empty string");
}

TEST(bad_method_empty_string)
{
	EXPECT_ERR(hv_run("", ARM), -EINVAL, "hypervisor",
		   "'method' must be one non-empty string");
}

TEST(bad_method_empty_property)
{
	hv_tree(NULL);
	dtb_empty(&B, "method");
	EXPECT_ERR(run(ARM), -EINVAL, "hypervisor",
		   "'method' must be one non-empty string");
}

TEST(bad_method_unterminated)
{
	hv_tree(NULL);
	DTB_RAW(&B, "method", "hvc");
	EXPECT_ERR(run(ARM), -EINVAL, "hypervisor",
		   "'method' must be one non-empty string");
}

TEST(bad_method_unknown_vmcall)
{
	EXPECT_ERR(hv_run("vmcall", ARM), -EOPNOTSUPP, "hypervisor",
		   "unknown method \"vmcall\" (known: sc1, hvc, smc)");
}

TEST(bad_method_unknown_long_name_truncated)
{
	char name[200];

	memset(name, 'x', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	EXPECT_ERR(hv_run(name, ARM), -EOPNOTSUPP, "hypervisor",
		   "unknown method \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\" (known");
}

TEST(bad_method_sc1_on_arm64)
{
	EXPECT_ERR(hv_run("sc1", ARM), -EOPNOTSUPP, "hypervisor",
		   "method \"sc1\" does not exist on arm64");
}

TEST(bad_method_hvc_on_powerpc)
{
	EXPECT_ERR(hv_run("hvc", PPC), -EOPNOTSUPP, "hypervisor",
		   "method \"hvc\" does not exist on powerpc");
}

TEST(bad_method_smc_on_powerpc)
{
	EXPECT_ERR(hv_run("smc", PPC), -EOPNOTSUPP, "hypervisor",
		   "method \"smc\" does not exist on powerpc");
}

TEST(bad_epapr_sc1_on_arm64)
{
	EXPECT_ERR(epapr_run(ARM, 2, SC1, PNOP, 0, 0), -EOPNOTSUPP,
		   "hypervisor", "method \"sc1\" does not exist on arm64");
}

TEST(bad_epapr_hvc_on_powerpc)
{
	EXPECT_ERR(epapr_run(PPC, 1, HVC0, 0, 0, 0), -EOPNOTSUPP,
		   "hypervisor", "method \"hvc\" does not exist on powerpc");
}

TEST(bad_hcall_instructions_3_bytes)
{
	EXPECT_ERR(epapr_bytes_run(PPC, "\x44\x00\x00", 3), -EINVAL,
		   "hypervisor", "must be 1 to 4 cells, not 3 bytes");
}

TEST(bad_hcall_instructions_5_bytes)
{
	EXPECT_ERR(epapr_bytes_run(PPC, "\x44\x00\x00\x22\x60", 5), -EINVAL,
		   "hypervisor", "must be 1 to 4 cells, not 5 bytes");
}

TEST(bad_hcall_instructions_20_bytes)
{
	EXPECT_ERR(epapr_run(PPC, 0, 0, 0, 0, 0), -EINVAL, "hypervisor",
		   "must be 1 to 4 cells, not 0 bytes");
	hv_tree(NULL);
	dtb_cells(&B, "hcall-instructions", 5, SC1, PNOP, PNOP, PNOP, PNOP);
	EXPECT_ERR(run(PPC), -EINVAL, "hypervisor",
		   "must be 1 to 4 cells, not 20 bytes");
}

TEST(bad_hcall_instructions_garbage)
{
	EXPECT_ERR(epapr_run(ARM, 2, 0xdeadbeef, ANOP, 0, 0), -EOPNOTSUPP,
		   "hypervisor", "unrecognised instruction 0xdeadbeef");
	/* "sc 0" alone and "hvc #1" are not hvkit methods either. */
	EXPECT_ERR(epapr_run(PPC, 1, SC0, 0, 0, 0), -EOPNOTSUPP,
		   "hypervisor", "unrecognised instruction 0x44000002");
	EXPECT_ERR(epapr_run(ARM, 1, 0xd4000022, 0, 0, 0), -EOPNOTSUPP,
		   "hypervisor", "unrecognised instruction 0xd4000022");
	/* Little-endian "hvc #0" is garbage too. */
	EXPECT_ERR(epapr_run(ARM, 1, 0x020000d4, 0, 0, 0), -EOPNOTSUPP,
		   "hypervisor", "unrecognised instruction 0x020000d4");
}

TEST(bad_hcall_instructions_kvm_sc0_sequence)
{
	/* lis r0,0x4b56; ori r0,r0,0x4d52; sc 0; nop */
	EXPECT_ERR(epapr_run(PPC, 4, 0x3c004b56, 0x60004d52, SC0, PNOP),
		   -EOPNOTSUPP, "hypervisor", "KVM 'sc 0' paravirt sequence");
}

TEST(bad_hcall_instructions_sc1_then_not_nop)
{
	/* sc 1; blr */
	EXPECT_ERR(epapr_run(PPC, 2, SC1, 0x4e800020, 0, 0), -EOPNOTSUPP,
		   "hypervisor", "'sc1' followed by something other than nops");
	/* A nop of the other architecture does not count. */
	EXPECT_ERR(epapr_run(ARM, 3, HVC0, ANOP, PNOP, 0), -EOPNOTSUPP,
		   "hypervisor", "'hvc' followed by something other than nops");
}

TEST(bad_method_contradicts_hcall_instructions)
{
	hv_tree("hvc");
	dtb_cells(&B, "hcall-instructions", 2, SMC0, ANOP);
	EXPECT_ERR(run(ARM), -EINVAL, "hypervisor",
		   "method \"hvc\" contradicts hcall-instructions (smc)");

	hv_tree("sc1");
	dtb_cells(&B, "hcall-instructions", 1, HVC0);
	EXPECT_ERR(run(PPC), -EINVAL, "hypervisor",
		   "method \"sc1\" contradicts hcall-instructions (hvc)");
}

TEST(bad_neither_method_nor_hcall_instructions)
{
	EXPECT_ERR(hv_run(NULL, ARM), -EINVAL, "hypervisor",
		   "neither 'method' nor 'hcall-instructions' is present");
}

TEST(bad_abi_version_2)
{
	dtb_start(&B);
	dtb_begin(&B, "hypervisor");
	dtb_str(&B, "compatible", "hvkit,hypervisor-v2");
	dtb_str(&B, "method", "hvc");
	EXPECT_ERR(run(ARM), -EOPNOTSUPP, "hypervisor",
		   "unsupported hvkit ABI version 2");
	EXPECT_STREQ(cfg->hv_node_name, "hypervisor");
	/* The version is checked before anything else in the node. */
	EXPECT_ERR(COMPAT_RUN("hvkit,hypervisor-v9999"), -EOPNOTSUPP,
		   "hypervisor", "unsupported hvkit ABI version 9999");
}

TEST(bad_version_missing)
{
	EXPECT_ERR(COMPAT_RUN("hvkit,hypervisor-v"), -EINVAL, "hypervisor",
		   "malformed 'compatible'");
}

TEST(bad_version_not_a_number)
{
	EXPECT_ERR(COMPAT_RUN("hvkit,hypervisor-vX"), -EINVAL, "hypervisor",
		   "malformed 'compatible'");
	EXPECT_ERR(COMPAT_RUN("hvkit,hypervisor-v1a"), -EINVAL, "hypervisor",
		   "malformed 'compatible'");
	EXPECT_ERR(COMPAT_RUN("hvkit,hypervisor-v-1"), -EINVAL, "hypervisor",
		   "malformed 'compatible'");
}

TEST(bad_version_leading_zero)
{
	EXPECT_ERR(COMPAT_RUN("hvkit,hypervisor-v01"), -EINVAL, "hypervisor",
		   "malformed 'compatible'");
	EXPECT_ERR(COMPAT_RUN("hvkit,hypervisor-v0"), -EINVAL, "hypervisor",
		   "malformed 'compatible'");
}

TEST(bad_version_too_long)
{
	EXPECT_ERR(COMPAT_RUN("hvkit,hypervisor-v10000"), -EINVAL,
		   "hypervisor", "malformed 'compatible'");
	EXPECT_ERR(COMPAT_RUN("hvkit,hypervisor-v99999999999999999999"),
		   -EINVAL, "hypervisor", "malformed 'compatible'");
}

TEST(bad_compatible_unterminated)
{
	EXPECT_ERR(COMPAT_RUN_RAW("hvkit,hypervisor-v1"), -EINVAL,
		   "hypervisor", "malformed 'compatible'");
	EXPECT_ERR(COMPAT_RUN_RAW("acme,hv\0hvkit,hypervisor-v1"), -EINVAL,
		   "hypervisor", "malformed 'compatible'");
}

TEST(bad_address_cells_missing)
{
	dtb_start(&B);
	dtb_begin(&B, "hypervisor");
	dtb_str(&B, "compatible", "hvkit,hypervisor-v1");
	dtb_str(&B, "method", "hvc");
	dtb_u32(&B, "#size-cells", 0);
	dtb_dev(&B, "vty@0", 0, "serial", "hvterm1");
	EXPECT_ERR(run(ARM), -EINVAL, "hypervisor", "missing '#address-cells'");
}

TEST(bad_address_cells_wrong)
{
	dtb_start(&B);
	dtb_begin(&B, "hypervisor");
	dtb_str(&B, "compatible", "hvkit,hypervisor-v1");
	dtb_str(&B, "method", "hvc");
	dtb_u32(&B, "#address-cells", 2);
	dtb_u32(&B, "#size-cells", 0);
	dtb_dev(&B, "vty@0", 0, "serial", "hvterm1");
	EXPECT_ERR(run(ARM), -EINVAL, "hypervisor",
		   "'#address-cells' is 2, must be 1");
}

TEST(bad_address_cells_not_one_cell)
{
	dtb_start(&B);
	dtb_begin(&B, "hypervisor");
	dtb_str(&B, "compatible", "hvkit,hypervisor-v1");
	dtb_str(&B, "method", "hvc");
	dtb_cells(&B, "#address-cells", 2, 0, 1);
	dtb_u32(&B, "#size-cells", 0);
	dtb_dev(&B, "vty@0", 0, "serial", "hvterm1");
	EXPECT_ERR(run(ARM), -EINVAL, "hypervisor",
		   "'#address-cells' must be one cell");
}

TEST(bad_size_cells_missing)
{
	dtb_start(&B);
	dtb_begin(&B, "hypervisor");
	dtb_str(&B, "compatible", "hvkit,hypervisor-v1");
	dtb_str(&B, "method", "hvc");
	dtb_u32(&B, "#address-cells", 1);
	dtb_dev(&B, "vty@0", 0, "serial", "hvterm1");
	EXPECT_ERR(run(ARM), -EINVAL, "hypervisor", "missing '#size-cells'");
}

TEST(bad_size_cells_wrong)
{
	dtb_start(&B);
	dtb_begin(&B, "hypervisor");
	dtb_str(&B, "compatible", "hvkit,hypervisor-v1");
	dtb_str(&B, "method", "hvc");
	dtb_u32(&B, "#address-cells", 1);
	dtb_u32(&B, "#size-cells", 1);
	dtb_dev(&B, "vty@0", 0, "serial", "hvterm1");
	EXPECT_ERR(run(ARM), -EINVAL, "hypervisor",
		   "'#size-cells' is 1, must be 0");
}

/* ------------------------------------------------------------------------ */
/* Malformed children: skipped with a reason, never an error                */
/* ------------------------------------------------------------------------ */

TEST(child_missing_reg)
{
	hv_tree("hvc");
	dtb_begin(&B, "vty@30000000");
	dtb_str(&B, "device_type", "serial");
	dtb_str(&B, "compatible", "hvterm1");
	EXPECT_SKIP(run(ARM), "vty@30000000", "missing 'reg'");
	EXPECT_EQ(cfg->nr_children, 0);
}

TEST(child_reg_2_bytes)
{
	hv_tree("hvc");
	dtb_begin(&B, "vty@30000000");
	dtb_prop(&B, "reg", "\x30\x00", 2);
	dtb_str(&B, "device_type", "serial");
	dtb_str(&B, "compatible", "hvterm1");
	EXPECT_SKIP(run(ARM), "vty@30000000",
		    "'reg' must be exactly one cell (the unit address)");
}

TEST(child_reg_8_bytes)
{
	hv_tree("hvc");
	dtb_begin(&B, "vty@30000000");
	dtb_cells(&B, "reg", 2, 0x30000000, 0x1000);
	dtb_str(&B, "device_type", "serial");
	dtb_str(&B, "compatible", "hvterm1");
	EXPECT_SKIP(run(ARM), "vty@30000000",
		    "'reg' must be exactly one cell (the unit address)");
}

TEST(child_missing_device_type)
{
	hv_tree("hvc");
	dtb_begin(&B, "vty@30000000");
	dtb_u32(&B, "reg", 0x30000000);
	dtb_str(&B, "compatible", "hvterm1");
	EXPECT_SKIP(run(ARM), "vty@30000000", "missing 'device_type'");
}

TEST(child_device_type_not_a_string)
{
	hv_tree("hvc");
	dtb_begin(&B, "vty@30000000");
	dtb_u32(&B, "reg", 0x30000000);
	dtb_u32(&B, "device_type", 1);
	dtb_str(&B, "compatible", "hvterm1");
	EXPECT_SKIP(run(ARM), "vty@30000000",
		    "'device_type' is not a valid string");
}

TEST(child_device_type_string_list)
{
	hv_tree("hvc");
	dtb_begin(&B, "vty@30000000");
	dtb_u32(&B, "reg", 0x30000000);
	DTB_STRS(&B, "device_type", "serial\0network");
	dtb_str(&B, "compatible", "hvterm1");
	EXPECT_SKIP(run(ARM), "vty@30000000",
		    "'device_type' is not a valid string");
}

TEST(child_device_type_too_long)
{
	char type[HVK_DT_STR_MAX + 1];

	memset(type, 't', sizeof(type) - 1);
	type[sizeof(type) - 1] = '\0';
	hv_tree("hvc");
	dtb_dev(&B, "vty@30000000", 0x30000000, type, "hvterm1");
	EXPECT_SKIP(run(ARM), "vty@30000000",
		    "'device_type' is longer than 63 bytes");
}

TEST(child_missing_compatible)
{
	hv_tree("hvc");
	dtb_dev(&B, "vty@30000000", 0x30000000, "serial", NULL);
	EXPECT_SKIP(run(ARM), "vty@30000000", "missing 'compatible'");
}

TEST(child_compatible_unterminated)
{
	hv_tree("hvc");
	dtb_begin(&B, "vty@30000000");
	dtb_u32(&B, "reg", 0x30000000);
	dtb_str(&B, "device_type", "serial");
	DTB_RAW(&B, "compatible", "hvterm1");
	EXPECT_SKIP(run(ARM), "vty@30000000",
		    "'compatible' is not a valid string");
}

TEST(child_compatible_list_unterminated)
{
	hv_tree("hvc");
	dtb_begin(&B, "vty@30000000");
	dtb_u32(&B, "reg", 0x30000000);
	dtb_str(&B, "device_type", "serial");
	DTB_RAW(&B, "compatible", "hvterm1\0hvterm-protocol");
	EXPECT_SKIP(run(ARM), "vty@30000000",
		    "'compatible' is not a valid string");
}

TEST(child_compatible_empty_first_string)
{
	hv_tree("hvc");
	dtb_begin(&B, "vty@30000000");
	dtb_u32(&B, "reg", 0x30000000);
	dtb_str(&B, "device_type", "serial");
	DTB_STRS(&B, "compatible", "\0hvterm1");
	EXPECT_SKIP(run(ARM), "vty@30000000",
		    "'compatible' is not a valid string");
}

TEST(child_compatible_too_long)
{
	char compat[HVK_DT_STR_MAX + 1];

	/* 63 characters fit, with the NUL... */
	memset(compat, 'c', sizeof(compat) - 1);
	compat[HVK_DT_STR_MAX - 1] = '\0';
	hv_tree("hvc");
	dtb_dev(&B, "vty@30000000", 0x30000000, "serial", compat);
	EXPECT_HVKIT(run(ARM), HVK_METHOD_HVC);
	EXPECT_EQ(strlen(cfg->children[0].compatible), HVK_DT_STR_MAX - 1);

	/* ...64 do not. */
	compat[HVK_DT_STR_MAX - 1] = 'c';
	compat[HVK_DT_STR_MAX] = '\0';
	hv_tree("hvc");
	dtb_dev(&B, "vty@30000000", 0x30000000, "serial", compat);
	EXPECT_SKIP(run(ARM), "vty@30000000",
		    "'compatible' is longer than 63 bytes");
}

TEST(child_interrupts_6_bytes)
{
	hv_tree("hvc");
	dtb_begin(&B, "vty@30000000");
	dtb_u32(&B, "reg", 0x30000000);
	dtb_str(&B, "device_type", "serial");
	dtb_str(&B, "compatible", "hvterm1");
	dtb_prop(&B, "interrupts", "\0\0\0\x05\0\0", 6);
	EXPECT_SKIP(run(ARM), "vty@30000000",
		    "'interrupts' is not a whole number of cells");
}

TEST(child_interrupts_empty)
{
	hv_tree("hvc");
	dtb_begin(&B, "vty@30000000");
	dtb_u32(&B, "reg", 0x30000000);
	dtb_str(&B, "device_type", "serial");
	dtb_str(&B, "compatible", "hvterm1");
	dtb_empty(&B, "interrupts");
	EXPECT_SKIP(run(ARM), "vty@30000000",
		    "'interrupts' is not a whole number of cells");
}

TEST(child_duplicate_unit_address)
{
	hv_tree("hvc");
	dtb_dev(&B, "vty@30000000", 0x30000000, "serial", "hvterm1");
	dtb_dev(&B, "l-lan@1", 1, "network", "IBM,l-lan");
	/* The unit address comes from reg, whatever the node name says. */
	dtb_dev(&B, "v-scsi@2", 0x30000000, "vscsi", "IBM,v-scsi");
	EXPECT_SKIP(run(ARM), "v-scsi@2",
		    "duplicate unit address 0x30000000 (already used by vty@30000000)");
	EXPECT_EQ(cfg->nr_children, 2);
	EXPECT_CHILD(0, "vty@30000000", 0x30000000, "serial", "hvterm1", false);
	EXPECT_CHILD(1, "l-lan@1", 1, "network", "IBM,l-lan", false);
}

TEST(child_duplicate_of_a_skipped_child_is_kept)
{
	hv_tree("hvc");
	dtb_begin(&B, "vty@30000000");
	dtb_u32(&B, "reg", 0x30000000);
	dtb_end(&B);
	dtb_dev(&B, "serial@30000000", 0x30000000, "serial", "hvterm1");
	EXPECT_SKIP(run(ARM), "vty@30000000", "missing 'device_type'");
	EXPECT_EQ(cfg->nr_children, 1);
	EXPECT_CHILD(0, "serial@30000000", 0x30000000, "serial", "hvterm1",
		     false);
}

TEST(child_more_than_max_children)
{
	char name[32];
	int i;

	hv_tree("hvc");
	for (i = 0; i <= HVK_DT_MAX_CHILDREN; i++) {
		snprintf(name, sizeof(name), "vty@%x", i);
		dtb_dev(&B, name, i, "serial", "hvterm1");
	}
	EXPECT_SKIP(run(ARM), "vty@40", "more than 64 devices");
	EXPECT_EQ(cfg->nr_children, HVK_DT_MAX_CHILDREN);
}

TEST(skipped_count_beyond_max_skipped)
{
	const unsigned int bad = 3 * HVK_DT_MAX_SKIPPED + 5;
	char name[32];
	unsigned int i;

	hv_tree("hvc");
	for (i = 0; i < bad; i++) {
		snprintf(name, sizeof(name), "bad@%x", i);
		dtb_begin(&B, name);
		dtb_str(&B, "device_type", "serial");
		dtb_end(&B);
	}
	/* A good child after all of them is still found. */
	dtb_dev(&B, "vty@30000000", 0x30000000, "serial", "hvterm1");
	ASSERT_TRUE(EXPECT_OK(run(ARM)));
	EXPECT_EQ(cfg->nr_skipped, bad);
	EXPECT_EQ(cfg->nr_children, 1);
	EXPECT_CHILD(0, "vty@30000000", 0x30000000, "serial", "hvterm1", false);
	for (i = 0; i < HVK_DT_MAX_SKIPPED; i++) {
		snprintf(name, sizeof(name), "bad@%x", i);
		EXPECT_STREQ(cfg->skipped[i].node, name);
		EXPECT_STREQ(cfg->skipped[i].why, "missing 'reg'");
	}
	/* What follows skipped[] in the struct is intact. */
	EXPECT_STREQ(cfg->err_node, "");
	EXPECT_STREQ(cfg->err_why, "");
}

int main(int argc, char **argv)
{
	int ret = ktest_main(argc, argv);

	hvk_fdt_reader_release(&reader);
	free(cfg);
	return ret;
}
