/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The guest's device tree, as hvkit-vmm hands it to the kernel: memory,
 * cpus, psci, the GICv3, the arch timer, a PL011 for the boot console,
 * /chosen, and the hvkit hypervisor node with its devices
 * (Documentation/devicetree/bindings/hvkit/hvkit,hypervisor.yaml). Built
 * with libfdt's sequential writer; portable (no KVM).
 */
#ifndef _HVM_FDT_GEN_H
#define _HVM_FDT_GEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hvkit/method.h>

#define HVM_MAX_DEVICES		32
#define HVM_MAX_CPUS		8
#define HVM_GICR_FRAME_SIZE	0x20000u	/* one cpu's RD_base + SGI_base frames */
#define HVM_MPIDR_AFF_MASK	0x00ffffffu	/* Aff2..Aff0: a cpu's one-cell reg */
#define HVM_ITS_SIZE		0x20000u	/* the ITS's control and translation frames */
#define HVM_ITS_ALIGN		0x10000u	/* KVM wants its base 64 KiB aligned */
#define HVM_ITS_DEVID_LIMIT	0x10000u	/* KVM's vITS: 16 DeviceID bits */

enum hvm_device_kind {
	HVM_DEV_VTY,
	HVM_DEV_LLAN,
	HVM_DEV_VSCSI,
};

struct hvm_device_spec {
	enum hvm_device_kind kind;
	uint32_t unit;		/* unit address, the reg of its node */
	uint32_t spi;		/* wired interrupt, GIC SPI number; 0: none */
	bool msi;		/* an MSI through the ITS instead of the SPI */
	uint32_t devid;		/* with msi: its DeviceID, distinct per device */
	uint8_t mac[6];		/* HVM_DEV_LLAN */
};

struct hvm_fdt_spec {
	enum hvk_method method;	/* HVK_METHOD_HVC or HVK_METHOD_SMC */
	uint64_t ram_base, ram_size;
	unsigned int nr_cpus;
	/*
	 * Each cpu's reg: its MPIDR_EL1 affinity Aff2.Aff1.Aff0 (bits 23..0),
	 * as KVM gave that vCPU; Aff3 must be 0 (one address cell).
	 */
	uint32_t cpu_reg[HVM_MAX_CPUS];
	uint64_t gicd_base, gicd_size;
	uint64_t gicr_base, gicr_size;	/* one 128 KiB frame pair per cpu, at least */
	uint64_t its_base;	/* 0: no ITS; else HVM_ITS_SIZE there, a child of the GIC */
	uint64_t uart_base;
	uint32_t uart_spi;
	uint64_t initrd_start, initrd_end;	/* both 0: no initrd */
	const char *bootargs;
	unsigned int nr_devices;
	struct hvm_device_spec devices[HVM_MAX_DEVICES];
};

/*
 * Write the tree for @spec into @buf (@size bytes). Returns its size, or
 * -1 with @why set (a spec the guest could not use, or no room).
 */
int hvm_fdt_build(const struct hvm_fdt_spec *spec, void *buf, size_t size,
		  char *why, size_t why_len);

#endif /* _HVM_FDT_GEN_H */
