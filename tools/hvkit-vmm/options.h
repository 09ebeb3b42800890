/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hvkit-vmm's command line: the options, their parser and the files they
 * name. Portable (no KVM): the host unit tests run it. Every error is one
 * line that starts with the option it is about, and means exit status 2.
 */
#ifndef _HVM_OPTIONS_H
#define _HVM_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

#include <hvkit/method.h>

#include "busy_inject.h"
#include "crq_events.h"
#include "fdt_gen.h"
#include "hostile.h"
#include "vscsi_model.h"

#define HVM_MAX_VTYS	8
#define HVM_MAX_DISKS	HVM_VSCSI_MAX_LUNS
#define HVM_MAX_NICS	4
#define HVM_MAC_LEN	6
/* The Nth --nic's MAC unless mac= says otherwise: 52:54:00:12:34:5N (QEMU's prefix). */
#define HVM_NIC_MAC_DEFAULT	{ 0x52, 0x54, 0x00, 0x12, 0x34, 0x50 }
/* The longest TAP name (IFNAMSIZ - 1). */
#define HVM_TAP_NAME_MAX	15

/* Default and range of --memory, in MiB. */
#define HVM_RAM_MIB_DEFAULT	512
#define HVM_RAM_MIB_MIN		16
#define HVM_RAM_MIB_MAX		32768

/* Range of --cpus (default 1); fdt_gen.h's HVM_MAX_CPUS is the top. */
#define HVM_CPUS_MIN		1

/* The exit status of a bad option, and of a file an option names that will not do. */
#define HVM_EXIT_BAD_OPTION	2

/* How the hvkit devices interrupt (--irq): wired SPIs, or MSIs through the vGIC's ITS. */
enum hvm_irq_mode {
	HVM_IRQ_WIRED,
	HVM_IRQ_MSI,
};

/* What the l-lans answer (--llan): QEMU's l-lan calls, or PowerVM's two more. */
enum hvm_llan_mode {
	HVM_LLAN_QEMU,
	HVM_LLAN_POWERVM,
};

struct hvm_opt_vty {
	const char *out, *in;	/* in: NULL for none */
	int out_fd, in_fd;	/* -1 until opened */
};

struct hvm_opt_disk {
	const char *path;
	struct hvm_vscsi_lun lun;	/* address, serial, read_only; fd and size once opened */
};

struct hvm_opt_nic {
	u8 mac[HVM_MAC_LEN];	/* unicast, unique among the l-lans */
	const char *tap;	/* NULL, or the TAP this l-lan's switch reaches */
};

struct hvm_options {
	const char *kernel, *initrd, *cmdline;
	enum hvk_method method;
	u64 ram_size;			/* bytes */
	unsigned int nr_cpus;		/* vCPUs, HVM_CPUS_MIN..HVM_MAX_CPUS */
	enum hvm_irq_mode irq;		/* --irq, default wired */
	enum hvm_vscsi_mads vscsi_mads;	/* --vscsi-mads, default qemu */
	bool help;			/* --help: nothing else was looked at after it */
	unsigned int nr_vtys;
	struct hvm_opt_vty vtys[HVM_MAX_VTYS];
	unsigned int nr_disks;
	struct hvm_opt_disk disks[HVM_MAX_DISKS];
	unsigned int nr_nics;
	struct hvm_opt_nic nics[HVM_MAX_NICS];
	const char *tap;		/* the one tap= of all --nics, or NULL */
	enum hvm_llan_mode llan;	/* --llan, default qemu */
	/* hvm_options_open(): each file once, -1 until then. */
	int kernel_fd, initrd_fd;
	int tap_fd;			/* /dev/net/tun attached to tap */
	u64 kernel_size, initrd_size;

	/*
	 * PowerVM behaviours QEMU lacks (issue 13; Documentation/hvkit-vmm.rst,
	 * "PowerVM behaviours"): the v-scsi partner's arrival and transport
	 * events, busy answers.
	 */
	long crq_partner_first_ms;	/* --crq-partner-first[=MS]; -1: not given */
	bool have_crq_events;		/* --crq-events */
	struct hvm_crq_events crq_events;
	unsigned int busy_permille;	/* --busy; 0: none */
	enum hvm_busy_kind busy_kind;
	/* --hostile=PERMILLE[:SITE,...] (hostile.h); 0: none. */
	unsigned int hostile_permille;
	unsigned int hostile_sites;	/* 1 << enum hvm_hostile_site */
	bool have_seed;			/* --seed (busy and hostile); else one is drawn and printed */
	u64 seed;
};

/* The --help text. */
extern const char hvm_options_usage[];

/*
 * The defaults: hvc, 512 MiB, one vCPU, wired interrupts, QEMU's l-lan,
 * console=ttyAMA0, nothing open.
 */
void hvm_options_init(struct hvm_options *o);

/*
 * Parse @argv into @o (from hvm_options_init()); nothing is opened.
 * @argv's --vty, --disk and --nic values are split in place (their commas become
 * NULs), as the paths in @o point into them. 0, or HVM_EXIT_BAD_OPTION
 * with "OPTION: cause" in @err.
 */
int hvm_options_parse(struct hvm_options *o, int argc, char **argv, char *err,
		      size_t err_len);

/*
 * Open the kernel, initrd, vty files and disk images @o names, each once,
 * and the TAP (/dev/net/tun, IFF_TAP | IFF_NO_PI, non-blocking); a disk
 * must be a regular file of whole blocks. 0, or HVM_EXIT_BAD_OPTION
 * with "OPTION: cause" in @err and nothing left open.
 */
int hvm_options_open(struct hvm_options *o, char *err, size_t err_len);

/* Close whatever hvm_options_open() opened; again is harmless. */
void hvm_options_close(struct hvm_options *o);

#endif /* _HVM_OPTIONS_H */
