// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host unit tests of hvkit-vmm's command line (tools/hvkit-vmm/options.c):
 * every option in its good forms, every way of getting one wrong (exit
 * status 2 and one line that starts with the option), the files the
 * options name opened as they should be, and nothing left open after an
 * error (a missing or unfit file is found where it is opened).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ktest.h"
#include "options.h"

#define MAX_ARGS	40

static struct hvm_options o;
static char err[512];

/* Parse @args (NULL-terminated), copied: the parser splits values in place. */
static int parse_args(const char *const *args)
{
	static char store[MAX_ARGS][512];
	static char *argv[MAX_ARGS + 1];
	int argc;

	for (argc = 0; *args && argc < MAX_ARGS; args++, argc++) {
		snprintf(store[argc], sizeof(store[argc]), "%s", *args);
		argv[argc] = store[argc];
	}
	argv[argc] = NULL;
	hvm_options_init(&o);
	memset(err, 'x', sizeof(err));
	return hvm_options_parse(&o, argc, argv, err, sizeof(err));
}

#define PARSE(...)	parse_args((const char *const[]){ "hvkit-vmm", ##__VA_ARGS__, NULL })

/* One line, "OPTION: ..." with @cause in it. */
static bool error_is(const char *opt, const char *cause)
{
	size_t n = strlen(opt);

	if (!strncmp(err, opt, n) && err[n] == ':' && ktest_contains(err, cause) &&
	    !strchr(err, '\n'))
		return true;
	ktest_diag("error \"%s\": expected \"%s: ...%s...\"", err, opt, cause);
	return false;
}

#define EXPECT_BAD(opt, cause, ...)						\
	do {									\
		EXPECT_EQ(PARSE(__VA_ARGS__), HVM_EXIT_BAD_OPTION);		\
		EXPECT_TRUE(error_is(opt, cause));				\
	} while (0)

TEST(defaults)
{
	EXPECT_EQ(PARSE("--kernel", "Image"), 0);
	EXPECT_STREQ(o.kernel, "Image");
	EXPECT_TRUE(!o.initrd);
	EXPECT_STREQ(o.cmdline, "console=ttyAMA0");
	EXPECT_EQ(o.method, HVK_METHOD_HVC);
	EXPECT_EQ(o.ram_size, 512ull << 20);
	EXPECT_EQ(o.nr_cpus, 1);
	EXPECT_EQ(o.irq, HVM_IRQ_WIRED);
	EXPECT_EQ(o.llan, HVM_LLAN_QEMU);
	EXPECT_EQ(o.vscsi_mads, HVM_VSCSI_MADS_QEMU);
	EXPECT_EQ(o.nr_vtys, 0);
	EXPECT_EQ(o.nr_disks, 0);
	EXPECT_EQ(o.nr_nics, 0);
	EXPECT_TRUE(!o.tap);
	EXPECT_TRUE(!o.help);
	EXPECT_EQ(o.kernel_fd, -1);
	EXPECT_EQ(o.initrd_fd, -1);
	EXPECT_EQ(o.tap_fd, -1);
}

static bool mac_is(const u8 *mac, u8 a, u8 b, u8 c, u8 d, u8 e, u8 f)
{
	const u8 want[HVM_MAC_LEN] = { a, b, c, d, e, f };

	if (!memcmp(mac, want, HVM_MAC_LEN))
		return true;
	ktest_diag("MAC %02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4],
		   mac[5]);
	return false;
}

TEST(nic_in_its_good_forms)
{
	/* Bare, with a value after a space or after '=', the fields in either order. */
	EXPECT_EQ(PARSE("--nic", "--kernel", "k", "--nic", "tap=hvk0",
			"--nic=mac=02:AB:cd:00:00:7f", "--nic", "mac=52:54:00:00:00:01"), 0);
	EXPECT_STREQ(o.kernel, "k");
	ASSERT_EQ(o.nr_nics, 4);
	/* The Nth --nic is 52:54:00:12:34:5N unless mac= says otherwise. */
	EXPECT_TRUE(mac_is(o.nics[0].mac, 0x52, 0x54, 0x00, 0x12, 0x34, 0x50));
	EXPECT_TRUE(!o.nics[0].tap);
	EXPECT_TRUE(mac_is(o.nics[1].mac, 0x52, 0x54, 0x00, 0x12, 0x34, 0x51));
	EXPECT_STREQ(o.nics[1].tap, "hvk0");
	EXPECT_STREQ(o.tap, "hvk0");
	EXPECT_TRUE(mac_is(o.nics[2].mac, 0x02, 0xab, 0xcd, 0x00, 0x00, 0x7f));
	EXPECT_TRUE(mac_is(o.nics[3].mac, 0x52, 0x54, 0x00, 0x00, 0x00, 0x01));
	EXPECT_EQ(o.tap_fd, -1);

	EXPECT_EQ(PARSE("--kernel", "k", "--nic", "tap=t,mac=52:54:00:12:34:59", "--nic=",
			"--nic", ""), 0);
	ASSERT_EQ(o.nr_nics, 3);
	EXPECT_STREQ(o.tap, "t");
	EXPECT_TRUE(mac_is(o.nics[0].mac, 0x52, 0x54, 0x00, 0x12, 0x34, 0x59));
	EXPECT_TRUE(mac_is(o.nics[1].mac, 0x52, 0x54, 0x00, 0x12, 0x34, 0x51));
	EXPECT_TRUE(mac_is(o.nics[2].mac, 0x52, 0x54, 0x00, 0x12, 0x34, 0x52));
	/* A 15-character name is the longest an interface has. */
	EXPECT_EQ(PARSE("--kernel", "k", "--nic", "tap=0123456789abcde"), 0);
	EXPECT_STREQ(o.tap, "0123456789abcde");
	/* The option before --nic's value is not taken for one. */
	EXPECT_EQ(PARSE("--nic", "--memory", "64", "--kernel", "k"), 0);
	EXPECT_EQ(o.nr_nics, 1);
	EXPECT_EQ(o.ram_size, 64ull << 20);
}

TEST(bad_nic)
{
	static const char *const fields[] = {
		"mac", "tap", "foo=1", "mac=52:54:00:12:34:50,mac=52:54:00:12:34:51",
		"tap=a,tap=b", "MAC=52:54:00:12:34:50", ",tap=a", "tap=a,", "hvk0",
	};
	static const char *const macs[] = {
		"mac=", "mac=52:54:00:12:34", "mac=52:54:00:12:34:50:00", "mac=52:54:00:12:34:5",
		"mac=52-54-00-12-34-50", "mac=52:54:00:12:34:5g", "mac=525400123450",
		"mac=52:54:00:12:34:500", "mac= 52:54:00:12:34:50", "mac=52:54:00:12:34:50 ",
		"mac=0x52:54:00:12:34:50",
	};
	static const char *const taps[] = {
		"tap=", "tap=0123456789abcdef", "tap=a/b",
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(fields); i++)
		EXPECT_BAD("--nic", "[mac=XX:XX:XX:XX:XX:XX][,tap=NAME]", "--kernel", "k", "--nic",
			   fields[i]);
	for (i = 0; i < ARRAY_SIZE(macs); i++)
		EXPECT_BAD("--nic", "mac=XX:XX:XX:XX:XX:XX", "--kernel", "k", "--nic", macs[i]);
	for (i = 0; i < ARRAY_SIZE(taps); i++)
		EXPECT_BAD("--nic", "tap=NAME, 1 to 15 characters", "--kernel", "k", "--nic",
			   taps[i]);
	EXPECT_BAD("--nic", "01:00:5e:00:00:01 is a multicast address", "--kernel", "k", "--nic",
		   "mac=01:00:5E:00:00:01");
	EXPECT_BAD("--nic", "ff:ff:ff:ff:ff:ff is a multicast address", "--kernel", "k", "--nic",
		   "mac=ff:ff:ff:ff:ff:ff");
	EXPECT_BAD("--nic", "00:00:00:00:00:00 is not an address", "--kernel", "k", "--nic",
		   "mac=00:00:00:00:00:00");
	/* Unique, the defaults included, whichever comes first. */
	EXPECT_BAD("--nic", "two l-lans with MAC 52:54:00:12:34:51", "--kernel", "k", "--nic",
		   "mac=52:54:00:12:34:51", "--nic");
	EXPECT_BAD("--nic", "two l-lans with MAC 52:54:00:12:34:50", "--kernel", "k", "--nic",
		   "--nic", "mac=52:54:00:12:34:50");
	EXPECT_BAD("--nic", "two l-lans with MAC 02:00:00:00:00:01", "--kernel", "k", "--nic",
		   "mac=02:00:00:00:00:01", "--nic", "mac=02:00:00:00:00:01");
	/* One TAP per VM. */
	EXPECT_BAD("--nic", "a second tap= (b after a): one TAP per VM", "--kernel", "k",
		   "--nic", "tap=a", "--nic", "tap=b");
	EXPECT_BAD("--nic", "a second tap= (a after a)", "--kernel", "k", "--nic", "tap=a",
		   "--nic=tap=a");
	EXPECT_BAD("--nic", "at most 4 l-lans", "--kernel", "k", "--nic", "--nic", "--nic",
		   "--nic", "--nic");
}

TEST(every_option_in_its_good_forms)
{
	EXPECT_EQ(PARSE("--kernel=Image", "--initrd", "rd", "--append", "console=hvc0 quiet",
			"--method", "smc", "--memory", "16",
			"--vty", "out=o0", "--vty", "out=o1,in=i1", "--vty=in=i2,out=o2",
			"--disk", "d0", "--disk", "d1,ro", "--disk", "d2,lun=7:63:31",
			"--disk", "d3,ro,lun=1:2:3", "--disk=d4,lun=0:9:0,ro"), 0);
	EXPECT_STREQ(o.kernel, "Image");
	EXPECT_STREQ(o.initrd, "rd");
	EXPECT_STREQ(o.cmdline, "console=hvc0 quiet");
	EXPECT_EQ(o.method, HVK_METHOD_SMC);
	EXPECT_EQ(o.ram_size, 16ull << 20);
	ASSERT_EQ(o.nr_vtys, 3);
	EXPECT_STREQ(o.vtys[0].out, "o0");
	EXPECT_TRUE(!o.vtys[0].in);
	EXPECT_STREQ(o.vtys[1].out, "o1");
	EXPECT_STREQ(o.vtys[1].in, "i1");
	EXPECT_STREQ(o.vtys[2].out, "o2");
	EXPECT_STREQ(o.vtys[2].in, "i2");
	EXPECT_EQ(o.vtys[2].out_fd, -1);
	ASSERT_EQ(o.nr_disks, 5);
	EXPECT_STREQ(o.disks[0].path, "d0");
	EXPECT_TRUE(!o.disks[0].lun.disk.read_only);
	EXPECT_EQ(o.disks[0].lun.channel * 10000 + o.disks[0].lun.id * 100 + o.disks[0].lun.lun, 0);
	EXPECT_STREQ(o.disks[0].lun.disk.serial, "HVKIT-0-0-0");
	EXPECT_EQ(o.disks[0].lun.disk.fd, -1);
	/* The Nth disk is 0:N:0 unless lun= says otherwise. */
	EXPECT_STREQ(o.disks[1].path, "d1");
	EXPECT_TRUE(o.disks[1].lun.disk.read_only);
	EXPECT_EQ(o.disks[1].lun.id, 1);
	EXPECT_EQ(o.disks[2].lun.channel, 7);
	EXPECT_EQ(o.disks[2].lun.id, 63);
	EXPECT_EQ(o.disks[2].lun.lun, 31);
	EXPECT_STREQ(o.disks[2].lun.disk.serial, "HVKIT-7-63-31");
	EXPECT_TRUE(!o.disks[2].lun.disk.read_only);
	EXPECT_TRUE(o.disks[3].lun.disk.read_only);
	EXPECT_STREQ(o.disks[3].lun.disk.serial, "HVKIT-1-2-3");
	EXPECT_TRUE(o.disks[4].lun.disk.read_only);
	EXPECT_STREQ(o.disks[4].lun.disk.serial, "HVKIT-0-9-0");

	EXPECT_EQ(PARSE("--method", "hvc", "--memory=32768", "--initrd=rd", "--append=",
			"--kernel", "Image"), 0);
	EXPECT_EQ(o.method, HVK_METHOD_HVC);
	EXPECT_EQ(o.ram_size, 32768ull << 20);
	EXPECT_STREQ(o.initrd, "rd");
	EXPECT_STREQ(o.cmdline, "");
	/* The last --kernel is the one. */
	EXPECT_EQ(PARSE("--kernel", "a", "--kernel", "b"), 0);
	EXPECT_STREQ(o.kernel, "b");
}

TEST(eight_vtys_and_eight_disks)
{
	EXPECT_EQ(PARSE("--kernel", "k", "--vty", "out=0", "--vty", "out=1", "--vty", "out=2",
			"--vty", "out=3", "--vty", "out=4", "--vty", "out=5", "--vty", "out=6",
			"--vty", "out=7", "--disk", "0", "--disk", "1", "--disk", "2", "--disk",
			"3", "--disk", "4", "--disk", "5", "--disk", "6", "--disk", "7"), 0);
	EXPECT_EQ(o.nr_vtys, HVM_MAX_VTYS);
	EXPECT_EQ(o.nr_disks, HVM_MAX_DISKS);
	EXPECT_EQ(o.disks[7].lun.id, 7);
}

TEST(help_stops_there_and_lists_every_option)
{
	static const char *const documented[] = {
		"--kernel IMAGE", "--initrd FILE", "--append LINE", "--method hvc|smc",
		"--memory MIB", "--cpus N", "--vty out=PATH[,in=PATH]", "--disk PATH[,ro][,lun=C:T:L]",
		"--nic [mac=XX:XX:XX:XX:XX:XX][,tap=NAME]", "0x30000200", "--irq wired|msi",
		"--llan qemu|powervm", "--crq-partner-first[=MS]", "--crq-events=ITEM[,ITEM...]",
		"--busy=PERMILLE[:busy|long]", "--seed N", "--vscsi-mads qemu|powervm",
		"--hostile=PERMILLE[:SITE,...]",
		"-h, --help", "Exit status",
	};
	unsigned int i;

	EXPECT_EQ(PARSE("--help"), 0);
	EXPECT_TRUE(o.help);
	EXPECT_EQ(PARSE("-h"), 0);
	EXPECT_TRUE(o.help);
	/* What comes after it is not looked at; what came before is. */
	EXPECT_EQ(PARSE("--help", "--bogus", "--memory", "1"), 0);
	EXPECT_TRUE(o.help);
	EXPECT_BAD("--memory", "MiB", "--memory", "1", "--help");
	for (i = 0; i < ARRAY_SIZE(documented); i++)
		EXPECT_CONTAINS(hvm_options_usage, documented[i]);
}

TEST(unknown_ambiguous_and_stray)
{
	EXPECT_BAD("--kernel", "required");
	EXPECT_BAD("--kernel", "required", "--memory", "64");
	EXPECT_BAD("--bogus", "unknown option", "--kernel", "k", "--bogus");
	EXPECT_BAD("--bogus", "unknown option", "--bogus=1", "--kernel", "k");
	EXPECT_BAD("-x", "unknown option", "-x", "--kernel", "k");
	/* The long options have no short forms but -h. */
	EXPECT_BAD("-k", "unknown option", "-k", "Image");
	EXPECT_BAD("--m", "ambiguous option", "--m", "64", "--kernel", "k");
	EXPECT_BAD("--help", "takes no value", "--help=yes");
	EXPECT_BAD("extra", "unexpected argument", "--kernel", "k", "extra");
}

TEST(missing_values)
{
	static const char *const opts[] = {
		"--kernel", "--initrd", "--append", "--method", "--memory", "--cpus", "--vty",
		"--disk", "--irq", "--llan", "--vscsi-mads",
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(opts); i++)
		EXPECT_BAD(opts[i], "needs a value", "--kernel", "k", opts[i]);
	EXPECT_BAD("--kernel", "needs a value", "--kernel", "");
	EXPECT_BAD("--initrd", "needs a value", "--kernel", "k", "--initrd=");
}

TEST(bad_method_and_memory)
{
	static const char *const methods[] = { "HVC", "", "hvcx", "sc1", "smc,hvc" };
	static const char *const sizes[] = {
		"15", "32769", "0", "-1", "abc", "", "64M", " 64", "+64", "0x40",
		"99999999999999999999",
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(methods); i++)
		EXPECT_BAD("--method", "expected hvc or smc", "--kernel", "k", "--method",
			   methods[i]);
	for (i = 0; i < ARRAY_SIZE(sizes); i++)
		EXPECT_BAD("--memory", "16 to 32768", "--kernel", "k", "--memory", sizes[i]);
}

TEST(irq_wired_or_msi)
{
	static const char *const bad_irqs[] = { "MSI", "", "msix", "wired,msi", "spi", "1" };
	unsigned int i;

	EXPECT_EQ(PARSE("--kernel", "k", "--irq", "msi"), 0);
	EXPECT_EQ(o.irq, HVM_IRQ_MSI);
	EXPECT_EQ(PARSE("--irq=msi", "--kernel", "k", "--irq", "wired"), 0);
	EXPECT_EQ(o.irq, HVM_IRQ_WIRED);
	EXPECT_EQ(PARSE("--kernel", "k", "--irq=wired", "--irq=msi"), 0);
	EXPECT_EQ(o.irq, HVM_IRQ_MSI);
	for (i = 0; i < ARRAY_SIZE(bad_irqs); i++)
		EXPECT_BAD("--irq", "expected wired or msi", "--kernel", "k", "--irq", bad_irqs[i]);
	/* "--i" is --initrd or --irq. */
	EXPECT_BAD("--i", "ambiguous option", "--i", "x", "--kernel", "k");
}

TEST(llan_qemu_or_powervm)
{
	static const char *const bad_modes[] = { "QEMU", "", "pvm", "qemu,powervm", "1" };
	unsigned int i;

	EXPECT_EQ(PARSE("--kernel", "k", "--llan", "powervm"), 0);
	EXPECT_EQ(o.llan, HVM_LLAN_POWERVM);
	EXPECT_EQ(PARSE("--llan=powervm", "--kernel", "k", "--llan", "qemu"), 0);
	EXPECT_EQ(o.llan, HVM_LLAN_QEMU);
	EXPECT_EQ(PARSE("--kernel", "k", "--llan=qemu", "--nic", "--llan=powervm"), 0);
	EXPECT_EQ(o.llan, HVM_LLAN_POWERVM);
	EXPECT_EQ(o.nr_nics, 1);
	for (i = 0; i < ARRAY_SIZE(bad_modes); i++)
		EXPECT_BAD("--llan", "expected qemu or powervm", "--kernel", "k", "--llan",
			   bad_modes[i]);
}

/* PowerVM behaviours (issue 13): the partner, its events, busy answers. */
TEST(powervm_partner_events_busy_and_seed)
{
	static const char *const bad_busy[] = { "0", "1001", "", "50:", "50:short", "x", "-5" };
	unsigned int i;

	EXPECT_EQ(PARSE("--kernel", "k"), 0);
	EXPECT_EQ(o.crq_partner_first_ms, -1);
	EXPECT_TRUE(!o.have_crq_events);
	EXPECT_EQ(o.busy_permille, 0);
	EXPECT_TRUE(!o.have_seed);
	EXPECT_EQ(PARSE("--kernel", "k", "--disk", "d", "--crq-partner-first"), 0);
	EXPECT_EQ(o.crq_partner_first_ms, HVM_PARTNER_FIRST_DEFAULT_MS);
	EXPECT_EQ(PARSE("--kernel", "k", "--disk", "d", "--crq-partner-first=0"), 0);
	EXPECT_EQ(o.crq_partner_first_ms, 0);
	EXPECT_EQ(PARSE("--disk", "d", "--crq-partner-first", "7500", "--kernel", "k"), 0);
	EXPECT_EQ(o.crq_partner_first_ms, 7500);
	EXPECT_BAD("--crq-partner-first", "milliseconds", "--kernel", "k", "--disk", "d",
		   "--crq-partner-first=2s");
	EXPECT_BAD("--crq-partner-first", "needs a --disk", "--kernel", "k",
		   "--crq-partner-first");
	EXPECT_EQ(PARSE("--kernel", "k", "--disk", "d", "--crq-events",
			"failed/20x3,migrated@5"), 0);
	EXPECT_TRUE(o.have_crq_events);
	EXPECT_EQ(o.crq_events.nr, 2);
	EXPECT_EQ(o.crq_events.item[1].first_ms, 5000);
	EXPECT_BAD("--crq-events", "KIND@SEC", "--kernel", "k", "--disk", "d",
		   "--crq-events=failed@soon");
	EXPECT_BAD("--crq-events", "needs a --disk", "--kernel", "k", "--crq-events=failed@1");
	EXPECT_BAD("--crq-events", "needs a value", "--kernel", "k", "--crq-events");
	EXPECT_EQ(PARSE("--kernel", "k", "--busy", "50"), 0);
	EXPECT_EQ(o.busy_permille, 50);
	EXPECT_EQ(o.busy_kind, HVM_BUSY_PLAIN);
	EXPECT_EQ(PARSE("--kernel", "k", "--busy=1000:long", "--seed", "18446744073709551615"), 0);
	EXPECT_EQ(o.busy_permille, 1000);
	EXPECT_EQ(o.busy_kind, HVM_BUSY_LONG);
	EXPECT_TRUE(o.have_seed);
	EXPECT_EQ(o.seed, 18446744073709551615ull);
	EXPECT_EQ(PARSE("--kernel", "k", "--busy=3:busy", "--seed=0"), 0);
	EXPECT_EQ(o.busy_kind, HVM_BUSY_PLAIN);
	EXPECT_TRUE(o.have_seed);
	EXPECT_EQ(o.seed, 0);
	for (i = 0; i < ARRAY_SIZE(bad_busy); i++)
		EXPECT_BAD("--busy", "PERMILLE", "--kernel", "k", "--busy", bad_busy[i]);
	EXPECT_BAD("--seed", "decimal", "--kernel", "k", "--seed", "18446744073709551616");
	EXPECT_BAD("--seed", "decimal", "--kernel", "k", "--seed", "0x10");
}

/* The hostile peer: a rate, the sites (all by default), and --seed shared with --busy. */
TEST(hostile_rate_and_sites)
{
	static const char *const bad_rate[] = { "0", "1001", "", "x", "-5", "50x", "5 0" };
	static const char *const bad_sites[] = { "50:", "50:crq,", "50:,crq", "50:CRQ", "50:disk",
						 "50:crq,,srp", "50:all" };
	unsigned int i;

	EXPECT_EQ(PARSE("--kernel", "k"), 0);
	EXPECT_EQ(o.hostile_permille, 0);
	EXPECT_EQ(PARSE("--kernel", "k", "--hostile", "25"), 0);
	EXPECT_EQ(o.hostile_permille, 25);
	EXPECT_EQ(o.hostile_sites, HVM_HOSTILE_ALL_SITES);
	EXPECT_TRUE(!o.have_seed);
	EXPECT_EQ(PARSE("--kernel", "k", "--hostile=1000:vty", "--seed", "7"), 0);
	EXPECT_EQ(o.hostile_permille, 1000);
	EXPECT_EQ(o.hostile_sites, 1u << HVM_HOSTILE_VTY);
	EXPECT_TRUE(o.have_seed);
	EXPECT_EQ(o.seed, 7);
	EXPECT_EQ(PARSE("--hostile=1:status,llan,crq,srp", "--kernel", "k"), 0);
	EXPECT_EQ(o.hostile_sites, HVM_HOSTILE_ALL_SITES & ~(1u << HVM_HOSTILE_VTY));
	/* With --busy: each keeps its own, one seed for both. */
	EXPECT_EQ(PARSE("--kernel", "k", "--busy=10:long", "--hostile", "20:crq", "--seed=3"), 0);
	EXPECT_EQ(o.busy_permille, 10);
	EXPECT_EQ(o.busy_kind, HVM_BUSY_LONG);
	EXPECT_EQ(o.hostile_permille, 20);
	EXPECT_EQ(o.hostile_sites, 1u << HVM_HOSTILE_CRQ);
	EXPECT_EQ(o.seed, 3);
	for (i = 0; i < ARRAY_SIZE(bad_rate); i++)
		EXPECT_BAD("--hostile", "1 to 1000", "--kernel", "k", "--hostile", bad_rate[i]);
	for (i = 0; i < ARRAY_SIZE(bad_sites); i++)
		EXPECT_BAD("--hostile", "SITE one of crq, srp, llan, vty, status", "--kernel", "k",
			   "--hostile", bad_sites[i]);
	EXPECT_BAD("--hostile", "needs a value", "--kernel", "k", "--hostile");
	/* Its getopt code is no short option. */
	EXPECT_BAD("-H", "unknown option", "--kernel", "k", "-H");
}

TEST(vscsi_mads_qemu_or_powervm)
{
	static const char *const bad[] = { "QEMU", "", "vios", "qemu,powervm", "power", "1" };
	unsigned int i;

	EXPECT_EQ(PARSE("--kernel", "k", "--vscsi-mads", "powervm"), 0);
	EXPECT_EQ(o.vscsi_mads, HVM_VSCSI_MADS_POWERVM);
	EXPECT_EQ(PARSE("--vscsi-mads=powervm", "--kernel", "k", "--vscsi-mads", "qemu"), 0);
	EXPECT_EQ(o.vscsi_mads, HVM_VSCSI_MADS_QEMU);
	/* Each option sets its own mode only (--llan once fell through into this one). */
	EXPECT_EQ(PARSE("--kernel", "k", "--vscsi-mads", "powervm", "--llan", "qemu"), 0);
	EXPECT_EQ(o.vscsi_mads, HVM_VSCSI_MADS_POWERVM);
	EXPECT_EQ(o.llan, HVM_LLAN_QEMU);
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		EXPECT_BAD("--vscsi-mads", "expected qemu or powervm", "--kernel", "k",
			   "--vscsi-mads", bad[i]);
}

TEST(cpus_from_one_to_eight)
{
	static const char *const bad_counts[] = {
		"0", "9", "", "two", "2x", " 2", "+2", "-1", "0x2", "1.5", "99999999999999999999",
	};
	char n[4];
	unsigned int i;

	for (i = HVM_CPUS_MIN; i <= HVM_MAX_CPUS; i++) {
		snprintf(n, sizeof(n), "%u", i);
		EXPECT_EQ(PARSE("--kernel", "k", "--cpus", n), 0);
		EXPECT_EQ(o.nr_cpus, i);
	}
	EXPECT_EQ(PARSE("--cpus=4", "--kernel", "k"), 0);
	EXPECT_EQ(o.nr_cpus, 4);
	/* Leading zeroes are still decimal; the last --cpus is the one. */
	EXPECT_EQ(PARSE("--kernel", "k", "--cpus", "08", "--cpus", "2"), 0);
	EXPECT_EQ(o.nr_cpus, 2);
	for (i = 0; i < ARRAY_SIZE(bad_counts); i++)
		EXPECT_BAD("--cpus", "from 1 to 8", "--kernel", "k", "--cpus", bad_counts[i]);
	EXPECT_BAD("--cpus", "needs a value", "--kernel", "k", "--cpus");
}

TEST(bad_vty)
{
	static const char *const specs[] = {
		"", "in=x", "out=", "out=a,in=", "out=a,out=b", "out=a,in=b,in=c", "err=x",
		"out=a,", ",out=a", "OUT=a",
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(specs); i++)
		EXPECT_BAD("--vty", "PATH", "--kernel", "k", "--vty", specs[i]);
	EXPECT_BAD("--vty", "at most 8 vtys", "--kernel", "k", "--vty", "out=0", "--vty",
		   "out=1", "--vty", "out=2", "--vty", "out=3", "--vty", "out=4", "--vty",
		   "out=5", "--vty", "out=6", "--vty", "out=7", "--vty", "out=8");
}

TEST(bad_disk)
{
	static const char *const specs[] = { "", ",ro", "d,rw", "d,RO", "d,", "d,,ro", "d,ro=1" };
	static const char *const luns[] = {
		"d,lun=8:0:0", "d,lun=0:64:0", "d,lun=0:0:32", "d,lun=1:2", "d,lun=1:2:3:4",
		"d,lun=a:b:c", "d,lun=", "d,lun=-1:0:0", "d,lun= 1:0:0", "d,lun=1:2:3x",
		"d,lun=4294967297:0:0",
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(specs); i++)
		EXPECT_BAD("--disk", "PATH[,ro][,lun=C:T:L]", "--kernel", "k", "--disk",
			   specs[i]);
	EXPECT_BAD("--disk", "unknown flag \"rw\"", "--kernel", "k", "--disk", "d,rw");
	for (i = 0; i < ARRAY_SIZE(luns); i++)
		EXPECT_BAD("--disk", "lun=C:T:L with C 0-7, T 0-63, L 0-31", "--kernel", "k",
			   "--disk", luns[i]);
	/* The second disk is 0:1:0 by default, where the first one is. */
	EXPECT_BAD("--disk", "two disks at 0:1:0", "--kernel", "k", "--disk", "a,lun=0:1:0",
		   "--disk", "b");
	EXPECT_BAD("--disk", "two disks at 2:3:4", "--kernel", "k", "--disk", "a,lun=2:3:4",
		   "--disk", "b,ro,lun=2:3:4");
	EXPECT_BAD("--disk", "at most 8 disks", "--kernel", "k", "--disk", "0", "--disk", "1",
		   "--disk", "2", "--disk", "3", "--disk", "4", "--disk", "5", "--disk", "6",
		   "--disk", "7", "--disk", "8");
}

/* The descriptor open() would give next: the same before and after means nothing leaked. */
static int next_fd(void)
{
	int fd = open("/dev/null", O_RDONLY);

	if (fd >= 0)
		close(fd);
	return fd;
}

static char dir[] = "/tmp/hvkit-options-XXXXXX";
static char paths[8][128];

static const char *make_file(unsigned int i, const char *name, size_t size)
{
	static const u8 zero[4096];
	int fd;

	snprintf(paths[i], sizeof(paths[i]), "%s/%s", dir, name);
	fd = open(paths[i], O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write(fd, zero, size) != (ssize_t)size)
		abort();
	close(fd);
	return paths[i];
}

static bool nothing_open(void)
{
	unsigned int i;
	bool closed = o.kernel_fd < 0 && o.initrd_fd < 0 && o.tap_fd < 0;

	for (i = 0; i < o.nr_vtys; i++)
		closed = closed && o.vtys[i].out_fd < 0 && o.vtys[i].in_fd < 0;
	for (i = 0; i < o.nr_disks; i++)
		closed = closed && o.disks[i].lun.disk.fd < 0;
	return closed;
}

/* Parse (must be good), then open: it fails on @opt with @cause, leaving nothing open. */
#define EXPECT_OPEN_FAILS(opt, cause, ...)					\
	do {									\
		int _fd0 = next_fd();						\
		EXPECT_EQ(PARSE(__VA_ARGS__), 0);				\
		memset(err, 'x', sizeof(err));					\
		EXPECT_EQ(hvm_options_open(&o, err, sizeof(err)),		\
			  HVM_EXIT_BAD_OPTION);					\
		EXPECT_TRUE(error_is(opt, cause));				\
		EXPECT_TRUE(nothing_open());					\
		EXPECT_EQ(next_fd(), _fd0);					\
	} while (0)

TEST(the_files_open_and_an_error_leaves_nothing_open)
{
	const char *kernel, *initrd, *d0, *d1, *odd, *empty, *in, *out;
	char nodir[160], vty[300], ro[160];
	int fd0, fl;

	ASSERT_TRUE(mkdtemp(dir) != NULL);
	kernel = make_file(0, "Image", 3000);
	initrd = make_file(1, "initrd", 100);
	d0 = make_file(2, "d0", 1024);
	d1 = make_file(3, "d1", 4096);
	odd = make_file(4, "odd", 1000);
	empty = make_file(5, "empty", 0);
	in = make_file(6, "in", 0);
	snprintf(paths[7], sizeof(paths[7]), "%s/out", dir);
	out = paths[7];
	snprintf(nodir, sizeof(nodir), "%s/no/such", dir);

	snprintf(vty, sizeof(vty), "out=%s,in=%s", out, in);
	snprintf(ro, sizeof(ro), "%s,ro", d1);
	fd0 = next_fd();
	ASSERT_EQ(PARSE("--kernel", kernel, "--initrd", initrd, "--vty", vty, "--disk", d0,
			"--disk", ro), 0);
	ASSERT_EQ(hvm_options_open(&o, err, sizeof(err)), 0);
	EXPECT_TRUE(o.kernel_fd >= 0);
	EXPECT_EQ(o.kernel_size, 3000);
	EXPECT_TRUE(o.initrd_fd >= 0);
	EXPECT_EQ(o.initrd_size, 100);
	EXPECT_TRUE(o.vtys[0].out_fd >= 0);
	EXPECT_TRUE(access(out, F_OK) == 0);
	fl = fcntl(o.vtys[0].in_fd, F_GETFL);
	EXPECT_TRUE(fl >= 0 && (fl & O_NONBLOCK) && (fl & O_ACCMODE) == O_RDONLY);
	fl = fcntl(o.disks[0].lun.disk.fd, F_GETFL);
	EXPECT_TRUE(fl >= 0 && (fl & O_ACCMODE) == O_RDWR);
	fl = fcntl(o.disks[1].lun.disk.fd, F_GETFL);
	EXPECT_TRUE(fl >= 0 && (fl & O_ACCMODE) == O_RDONLY);
	EXPECT_EQ(o.disks[0].lun.disk.blocks, 2);
	EXPECT_EQ(o.disks[1].lun.disk.blocks, 8);
	EXPECT_TRUE(fcntl(o.kernel_fd, F_GETFD) & FD_CLOEXEC);
	hvm_options_close(&o);
	EXPECT_TRUE(nothing_open());
	hvm_options_close(&o);
	EXPECT_EQ(next_fd(), fd0);

	/* Each file is checked where it is opened, the ones before it closed again. */
	EXPECT_OPEN_FAILS("--kernel", "cannot open", "--kernel", nodir, "--disk", d0);
	EXPECT_OPEN_FAILS("--kernel", "not a regular file", "--kernel", dir);
	EXPECT_OPEN_FAILS("--initrd", "cannot open", "--kernel", kernel, "--initrd", nodir);
	EXPECT_OPEN_FAILS("--initrd", "not a regular file", "--kernel", kernel, "--initrd", dir);
	{
		char bad_out[200], bad_in[320];

		snprintf(bad_out, sizeof(bad_out), "out=%s", nodir);
		snprintf(bad_in, sizeof(bad_in), "out=%s,in=%s", out, nodir);
		EXPECT_OPEN_FAILS("--vty", "cannot open", "--kernel", kernel, "--initrd", initrd,
				  "--vty", bad_out);
		EXPECT_OPEN_FAILS("--vty", "cannot open", "--kernel", kernel, "--vty", bad_in);
	}
	EXPECT_OPEN_FAILS("--disk", "cannot open", "--kernel", kernel, "--initrd", initrd,
			  "--disk", d0, "--disk", d1, "--disk", nodir);
	EXPECT_OPEN_FAILS("--disk", "whole 512-byte blocks", "--kernel", kernel, "--disk", d0,
			  "--disk", odd);
	EXPECT_OPEN_FAILS("--disk", "whole 512-byte blocks", "--kernel", kernel, "--disk", empty);
	EXPECT_OPEN_FAILS("--disk", "Is a directory", "--kernel", kernel, "--disk", dir);
	snprintf(ro, sizeof(ro), "%s,ro", dir);
	EXPECT_OPEN_FAILS("--disk", "whole 512-byte blocks", "--kernel", kernel, "--disk", ro);
	/*
	 * The TAP opens last. "lo" is never one: without the tun module or
	 * CAP_NET_ADMIN the open or the attach fails, with them the attach.
	 */
	EXPECT_OPEN_FAILS("--nic", "tap=lo: cannot", "--kernel", kernel, "--initrd", initrd,
			  "--vty", vty, "--disk", d0, "--nic", "--nic", "tap=lo");

	/*
	 * One path for in= and out= (a virtio console port can be open only
	 * once): one read-write, blocking open; the input descriptor is a
	 * second one on the same open file.
	 */
	snprintf(vty, sizeof(vty), "out=%s,in=%s", in, in);
	fd0 = next_fd();
	ASSERT_EQ(PARSE("--kernel", kernel, "--vty", vty), 0);
	ASSERT_EQ(hvm_options_open(&o, err, sizeof(err)), 0);
	EXPECT_TRUE(o.vtys[0].out_fd >= 0 && o.vtys[0].in_fd >= 0);
	EXPECT_TRUE(o.vtys[0].out_fd != o.vtys[0].in_fd);
	fl = fcntl(o.vtys[0].out_fd, F_GETFL);
	EXPECT_TRUE(fl >= 0 && !(fl & O_NONBLOCK) && (fl & O_ACCMODE) == O_RDWR && (fl & O_APPEND));
	fl = fcntl(o.vtys[0].in_fd, F_GETFL);
	EXPECT_TRUE(fl >= 0 && !(fl & O_NONBLOCK) && (fl & O_ACCMODE) == O_RDWR);
	EXPECT_TRUE(fcntl(o.vtys[0].in_fd, F_GETFD) & FD_CLOEXEC);
	{
		struct stat a, b;

		EXPECT_TRUE(!fstat(o.vtys[0].out_fd, &a) && !fstat(o.vtys[0].in_fd, &b) &&
			    a.st_ino == b.st_ino && a.st_dev == b.st_dev);
	}
	/* What goes out through one is in the file the other reads. */
	EXPECT_EQ(write(o.vtys[0].out_fd, "hvkit", 5), 5);
	{
		char back[8] = "";

		EXPECT_EQ(pread(o.vtys[0].in_fd, back, sizeof(back), 0), 5);
		EXPECT_TRUE(!memcmp(back, "hvkit", 5));
	}
	hvm_options_close(&o);
	EXPECT_TRUE(nothing_open());
	EXPECT_EQ(next_fd(), fd0);

	unlink(out);
	for (fl = 0; fl < 7; fl++)
		unlink(paths[fl]);
	rmdir(dir);
}

int main(int argc, char **argv)
{
	return ktest_main(argc, argv);
}
