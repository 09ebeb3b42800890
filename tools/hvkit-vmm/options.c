// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvkit-vmm's command line; see options.h and Documentation/hvkit-vmm.rst.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/if.h>
#include <linux/if_tun.h>

#include "options.h"

const char hvm_options_usage[] =
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
"  --cpus N              vCPUs (default 1; 1 to 8); vCPU 0 boots the kernel,\n"
"                        the guest starts the others with PSCI CPU_ON\n"
"  --vty out=PATH[,in=PATH]\n"
"                        a vty (unit address 0x30000000 onwards, in the order\n"
"                        given): guest output appended to PATH, input read\n"
"                        from PATH (a file or a FIFO; the same PATH as out=:\n"
"                        opened once, read-write); up to 8\n"
"  --disk PATH[,ro][,lun=C:T:L]\n"
"                        a disk image (raw, a multiple of 512 bytes) as a\n"
"                        SCSI LUN of the v-scsi adapter (unit address\n"
"                        0x30000100); channel:target:lun defaults to\n"
"                        0:N:0 for the Nth disk (C 0-7, T 0-63, L 0-31);\n"
"                        ro: read-only; up to 8\n"
"  --nic [mac=XX:XX:XX:XX:XX:XX][,tap=NAME]\n"
"                        an l-lan (unit address 0x30000200 onwards, in the\n"
"                        order given), MAC 52:54:00:12:34:5N for the Nth\n"
"                        unless mac= gives one (unicast, unique); every\n"
"                        l-lan is on one switch, and tap=NAME adds the TAP\n"
"                        NAME (created if need be; needs the tun module and\n"
"                        CAP_NET_ADMIN) as its port to the host; one tap=\n"
"                        in all; up to 4\n"
"  --irq wired|msi       how the hvkit devices interrupt (default wired): a\n"
"                        wired GIC SPI each, or an MSI each through an ITS\n"
"                        (the in-kernel vGICv3 ITS; each device's node has\n"
"                        msi-parent instead of interrupts); the PL011 keeps\n"
"                        its SPI\n"
"  --llan qemu|powervm   what the l-lans answer (default qemu): QEMU's\n"
"                        l-lan calls, H_ILLAN_ATTRIBUTES and\n"
"                        H_ADD_LOGICAL_LAN_BUFFERS answered H_FUNCTION; or\n"
"                        PowerVM's two calls too, attributes 0x40000 (up\n"
"                        to eight receive buffers per call, no offloads)\n"
"  --crq-partner-first[=MS]\n"
"                        the v-scsi partner is not there when the guest\n"
"                        registers its queue (H_REG_CRQ and H_SEND_CRQ answer\n"
"                        H_CLOSED, as PowerVM) and comes up MS ms (default\n"
"                        2000) after the first registration, with its init\n"
"                        request (0xC0/0x01)\n"
"  --crq-events=ITEM[,ITEM...]\n"
"                        transport events from the v-scsi partner, timed from\n"
"                        the guest's first SRP login: ITEM is KIND@SEC,\n"
"                        KIND/PERIOD[xCOUNT] or KIND@SEC/PERIOD[xCOUNT] (seconds,\n"
"                        up to 3 decimals), KIND failed (0xFF/0x01),\n"
"                        deregistered (0xFF/0x02) or migrated (0xFF/0x06); the\n"
"                        partner drops what it holds, is away 500 ms (H_CLOSED),\n"
"                        then sends its init request; up to 16 ITEMs\n"
"  --busy=PERMILLE[:busy|long]\n"
"                        answer that many of every 1000 calls PowerVM may\n"
"                        answer busy H_BUSY (busy, the default) or\n"
"                        H_LONG_BUSY_1MS/_10MS (long) without making them\n"
"  --hostile=PERMILLE[:SITE,...]\n"
"                        a hostile peer: of every 1000 chances at each SITE,\n"
"                        mutate that many on their way to the guest, one\n"
"                        field each: crq (CRQ entries), srp (SRP_RSP and\n"
"                        MAD answers), llan (receive queue entries), vty\n"
"                        (H_GET_TERM_CHAR answers), status (hcall statuses\n"
"                        and outputs); default all; decisions reproducible\n"
"                        per site with --seed\n"
"  --seed N              the seed of --busy and --hostile (default: drawn;\n"
"                        printed)\n"
"  --vscsi-mads qemu|powervm\n"
"                        how the v-scsi adapter answers the MADs beyond\n"
"                        ADAPTER_INFO (default qemu): qemu as QEMU's\n"
"                        spapr-vscsi (ENABLE_FAST_FAIL unknown,\n"
"                        CAPABILITIES with nothing supported); powervm as a\n"
"                        VIOS (ENABLE_FAST_FAIL granted before the login,\n"
"                        then a READ or WRITE whose image I/O failed fails\n"
"                        by CRQ status 0x10; CAPABILITIES answered per\n"
"                        capability, none supported)\n"
"  -h, --help            this text\n"
"\n"
"The boot console is a PL011 on stdin/stdout. Every file is opened before\n"
"the VM starts. Exit status: 0 when the guest powered off, 1 on a VM\n"
"failure, 2 on a bad option or a file an option names that will not do.\n";

static const struct option long_opts[] = {
	{ "kernel", required_argument, NULL, 'k' },
	{ "initrd", required_argument, NULL, 'i' },
	{ "append", required_argument, NULL, 'a' },
	{ "method", required_argument, NULL, 'm' },
	{ "memory", required_argument, NULL, 'M' },
	{ "cpus", required_argument, NULL, 'c' },
	{ "vty", required_argument, NULL, 'v' },
	{ "disk", required_argument, NULL, 'd' },
	{ "nic", optional_argument, NULL, 'n' },
	{ "irq", required_argument, NULL, 'q' },
	{ "llan", required_argument, NULL, 'l' },
	/* PowerVM behaviours (issue 13). */
	{ "crq-partner-first", optional_argument, NULL, 'P' },
	{ "crq-events", required_argument, NULL, 'E' },
	{ "busy", required_argument, NULL, 'B' },
	{ "seed", required_argument, NULL, 'S' },
	{ "vscsi-mads", required_argument, NULL, 'V' },
	{ "hostile", required_argument, NULL, 'H' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static __attribute__((format(printf, 4, 5)))
int bad(char *err, size_t err_len, const char *opt, const char *fmt, ...)
{
	size_t n;
	va_list ap;

	n = (size_t)snprintf(err, err_len, "%s: ", opt);
	if (n < err_len) {
		va_start(ap, fmt);
		vsnprintf(err + n, err_len - n, fmt, ap);
		va_end(ap);
	}
	return HVM_EXIT_BAD_OPTION;
}

void hvm_options_init(struct hvm_options *o)
{
	memset(o, 0, sizeof(*o));
	o->cmdline = "console=ttyAMA0";
	o->method = HVK_METHOD_HVC;
	o->ram_size = (u64)HVM_RAM_MIB_DEFAULT << 20;
	o->nr_cpus = 1;
	o->irq = HVM_IRQ_WIRED;
	o->llan = HVM_LLAN_QEMU;
	o->vscsi_mads = HVM_VSCSI_MADS_QEMU;
	o->kernel_fd = -1;
	o->initrd_fd = -1;
	o->tap_fd = -1;
	o->crq_partner_first_ms = -1;
}

/* The next comma-separated field of *@s, NUL-terminated in place; NULL after the last. */
static char *next_field(char **s)
{
	char *f = *s, *comma;

	if (!f)
		return NULL;
	comma = strchr(f, ',');
	if (comma)
		*comma++ = '\0';
	*s = comma;
	return f;
}

/* A decimal number of at most @max, digits only; where it ends, or NULL. */
static const char *get_num(const char *s, unsigned int max, unsigned int *v)
{
	unsigned int n = 0;

	if (*s < '0' || *s > '9')
		return NULL;
	for (; *s >= '0' && *s <= '9'; s++) {
		n = n * 10 + (unsigned int)(*s - '0');
		if (n > max)
			return NULL;
	}
	*v = n;
	return s;
}

/* --vty out=PATH[,in=PATH] */
static int parse_vty(struct hvm_options *o, char *arg, char *err, size_t err_len)
{
	struct hvm_opt_vty *v;
	char *f;

	if (o->nr_vtys == HVM_MAX_VTYS)
		return bad(err, err_len, "--vty", "at most %d vtys", HVM_MAX_VTYS);
	v = &o->vtys[o->nr_vtys];
	*v = (struct hvm_opt_vty){ .out_fd = -1, .in_fd = -1 };
	while ((f = next_field(&arg))) {
		if (!strncmp(f, "out=", 4) && !v->out)
			v->out = f + 4;
		else if (!strncmp(f, "in=", 3) && !v->in)
			v->in = f + 3;
		else
			return bad(err, err_len, "--vty", "\"%s\": expected out=PATH[,in=PATH]", f);
	}
	if (!v->out || !*v->out)
		return bad(err, err_len, "--vty", "out=PATH is required");
	if (v->in && !*v->in)
		return bad(err, err_len, "--vty", "in= needs a PATH");
	o->nr_vtys++;
	return 0;
}

/* lun=C:T:L, in the ranges hv_scsi addresses. */
static int parse_lun(struct hvm_vscsi_lun *l, const char *s)
{
	unsigned int c, t, n;

	s = get_num(s, 7, &c);
	if (!s || *s != ':')
		return -1;
	s = get_num(s + 1, 63, &t);
	if (!s || *s != ':')
		return -1;
	s = get_num(s + 1, 31, &n);
	if (!s || *s)
		return -1;
	l->channel = (u8)c;
	l->id = (u8)t;
	l->lun = (u8)n;
	return 0;
}

/* --disk PATH[,ro][,lun=C:T:L] */
static int parse_disk(struct hvm_options *o, char *arg, char *err, size_t err_len)
{
	struct hvm_opt_disk *d;
	struct hvm_vscsi_lun *l, *other;
	unsigned int i;
	char *f;

	if (o->nr_disks == HVM_MAX_DISKS)
		return bad(err, err_len, "--disk", "at most %d disks", HVM_MAX_DISKS);
	d = &o->disks[o->nr_disks];
	memset(d, 0, sizeof(*d));
	l = &d->lun;
	l->id = (u8)o->nr_disks;
	l->disk.fd = -1;
	d->path = next_field(&arg);
	if (!d->path || !*d->path)
		return bad(err, err_len, "--disk", "expected PATH[,ro][,lun=C:T:L]");
	while ((f = next_field(&arg))) {
		if (!strcmp(f, "ro"))
			l->disk.read_only = true;
		else if (!strncmp(f, "lun=", 4) && !parse_lun(l, f + 4))
			continue;
		else if (!strncmp(f, "lun=", 4))
			return bad(err, err_len, "--disk", "\"%s\": lun=C:T:L with C 0-7, T 0-63, L 0-31",
				   f);
		else
			return bad(err, err_len, "--disk", "unknown flag \"%s\" (PATH[,ro][,lun=C:T:L])",
				   f);
	}
	for (i = 0; i < o->nr_disks; i++) {
		other = &o->disks[i].lun;
		if (other->channel == l->channel && other->id == l->id && other->lun == l->lun)
			return bad(err, err_len, "--disk", "two disks at %u:%u:%u", l->channel, l->id,
				   l->lun);
	}
	snprintf(l->disk.serial, sizeof(l->disk.serial), "HVKIT-%u-%u-%u", l->channel, l->id,
		 l->lun);
	o->nr_disks++;
	return 0;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* XX:XX:XX:XX:XX:XX, two hex digits each, nothing after. */
static int parse_mac(u8 *mac, const char *s)
{
	int i, hi, lo;

	for (i = 0; i < HVM_MAC_LEN; i++, s += 3) {
		hi = hex_digit(s[0]);
		lo = hi < 0 ? -1 : hex_digit(s[1]);
		if (lo < 0 || s[2] != (i == HVM_MAC_LEN - 1 ? '\0' : ':'))
			return -1;
		mac[i] = (u8)(hi << 4 | lo);
	}
	return 0;
}

#define MAC_FMT		"%02x:%02x:%02x:%02x:%02x:%02x"
#define MAC_ARGS(m)	(m)[0], (m)[1], (m)[2], (m)[3], (m)[4], (m)[5]

/* --nic [mac=XX:XX:XX:XX:XX:XX][,tap=NAME] (no value: the defaults). */
static int parse_nic(struct hvm_options *o, char *arg, char *err, size_t err_len)
{
	static const u8 zero[HVM_MAC_LEN];
	static const u8 base[HVM_MAC_LEN] = HVM_NIC_MAC_DEFAULT;
	struct hvm_opt_nic *n;
	bool have_mac = false;
	unsigned int i;
	char *f;

	if (o->nr_nics == HVM_MAX_NICS)
		return bad(err, err_len, "--nic", "at most %d l-lans", HVM_MAX_NICS);
	n = &o->nics[o->nr_nics];
	memset(n, 0, sizeof(*n));
	memcpy(n->mac, base, HVM_MAC_LEN);
	n->mac[HVM_MAC_LEN - 1] += (u8)o->nr_nics;
	while (arg && (f = next_field(&arg))) {
		if (!strncmp(f, "mac=", 4) && !have_mac) {
			if (parse_mac(n->mac, f + 4))
				return bad(err, err_len, "--nic", "\"%s\": mac=XX:XX:XX:XX:XX:XX, hex", f);
			have_mac = true;
		} else if (!strncmp(f, "tap=", 4) && !n->tap) {
			n->tap = f + 4;
			if (!*n->tap || strlen(n->tap) > HVM_TAP_NAME_MAX || strchr(n->tap, '/'))
				return bad(err, err_len, "--nic", "\"%s\": tap=NAME, 1 to %d characters, no '/'",
					   f, HVM_TAP_NAME_MAX);
			if (o->tap)
				return bad(err, err_len, "--nic", "a second tap= (%s after %s): one TAP per VM",
					   n->tap, o->tap);
			o->tap = n->tap;
		} else {
			return bad(err, err_len, "--nic",
				   "\"%s\": expected [mac=XX:XX:XX:XX:XX:XX][,tap=NAME]", f);
		}
	}
	if (n->mac[0] & 1)
		return bad(err, err_len, "--nic", "mac=" MAC_FMT " is a multicast address",
			   MAC_ARGS(n->mac));
	if (!memcmp(n->mac, zero, HVM_MAC_LEN))
		return bad(err, err_len, "--nic", "mac=" MAC_FMT " is not an address",
			   MAC_ARGS(n->mac));
	for (i = 0; i < o->nr_nics; i++)
		if (!memcmp(o->nics[i].mac, n->mac, HVM_MAC_LEN))
			return bad(err, err_len, "--nic", "two l-lans with MAC " MAC_FMT,
				   MAC_ARGS(n->mac));
	o->nr_nics++;
	return 0;
}

/*
 * PowerVM behaviours (issue 13): --crq-partner-first[=MS],
 * --crq-events=ITEM[,...], --busy=PERMILLE[:KIND], --seed N. Returns 0,
 * HVM_EXIT_BAD_OPTION, or -1 when @c is none of them.
 */
static int parse_powervm(struct hvm_options *o, int c, const char *arg, char *err,
			 size_t err_len)
{
	unsigned int n;
	const char *end;
	char why[320];
	u64 seed = 0;

	switch (c) {
	case 'P':
		if (!arg) {
			o->crq_partner_first_ms = HVM_PARTNER_FIRST_DEFAULT_MS;
			return 0;
		}
		end = get_num(arg, HVM_PARTNER_MAX_MS, &n);
		if (!end || *end)
			return bad(err, err_len, "--crq-partner-first",
				   "\"%s\": milliseconds, 0 to %u", arg, HVM_PARTNER_MAX_MS);
		o->crq_partner_first_ms = n;
		return 0;
	case 'E':
		if (hvm_crq_events_parse(&o->crq_events, arg, why, sizeof(why)))
			return bad(err, err_len, "--crq-events", "%s", why);
		o->have_crq_events = true;
		return 0;
	case 'B':
		end = get_num(arg, 1000, &n);
		if (!end || (*end && *end != ':') || !n)
			return bad(err, err_len, "--busy", "\"%s\": PERMILLE[:busy|long], 1 to 1000",
				   arg);
		if (!*end || !strcmp(end, ":busy"))
			o->busy_kind = HVM_BUSY_PLAIN;
		else if (!strcmp(end, ":long"))
			o->busy_kind = HVM_BUSY_LONG;
		else
			return bad(err, err_len, "--busy", "\"%s\": PERMILLE[:busy|long], the kind busy or long",
				   arg);
		o->busy_permille = n;
		return 0;
	case 'S':
		for (end = arg; *end >= '0' && *end <= '9'; end++) {
			u64 d = (u64)(*end - '0');

			if (seed > (~0ull - d) / 10)
				break;
			seed = seed * 10 + d;
		}
		if (end == arg || *end)
			return bad(err, err_len, "--seed", "\"%s\": a decimal number below 2^64",
				   arg);
		o->seed = seed;
		o->have_seed = true;
		return 0;
	default:
		return -1;
	}
}

/* --hostile=PERMILLE[:SITE,...]: 1 to 1000, the sites hostile.c names. */
static int parse_hostile(struct hvm_options *o, const char *arg, char *err, size_t err_len)
{
	unsigned int n, sites = HVM_HOSTILE_ALL_SITES;
	const char *end;

	end = get_num(arg, 1000, &n);
	if (!end || (*end && *end != ':') || !n)
		return bad(err, err_len, "--hostile", "\"%s\": PERMILLE[:SITE,...], 1 to 1000",
			   arg);
	if (*end && hvm_hostile_parse_sites(end + 1, &sites))
		return bad(err, err_len, "--hostile",
			   "\"%s\": PERMILLE[:SITE,...], SITE one of crq, srp, llan, vty, status",
			   arg);
	o->hostile_permille = n;
	o->hostile_sites = sites;
	return 0;
}

/* What getopt_long() refused (@c: ':' or '?'), in one line naming the option. */
static int refused(int c, char **argv, char *err, size_t err_len)
{
	const char *arg = argv[optind - 1];
	int len = (int)strcspn(arg, "=");
	const struct option *lo;
	unsigned int matches = 0;

	for (lo = long_opts; lo->name; lo++)
		if (optopt && lo->val == optopt)
			break;
	if (c == ':' && lo->name)
		snprintf(err, err_len, "--%s: needs a value", lo->name);
	else if (lo->name && lo->has_arg == no_argument && !strncmp(arg, "--", 2))
		snprintf(err, err_len, "--%s: takes no value", lo->name);
	else if (optopt)
		snprintf(err, err_len, "-%c: unknown option", optopt);
	if (err[0])
		return HVM_EXIT_BAD_OPTION;
	if (!strncmp(arg, "--", 2))
		for (lo = long_opts; lo->name; lo++)
			matches += !strncmp(lo->name, arg + 2, (size_t)len - 2);
	snprintf(err, err_len, "%.*s: %s", len, arg,
		 matches > 1 ? "ambiguous option" : "unknown option");
	return HVM_EXIT_BAD_OPTION;
}

int hvm_options_parse(struct hvm_options *o, int argc, char **argv, char *err,
		      size_t err_len)
{
	unsigned int mib, cpus;
	const char *end;
	int c, ret;

	err[0] = '\0';
	opterr = 0;
	optind = 0;	/* glibc: start afresh, as each test calls this again */
	while ((c = getopt_long(argc, argv, ":h", long_opts, NULL)) != -1) {
		switch (c) {
		case 'k':
			if (!*optarg)
				return bad(err, err_len, "--kernel", "needs a value");
			o->kernel = optarg;
			break;
		case 'i':
			if (!*optarg)
				return bad(err, err_len, "--initrd", "needs a value");
			o->initrd = optarg;
			break;
		case 'a':
			o->cmdline = optarg;
			break;
		case 'm':
			if (!strcmp(optarg, "hvc"))
				o->method = HVK_METHOD_HVC;
			else if (!strcmp(optarg, "smc"))
				o->method = HVK_METHOD_SMC;
			else
				return bad(err, err_len, "--method", "\"%s\": expected hvc or smc",
					   optarg);
			break;
		case 'q':
			if (!strcmp(optarg, "wired"))
				o->irq = HVM_IRQ_WIRED;
			else if (!strcmp(optarg, "msi"))
				o->irq = HVM_IRQ_MSI;
			else
				return bad(err, err_len, "--irq", "\"%s\": expected wired or msi",
					   optarg);
			break;
		case 'l':
			if (!strcmp(optarg, "qemu"))
				o->llan = HVM_LLAN_QEMU;
			else if (!strcmp(optarg, "powervm"))
				o->llan = HVM_LLAN_POWERVM;
			else
				return bad(err, err_len, "--llan", "\"%s\": expected qemu or powervm",
					   optarg);
			break;
		case 'V':
			if (!strcmp(optarg, "qemu"))
				o->vscsi_mads = HVM_VSCSI_MADS_QEMU;
			else if (!strcmp(optarg, "powervm"))
				o->vscsi_mads = HVM_VSCSI_MADS_POWERVM;
			else
				return bad(err, err_len, "--vscsi-mads",
					   "\"%s\": expected qemu or powervm", optarg);
			break;
		case 'M':
			end = get_num(optarg, HVM_RAM_MIB_MAX, &mib);
			if (!end || *end || mib < HVM_RAM_MIB_MIN)
				return bad(err, err_len, "--memory",
					   "\"%s\": a number of MiB from %d to %d", optarg,
					   HVM_RAM_MIB_MIN, HVM_RAM_MIB_MAX);
			o->ram_size = (u64)mib << 20;
			break;
		case 'c':
			end = get_num(optarg, HVM_MAX_CPUS, &cpus);
			if (!end || *end || cpus < HVM_CPUS_MIN)
				return bad(err, err_len, "--cpus", "\"%s\": a number of vCPUs from %d to %d",
					   optarg, HVM_CPUS_MIN, HVM_MAX_CPUS);
			o->nr_cpus = cpus;
			break;
		case 'v':
			ret = parse_vty(o, optarg, err, err_len);
			if (ret)
				return ret;
			break;
		case 'd':
			ret = parse_disk(o, optarg, err, err_len);
			if (ret)
				return ret;
			break;
		case 'n':
			/*
			 * The value is optional: "--nic=V", "--nic V" (no
			 * option takes a bare word, so one after --nic is its
			 * value), or nothing at all for the defaults.
			 */
			if (!optarg && optind < argc && argv[optind][0] != '-')
				optarg = argv[optind++];
			ret = parse_nic(o, optarg && *optarg ? optarg : NULL, err, err_len);
			if (ret)
				return ret;
			break;
		case 'H':
			ret = parse_hostile(o, optarg, err, err_len);
			if (ret)
				return ret;
			break;
		case 'h':
			o->help = true;
			return 0;
		default:
			/* --crq-partner-first MS, as --nic V: a bare word after it is its value. */
			if (c == 'P' && !optarg && optind < argc && argv[optind][0] >= '0' &&
			    argv[optind][0] <= '9')
				optarg = argv[optind++];
			ret = parse_powervm(o, c, optarg, err, err_len);
			if (ret < 0)
				return refused(c, argv, err, err_len);
			if (ret)
				return ret;
		}
	}
	if (optind < argc)
		return bad(err, err_len, argv[optind], "unexpected argument");
	if (!o->kernel)
		return bad(err, err_len, "--kernel", "required");
	if (o->crq_partner_first_ms >= 0 && !o->nr_disks)
		return bad(err, err_len, "--crq-partner-first",
			   "needs a --disk (it is the v-scsi adapter's partner)");
	if (o->have_crq_events && !o->nr_disks)
		return bad(err, err_len, "--crq-events",
			   "needs a --disk (they come from the v-scsi adapter's partner)");
	return 0;
}

static int open_one(const char *opt, const char *path, int flags, int *fd, char *err,
		    size_t err_len)
{
	*fd = open(path, flags | O_CLOEXEC, 0644);
	if (*fd < 0)
		return bad(err, err_len, opt, "cannot open %s: %s", path, strerror(errno));
	return 0;
}

/* The kernel or the initrd: a regular file, read later from its start. */
static int open_image(const char *opt, const char *path, int *fd, u64 *size, char *err,
		      size_t err_len)
{
	struct stat st;

	if (open_one(opt, path, O_RDONLY, fd, err, err_len))
		return HVM_EXIT_BAD_OPTION;
	if (fstat(*fd, &st))
		return bad(err, err_len, opt, "cannot read %s: %s", path, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return bad(err, err_len, opt, "%s is not a regular file", path);
	*size = (u64)st.st_size;
	return 0;
}

/* A disk image: open, and a whole number of blocks. */
static int open_disk(struct hvm_opt_disk *d, char *err, size_t err_len)
{
	struct hvm_disk *disk = &d->lun.disk;
	struct stat st;

	if (open_one("--disk", d->path, disk->read_only ? O_RDONLY : O_RDWR, &disk->fd, err,
		     err_len))
		return HVM_EXIT_BAD_OPTION;
	if (fstat(disk->fd, &st) || !S_ISREG(st.st_mode) || !st.st_size ||
	    st.st_size % HVM_SCSI_BLOCK)
		return bad(err, err_len, "--disk",
			   "%s is not a regular file of whole %d-byte blocks", d->path,
			   HVM_SCSI_BLOCK);
	disk->blocks = (u64)st.st_size / HVM_SCSI_BLOCK;
	return 0;
}

/* The TAP: /dev/net/tun attached to (or creating) the interface o->tap. */
static int open_tap(struct hvm_options *o, char *err, size_t err_len)
{
	static const char hint[] = "needs the tun module / CAP_NET_ADMIN";
	struct ifreq ifr;

	o->tap_fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (o->tap_fd < 0)
		return bad(err, err_len, "--nic", "tap=%s: cannot open /dev/net/tun: %s (%s)",
			   o->tap, strerror(errno), hint);
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", o->tap);
	if (ioctl(o->tap_fd, TUNSETIFF, &ifr)) {
		int e = errno;

		return bad(err, err_len, "--nic", "tap=%s: cannot attach the TAP: %s%s", o->tap,
			   strerror(e),
			   e == EPERM ? " (needs CAP_NET_ADMIN)" :
			   e == EINVAL ? " (an interface of that name that is not a TAP?)" :
			   e == EBUSY ? " (in use by another process?)" : "");
	}
	return 0;
}

/*
 * --vty out=PATH,in=PATH with one PATH (a character device that is both
 * ends, such as a virtio console port, which may be open only once): one
 * open, read-write and blocking, so that output waits for room as with a
 * file, and a second descriptor on it for input (the input thread reads
 * only after poll() said there is something).
 */
static int open_shared(struct hvm_opt_vty *v, char *err, size_t err_len)
{
	if (open_one("--vty", v->out, O_RDWR | O_CREAT | O_APPEND, &v->out_fd, err, err_len))
		return HVM_EXIT_BAD_OPTION;
	v->in_fd = fcntl(v->out_fd, F_DUPFD_CLOEXEC, 0);
	if (v->in_fd < 0)
		return bad(err, err_len, "--vty", "cannot duplicate %s: %s", v->out,
			   strerror(errno));
	return 0;
}

static int open_all(struct hvm_options *o, char *err, size_t err_len)
{
	struct hvm_opt_vty *v;
	unsigned int i;

	if (open_image("--kernel", o->kernel, &o->kernel_fd, &o->kernel_size, err, err_len))
		return HVM_EXIT_BAD_OPTION;
	if (o->initrd &&
	    open_image("--initrd", o->initrd, &o->initrd_fd, &o->initrd_size, err, err_len))
		return HVM_EXIT_BAD_OPTION;
	for (i = 0; i < o->nr_vtys; i++) {
		v = &o->vtys[i];
		if (v->in && !strcmp(v->in, v->out)) {
			if (open_shared(v, err, err_len))
				return HVM_EXIT_BAD_OPTION;
			continue;
		}
		if (open_one("--vty", v->out, O_WRONLY | O_CREAT | O_APPEND, &v->out_fd, err,
			     err_len))
			return HVM_EXIT_BAD_OPTION;
		if (v->in && open_one("--vty", v->in, O_RDONLY | O_NONBLOCK, &v->in_fd, err,
				      err_len))
			return HVM_EXIT_BAD_OPTION;
	}
	for (i = 0; i < o->nr_disks; i++)
		if (open_disk(&o->disks[i], err, err_len))
			return HVM_EXIT_BAD_OPTION;
	if (o->tap && open_tap(o, err, err_len))
		return HVM_EXIT_BAD_OPTION;
	return 0;
}

int hvm_options_open(struct hvm_options *o, char *err, size_t err_len)
{
	err[0] = '\0';
	if (!open_all(o, err, err_len))
		return 0;
	hvm_options_close(o);
	return HVM_EXIT_BAD_OPTION;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

void hvm_options_close(struct hvm_options *o)
{
	unsigned int i;

	close_fd(&o->kernel_fd);
	close_fd(&o->initrd_fd);
	for (i = 0; i < o->nr_vtys; i++) {
		close_fd(&o->vtys[i].out_fd);
		close_fd(&o->vtys[i].in_fd);
	}
	for (i = 0; i < o->nr_disks; i++)
		close_fd(&o->disks[i].lun.disk.fd);
	close_fd(&o->tap_fd);
}
