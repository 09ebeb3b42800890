// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvkit-vmm's KVM side on arm64: guest RAM, 1 to 8 vCPUs with PSCI on
 * the hvkit conduit (vCPU 0 boots, the guest starts the others with PSCI
 * CPU_ON, which KVM handles), the in-kernel vGICv3 and arch timer, the
 * SMCCC filter that forwards the hvkit function range and the identity
 * call to userspace, and one thread per vCPU running KVM_RUN: hypercall
 * exits go to the portable front door (smccc.c), MMIO exits to the PL011,
 * both under vm->lock (vm.h); input from the backends comes in on one more
 * thread, frames from the TAP on another. Documentation/hvkit-vmm.rst.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <linux/kvm.h>

#include <hvkit/smccc_abi.h>

#include "boot_layout.h"
#include "smccc.h"
#include "vm.h"

/* The SMCCC filter (Linux 6.4 UAPI); older headers lack the names. */
#ifndef KVM_ARM_VM_SMCCC_CTRL
#define KVM_ARM_VM_SMCCC_CTRL		0
#define KVM_ARM_VM_SMCCC_FILTER		0
#define KVM_SMCCC_FILTER_FWD_TO_USER	2
struct kvm_smccc_filter {
	__u32 base;
	__u32 nr_functions;
	__u8 action;
	__u8 pad[15];
};
#endif

/* The signal that kicks a vCPU thread out of KVM_RUN when the VM stops. */
#define HVM_KICK_SIGNAL	SIGUSR1

/* MPIDR_EL1 (op0 3, op1 0, CRn 0, CRm 0, op2 5) and its affinity fields. */
#define MPIDR_EL1_REG	ARM64_SYS_REG(3, 0, 0, 0, 5)
#define MPIDR_AFF3	(0xffull << 32)

#define CORE_REG(field)	(KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE | \
			 (offsetof(struct kvm_regs, field) / sizeof(__u32)))

static int fail(const char *what, const char *hint)
{
	fprintf(stderr, "hvkit-vmm: %s: %s%s%s\n", what, strerror(errno),
		hint ? "; " : "", hint ? hint : "");
	return -1;
}

static int set_reg(int vcpu, u64 id, u64 val)
{
	struct kvm_one_reg r = { .id = id, .addr = (u64)(uintptr_t)&val };

	return ioctl(vcpu, KVM_SET_ONE_REG, &r);
}

static int get_reg(int vcpu, u64 id, u64 *val)
{
	struct kvm_one_reg r = { .id = id, .addr = (u64)(uintptr_t)val };

	return ioctl(vcpu, KVM_GET_ONE_REG, &r);
}

/*
 * Read all @size bytes of @fd (opened by options.c; @path names it) from
 * its start into guest memory at @gpa.
 */
static int load_file(struct hvm_vm *vm, int fd, const char *path, u64 size, u64 gpa, u64 max)
{
	u8 *dst = hvm_mem_ptr(&vm->mem, gpa, size);
	u64 done = 0;
	ssize_t n;

	if (!dst || size > max) {
		fprintf(stderr, "hvkit-vmm: %s (%llu bytes) does not fit in guest RAM at %#llx: raise --memory\n",
			path, (unsigned long long)size, (unsigned long long)gpa);
		return -1;
	}
	while (done < size) {
		n = pread(fd, dst + done, size - done, (off_t)done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			fprintf(stderr, "hvkit-vmm: reading %s: %s\n", path,
				n ? strerror(errno) : "file shrank");
			return -1;
		}
		done += (u64)n;
	}
	return 0;
}

/* The Image header, from the open kernel file. */
static int read_header(struct hvm_vm *vm, u8 *hdr)
{
	ssize_t n = pread(vm->kernel_fd, hdr, HVM_IMAGE_HEADER, 0);

	if (n < 0)
		return fail("reading the kernel header", NULL);
	if (n < HVM_IMAGE_HEADER)
		memset(hdr + n, 0, HVM_IMAGE_HEADER - n);
	return 0;
}

static void irq_line(struct hvm_vm *vm, u32 spi, int level)
{
	struct kvm_irq_level irq = {
		.irq = KVM_ARM_IRQ_TYPE_SPI << KVM_ARM_IRQ_TYPE_SHIFT | (32 + spi),
		.level = level,
	};

	if (ioctl(vm->vm_fd, KVM_IRQ_LINE, &irq))
		fail("KVM_IRQ_LINE", NULL);
}

/*
 * An hvkit device's interrupt, with vm->lock held, wherever its model
 * raises it (the guest's H_VIO_SIGNAL mask already let it through). Wired:
 * a pulse of its SPI (edge, as a VIO interrupt on pseries). MSI: the
 * message the guest stored with H_VIO_SET_MSI, signalled to the ITS with
 * the device's DeviceID, or counted when there is none (msi_table.c);
 * KVM's answer is counted too: 1 delivered, 0 blocked (the guest's ITS
 * has no translation for it), EBUSY the guest has not enabled its ITS. Any
 * other failure is logged once per device.
 */
static void raise_irq(struct hvm_vm *vm, u32 spi, struct hvm_msi_dev *m)
{
	struct hvm_msi_message msg;
	struct kvm_msi k;
	int ret, err;

	if (vm->irq == HVM_IRQ_WIRED) {
		irq_line(vm, spi, 1);
		irq_line(vm, spi, 0);
		return;
	}
	if (!hvm_msi_raise(m, 0, &msg))
		return;
	k = (struct kvm_msi){
		.address_lo = (u32)msg.address, .address_hi = (u32)(msg.address >> 32),
		.data = msg.data, .flags = KVM_MSI_VALID_DEVID, .devid = msg.devid,
	};
	ret = ioctl(vm->vm_fd, KVM_SIGNAL_MSI, &k);
	err = ret < 0 ? errno : 0;
	hvm_msi_result(m, ret, err);
	if (ret < 0 && err != EBUSY && m->failed == 1)
		fprintf(stderr, "hvkit-vmm: KVM_SIGNAL_MSI for unit %#x (DeviceID %u): %s; counted from now on\n",
			m->unit, m->devid, strerror(err));
}

/*
 * A thread's wake-up: an eventfd in its poll set, so that the thread can
 * leave a source out of the poll while it must not be read and still sleep
 * without a timeout. Written from the models' callbacks with vm->lock held,
 * so it never blocks (non-blocking; a counter at its limit is a wake
 * already pending). The thread clears it before it looks at the devices
 * again: a wake written after that look is still there for the next poll.
 */
static int wake_open(int *fd)
{
	*fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	return *fd < 0 ? -1 : 0;
}

static void wake(int fd)
{
	u64 one = 1;

	if (write(fd, &one, sizeof(one)) != sizeof(one))
		return;	/* EAGAIN: the counter is full, the wake pending */
}

static void wake_clear(int fd)
{
	u64 count;

	if (read(fd, &count, sizeof(count)) != sizeof(count))
		return;	/* EAGAIN: nothing pending */
}

static void uart_write(void *ctx, u8 c)
{
	(void)ctx;
	if (write(STDOUT_FILENO, &c, 1) != 1)
		return;	/* a closed stdout loses the boot console only */
}

static void uart_irq(void *ctx, bool level)
{
	irq_line(ctx, HVM_UART_SPI, level);
}

/* The guest read the FIFO down from full: stdin can be read again. */
static void uart_room(void *ctx)
{
	struct hvm_vm *vm = ctx;

	wake(vm->input_wake_fd);
}

static const struct hvm_pl011_ops uart_ops = {
	.write = uart_write,
	.set_irq = uart_irq,
	.rx_room = uart_room,
};

static long vty_out(void *ctx, const u8 *buf, unsigned int len)
{
	struct hvm_vty_backend *b = ctx;

	return write(b->out_fd, buf, len);
}

/* Edge-triggered, as a VIO interrupt on pseries. */
static void vty_ready(void *ctx)
{
	struct hvm_vty_backend *b = ctx;

	raise_irq(b->vm, b->spi, &b->msi);
}

/* The guest drained the vty's input from full: its file can be read again. */
static void vty_room(void *ctx)
{
	struct hvm_vty_backend *b = ctx;

	wake(b->vm->input_wake_fd);
}

static const struct hvm_vty_ops vty_ops = {
	.write = vty_out,
	.input_ready = vty_ready,
	.input_room = vty_room,
};

/* Called inside the hcall or by the v-scsi worker, with vm->lock held. */
static void vscsi_pulse(struct hvm_crq *crq)
{
	struct hvm_vm *vm = (struct hvm_vm *)((char *)crq - offsetof(struct hvm_vm, vscsi.crq));

	raise_irq(vm, HVM_VSCSI_SPI, &vm->vscsi_msi);
}

/* Called inside the hcall or the TAP's feed, with vm->lock held. */
static void llan_pulse(struct hvm_llan *l)
{
	struct hvm_vm *vm = l->owner;
	u32 i = (u32)(l - vm->llans);

	raise_irq(vm, HVM_LLAN_SPI0 + i, &vm->llan_msi[i]);
}

/*
 * A frame the switch gives the TAP: inside H_SEND_LOGICAL_LAN, vm->lock
 * held. The TAP takes a frame whole or not at all; a refusal (a full
 * queue on a non-blocking descriptor, the interface down) loses it, as a
 * wire would, and is counted.
 */
static void tap_output(void *ctx, const u8 *frame, size_t len)
{
	struct hvm_tap *t = ctx;
	ssize_t n;

	do {
		n = write(t->fd, frame, len);
	} while (n < 0 && errno == EINTR);
	if (n == (ssize_t)len)
		t->frames_out++;
	else
		t->write_errors++;
}

static int install_filter(struct hvm_vm *vm, u32 base, u32 count)
{
	struct kvm_smccc_filter f = {
		.base = base, .nr_functions = count, .action = KVM_SMCCC_FILTER_FWD_TO_USER,
	};
	struct kvm_device_attr a = {
		.group = KVM_ARM_VM_SMCCC_CTRL, .attr = KVM_ARM_VM_SMCCC_FILTER,
		.addr = (u64)(uintptr_t)&f,
	};

	if (ioctl(vm->vm_fd, KVM_HAS_DEVICE_ATTR, &a))
		return fail("KVM has no SMCCC filter",
			    "hvkit-vmm needs a host kernel of Linux 6.4 or later");
	if (ioctl(vm->vm_fd, KVM_SET_DEVICE_ATTR, &a))
		return fail("installing the SMCCC filter", NULL);
	return 0;
}

static int gic_attr(int fd, u32 group, u64 attr, void *addr)
{
	struct kvm_device_attr a = { .group = group, .attr = attr, .addr = (u64)(uintptr_t)addr };

	return ioctl(fd, KVM_SET_DEVICE_ATTR, &a);
}

static int create_gic(struct hvm_vm *vm, int *gic)
{
	struct kvm_create_device d = { .type = KVM_DEV_TYPE_ARM_VGIC_V3 };
	u64 dist = HVM_GICD_BASE, redist = HVM_GICR_BASE;

	if (ioctl(vm->vm_fd, KVM_CREATE_DEVICE, &d))
		return fail("creating the vGICv3", "the host needs a GICv3");
	*gic = d.fd;
	if (gic_attr(*gic, KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_DIST, &dist) ||
	    gic_attr(*gic, KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_REDIST, &redist))
		return fail("placing the vGICv3", NULL);
	return 0;
}

static int init_gic(int gic)
{
	u32 nr_irqs = HVM_GIC_NR_IRQS;

	if (gic_attr(gic, KVM_DEV_ARM_VGIC_GRP_NR_IRQS, 0, &nr_irqs) ||
	    gic_attr(gic, KVM_DEV_ARM_VGIC_GRP_CTRL, KVM_DEV_ARM_VGIC_CTRL_INIT, NULL))
		return fail("initialising the vGICv3", NULL);
	return 0;
}

/*
 * --irq msi: the in-kernel ITS at HVM_ITS_BASE, after the vGIC's init.
 * The guest programs it (its tables in its own RAM); the VMM only signals
 * into it with KVM_SIGNAL_MSI and a DeviceID, which needs both caps.
 */
static int create_its(struct hvm_vm *vm)
{
	static const char hint[] = "--irq msi needs KVM's vGICv3 ITS (Linux 4.8 or later); use --irq wired";
	struct kvm_create_device d = { .type = KVM_DEV_TYPE_ARM_VGIC_ITS };
	u64 base = HVM_ITS_BASE;

	if (ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_SIGNAL_MSI) <= 0) {
		errno = ENOTSUP;
		return fail("KVM cannot signal MSIs", hint);
	}
	if (ioctl(vm->vm_fd, KVM_CREATE_DEVICE, &d))
		return fail("creating the vGICv3 ITS", hint);
	if (gic_attr(d.fd, KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_ITS_ADDR_TYPE, &base))
		return fail("placing the vGICv3 ITS", NULL);
	if (gic_attr(d.fd, KVM_DEV_ARM_VGIC_GRP_CTRL, KVM_DEV_ARM_VGIC_CTRL_INIT, NULL))
		return fail("initialising the vGICv3 ITS", NULL);
	/* A VM's question: KVM says yes only once the VM has an ITS. */
	if (ioctl(vm->vm_fd, KVM_CHECK_EXTENSION, KVM_CAP_MSI_DEVID) <= 0) {
		errno = ENOTSUP;
		return fail("KVM cannot signal MSIs with a DeviceID", hint);
	}
	return 0;
}

/*
 * vCPU @i: PSCI 0.2+ (KVM answers PSCI itself), and every vCPU but 0
 * powered off until the guest's PSCI CPU_ON. Its MPIDR as KVM assigned it
 * (Aff0 = index for the few we have) is read back for the device tree.
 */
static int create_vcpu(struct hvm_vm *vm, unsigned int i, int mmap_size)
{
	struct hvm_vcpu *c = &vm->vcpus[i];
	struct kvm_vcpu_init init;
	char what[64];
	u64 mpidr;

	c->vm = vm;
	c->index = i;
	snprintf(what, sizeof(what), "creating vCPU %u", i);
	c->fd = ioctl(vm->vm_fd, KVM_CREATE_VCPU, (unsigned long)i);
	if (c->fd < 0)
		return fail(what, NULL);
	snprintf(what, sizeof(what), "mapping vCPU %u's run structure", i);
	c->run = mmap(NULL, (size_t)mmap_size, PROT_READ | PROT_WRITE, MAP_SHARED, c->fd, 0);
	if (c->run == MAP_FAILED)
		return fail(what, NULL);
	if (ioctl(vm->vm_fd, KVM_ARM_PREFERRED_TARGET, &init))
		return fail("KVM_ARM_PREFERRED_TARGET", NULL);
	init.features[0] |= 1u << KVM_ARM_VCPU_PSCI_0_2;
	if (i)
		init.features[0] |= 1u << KVM_ARM_VCPU_POWER_OFF;
	snprintf(what, sizeof(what), "initialising vCPU %u", i);
	if (ioctl(c->fd, KVM_ARM_VCPU_INIT, &init))
		return fail(what, NULL);
	snprintf(what, sizeof(what), "reading vCPU %u's MPIDR_EL1", i);
	if (get_reg(c->fd, MPIDR_EL1_REG, &mpidr))
		return fail(what, NULL);
	if (mpidr & MPIDR_AFF3) {
		fprintf(stderr, "hvkit-vmm: vCPU %u has MPIDR %#llx, with an Aff3 the device tree does not describe\n",
			i, (unsigned long long)mpidr);
		return -1;
	}
	c->mpidr_aff = (u32)mpidr & HVM_MPIDR_AFF_MASK;
	return 0;
}

/* Every vCPU, before the vGIC is initialised (KVM sizes it by them). */
static int create_vcpus(struct hvm_vm *vm)
{
	unsigned int i;
	int size = ioctl(vm->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);

	if (size <= 0)
		return fail("KVM_GET_VCPU_MMAP_SIZE", NULL);
	for (i = 0; i < vm->nr_cpus; i++)
		if (create_vcpu(vm, i, size))
			return -1;
	return 0;
}

static void describe(struct hvm_vm *vm, struct hvm_fdt_spec *s, const struct hvm_boot_layout *l)
{
	unsigned int i;

	memset(s, 0, sizeof(*s));
	s->method = vm->method;
	s->ram_base = HVM_RAM_BASE;
	s->ram_size = vm->ram_size;
	s->nr_cpus = vm->nr_cpus;
	for (i = 0; i < vm->nr_cpus; i++)
		s->cpu_reg[i] = vm->vcpus[i].mpidr_aff;
	s->gicd_base = HVM_GICD_BASE;
	s->gicd_size = HVM_GICD_SIZE;
	s->gicr_base = HVM_GICR_BASE;
	s->gicr_size = (u64)vm->nr_cpus * HVM_GICR_FRAME_SIZE;
	s->its_base = vm->irq == HVM_IRQ_MSI ? HVM_ITS_BASE : 0;
	s->uart_base = HVM_UART_BASE;
	s->uart_spi = HVM_UART_SPI;
	s->initrd_start = l->initrd;
	s->initrd_end = l->initrd + l->initrd_size;
	s->bootargs = vm->cmdline;
	for (i = 0; i < vm->nr_vtys; i++) {
		s->devices[i] = (struct hvm_device_spec){
			.kind = HVM_DEV_VTY, .unit = vm->vtys[i].vty.unit, .spi = vm->vtys[i].spi,
			.msi = vm->vtys[i].msi.nr_vectors > 0, .devid = vm->vtys[i].msi.devid,
		};
	}
	s->nr_devices = vm->nr_vtys;
	if (vm->nr_disks)
		s->devices[s->nr_devices++] = (struct hvm_device_spec){
			.kind = HVM_DEV_VSCSI, .unit = HVM_VSCSI_UNIT, .spi = HVM_VSCSI_SPI,
			.msi = vm->vscsi_msi.nr_vectors > 0, .devid = vm->vscsi_msi.devid,
		};
	for (i = 0; i < vm->nr_llans; i++) {
		struct hvm_device_spec *d = &s->devices[s->nr_devices++];

		*d = (struct hvm_device_spec){
			.kind = HVM_DEV_LLAN, .unit = vm->llans[i].unit, .spi = HVM_LLAN_SPI0 + i,
			.msi = vm->llan_msi[i].nr_vectors > 0, .devid = vm->llan_msi[i].devid,
		};
		memcpy(d->mac, vm->llans[i].perm_mac, sizeof(d->mac));
	}
}

/*
 * Check the kernel and initrd and place them, before any KVM work, so
 * that a wrong file or too little memory is the one line the user sees.
 */
static int plan_guest(struct hvm_vm *vm, struct hvm_image_info *info,
		      struct hvm_boot_layout *l)
{
	char why[160];
	u8 hdr[HVM_IMAGE_HEADER];

	if (read_header(vm, hdr))
		return -1;
	if (hvm_image_parse(hdr, vm->kernel_size, info, why, sizeof(why))) {
		fprintf(stderr, "hvkit-vmm: --kernel %s: %s\n", vm->kernel, why);
		return -1;
	}
	if (hvm_boot_place(info, vm->initrd_size, HVM_RAM_BASE, vm->ram_size, l, why, sizeof(why))) {
		fprintf(stderr, "hvkit-vmm: %s: raise --memory\n", why);
		return -1;
	}
	return 0;
}

/* Kernel, initrd and device tree into guest RAM; vCPU 0 at the entry. */
static int load_guest(struct hvm_vm *vm, const struct hvm_image_info *info,
		      const struct hvm_boot_layout *l)
{
	struct hvm_fdt_spec spec;
	char why[160];
	int dtb_size;

	if (load_file(vm, vm->kernel_fd, vm->kernel, vm->kernel_size, l->kernel, info->image_size))
		return -1;
	if (vm->initrd &&
	    load_file(vm, vm->initrd_fd, vm->initrd, vm->initrd_size, l->initrd, l->initrd_size))
		return -1;
	describe(vm, &spec, l);
	dtb_size = hvm_fdt_build(&spec, hvm_mem_ptr(&vm->mem, l->dtb, HVM_DTB_MAX), HVM_DTB_MAX,
				 why, sizeof(why));
	if (dtb_size < 0) {
		fprintf(stderr, "hvkit-vmm: %s\n", why);
		return -1;
	}
	if (set_reg(vm->vcpus[0].fd, CORE_REG(regs.pc), l->kernel) ||
	    set_reg(vm->vcpus[0].fd, CORE_REG(regs.regs[0]), l->dtb))
		return fail("setting the boot registers", NULL);
	return 0;
}

static int create_vm(struct hvm_vm *vm)
{
	struct kvm_userspace_memory_region ram;
	struct hvm_image_info info;
	struct hvm_boot_layout layout;
	void *mem;
	int gic;

	if (plan_guest(vm, &info, &layout))
		return -1;

	vm->kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (vm->kvm_fd < 0)
		return fail("cannot open /dev/kvm",
			    "hvkit-vmm needs KVM on an arm64 host (modprobe kvm; access to /dev/kvm)");
	vm->vm_fd = ioctl(vm->kvm_fd, KVM_CREATE_VM, 0);
	if (vm->vm_fd < 0)
		return fail("creating the VM", NULL);
	mem = mmap(NULL, vm->ram_size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (mem == MAP_FAILED)
		return fail("allocating guest RAM", "lower --memory");
	vm->mem = (struct hvm_guest_mem){ .host = mem, .base = HVM_RAM_BASE, .size = vm->ram_size };
	ram = (struct kvm_userspace_memory_region){
		.slot = 0, .guest_phys_addr = HVM_RAM_BASE, .memory_size = vm->ram_size,
		.userspace_addr = (u64)(uintptr_t)mem,
	};
	if (ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &ram))
		return fail("giving the VM its RAM", NULL);
	if (install_filter(vm, HVK_SMCCC_FN_BASE, HVK_SMCCC_FN_COUNT) ||
	    install_filter(vm, HVK_SMCCC_CALL_UID, 1))
		return -1;
	if (create_gic(vm, &gic) || create_vcpus(vm) || init_gic(gic))
		return -1;
	if (vm->irq == HVM_IRQ_MSI && create_its(vm))
		return -1;
	return load_guest(vm, &info, &layout);
}

/*
 * A hypercall of vCPU @c: the registers are its own; the answer is
 * computed under vm->lock. NULL, or what failed (errno says why).
 */
static const char *answer_hypercall(struct hvm_vcpu *c)
{
	struct hvm_vm *vm = c->vm;
	struct kvm_run *run = c->run;
	struct hvm_smccc_regs regs;
	unsigned int i;

	regs.x[0] = run->hypercall.nr;
	for (i = 1; i < ARRAY_SIZE(regs.x); i++)
		if (get_reg(c->fd, CORE_REG(regs.regs[i]), &regs.x[i]))
			return "reading the hypercall's registers";
	pthread_mutex_lock(&vm->lock);
	hvm_smccc_answer(&vm->table, &regs);
	vm->hcalls++;
	pthread_mutex_unlock(&vm->lock);
	for (i = 0; i < ARRAY_SIZE(regs.x); i++)
		if (set_reg(c->fd, CORE_REG(regs.regs[i]), regs.x[i]))
			return "writing the hypercall's answer";
	return NULL;
}

/* An MMIO exit of vCPU @c; the PL011 is emulated under vm->lock. */
static void mmio(struct hvm_vcpu *c)
{
	struct hvm_vm *vm = c->vm;
	struct kvm_run *run = c->run;
	u64 addr = run->mmio.phys_addr, val = 0;
	unsigned int len = run->mmio.len;

	__atomic_fetch_add(&vm->mmio_exits, 1, __ATOMIC_RELAXED);
	if (addr < HVM_UART_BASE || addr >= HVM_UART_BASE + HVM_PL011_SIZE || len > 8) {
		if (!run->mmio.is_write)
			memset(run->mmio.data, 0, sizeof(run->mmio.data));
		return;	/* nothing there: reads 0, writes vanish */
	}
	pthread_mutex_lock(&vm->lock);
	if (run->mmio.is_write) {
		memcpy(&val, run->mmio.data, len);
		hvm_pl011_write(&vm->uart, addr - HVM_UART_BASE, len, val);
	} else {
		val = hvm_pl011_read(&vm->uart, addr - HVM_UART_BASE, len);
		memcpy(run->mmio.data, &val, len);
	}
	pthread_mutex_unlock(&vm->lock);
}

/* Bytes input source @i (0: the PL011, else vty i - 1) can take now. */
static unsigned int input_room(struct hvm_vm *vm, unsigned int i)
{
	unsigned int room;

	pthread_mutex_lock(&vm->lock);
	if (i)
		room = HVM_VTY_INPUT - vm->vtys[i - 1].vty.input_len;
	else
		room = HVM_PL011_RXQ - vm->uart.rx_len;
	pthread_mutex_unlock(&vm->lock);
	return room < 256 ? room : 256;
}

/* Where input source @i (0: the PL011, else vty i - 1) reads; -1: closed. */
static int *input_fd(struct hvm_vm *vm, unsigned int i)
{
	return i ? &vm->vtys[i - 1].in_fd : &vm->uart_in_fd;
}

/* Read input source @i, which poll found ready, into its device. */
static void feed_source(struct hvm_vm *vm, unsigned int i, int fd)
{
	u8 buf[256];
	ssize_t got;

	/* Take only what the device has room for: back-pressure. */
	got = read(fd, buf, input_room(vm, i));
	if (got < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (got <= 0) {
		*input_fd(vm, i) = -1;
		return;
	}
	pthread_mutex_lock(&vm->lock);
	if (i)
		hvm_vty_feed(&vm->vtys[i - 1].vty, buf, (unsigned int)got);
	else
		hvm_pl011_feed(&vm->uart, buf, (unsigned int)got);
	pthread_mutex_unlock(&vm->lock);
}

/*
 * Backend input: stdin to the PL011, each vty's input file to its vty. A
 * source at end of file, or whose device is full, is left out of the poll,
 * so that neither makes this thread spin beside the vCPU; a full device
 * wakes the thread (vm->input_wake_fd) once the guest has drained it to
 * half, so input flows at the guest's pace, not a timer's.
 */
static void *input_thread(void *arg)
{
	struct hvm_vm *vm = arg;
	struct pollfd p[2 + HVM_MAX_VTYS];
	unsigned int i, n = 1 + vm->nr_vtys;
	int *fd;

	for (;;) {
		for (i = 0; i < n; i++) {
			fd = input_fd(vm, i);
			p[i] = (struct pollfd){
				.fd = *fd >= 0 && input_room(vm, i) ? *fd : -1,
				.events = POLLIN,
			};
		}
		p[n] = (struct pollfd){ .fd = vm->input_wake_fd, .events = POLLIN };
		if (poll(p, n + 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			return NULL;
		}
		if (p[n].revents & POLLIN)
			wake_clear(vm->input_wake_fd);
		for (i = 0; i < n; i++)
			if (p[i].fd >= 0 && (p[i].revents & (POLLIN | POLLHUP)))
				feed_source(vm, i, p[i].fd);
	}
}

/* Whether any l-lan could take a frame now; vm->lock held. */
static bool lan_can_receive(struct hvm_vm *vm)
{
	unsigned int i;

	for (i = 0; i < vm->nr_llans; i++)
		if (hvm_llan_can_receive(&vm->llans[i]))
			return true;
	return false;
}

/* Whether the TAP may be read now: some l-lan could take a frame. */
static bool tap_may_read(struct hvm_vm *vm)
{
	bool ok;

	pthread_mutex_lock(&vm->lock);
	ok = lan_can_receive(vm);
	pthread_mutex_unlock(&vm->lock);
	return ok;
}

/*
 * Read frames from the TAP into the switch, one read() each (IFF_NO_PI:
 * the frame and nothing else), until it is empty (0), no l-lan could
 * receive any more (0: the caller pauses) or reading failed for good (-1).
 */
static int tap_read_frames(struct hvm_vm *vm)
{
	static u8 frame[HVK_LLAN_TX_MAX];
	struct hvm_tap *t = &vm->tap;
	ssize_t got;

	while (tap_may_read(vm)) {
		got = read(t->fd, frame, sizeof(frame));
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0 && errno != EAGAIN) {
			/* Would fail again at once: stop rather than spin. */
			fprintf(stderr, "hvkit-vmm: tap %s: %s; no more frames from it\n",
				t->name, strerror(errno));
			return -1;
		}
		if (got <= 0)
			return 0;	/* all read */
		/*
		 * An l-lan that lost its last buffer or registration since the
		 * look above counts the frame itself, as one without a buffer
		 * of the frame's size does.
		 */
		pthread_mutex_lock(&vm->lock);
		t->frames_in++;
		t->bytes_in += (u64)got;
		hvm_lan_switch_input(&vm->lan, t->port, frame, (size_t)got);
		pthread_mutex_unlock(&vm->lock);
	}
	return 0;
}

/* An l-lan can receive again (inside H_ADD_LOGICAL_LAN_BUFFER, vm->lock held). */
static void llan_rx_ready(struct hvm_llan *l)
{
	struct hvm_vm *vm = l->owner;

	wake(vm->tap_wake_fd);
}

/*
 * Frames from the TAP into the switch. While no l-lan could receive (none
 * registered, or none holding a buffer) the TAP is not read, as QEMU stops
 * reading a backend its device cannot take from: the frames wait in the
 * kernel's TAP queue (which drops, and counts, when it overflows) rather
 * than being read only to be dropped here. An l-lan that can receive again
 * wakes the thread (vm->tap_wake_fd); each stop is counted.
 */
static void *tap_thread(void *arg)
{
	struct hvm_vm *vm = arg;
	struct hvm_tap *t = &vm->tap;
	struct pollfd p[2];
	bool reading, was_reading = true;

	for (;;) {
		reading = tap_may_read(vm);
		if (was_reading && !reading) {
			pthread_mutex_lock(&vm->lock);
			t->read_pauses++;	/* the report reads it under the lock */
			pthread_mutex_unlock(&vm->lock);
		}
		was_reading = reading;
		p[0] = (struct pollfd){ .fd = reading ? t->fd : -1, .events = POLLIN };
		p[1] = (struct pollfd){ .fd = vm->tap_wake_fd, .events = POLLIN };
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return NULL;
		}
		if (p[1].revents & POLLIN)
			wake_clear(vm->tap_wake_fd);
		if ((p[0].revents & POLLIN) && tap_read_frames(vm) < 0)
			return NULL;
	}
}

/* The l-lans, all on one switch, and the TAP as its port to the host. */
static int attach_llans(struct hvm_vm *vm)
{
	unsigned int i;
	int port;

	hvm_lan_switch_init(&vm->lan);
	for (i = 0; i < vm->nr_llans; i++) {
		struct hvm_llan *l = &vm->llans[i];

		hvm_llan_init(l, HVM_LLAN_UNIT0 + i, &vm->mem, vm->llan_macs[i], llan_pulse, vm);
		hvm_llan_set_rx_ready(l, llan_rx_ready);
		hvm_llan_set_powervm(l, vm->llan == HVM_LLAN_POWERVM);
		if (hvm_lan_switch_add_llan(&vm->lan, l) < 0 || hvm_llan_attach(l, &vm->table)) {
			fprintf(stderr, "hvkit-vmm: cannot attach l-lan %u\n", i);
			return -1;
		}
	}
	if (vm->tap.fd < 0)
		return 0;
	port = hvm_lan_switch_add_external(&vm->lan, tap_output, &vm->tap);
	if (port < 0) {
		fprintf(stderr, "hvkit-vmm: no switch port for the TAP %s\n", vm->tap.name);
		return -1;
	}
	vm->tap.port = (unsigned int)port;
	return 0;
}

/* Milliseconds of CLOCK_MONOTONIC. */
static u64 now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000 + (u64)ts.tv_nsec / 1000000;
}

/* The partner's clock: every 20 ms, what is due (crq_partner.h), under the lock. */
#define HVM_PARTNER_TICK_NS	20000000L

static bool stopping(struct hvm_vm *vm);

static void *partner_thread(void *arg)
{
	const struct timespec tick = { .tv_nsec = HVM_PARTNER_TICK_NS };
	struct hvm_vm *vm = arg;

	while (!stopping(vm)) {
		pthread_mutex_lock(&vm->lock);
		hvm_partner_tick(&vm->partner, now_ms());
		pthread_mutex_unlock(&vm->lock);
		nanosleep(&tick, NULL);
	}
	return NULL;
}

/* One v-scsi adapter with every disk as a LUN. */
static int attach_vscsi(struct hvm_vm *vm)
{
	unsigned int i;

	hvm_vscsi_init(&vm->vscsi, HVM_VSCSI_UNIT, &vm->mem, vscsi_pulse);
	hvm_vscsi_set_mads(&vm->vscsi, vm->vscsi_mads);
	for (i = 0; i < vm->nr_disks; i++) {
		const struct hvm_vscsi_lun *l = &vm->disks[i];

		/* options.c already refused duplicates and a ninth disk. */
		if (hvm_vscsi_add_lun(&vm->vscsi, l->channel, l->id, l->lun, &l->disk))
			return -1;
	}
	if (hvm_crq_attach(&vm->vscsi.crq, &vm->table)) {
		fprintf(stderr, "hvkit-vmm: cannot attach the v-scsi adapter\n");
		return -1;
	}
	hvm_partner_init(&vm->partner, &vm->vscsi, vm->crq_partner_first_ms, vm->crq_events);
	return 0;
}

/*
 * H_VIO_SET_MSI for the device at @unit, which is @devid'th in the VM's
 * device list (its DeviceID). Wired: no vector, every call answers H_P2.
 */
static int attach_msi(struct hvm_vm *vm, struct hvm_msi_dev *m, u32 unit, u32 devid)
{
	hvm_msi_init(m, unit, vm->irq == HVM_IRQ_MSI ? 1 : 0, devid, HVM_ITS_BASE);
	if (hvm_msi_attach(m, &vm->table)) {
		fprintf(stderr, "hvkit-vmm: cannot serve H_VIO_SET_MSI for unit %#x\n", unit);
		return -1;
	}
	return 0;
}

/*
 * Every device's MSI side, its DeviceID its index in the device list as
 * describe() writes it: the vtys, the v-scsi adapter, the l-lans.
 */
static int attach_msis(struct hvm_vm *vm)
{
	unsigned int i, devid = 0;

	for (i = 0; i < vm->nr_vtys; i++)
		if (attach_msi(vm, &vm->vtys[i].msi, vm->vtys[i].vty.unit, devid++))
			return -1;
	if (vm->nr_disks && attach_msi(vm, &vm->vscsi_msi, HVM_VSCSI_UNIT, devid++))
		return -1;
	for (i = 0; i < vm->nr_llans; i++)
		if (attach_msi(vm, &vm->llan_msi[i], vm->llans[i].unit, devid++))
			return -1;
	return 0;
}

/*
 * --hostile: every site's model gets the VM's hostile peer (after their
 * init, which clears them), and the one line that says what it does.
 */
static void attach_hostile(struct hvm_vm *vm)
{
	struct hvm_hostile *h = &vm->hostile;
	char sites[64];
	unsigned int i;

	hvm_hostile_init(h, vm->hostile_permille, vm->hostile_sites, vm->seed);
	vm->table.hostile = h;
	for (i = 0; i < vm->nr_vtys; i++)
		vm->vtys[i].vty.hostile = h;
	if (vm->nr_disks) {
		vm->vscsi.crq.hostile = h;
		vm->vscsi.hostile = h;
	}
	for (i = 0; i < vm->nr_llans; i++)
		vm->llans[i].hostile = h;
	hvm_hostile_sites_text(h->sites, sites, sizeof(sites));
	fprintf(stderr, "hvkit-vmm: hostile peer: %u per mille at %s, seed %llu\n",
		h->permille, sites, (unsigned long long)vm->seed);
}

static int attach_devices(struct hvm_vm *vm)
{
	unsigned int i;

	hvm_table_init(&vm->table);
	hvm_pl011_init(&vm->uart, &uart_ops, vm);
	for (i = 0; i < vm->nr_vtys; i++) {
		struct hvm_vty_backend *b = &vm->vtys[i];

		b->vm = vm;
		b->spi = HVM_DEV_SPI0 + i;
		hvm_vty_init(&b->vty, HVM_UNIT0 + i, &vty_ops, b);
		if (hvm_vty_attach(&b->vty, &vm->table, i == 0)) {
			fprintf(stderr, "hvkit-vmm: cannot attach vty %u\n", i);
			return -1;
		}
	}
	if (vm->nr_disks && attach_vscsi(vm))
		return -1;
	if (attach_llans(vm))
		return -1;
	if (vm->busy_permille) {
		hvm_busy_init(&vm->busy, vm->busy_permille, vm->busy_kind, vm->seed);
		vm->table.busy = &vm->busy;
		fprintf(stderr, "hvkit-vmm: busy answers: %u per mille (%s), seed %llu\n",
			vm->busy_permille,
			vm->busy_kind == HVM_BUSY_LONG ? "H_LONG_BUSY_1MS/_10MS" : "H_BUSY",
			(unsigned long long)vm->seed);
	}
	if (vm->hostile_permille)
		attach_hostile(vm);
	return attach_msis(vm);
}

/* What the guest got wrong on l-lan @l, in all. */
static u64 llan_mistakes(const struct hvm_llan *l)
{
	return l->bad_registrations + l->double_registrations + l->bad_frees +
	       l->bad_buffers + l->refused_buffers + l->bad_batches + l->closed_sends +
	       l->continued_sends + l->oversize_sends + l->bad_send_addresses +
	       l->bad_signals + l->bad_attributes + l->rx_bad_addresses;
}

/* " N what" for each counter that is not zero, into @buf. */
static void llan_mistake_list(const struct hvm_llan *l, char *buf, size_t size)
{
	const struct {
		u64 n;
		const char *what;
	} c[] = {
		{ l->bad_registrations, "bad registrations" },
		{ l->double_registrations, "second registrations" },
		{ l->bad_frees, "frees unregistered" },
		{ l->bad_buffers, "bad buffers" },
		{ l->refused_buffers, "buffers refused" },
		{ l->bad_batches, "bad buffer lists" },
		{ l->closed_sends, "sends unregistered" },
		{ l->continued_sends, "continued sends" },
		{ l->oversize_sends, "oversize sends" },
		{ l->bad_send_addresses, "sends outside RAM" },
		{ l->bad_signals, "bad signals" },
		{ l->bad_attributes, "attributes refused" },
		{ l->rx_bad_addresses, "buffers or queue outside RAM" },
	};
	size_t at = 0;
	unsigned int i;

	buf[0] = '\0';
	for (i = 0; i < ARRAY_SIZE(c) && at < size; i++)
		if (c[i].n)
			at += (size_t)snprintf(buf + at, size - at, "%s %llu %s",
					       at ? "," : ":", (unsigned long long)c[i].n,
					       c[i].what);
}

/* Each l-lan's frames and losses, what the guest got wrong, and the TAP's. */
static void report_llans(struct hvm_vm *vm)
{
	const struct hvm_tap *t = &vm->tap;
	unsigned int i;
	char list[512];

	/* The TAP's thread still runs: a frame may be going in. */
	pthread_mutex_lock(&vm->lock);
	for (i = 0; i < vm->nr_llans; i++) {
		const struct hvm_llan *l = &vm->llans[i];

		llan_mistake_list(l, list, sizeof(list));
		fprintf(stderr, "hvkit-vmm: l-lan %#x: %llu frames in, %llu out, %llu dropped for no buffer, %llu while closed, %llu guest mistakes%s\n",
			l->unit, (unsigned long long)l->rx_frames,
			(unsigned long long)l->tx_frames, (unsigned long long)l->rx_no_buffer,
			(unsigned long long)l->rx_closed, (unsigned long long)llan_mistakes(l),
			list);
		if (l->powervm)
			fprintf(stderr, "hvkit-vmm: l-lan %#x powervm: %llu buffers added by %llu H_ADD_LOGICAL_LAN_BUFFERS, %llu by H_ADD_LOGICAL_LAN_BUFFER, %llu lists refused whole; %llu H_ILLAN_ATTRIBUTES answered %#llx\n",
				l->unit, (unsigned long long)l->multi_adds,
				(unsigned long long)l->multi_calls,
				(unsigned long long)l->single_adds,
				(unsigned long long)l->failed_batches,
				(unsigned long long)l->attribute_calls,
				(unsigned long long)l->attrs);
	}
	if (t->fd >= 0)
		fprintf(stderr, "hvkit-vmm: tap %s: %llu frames in, %llu out, reading paused %llu times with no l-lan to receive, %llu lost on write\n",
			t->name, (unsigned long long)t->frames_in,
			(unsigned long long)t->frames_out, (unsigned long long)t->read_pauses,
			(unsigned long long)t->write_errors);
	pthread_mutex_unlock(&vm->lock);
}

/* With --irq msi, each device's MSI counts (msi_table.c's wording). */
static void report_msi(const char *kind, const struct hvm_msi_dev *m,
		       struct hvm_msi_dev *sum)
{
	char text[384];

	hvm_msi_report(m, text, sizeof(text));
	fprintf(stderr, "hvkit-vmm: %s %#x: %s\n", kind, m->unit, text);
	hvm_msi_add(sum, m);
}

static void report_msis(struct hvm_vm *vm)
{
	struct hvm_msi_dev sum = { 0 };
	char text[384];
	unsigned int i;

	if (vm->irq != HVM_IRQ_MSI)
		return;
	/* The input and TAP threads still run: a raise may be under way. */
	pthread_mutex_lock(&vm->lock);
	for (i = 0; i < vm->nr_vtys; i++)
		report_msi("vty", &vm->vtys[i].msi, &sum);
	if (vm->nr_disks)
		report_msi("v-scsi", &vm->vscsi_msi, &sum);
	for (i = 0; i < vm->nr_llans; i++)
		report_msi("l-lan", &vm->llan_msi[i], &sum);
	pthread_mutex_unlock(&vm->lock);
	hvm_msi_report_total(&sum, text, sizeof(text));
	fprintf(stderr, "hvkit-vmm: msi, every device: %s\n", text);
}

/*
 * The PowerVM behaviours asked for (--crq-partner-first, --crq-events,
 * --busy) and the hostile peer (--hostile): what the partner did, what
 * was answered busy, what was mutated. The partner thread and the vCPUs
 * have stopped; the input thread may still feed.
 */
static void report_powervm(struct hvm_vm *vm)
{
	const struct hvm_crq *crq = &vm->vscsi.crq;
	char text[1536];

	pthread_mutex_lock(&vm->lock);
	if (vm->nr_disks && (vm->crq_partner_first_ms >= 0 || vm->crq_events))
		fprintf(stderr, "hvkit-vmm: v-scsi %#x partner: %llu transport events posted (%llu failed, %llu deregistered, %llu migrated), %llu not posted, %llu init requests on coming back, %llu registrations and %llu sends answered H_CLOSED, %llu H_ENABLE_CRQ, %llu commands dropped with the partner, %llu logins\n",
			crq->unit,
			(unsigned long long)(crq->events[0] + crq->events[1] + crq->events[2]),
			(unsigned long long)crq->events[0], (unsigned long long)crq->events[1],
			(unsigned long long)crq->events[2], (unsigned long long)crq->events_unposted,
			(unsigned long long)crq->partner_inits, (unsigned long long)crq->closed_regs,
			(unsigned long long)crq->closed_sends, (unsigned long long)crq->enables,
			(unsigned long long)vm->vscsi.partner_drops,
			(unsigned long long)vm->vscsi.logins);
	if (vm->busy_permille) {
		hvm_busy_report(&vm->busy, text, sizeof(text));
		fprintf(stderr, "hvkit-vmm: busy answers (seed %llu): %s\n",
			(unsigned long long)vm->seed, text);
	}
	if (vm->hostile_permille) {
		hvm_hostile_report(&vm->hostile, text, sizeof(text));
		fprintf(stderr, "hvkit-vmm: hostile (seed %llu): %s\n",
			(unsigned long long)vm->seed, text);
	}
	pthread_mutex_unlock(&vm->lock);
}

/* What the devices counted of the guest's mistakes and the losses, once. */
static void report_devices(struct hvm_vm *vm)
{
	const struct hvm_vscsi *v = &vm->vscsi;
	unsigned int i;

	for (i = 0; i < vm->nr_vtys; i++) {
		const struct hvm_vty *t = &vm->vtys[i].vty;

		if (t->output_lost || t->put_rx.bad_counts)
			fprintf(stderr, "hvkit-vmm: vty %#x: %llu output bytes lost, %llu bad PUT counts\n",
				t->unit, (unsigned long long)t->output_lost,
				(unsigned long long)t->put_rx.bad_counts);
	}
	if (vm->nr_disks)
		fprintf(stderr, "hvkit-vmm: v-scsi %#x: %llu commands, %llu requests dropped, %llu bad descriptors, %llu answers lost, %llu queue registrations refused, %llu cancelled, %llu over the credit, %llu fast-failed, at most %u queued at once\n",
			v->crq.unit, (unsigned long long)v->commands,
			(unsigned long long)v->dropped_ius,
			(unsigned long long)v->bad_descriptors,
			(unsigned long long)v->lost_answers,
			(unsigned long long)v->crq.bad_registrations,
			(unsigned long long)v->cancelled,
			(unsigned long long)v->over_credit,
			(unsigned long long)v->fast_failed, v->peak_outstanding);
	report_powervm(vm);
	report_llans(vm);
	report_msis(vm);
}

/*
 * Stop the VM with @status (0: the guest's event, 1: a failure), once: the
 * first caller wins and true says it did; every later call does nothing.
 * Every other vCPU thread is kicked out of KVM_RUN: immediate_exit makes
 * a KVM_RUN it is about to enter return EINTR at once, the signal (its
 * handler does nothing, installed without SA_RESTART) makes the one it is
 * in return EINTR; either way its loop then sees stopping and ends.
 * @self: the caller's vCPU index, or HVM_MAX_CPUS for none.
 */
static bool stop_vm(struct hvm_vm *vm, int status, unsigned int self)
{
	int idle = 0;
	unsigned int i;

	if (!__atomic_compare_exchange_n(&vm->stopping, &idle, 1, false, __ATOMIC_SEQ_CST,
					 __ATOMIC_SEQ_CST))
		return false;
	vm->status = status;
	for (i = 0; i < vm->nr_cpus; i++) {
		struct hvm_vcpu *c = &vm->vcpus[i];

		if (i == self || !c->started)
			continue;
		__atomic_store_n(&((struct kvm_run *)c->run)->immediate_exit, 1, __ATOMIC_SEQ_CST);
		pthread_kill(c->thread, HVM_KICK_SIGNAL);
	}
	return true;
}

/* vCPU @c failed at @what (errno: why; 0: @what says it all): one line, the VM stops. */
static void vcpu_fail(struct hvm_vcpu *c, const char *what)
{
	int err = errno;

	if (stop_vm(c->vm, 1, c->index))
		fprintf(stderr, "hvkit-vmm: vCPU %u: %s%s%s\n", c->index, what, err ? ": " : "",
			err ? strerror(err) : "");
}

static bool stopping(struct hvm_vm *vm)
{
	return __atomic_load_n(&vm->stopping, __ATOMIC_SEQ_CST);
}

static void *vcpu_thread(void *arg)
{
	struct hvm_vcpu *c = arg;
	struct hvm_vm *vm = c->vm;
	struct kvm_run *run = c->run;
	const char *failed;
	char what[48];

	/* Every thread is created (or the VM already stopping) before any runs. */
	pthread_mutex_lock(&vm->start_gate);
	pthread_mutex_unlock(&vm->start_gate);
	while (!stopping(vm)) {
		if (ioctl(c->fd, KVM_RUN, 0)) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			vcpu_fail(c, "KVM_RUN");
			break;
		}
		switch (run->exit_reason) {
		case KVM_EXIT_HYPERCALL:
			failed = answer_hypercall(c);
			if (failed)
				vcpu_fail(c, failed);
			break;
		case KVM_EXIT_MMIO:
			mmio(c);
			break;
		case KVM_EXIT_SYSTEM_EVENT:
			/* Powered off or reset: stop, the status 0 (if nothing failed first). */
			if (stop_vm(vm, 0, c->index)) {
				vm->event_type = run->system_event.type;
				vm->event_cpu = c->index;
			}
			break;
		default:
			snprintf(what, sizeof(what), "unexpected KVM exit %u", run->exit_reason);
			errno = 0;
			vcpu_fail(c, what);
			break;
		}
	}
	return NULL;
}

static void kick(int sig)
{
	(void)sig;	/* only to interrupt KVM_RUN */
}

/*
 * One thread per vCPU, all created before any runs (the start gate); then
 * wait for all of them. 0, or 1 when a thread could not be created.
 */
static int run_vcpus(struct hvm_vm *vm)
{
	struct sigaction sa = { .sa_handler = kick };	/* no SA_RESTART */
	unsigned int i;
	int ret = 0;

	sigemptyset(&sa.sa_mask);
	if (sigaction(HVM_KICK_SIGNAL, &sa, NULL)) {
		fail("installing the vCPU kick signal", NULL);
		return 1;
	}
	pthread_mutex_lock(&vm->start_gate);
	for (i = 0; i < vm->nr_cpus; i++) {
		if (pthread_create(&vm->vcpus[i].thread, NULL, vcpu_thread, &vm->vcpus[i])) {
			fprintf(stderr, "hvkit-vmm: cannot start the thread of vCPU %u\n", i);
			stop_vm(vm, 1, HVM_MAX_CPUS);
			ret = 1;
			break;
		}
		vm->vcpus[i].started = true;
	}
	pthread_mutex_unlock(&vm->start_gate);
	for (i = 0; i < vm->nr_cpus; i++)
		if (vm->vcpus[i].started)
			pthread_join(vm->vcpus[i].thread, NULL);
	return ret;
}

int hvm_kvm_run(struct hvm_vm *vm)
{
	pthread_t input, tap, partner;
	bool partner_on;
	int ret;

	pthread_mutex_init(&vm->lock, NULL);
	pthread_mutex_init(&vm->start_gate, NULL);
	if (wake_open(&vm->input_wake_fd) || wake_open(&vm->tap_wake_fd)) {
		fail("creating the backend threads' eventfds", NULL);
		return 1;
	}
	if (attach_devices(vm) || create_vm(vm))
		return 1;
	if (pthread_create(&input, NULL, input_thread, vm)) {
		fprintf(stderr, "hvkit-vmm: cannot start the input thread\n");
		return 1;
	}
	if (vm->tap.fd >= 0 && pthread_create(&tap, NULL, tap_thread, vm)) {
		fprintf(stderr, "hvkit-vmm: cannot start the TAP thread\n");
		return 1;
	}
	/* v-scsi answers from its worker once the vCPUs run; joined when they stopped. */
	if (vm->nr_disks && hvm_vscsi_start(&vm->vscsi, &vm->lock)) {
		fprintf(stderr, "hvkit-vmm: cannot start the v-scsi worker\n");
		return 1;
	}
	partner_on = vm->nr_disks && hvm_partner_active(&vm->partner);
	if (partner_on && pthread_create(&partner, NULL, partner_thread, vm)) {
		fprintf(stderr, "hvkit-vmm: cannot start the v-scsi partner's thread\n");
		return 1;
	}
	ret = run_vcpus(vm);
	if (partner_on)
		pthread_join(partner, NULL);
	if (vm->nr_disks)
		hvm_vscsi_stop(&vm->vscsi);
	if (ret || vm->status)
		return 1;
	fprintf(stderr, "hvkit-vmm: guest %s after %llu hypercalls (vCPU %u of %u)\n",
		vm->event_type == KVM_SYSTEM_EVENT_RESET ? "reset" : "powered off",
		(unsigned long long)vm->hcalls, vm->event_cpu, vm->nr_cpus);
	report_devices(vm);
	return 0;
}
