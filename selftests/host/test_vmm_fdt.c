// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host unit tests of hvkit-vmm's guest device tree (tools/hvkit-vmm/
 * fdt_gen.c), read back by the guest's own parser (hypercall/hvk_dt.c,
 * through libfdt) as hv_vio reads it at load: the method, the ABI version
 * and every device must come through, the psci conduit must match.
 *
 * With HVKIT_DTB_OUT=DIR the trees are also written there (hvc.dtb,
 * smc.dtb), for scripts/dt-binding-check.sh to validate against the
 * binding with dt-schema.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "fdt_gen.h"
#include "fdt_reader.h"
#include "hvk_dt.h"
#include "ktest.h"

static uint64_t blob[8192];

static void example(struct hvm_fdt_spec *s, enum hvk_method method)
{
	static const struct hvm_device_spec devs[] = {
		{ .kind = HVM_DEV_VTY, .unit = 0x30000000, .spi = 16 },
		{ .kind = HVM_DEV_VTY, .unit = 0x30000001, .spi = 17 },
		{ .kind = HVM_DEV_LLAN, .unit = 0x30000002, .spi = 18,
		  .mac = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 } },
		{ .kind = HVM_DEV_VSCSI, .unit = 0x30000003, .spi = 19 },
		{ .kind = HVM_DEV_VTY, .unit = 0x30000004 },
	};

	memset(s, 0, sizeof(*s));
	*s = (struct hvm_fdt_spec) {
		.method = method,
		.ram_base = 0x40000000, .ram_size = 256 << 20,
		.nr_cpus = 2, .cpu_reg = { 0, 1 },
		.gicd_base = 0x08000000, .gicd_size = 0x10000,
		.gicr_base = 0x080a0000, .gicr_size = 2 * 0x20000,
		.uart_base = 0x09000000, .uart_spi = 1,
		.initrd_start = 0x48000000, .initrd_end = 0x48100000,
		.bootargs = "console=ttyAMA0",
		.nr_devices = ARRAY_SIZE(devs),
	};
	memcpy(s->devices, devs, sizeof(devs));
}

static void save(const char *name, const void *fdt, int size)
{
	const char *dir = getenv("HVKIT_DTB_OUT");
	char path[512];
	FILE *f;

	if (!dir)
		return;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!EXPECT_TRUE(f))
		return;
	EXPECT_EQ(fwrite(fdt, 1, size, f), (size_t)size);
	EXPECT_EQ(fclose(f), 0);
}

static const char *str_prop(const void *fdt, const char *path, const char *name)
{
	int node = fdt_path_offset(fdt, path);

	return node < 0 ? NULL : fdt_getprop(fdt, node, name, NULL);
}

static void read_back(enum hvk_method method, const char *file)
{
	static const char *const want_type[] = { "serial", "serial", "network",
						 "vscsi", "serial" };
	struct hvk_fdt_reader r = { 0 };
	struct hvk_dt_config *cfg = malloc(sizeof(*cfg));
	struct hvm_fdt_spec s;
	char why[128] = "";
	unsigned int i;
	int size;

	ASSERT_TRUE(cfg);
	example(&s, method);
	size = hvm_fdt_build(&s, blob, sizeof(blob), why, sizeof(why));
	if (!EXPECT_TRUE(size > 0)) {
		ktest_diag("%s", why);
		free(cfg);
		return;
	}
	ASSERT_EQ(hvk_fdt_reader_init(&r, blob, size), 0);
	EXPECT_EQ(hvk_dt_select(&hvk_fdt_ops, &r, HVK_ARCH_ARM64, cfg), 0);
	EXPECT_EQ(cfg->method, method);
	EXPECT_EQ(cfg->backend, HVK_BACKEND_DT);
	EXPECT_EQ(cfg->abi_version, 1);
	EXPECT_EQ(cfg->nr_skipped, 0);
	EXPECT_EQ(cfg->nr_children, s.nr_devices);
	for (i = 0; i < cfg->nr_children && i < s.nr_devices; i++) {
		EXPECT_EQ(cfg->children[i].unit_address, s.devices[i].unit);
		EXPECT_STREQ(cfg->children[i].type, want_type[i]);
		EXPECT_EQ(cfg->children[i].has_interrupts, s.devices[i].spi != 0);
	}
	/* hv_vio refuses "hvc" unless PSCI comes by the same conduit. */
	EXPECT_STREQ(str_prop(blob, "/psci", "method"), str_prop(blob, "/hypervisor", "method"));
	EXPECT_STREQ(str_prop(blob, "/chosen", "stdout-path"), "/pl011@9000000");
	EXPECT_TRUE(fdt_path_offset(blob, "/pl011@9000000") >= 0);
	save(file, blob, size);
	hvk_fdt_reader_release(&r);
	free(cfg);
}

TEST(hvc_tree_reads_back_through_the_guest_parser)
{
	read_back(HVK_METHOD_HVC, "hvc.dtb");
}

TEST(smc_tree_reads_back_through_the_guest_parser)
{
	read_back(HVK_METHOD_SMC, "smc.dtb");
}

/* @n cpus with the MPIDR affinities @regs: every cpu node as the kernel reads it. */
static void cpus_check(unsigned int n, const uint32_t *regs)
{
	struct hvm_fdt_spec s;
	char why[128] = "", path[32];
	const fdt32_t *cell, *gic;
	unsigned int i, found = 0;
	int node, cpus, len;

	example(&s, HVK_METHOD_SMC);
	s.nr_cpus = n;
	memcpy(s.cpu_reg, regs, n * sizeof(*regs));
	s.gicr_size = (uint64_t)n * HVM_GICR_FRAME_SIZE;
	if (!EXPECT_TRUE(hvm_fdt_build(&s, blob, sizeof(blob), why, sizeof(why)) > 0)) {
		ktest_diag("%s", why);
		return;
	}
	cpus = fdt_path_offset(blob, "/cpus");
	ASSERT_TRUE(cpus >= 0);
	cell = fdt_getprop(blob, cpus, "#address-cells", &len);
	ASSERT_TRUE(cell && len == 4);
	EXPECT_EQ(fdt32_to_cpu(*cell), 1);
	fdt_for_each_subnode(node, blob, cpus)
		found++;
	EXPECT_EQ(found, n);
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "/cpus/cpu@%x", regs[i]);
		node = fdt_path_offset(blob, path);
		if (!EXPECT_TRUE(node >= 0)) {
			ktest_diag("no %s", path);
			continue;
		}
		cell = fdt_getprop(blob, node, "reg", &len);
		EXPECT_TRUE(cell && len == 4);
		if (cell)
			EXPECT_EQ(fdt32_to_cpu(*cell), regs[i]);
		EXPECT_STREQ(str_prop(blob, path, "device_type"), "cpu");
		EXPECT_STREQ(str_prop(blob, path, "enable-method"), "psci");
	}
	/* PSCI on the hcall conduit; the redistributors: one frame pair per cpu. */
	EXPECT_STREQ(str_prop(blob, "/psci", "method"), "smc");
	gic = fdt_getprop(blob, fdt_path_offset(blob, "/intc@8000000"), "reg", &len);
	ASSERT_TRUE(gic && len == 32);
	EXPECT_EQ(((uint64_t)fdt32_to_cpu(gic[4]) << 32) | fdt32_to_cpu(gic[5]), s.gicr_base);
	EXPECT_EQ(((uint64_t)fdt32_to_cpu(gic[6]) << 32) | fdt32_to_cpu(gic[7]),
		  (uint64_t)n * HVM_GICR_FRAME_SIZE);
}

TEST(one_cpu)
{
	static const uint32_t regs[] = { 0 };

	cpus_check(1, regs);
}

TEST(four_cpus_reg_from_mpidr)
{
	static const uint32_t regs[] = { 0, 1, 2, 3 };
	/* The reg is whatever MPIDR KVM gave, not the index. */
	static const uint32_t other[] = { 0x000, 0x001, 0x100, 0x10101 };

	cpus_check(4, regs);
	cpus_check(4, other);
}

TEST(eight_cpus)
{
	static const uint32_t regs[] = { 0, 1, 2, 3, 4, 5, 6, 7 };

	cpus_check(8, regs);
}

TEST(mac_and_initrd_are_where_the_kernel_looks)
{
	struct hvm_fdt_spec s;
	char why[128];
	const uint8_t *mac;
	const void *end;
	fdt64_t v;
	int len, node;

	example(&s, HVK_METHOD_HVC);
	ASSERT_TRUE(hvm_fdt_build(&s, blob, sizeof(blob), why, sizeof(why)) > 0);
	node = fdt_path_offset(blob, "/hypervisor/l-lan@30000002");
	ASSERT_TRUE(node >= 0);
	mac = fdt_getprop(blob, node, "local-mac-address", &len);
	EXPECT_EQ(len, 6);
	EXPECT_TRUE(mac && !memcmp(mac, s.devices[2].mac, 6));
	node = fdt_path_offset(blob, "/chosen");
	/* One cell below 4 GiB (dt-schema wants that), two above. */
	end = fdt_getprop(blob, node, "linux,initrd-end", &len);
	ASSERT_TRUE(end && len == 4);
	EXPECT_EQ(fdt32_ld(end), s.initrd_end);
	s.initrd_start = 0x100000000ull;
	s.initrd_end = 0x100100000ull;
	ASSERT_TRUE(hvm_fdt_build(&s, blob, sizeof(blob), why, sizeof(why)) > 0);
	node = fdt_path_offset(blob, "/chosen");
	end = fdt_getprop(blob, node, "linux,initrd-end", &len);
	ASSERT_TRUE(end && len == 8);
	memcpy(&v, end, sizeof(v));
	EXPECT_EQ(fdt64_to_cpu(v), s.initrd_end);
}

/* @s with an ITS and every hvkit device on it, DeviceID = its index. */
static void example_msi(struct hvm_fdt_spec *s)
{
	unsigned int i;

	example(s, HVK_METHOD_HVC);
	s->its_base = 0x08080000;
	for (i = 0; i < s->nr_devices; i++) {
		s->devices[i].msi = true;
		s->devices[i].devid = i;
	}
}

static uint32_t cell(const void *fdt, int node, const char *name, int at, int *len)
{
	const fdt32_t *p = fdt_getprop(fdt, node, name, len);

	return p && *len >= (at + 1) * 4 ? fdt32_to_cpu(p[at]) : 0xdeadbeef;
}

TEST(msi_tree_has_the_its_and_each_device_its_msi_parent)
{
	struct hvm_fdt_spec s;
	char why[128] = "", path[64];
	const fdt64_t *reg;
	uint32_t its_phandle;
	unsigned int i;
	int gic, its, node, len;

	example_msi(&s);
	if (!EXPECT_TRUE(hvm_fdt_build(&s, blob, sizeof(blob), why, sizeof(why)) > 0)) {
		ktest_diag("%s", why);
		return;
	}
	gic = fdt_path_offset(blob, "/intc@8000000");
	ASSERT_TRUE(gic >= 0);
	EXPECT_EQ(cell(blob, gic, "#address-cells", 0, &len), 2);
	EXPECT_EQ(cell(blob, gic, "#size-cells", 0, &len), 2);
	EXPECT_TRUE(fdt_getprop(blob, gic, "ranges", &len) && len == 0);
	its = fdt_path_offset(blob, "/intc@8000000/its@8080000");
	ASSERT_TRUE(its >= 0);
	EXPECT_STREQ(fdt_getprop(blob, its, "compatible", NULL), "arm,gic-v3-its");
	EXPECT_TRUE(fdt_getprop(blob, its, "msi-controller", &len) && len == 0);
	EXPECT_EQ(cell(blob, its, "#msi-cells", 0, &len), 1);
	reg = fdt_getprop(blob, its, "reg", &len);
	ASSERT_TRUE(reg && len == 16);
	EXPECT_EQ(fdt64_to_cpu(reg[0]), 0x08080000);
	EXPECT_EQ(fdt64_to_cpu(reg[1]), 0x20000);
	its_phandle = fdt_get_phandle(blob, its);
	EXPECT_TRUE(its_phandle && its_phandle != 0xffffffff);
	EXPECT_TRUE(fdt_node_offset_by_phandle(blob, its_phandle) == its);
	for (i = 0; i < s.nr_devices; i++) {
		static const char *const base[] = { "vty", "l-lan", "v-scsi" };

		snprintf(path, sizeof(path), "/hypervisor/%s@%x", base[s.devices[i].kind],
			 s.devices[i].unit);
		node = fdt_path_offset(blob, path);
		if (!EXPECT_TRUE(node >= 0)) {
			ktest_diag("no %s", path);
			continue;
		}
		EXPECT_EQ(cell(blob, node, "msi-parent", 0, &len), its_phandle);
		EXPECT_EQ(len, 8);
		EXPECT_EQ(cell(blob, node, "msi-parent", 1, &len), i);
		EXPECT_TRUE(!fdt_getprop(blob, node, "interrupts", NULL));
	}
	/* The PL011 keeps its wired SPI. */
	node = fdt_path_offset(blob, "/pl011@9000000");
	EXPECT_EQ(cell(blob, node, "interrupts", 1, &len), 1);
}

TEST(msi_tree_reads_back_through_the_guest_parser)
{
	struct hvk_fdt_reader r = { 0 };
	struct hvk_dt_config *cfg = malloc(sizeof(*cfg));
	struct hvm_fdt_spec s;
	char why[128] = "";
	unsigned int i;
	int size;

	ASSERT_TRUE(cfg);
	example_msi(&s);
	size = hvm_fdt_build(&s, blob, sizeof(blob), why, sizeof(why));
	if (!EXPECT_TRUE(size > 0) || !EXPECT_EQ(hvk_fdt_reader_init(&r, blob, size), 0)) {
		free(cfg);
		return;
	}
	EXPECT_EQ(hvk_dt_select(&hvk_fdt_ops, &r, HVK_ARCH_ARM64, cfg), 0);
	EXPECT_EQ(cfg->nr_skipped, 0);
	EXPECT_EQ(cfg->nr_children, s.nr_devices);
	for (i = 0; i < cfg->nr_children && i < s.nr_devices; i++) {
		EXPECT_EQ(cfg->children[i].unit_address, s.devices[i].unit);
		EXPECT_TRUE(!cfg->children[i].has_interrupts);
	}
	hvk_fdt_reader_release(&r);
	free(cfg);
}

TEST(a_wired_tree_has_no_its)
{
	struct hvm_fdt_spec s;
	char why[128];
	int len;

	example(&s, HVK_METHOD_HVC);
	ASSERT_TRUE(hvm_fdt_build(&s, blob, sizeof(blob), why, sizeof(why)) > 0);
	EXPECT_TRUE(fdt_path_offset(blob, "/intc@8000000/its@8080000") < 0);
	EXPECT_TRUE(!fdt_getprop(blob, fdt_path_offset(blob, "/intc@8000000"), "ranges", &len));
	EXPECT_TRUE(!fdt_getprop(blob, fdt_path_offset(blob, "/hypervisor/vty@30000000"),
				 "msi-parent", &len));
}

TEST(msi_specs_the_guest_could_not_use_are_refused)
{
	struct hvm_fdt_spec s;
	char why[128];

	example_msi(&s);
	s.its_base = 0;
	EXPECT_EQ(hvm_fdt_build(&s, blob, sizeof(blob), why, sizeof(why)), -1);
	EXPECT_CONTAINS(why, "without an ITS");
	example_msi(&s);
	s.its_base = 0x08081000;
	EXPECT_EQ(hvm_fdt_build(&s, blob, sizeof(blob), why, sizeof(why)), -1);
	EXPECT_CONTAINS(why, "64 KiB");
	example_msi(&s);
	s.its_base = 0x080b0000;	/* in the redistributors */
	EXPECT_EQ(hvm_fdt_build(&s, blob, sizeof(blob), why, sizeof(why)), -1);
	EXPECT_CONTAINS(why, "overlaps");
	example_msi(&s);
	s.its_base = 0x07ff0000;	/* runs into the distributor */
	EXPECT_EQ(hvm_fdt_build(&s, blob, sizeof(blob), why, sizeof(why)), -1);
	EXPECT_CONTAINS(why, "overlaps");
	example_msi(&s);
	s.devices[3].devid = s.devices[1].devid;
	EXPECT_EQ(hvm_fdt_build(&s, blob, sizeof(blob), why, sizeof(why)), -1);
	EXPECT_CONTAINS(why, "one DeviceID");
	example_msi(&s);
	s.devices[2].devid = 0x10000;
	EXPECT_EQ(hvm_fdt_build(&s, blob, sizeof(blob), why, sizeof(why)), -1);
	EXPECT_CONTAINS(why, "16 bits");
	example_msi(&s);
	s.devices[2].devid = 0xffff;
	EXPECT_TRUE(hvm_fdt_build(&s, blob, sizeof(blob), why, sizeof(why)) > 0);
}

TEST(specs_the_guest_would_refuse_are_refused)
{
	struct hvm_fdt_spec s;
	char why[128];

	example(&s, HVK_METHOD_SC1);
	EXPECT_EQ(hvm_fdt_build(&s, blob, sizeof(blob), why, sizeof(why)), -1);
	EXPECT_CONTAINS(why, "hvc or smc");
	example(&s, HVK_METHOD_HVC);
	s.devices[4].unit = s.devices[0].unit;
	EXPECT_EQ(hvm_fdt_build(&s, blob, sizeof(blob), why, sizeof(why)), -1);
	EXPECT_CONTAINS(why, "one unit address");
	example(&s, HVK_METHOD_HVC);
	s.nr_cpus = 0;
	EXPECT_EQ(hvm_fdt_build(&s, blob, sizeof(blob), why, sizeof(why)), -1);
	s.nr_cpus = HVM_MAX_CPUS + 1;
	EXPECT_EQ(hvm_fdt_build(&s, blob, sizeof(blob), why, sizeof(why)), -1);
	EXPECT_CONTAINS(why, "cpu count");
	example(&s, HVK_METHOD_HVC);
	s.cpu_reg[1] = 0;
	EXPECT_EQ(hvm_fdt_build(&s, blob, sizeof(blob), why, sizeof(why)), -1);
	EXPECT_CONTAINS(why, "one MPIDR");
	example(&s, HVK_METHOD_HVC);
	s.cpu_reg[1] = 0x1000000;	/* Aff3 needs two address cells */
	EXPECT_EQ(hvm_fdt_build(&s, blob, sizeof(blob), why, sizeof(why)), -1);
	EXPECT_CONTAINS(why, "Aff2..Aff0");
	example(&s, HVK_METHOD_HVC);
	s.gicr_size = HVM_GICR_FRAME_SIZE;	/* two cpus, one frame pair */
	EXPECT_EQ(hvm_fdt_build(&s, blob, sizeof(blob), why, sizeof(why)), -1);
	EXPECT_CONTAINS(why, "redistributor");
	/* No room: libfdt's error, not a truncated tree. */
	example(&s, HVK_METHOD_HVC);
	EXPECT_EQ(hvm_fdt_build(&s, blob, 256, why, sizeof(why)), -1);
	EXPECT_CONTAINS(why, "device tree:");
}

int main(int argc, char **argv)
{
	return ktest_main(argc, argv);
}
