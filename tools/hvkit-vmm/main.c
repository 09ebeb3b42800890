// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvkit-vmm: a small VMM on Linux KVM (arm64) that offers the hvkit
 * paravirtual devices to its guest through the hvkit hcall ABI.
 * Documentation/hvkit-vmm.rst.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vm.h"

static const char usage[] =
"usage: hvkit-vmm --kernel IMAGE [options]\n"
"\n"
"Boots an arm64 Linux Image under KVM and offers it hvkit's devices through\n"
"the hvkit hcall ABI (SMCCC vendor hypervisor range).\n"
"\n"
"  --kernel IMAGE        the guest kernel (an uncompressed arm64 Image)\n"
"  --initrd FILE         its initramfs\n"
"  --append LINE         its command line (default: console=ttyAMA0)\n"
"  --method hvc|smc      the instruction the guest calls with (default hvc);\n"
"                        PSCI uses the same one\n"
"  --memory MIB          guest RAM in MiB (default 512; 16 to 32768)\n"
"  --vty out=PATH[,in=PATH]\n"
"                        a vty (unit address 0x30000000 onwards, in the order\n"
"                        given): guest output appended to PATH, input read\n"
"                        from PATH (a file or a FIFO); up to 8\n"
"  --disk PATH[,ro][,lun=C:T:L]\n"
"                        a disk image (raw, a multiple of 512 bytes) as a\n"
"                        SCSI LUN of the v-scsi adapter (unit address\n"
"                        0x30000100); channel:target:lun defaults to\n"
"                        0:N:0 for the Nth disk; ro: read-only; up to 8\n"
"  -h, --help            this text\n"
"\n"
"The boot console is a PL011 on stdin/stdout. Exit status: 0 when the guest\n"
"powered off, 1 on a VM failure, 2 on a bad option.\n";

static int bad_option(const char *opt, const char *why)
{
	fprintf(stderr, "hvkit-vmm: %s: %s (see --help)\n", opt, why);
	return 2;
}

static int open_or_complain(const char *path, int flags, const char *opt)
{
	int fd = open(path, flags | O_CLOEXEC, 0644);

	if (fd < 0)
		fprintf(stderr, "hvkit-vmm: %s: cannot open %s: %s\n", opt, path, strerror(errno));
	return fd;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* Everything the options opened, on a bad one: every error path releases what it took. */
static void release(struct hvm_vm *vm)
{
	unsigned int i;

	close_fd(&vm->kernel_fd);
	close_fd(&vm->initrd_fd);
	for (i = 0; i < vm->nr_vtys; i++) {
		close_fd(&vm->vtys[i].out_fd);
		close_fd(&vm->vtys[i].in_fd);
	}
	for (i = 0; i < vm->nr_disks; i++)
		close_fd(&vm->disks[i].disk.fd);
}

/* --vty out=PATH[,in=PATH] */
static int parse_vty(struct hvm_vm *vm, char *arg)
{
	struct hvm_vty_backend *b;
	char *tok, *save = NULL;
	int err = 0;

	if (vm->nr_vtys == HVM_MAX_VTYS)
		return bad_option("--vty", "at most 8 vtys");
	b = &vm->vtys[vm->nr_vtys];
	b->out_fd = -1;
	b->in_fd = -1;
	for (tok = strtok_r(arg, ",", &save); tok && !err; tok = strtok_r(NULL, ",", &save)) {
		if (!strncmp(tok, "out=", 4) && b->out_fd < 0)
			b->out_fd = open_or_complain(tok + 4, O_WRONLY | O_CREAT | O_APPEND, "--vty");
		else if (!strncmp(tok, "in=", 3) && b->in_fd < 0)
			b->in_fd = open_or_complain(tok + 3, O_RDONLY | O_NONBLOCK, "--vty");
		else
			err = bad_option("--vty", "expected out=PATH[,in=PATH]");
		if ((tok[0] == 'o' && b->out_fd < 0) || (tok[0] == 'i' && b->in_fd < 0))
			err = 2;
	}
	if (!err && b->out_fd < 0)
		err = bad_option("--vty", "out=PATH is required");
	if (err) {
		/* Not counted yet: release() would not see this one. */
		close_fd(&b->out_fd);
		close_fd(&b->in_fd);
		return err;
	}
	vm->nr_vtys++;
	return 0;
}

/* The kernel or the initrd: opened once, here; kvm_arm64.c reads it from its start. */
static int open_image(const char *opt, const char *path, int *fd, u64 *size)
{
	struct stat st;

	*fd = open_or_complain(path, O_RDONLY, opt);
	if (*fd < 0)
		return 2;
	if (fstat(*fd, &st) || !S_ISREG(st.st_mode)) {
		fprintf(stderr, "hvkit-vmm: %s: %s is not a regular file\n", opt, path);
		close_fd(fd);
		return 2;
	}
	*size = (u64)st.st_size;
	return 0;
}

/* lun=C:T:L, in the ranges hv_scsi addresses. */
static int parse_lun(struct hvm_vscsi_lun *l, const char *s)
{
	unsigned int c, t, n;
	char end;

	if (sscanf(s, "%u:%u:%u%c", &c, &t, &n, &end) != 3 || c > 7 || t > 63 || n > 31)
		return bad_option("--disk", "lun=C:T:L with C 0-7, T 0-63, L 0-31");
	l->channel = (u8)c;
	l->id = (u8)t;
	l->lun = (u8)n;
	return 0;
}

/* The image behind a disk: open, and a whole number of blocks. */
static int open_disk(struct hvm_vscsi_lun *l, const char *path, bool ro)
{
	struct stat st;

	l->disk.fd = open_or_complain(path, ro ? O_RDONLY : O_RDWR, "--disk");
	if (l->disk.fd < 0)
		return 2;
	if (fstat(l->disk.fd, &st) || !S_ISREG(st.st_mode) || !st.st_size ||
	    st.st_size % HVM_SCSI_BLOCK) {
		fprintf(stderr, "hvkit-vmm: --disk: %s is not a regular file of whole 512-byte blocks\n",
			path);
		close(l->disk.fd);
		return 2;
	}
	l->disk.blocks = (u64)st.st_size / HVM_SCSI_BLOCK;
	l->disk.read_only = ro;
	return 0;
}

/* --disk PATH[,ro][,lun=C:T:L] */
static int parse_disk(struct hvm_vm *vm, char *arg)
{
	struct hvm_vscsi_lun *l;
	char *tok, *save = NULL, *path;
	bool ro = false;
	unsigned int i;
	int err;

	if (vm->nr_disks == HVM_MAX_DISKS)
		return bad_option("--disk", "at most 8 disks");
	l = &vm->disks[vm->nr_disks];
	memset(l, 0, sizeof(*l));
	l->id = (u8)vm->nr_disks;
	path = strtok_r(arg, ",", &save);
	if (!path)
		return bad_option("--disk", "expected PATH[,ro][,lun=C:T:L]");
	for (tok = strtok_r(NULL, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (!strcmp(tok, "ro"))
			ro = true;
		else if (!strncmp(tok, "lun=", 4)) {
			err = parse_lun(l, tok + 4);
			if (err)
				return err;
		} else {
			return bad_option("--disk", "expected PATH[,ro][,lun=C:T:L]");
		}
	}
	for (i = 0; i < vm->nr_disks; i++)
		if (vm->disks[i].channel == l->channel && vm->disks[i].id == l->id &&
		    vm->disks[i].lun == l->lun)
			return bad_option("--disk", "two disks at one channel:target:lun");
	err = open_disk(l, path, ro);
	if (err)
		return err;
	snprintf(l->disk.serial, sizeof(l->disk.serial), "HVKIT-%u-%u-%u", l->channel, l->id,
		 l->lun);
	vm->nr_disks++;
	return 0;
}

static int parse(struct hvm_vm *vm, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "kernel", required_argument, NULL, 'k' },
		{ "initrd", required_argument, NULL, 'i' },
		{ "append", required_argument, NULL, 'a' },
		{ "method", required_argument, NULL, 'm' },
		{ "memory", required_argument, NULL, 'M' },
		{ "vty", required_argument, NULL, 'v' },
		{ "disk", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char *end;
	long mib;
	int c, err;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'k':
			vm->kernel = optarg;
			break;
		case 'i':
			vm->initrd = optarg;
			break;
		case 'a':
			vm->cmdline = optarg;
			break;
		case 'm':
			if (!strcmp(optarg, "hvc"))
				vm->method = HVK_METHOD_HVC;
			else if (!strcmp(optarg, "smc"))
				vm->method = HVK_METHOD_SMC;
			else
				return bad_option("--method", "hvc or smc");
			break;
		case 'M':
			errno = 0;
			mib = strtol(optarg, &end, 10);
			if (errno || *end || mib < 16 || mib > 32768)
				return bad_option("--memory", "a number of MiB from 16 to 32768");
			vm->ram_size = (u64)mib << 20;
			break;
		case 'v':
			err = parse_vty(vm, optarg);
			if (err)
				return err;
			break;
		case 'd':
			err = parse_disk(vm, optarg);
			if (err)
				return err;
			break;
		case 'h':
			fputs(usage, stdout);
			release(vm);
			exit(0);
		default:
			return 2;	/* getopt said what */
		}
	}
	if (optind < argc)
		return bad_option(argv[optind], "unexpected argument");
	if (!vm->kernel)
		return bad_option("--kernel", "required");
	err = open_image("--kernel", vm->kernel, &vm->kernel_fd, &vm->kernel_size);
	if (!err && vm->initrd)
		err = open_image("--initrd", vm->initrd, &vm->initrd_fd, &vm->initrd_size);
	return err;
}

int main(int argc, char **argv)
{
	static struct hvm_vm vm = {
		.method = HVK_METHOD_HVC,
		.ram_size = 512ull << 20,
		.cmdline = "console=ttyAMA0",
		.uart_in_fd = STDIN_FILENO,
		.kernel_fd = -1,
		.initrd_fd = -1,
	};
	int err = parse(&vm, argc, argv);

	if (err) {
		release(&vm);
		return err;
	}
	/*
	 * The files stay open to the end: the VM's input thread may still
	 * poll the vty inputs when the run returns, and exit closes them.
	 */
	return hvm_kvm_run(&vm);
}
