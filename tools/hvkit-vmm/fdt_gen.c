// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvkit-vmm's guest device tree; see fdt_gen.h. The layout follows what
 * the arm64 kernel expects of a KVM guest (QEMU's virt machine is the
 * model): two address and size cells at the root, PSCI 1.0 on the same
 * conduit as the hcalls (hv_vio refuses "hvc" when the firmware conduit
 * is not HVC), GIC interrupt specifiers of three cells.
 */
#include <stdio.h>
#include <string.h>

#include <libfdt.h>

#include "fdt_gen.h"

#define GIC_PHANDLE	1
#define CLK_PHANDLE	2
#define ITS_PHANDLE	3
/* GIC interrupt specifier: type, number, flags. */
#define GIC_SPI		0
#define GIC_PPI		1
#define IRQ_EDGE_RISING	1
#define IRQ_LEVEL_HIGH	4
/* Arch timer PPIs: secure, non-secure, virtual, hypervisor. */
static const uint32_t timer_ppis[] = { 13, 14, 11, 10 };

struct gen {
	void *fdt;
	int err;	/* the first libfdt error */
};

/* Each writer records the first failure; later calls do nothing. */
static void check(struct gen *g, int err)
{
	if (err && !g->err)
		g->err = err;
}

static void begin(struct gen *g, const char *name)
{
	if (!g->err)
		check(g, fdt_begin_node(g->fdt, name));
}

static void end(struct gen *g)
{
	if (!g->err)
		check(g, fdt_end_node(g->fdt));
}

static void prop(struct gen *g, const char *name, const void *val, int len)
{
	if (!g->err)
		check(g, fdt_property(g->fdt, name, val, len));
}

static void prop_str(struct gen *g, const char *name, const char *s)
{
	prop(g, name, s, (int)strlen(s) + 1);
}

static void prop_u32(struct gen *g, const char *name, uint32_t v)
{
	fdt32_t c = cpu_to_fdt32(v);

	prop(g, name, &c, sizeof(c));
}

static void prop_cells(struct gen *g, const char *name, const uint32_t *v,
		       unsigned int n)
{
	fdt32_t c[16];
	unsigned int i;

	for (i = 0; i < n && i < 16; i++)
		c[i] = cpu_to_fdt32(v[i]);
	prop(g, name, c, (int)(i * sizeof(c[0])));
}

/* A reg of (address, size) pairs in two cells each. */
static void prop_reg64(struct gen *g, const uint64_t *pairs, unsigned int n)
{
	uint32_t cells[8];
	unsigned int i;

	for (i = 0; i < 2 * n && i < 4; i++) {
		cells[2 * i] = (uint32_t)(pairs[i] >> 32);
		cells[2 * i + 1] = (uint32_t)pairs[i];
	}
	prop_cells(g, "reg", cells, 2 * i);
}

static void node_name(char *buf, size_t len, const char *base, uint64_t addr)
{
	snprintf(buf, len, "%s@%llx", base, (unsigned long long)addr);
}

static const char *method_name(enum hvk_method m)
{
	return m == HVK_METHOD_SMC ? "smc" : "hvc";
}

static void write_cpus(struct gen *g, const struct hvm_fdt_spec *s)
{
	char name[32];
	unsigned int i;

	begin(g, "cpus");
	prop_u32(g, "#address-cells", 1);
	prop_u32(g, "#size-cells", 0);
	for (i = 0; i < s->nr_cpus; i++) {
		node_name(name, sizeof(name), "cpu", s->cpu_reg[i]);
		begin(g, name);
		prop_str(g, "device_type", "cpu");
		prop_str(g, "compatible", "arm,arm-v8");
		/* The boot cpu too: the kernel brings up the others by PSCI CPU_ON. */
		prop_str(g, "enable-method", "psci");
		prop_u32(g, "reg", s->cpu_reg[i]);
		end(g);
	}
	end(g);
	begin(g, "psci");
	prop_str(g, "compatible", "arm,psci-1.0");
	prop_str(g, "method", method_name(s->method));
	end(g);
}

static void write_gic_timer(struct gen *g, const struct hvm_fdt_spec *s)
{
	const uint64_t reg[] = { s->gicd_base, s->gicd_size, s->gicr_base, s->gicr_size };
	uint32_t irqs[12];
	char name[48];
	unsigned int i;

	node_name(name, sizeof(name), "intc", s->gicd_base);
	begin(g, name);
	prop_str(g, "compatible", "arm,gic-v3");
	prop_u32(g, "#interrupt-cells", 3);
	prop(g, "interrupt-controller", NULL, 0);
	prop_reg64(g, reg, 2);
	prop_u32(g, "phandle", GIC_PHANDLE);
	if (s->its_base) {
		const uint64_t its_reg[] = { s->its_base, HVM_ITS_SIZE };

		/* The ITS's reg in the root's cells: an empty ranges maps them 1:1. */
		prop_u32(g, "#address-cells", 2);
		prop_u32(g, "#size-cells", 2);
		prop(g, "ranges", NULL, 0);
		node_name(name, sizeof(name), "its", s->its_base);
		begin(g, name);
		prop_str(g, "compatible", "arm,gic-v3-its");
		prop(g, "msi-controller", NULL, 0);
		prop_u32(g, "#msi-cells", 1);
		prop_reg64(g, its_reg, 1);
		prop_u32(g, "phandle", ITS_PHANDLE);
		end(g);
	}
	end(g);

	begin(g, "timer");
	prop_str(g, "compatible", "arm,armv8-timer");
	for (i = 0; i < 4; i++) {
		irqs[3 * i] = GIC_PPI;
		irqs[3 * i + 1] = timer_ppis[i];
		irqs[3 * i + 2] = IRQ_LEVEL_HIGH;
	}
	prop_cells(g, "interrupts", irqs, 12);
	prop(g, "always-on", NULL, 0);
	end(g);
}

static void write_uart(struct gen *g, const struct hvm_fdt_spec *s)
{
	const uint64_t reg[] = { s->uart_base, 0x1000 };
	const uint32_t irq[] = { GIC_SPI, s->uart_spi, IRQ_LEVEL_HIGH };
	const uint32_t clocks[] = { CLK_PHANDLE, CLK_PHANDLE };
	static const char compat[] = "arm,pl011\0arm,primecell";
	static const char clock_names[] = "uartclk\0apb_pclk";
	char name[48];

	begin(g, "apb-pclk");
	prop_str(g, "compatible", "fixed-clock");
	prop_u32(g, "#clock-cells", 0);
	prop_u32(g, "clock-frequency", 24000000);
	prop_u32(g, "phandle", CLK_PHANDLE);
	end(g);

	node_name(name, sizeof(name), "pl011", s->uart_base);
	begin(g, name);
	prop(g, "compatible", compat, sizeof(compat));
	prop_reg64(g, reg, 1);
	prop_cells(g, "interrupts", irq, 3);
	prop_cells(g, "clocks", clocks, 2);
	prop(g, "clock-names", clock_names, sizeof(clock_names));
	end(g);
}

static void write_chosen(struct gen *g, const struct hvm_fdt_spec *s)
{
	char path[48];
	fdt64_t v;

	snprintf(path, sizeof(path), "/pl011@%llx", (unsigned long long)s->uart_base);
	begin(g, "chosen");
	prop_str(g, "stdout-path", path);
	if (s->bootargs)
		prop_str(g, "bootargs", s->bootargs);
	/*
	 * The kernel reads one or two cells; dt-schema's chosen.yaml knows
	 * only one, so two only when the initrd ends above 4 GiB.
	 */
	if (s->initrd_end > s->initrd_start && s->initrd_end <= UINT32_MAX) {
		prop_u32(g, "linux,initrd-start", (uint32_t)s->initrd_start);
		prop_u32(g, "linux,initrd-end", (uint32_t)s->initrd_end);
	} else if (s->initrd_end > s->initrd_start) {
		v = cpu_to_fdt64(s->initrd_start);
		prop(g, "linux,initrd-start", &v, sizeof(v));
		v = cpu_to_fdt64(s->initrd_end);
		prop(g, "linux,initrd-end", &v, sizeof(v));
	}
	end(g);
}

static void write_device(struct gen *g, const struct hvm_device_spec *d)
{
	static const char *const base[] = { "vty", "l-lan", "v-scsi" };
	static const char *const type[] = { "serial", "network", "vscsi" };
	static const char *const compat[] = { "hvterm1", "IBM,l-lan", "IBM,v-scsi" };
	const uint32_t irq[] = { GIC_SPI, d->spi, IRQ_EDGE_RISING };
	const uint32_t msi_parent[] = { ITS_PHANDLE, d->devid };
	char name[32];

	node_name(name, sizeof(name), base[d->kind], d->unit);
	begin(g, name);
	prop_str(g, "compatible", compat[d->kind]);
	prop_str(g, "device_type", type[d->kind]);
	prop_u32(g, "reg", d->unit);
	if (d->msi)
		prop_cells(g, "msi-parent", msi_parent, 2);
	else if (d->spi)
		prop_cells(g, "interrupts", irq, 3);
	if (d->kind == HVM_DEV_LLAN)
		prop(g, "local-mac-address", d->mac, 6);
	end(g);
}

static void write_hypervisor(struct gen *g, const struct hvm_fdt_spec *s)
{
	unsigned int i;

	begin(g, "hypervisor");
	prop_str(g, "compatible", "hvkit,hypervisor-v1");
	prop_str(g, "method", method_name(s->method));
	prop_u32(g, "#address-cells", 1);
	prop_u32(g, "#size-cells", 0);
	for (i = 0; i < s->nr_devices; i++)
		write_device(g, &s->devices[i]);
	end(g);
}

static bool overlap(uint64_t a, uint64_t a_size, uint64_t b, uint64_t b_size)
{
	return a < b + b_size && b < a + a_size;
}

/* What the guest would refuse or the tree could not say. */
static const char *spec_problem(const struct hvm_fdt_spec *s)
{
	unsigned int i, j;

	if (s->method != HVK_METHOD_HVC && s->method != HVK_METHOD_SMC)
		return "method must be hvc or smc on arm64";
	if (!s->nr_cpus || s->nr_cpus > HVM_MAX_CPUS)
		return "cpu count out of range";
	for (i = 0; i < s->nr_cpus; i++) {
		if (s->cpu_reg[i] & ~HVM_MPIDR_AFF_MASK)
			return "cpu reg outside MPIDR Aff2..Aff0";
		for (j = 0; j < i; j++)
			if (s->cpu_reg[j] == s->cpu_reg[i])
				return "two cpus with one MPIDR";
	}
	if (s->gicr_size / HVM_GICR_FRAME_SIZE < s->nr_cpus)
		return "GIC redistributor region too small for the cpus";
	if (!s->ram_size)
		return "no guest memory";
	if (s->nr_devices > HVM_MAX_DEVICES)
		return "too many devices";
	if (s->its_base % HVM_ITS_ALIGN)
		return "ITS base not 64 KiB aligned";
	if (s->its_base && (overlap(s->its_base, HVM_ITS_SIZE, s->gicd_base, s->gicd_size) ||
			    overlap(s->its_base, HVM_ITS_SIZE, s->gicr_base, s->gicr_size)))
		return "ITS overlaps the GIC's distributor or redistributors";
	for (i = 0; i < s->nr_devices; i++) {
		const struct hvm_device_spec *d = &s->devices[i];

		if (d->kind > HVM_DEV_VSCSI)
			return "unknown device kind";
		if (d->msi && !s->its_base)
			return "an MSI device without an ITS";
		if (d->msi && d->devid >= HVM_ITS_DEVID_LIMIT)
			return "DeviceID beyond the ITS's 16 bits";
		for (j = 0; j < i; j++) {
			if (s->devices[j].unit == d->unit)
				return "two devices with one unit address";
			if (s->devices[j].msi && d->msi && s->devices[j].devid == d->devid)
				return "two MSI devices with one DeviceID";
		}
	}
	return NULL;
}

int hvm_fdt_build(const struct hvm_fdt_spec *s, void *buf, size_t size,
		  char *why, size_t why_len)
{
	const uint64_t mem[] = { s->ram_base, s->ram_size };
	struct gen g = { .fdt = buf };
	const char *problem = spec_problem(s);
	char name[48];

	if (problem) {
		snprintf(why, why_len, "%s", problem);
		return -1;
	}
	check(&g, fdt_create(buf, (int)size));
	if (!g.err)
		check(&g, fdt_finish_reservemap(buf));
	begin(&g, "");
	prop_str(&g, "model", "hvkit-vmm");
	prop_str(&g, "compatible", "linux,dummy-virt");
	prop_u32(&g, "#address-cells", 2);
	prop_u32(&g, "#size-cells", 2);
	prop_u32(&g, "interrupt-parent", GIC_PHANDLE);

	node_name(name, sizeof(name), "memory", s->ram_base);
	begin(&g, name);
	prop_str(&g, "device_type", "memory");
	prop_reg64(&g, mem, 1);
	end(&g);
	write_cpus(&g, s);
	write_gic_timer(&g, s);
	write_uart(&g, s);
	write_chosen(&g, s);
	write_hypervisor(&g, s);
	end(&g);
	if (!g.err)
		check(&g, fdt_finish(buf));
	if (g.err) {
		snprintf(why, why_len, "device tree: %s", fdt_strerror(g.err));
		return -1;
	}
	return (int)fdt_totalsize(buf);
}
