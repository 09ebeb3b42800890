/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One hvkit-vmm virtual machine: its configuration (from the command line)
 * and the devices it offers. The KVM side (kvm_arm64.c) runs it; main.c
 * builds it from the options (options.c).
 */
#ifndef _HVM_VM_H
#define _HVM_VM_H

#include <pthread.h>

#include "crq_model.h"
#include "fdt_gen.h"
#include "guest_mem.h"
#include "hcall_table.h"
#include "options.h"
#include "pl011.h"
#include "vscsi_model.h"
#include "vty_model.h"

/* Guest physical map (QEMU virt's, so familiar addresses). */
#define HVM_GICD_BASE	0x08000000ull
#define HVM_GICD_SIZE	0x00010000ull
#define HVM_GICR_BASE	0x080a0000ull
#define HVM_GICR_FRAME	0x00020000ull	/* per vCPU */
#define HVM_UART_BASE	0x09000000ull
#define HVM_UART_SPI	1
#define HVM_RAM_BASE	0x40000000ull
/* SPIs of the hvkit devices, one per device from here. */
#define HVM_DEV_SPI0	16
/* Unit addresses of the hvkit devices, from here (as QEMU pseries). */
#define HVM_UNIT0	0x30000000u
/* The v-scsi adapter (one, with every --disk as a LUN), and its SPI. */
#define HVM_VSCSI_UNIT	0x30000100u
#define HVM_VSCSI_SPI	(HVM_DEV_SPI0 + HVM_MAX_VTYS)

struct hvm_vty_backend {
	int out_fd;			/* guest output goes here */
	int in_fd;			/* -1: no input */
	struct hvm_vm *vm;
	struct hvm_vty vty;
	u32 spi;
};

struct hvm_vm {
	/* Configuration (options.c's, the files opened there). */
	const char *kernel, *initrd, *cmdline;	/* paths for messages; the line */
	int kernel_fd, initrd_fd;		/* initrd_fd: -1 for none */
	u64 kernel_size, initrd_size;
	enum hvk_method method;
	u64 ram_size;
	unsigned int nr_vtys;
	struct hvm_vty_backend vtys[HVM_MAX_VTYS];
	unsigned int nr_disks;
	struct hvm_vscsi_lun disks[HVM_MAX_DISKS];	/* opened, sized, placed */

	/* Devices and what serves them; lock held by whoever touches them. */
	pthread_mutex_t lock;
	struct hvm_hcall_table table;
	struct hvm_guest_mem mem;
	struct hvm_pl011 uart;
	struct hvm_vscsi vscsi;		/* when there are disks */
	int uart_in_fd;			/* stdin; -1 once at end of file */

	/* KVM. */
	int kvm_fd, vm_fd, vcpu_fd;
	void *run;
	u64 hcalls, mmio_exits;
};

/* Run @vm until the guest powers off (0) or something fails (1, logged). */
int hvm_kvm_run(struct hvm_vm *vm);

#endif /* _HVM_VM_H */
