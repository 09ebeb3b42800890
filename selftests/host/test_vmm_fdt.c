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
		.nr_cpus = 2,
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
	/* No room: libfdt's error, not a truncated tree. */
	example(&s, HVK_METHOD_HVC);
	EXPECT_EQ(hvm_fdt_build(&s, blob, 256, why, sizeof(why)), -1);
	EXPECT_CONTAINS(why, "device tree:");
}

int main(int argc, char **argv)
{
	return ktest_main(argc, argv);
}
