// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvkit-vmm: a small VMM on Linux KVM (arm64) that offers the hvkit
 * paravirtual devices to its guest through the hvkit hcall ABI.
 * Documentation/hvkit-vmm.rst; the options are options.c's.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "options.h"
#include "vm.h"

/* The VM as the options (parsed, their files open) describe it. */
static void configure(struct hvm_vm *vm, const struct hvm_options *o)
{
	unsigned int i;

	vm->kernel = o->kernel;
	vm->kernel_fd = o->kernel_fd;
	vm->kernel_size = o->kernel_size;
	vm->initrd = o->initrd;
	vm->initrd_fd = o->initrd_fd;
	vm->initrd_size = o->initrd_size;
	vm->cmdline = o->cmdline;
	vm->method = o->method;
	vm->irq = o->irq;
	vm->vscsi_mads = o->vscsi_mads;
	vm->ram_size = o->ram_size;
	vm->nr_cpus = o->nr_cpus;
	vm->nr_vtys = o->nr_vtys;
	for (i = 0; i < o->nr_vtys; i++) {
		vm->vtys[i].out_fd = o->vtys[i].out_fd;
		vm->vtys[i].in_fd = o->vtys[i].in_fd;
	}
	vm->nr_disks = o->nr_disks;
	for (i = 0; i < o->nr_disks; i++)
		vm->disks[i] = o->disks[i].lun;
	vm->nr_llans = o->nr_nics;
	for (i = 0; i < o->nr_nics; i++)
		memcpy(vm->llan_macs[i], o->nics[i].mac, HVM_MAC_LEN);
	vm->llan = o->llan;
	vm->tap.name = o->tap;
	vm->tap.fd = o->tap_fd;
	vm->crq_partner_first_ms = o->crq_partner_first_ms;
	vm->crq_events = o->have_crq_events ? &o->crq_events : NULL;
	vm->busy_permille = o->busy_permille;
	vm->busy_kind = o->busy_kind;
	vm->hostile_permille = o->hostile_permille;
	vm->hostile_sites = o->hostile_sites;
	vm->seed = o->seed;
	if (!o->have_seed) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		vm->seed = (u64)ts.tv_sec * 1000000007ull ^ (u64)ts.tv_nsec ^ (u64)getpid() << 32;
	}
}

int main(int argc, char **argv)
{
	static struct hvm_options opts;
	static struct hvm_vm vm = { .uart_in_fd = STDIN_FILENO };
	char err[512];
	int ret;

	hvm_options_init(&opts);
	ret = hvm_options_parse(&opts, argc, argv, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "hvkit-vmm: %s (see --help)\n", err);
		return ret;
	}
	if (opts.help) {
		fputs(hvm_options_usage, stdout);
		return 0;
	}
	/* On an error nothing stays open: hvm_options_open() closes what it took. */
	ret = hvm_options_open(&opts, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "hvkit-vmm: %s\n", err);
		return ret;
	}
	configure(&vm, &opts);
	/*
	 * The files stay open to the end: the VM's input and TAP threads may
	 * still poll the vty inputs and the TAP when the run returns, and exit
	 * closes them.
	 */
	return hvm_kvm_run(&vm);
}
