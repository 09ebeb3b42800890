/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One hvkit-vmm virtual machine: its configuration (from the command line)
 * and the devices it offers. The KVM side (kvm_arm64.c) runs it; main.c
 * builds it from the options (options.c).
 */
#ifndef _HVM_VM_H
#define _HVM_VM_H

#include <pthread.h>

#include "busy_inject.h"
#include "crq_model.h"
#include "crq_partner.h"
#include "fdt_gen.h"
#include "guest_mem.h"
#include "hcall_table.h"
#include "hostile.h"
#include "llan_model.h"
#include "msi_table.h"
#include "options.h"
#include "pl011.h"
#include "vscsi_model.h"
#include "vty_model.h"

/* Guest physical map (QEMU virt's, so familiar addresses). */
#define HVM_GICD_BASE	0x08000000ull
#define HVM_GICD_SIZE	0x00010000ull
#define HVM_GICR_BASE	0x080a0000ull	/* HVM_GICR_FRAME_SIZE per vCPU from here */
/* The vGICv3 ITS of --irq msi (HVM_ITS_SIZE), between the GICD and the GICR. */
#define HVM_ITS_BASE	0x08080000ull
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
/* The l-lans (--nic, in order): unit addresses and SPIs, one each from here. */
#define HVM_LLAN_UNIT0	0x30000200u
#define HVM_LLAN_SPI0	(HVM_VSCSI_SPI + 1)
/* The vGIC's interrupt lines (SGIs, PPIs and SPIs): the last SPI is 95. */
#define HVM_GIC_NR_IRQS	128

_Static_assert(HVM_DEV_SPI0 > HVM_UART_SPI, "hvkit SPIs overlap the PL011's");
_Static_assert(HVM_LLAN_SPI0 > HVM_VSCSI_SPI, "l-lan SPIs overlap the v-scsi SPI");
_Static_assert(32 + HVM_LLAN_SPI0 + HVM_MAX_NICS <= HVM_GIC_NR_IRQS,
	       "l-lan SPIs beyond the vGIC's lines");
_Static_assert(HVM_UNIT0 + HVM_MAX_VTYS <= HVM_VSCSI_UNIT &&
	       HVM_VSCSI_UNIT < HVM_LLAN_UNIT0, "unit addresses overlap");

_Static_assert(HVM_ITS_BASE % HVM_ITS_ALIGN == 0, "ITS base not 64 KiB aligned");
_Static_assert(HVM_GICD_BASE + HVM_GICD_SIZE <= HVM_ITS_BASE &&
	       HVM_ITS_BASE + HVM_ITS_SIZE <= HVM_GICR_BASE, "ITS overlaps the GICD or GICR");
/* One DeviceID per hvkit device, its index in the VM's device list. */
_Static_assert(HVM_MAX_DEVICES <= HVM_ITS_DEVID_LIMIT, "DeviceIDs beyond the vITS's");

/* The redistributors of HVM_MAX_CPUS vCPUs fit between the distributor and the PL011. */
_Static_assert(HVM_GICD_BASE + HVM_GICD_SIZE <= HVM_GICR_BASE, "GICD overlaps GICR");
_Static_assert(HVM_GICR_BASE + (u64)HVM_MAX_CPUS * HVM_GICR_FRAME_SIZE <= HVM_UART_BASE,
	       "GICR of HVM_MAX_CPUS vCPUs overlaps the PL011");

struct hvm_vm;

/* One vCPU and the thread that runs it. */
struct hvm_vcpu {
	struct hvm_vm *vm;
	unsigned int index;		/* KVM's vcpu id */
	int fd;
	void *run;			/* its struct kvm_run */
	u32 mpidr_aff;			/* MPIDR_EL1 Aff2..Aff0 as KVM assigned it */
	pthread_t thread;
	bool started;			/* thread created */
};

struct hvm_vty_backend {
	int out_fd;			/* guest output goes here */
	int in_fd;			/* -1: no input */
	struct hvm_vm *vm;
	struct hvm_vty vty;
	u32 spi;
	struct hvm_msi_dev msi;		/* --irq msi: its vector; wired: none */
};

/* The TAP behind the l-lans' switch (--nic tap=NAME). */
struct hvm_tap {
	const char *name;
	int fd;				/* -1: none */
	unsigned int port;		/* its port on vm->lan */
	u64 frames_in, bytes_in;	/* read from the TAP, given to the switch */
	u64 read_pauses;		/* reading stopped: no l-lan could receive */
	u64 frames_out;			/* written to the TAP */
	u64 write_errors;		/* frames the TAP refused (lost) */
};

struct hvm_vm {
	/* Configuration (options.c's, the files opened there). */
	const char *kernel, *initrd, *cmdline;	/* paths for messages; the line */
	int kernel_fd, initrd_fd;		/* initrd_fd: -1 for none */
	u64 kernel_size, initrd_size;
	enum hvk_method method;
	enum hvm_irq_mode irq;			/* --irq */
	enum hvm_vscsi_mads vscsi_mads;		/* --vscsi-mads */
	u64 ram_size;
	unsigned int nr_vtys;
	struct hvm_vty_backend vtys[HVM_MAX_VTYS];
	unsigned int nr_disks;
	struct hvm_vscsi_lun disks[HVM_MAX_DISKS];	/* opened, sized, placed */
	unsigned int nr_llans;
	u8 llan_macs[HVM_MAX_NICS][HVM_MAC_LEN];
	enum hvm_llan_mode llan;		/* --llan */
	/* PowerVM behaviours (options.h): -1 / NULL / 0 for none. */
	long crq_partner_first_ms;
	const struct hvm_crq_events *crq_events;
	unsigned int busy_permille;
	enum hvm_busy_kind busy_kind;
	unsigned int hostile_permille;		/* --hostile; 0: off */
	unsigned int hostile_sites;
	u64 seed;				/* --busy's and --hostile's */

	/*
	 * Devices and what serves them. One lock for all of them: the hcall
	 * dispatcher with every model behind it (vtys, v-scsi and its disks,
	 * the l-lans, their switch and the TAP's output inside
	 * H_SEND_LOGICAL_LAN), the PL011 and the hcall count. Each hypercall
	 * and each PL011 access, from whichever vCPU thread, and each backend
	 * feed (vty input, frames from the TAP into the switch) runs whole
	 * under it, so the models see one caller at a time, as they were
	 * written for. Simple and obviously right; the price (vCPUs wait for
	 * each other's hcalls) is small at the guest's rates. The v-scsi
	 * worker takes it too, and lets go only around its image I/O (disk
	 * reads and writes are the slow part, and touch no guest memory).
	 */
	pthread_mutex_t lock;
	struct hvm_hcall_table table;
	struct hvm_guest_mem mem;
	struct hvm_pl011 uart;
	struct hvm_vscsi vscsi;		/* when there are disks */
	struct hvm_llan llans[HVM_MAX_NICS];
	/*
	 * The MSI side of the v-scsi adapter and the l-lans (the vtys' is in
	 * their backends): H_VIO_SET_MSI's messages and what became of each
	 * raise, under lock like the models.
	 */
	struct hvm_msi_dev vscsi_msi;
	struct hvm_msi_dev llan_msi[HVM_MAX_NICS];
	struct hvm_lan_switch lan;	/* every l-lan, and the TAP */
	struct hvm_tap tap;
	/*
	 * The v-scsi partner's arrival and transport events, driven by the
	 * partner thread under lock; busy answers, drawn in the dispatcher.
	 */
	struct hvm_partner partner;
	struct hvm_busy busy;
	/*
	 * --hostile: every site runs under lock (hcalls, the v-scsi worker,
	 * the partner thread, the TAP's feed), so hostile needs no lock of
	 * its own.
	 */
	struct hvm_hostile hostile;
	int uart_in_fd;			/* stdin; -1 once at end of file */
	/*
	 * Wake-ups (eventfds) of the input and TAP threads, written from the
	 * models' callbacks under lock: a guest read made room in an input
	 * buffer that was full, an l-lan can receive again.
	 */
	int input_wake_fd, tap_wake_fd;

	/* KVM. */
	int kvm_fd, vm_fd;
	unsigned int nr_cpus;
	struct hvm_vcpu vcpus[HVM_MAX_CPUS];
	u64 hcalls;			/* under lock */
	u64 mmio_exits;			/* atomic */

	/*
	 * Stopping: the first vCPU thread to see the guest power off or reset,
	 * or to fail, sets stopping (atomically; later ones do nothing) with
	 * the status and the event, then kicks the other vCPUs out of KVM_RUN.
	 * hvm_kvm_run() reads them once every vCPU thread has been joined.
	 */
	int stopping;
	int status;			/* 0: the guest's event; 1: a failure */
	u32 event_type;			/* KVM_SYSTEM_EVENT_* */
	unsigned int event_cpu;
	pthread_mutex_t start_gate;	/* held while the vCPU threads are created */
};

/* Run @vm until the guest powers off (0) or something fails (1, logged). */
int hvm_kvm_run(struct hvm_vm *vm);

#endif /* _HVM_VM_H */
