// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suites for hvkit logic that is easier to test in place than
 * through a device: the fault-injection rule, status names and busy
 * delays, and the device-tree parser reading the live kernel tree through
 * the OF glue. Built only against kernels with CONFIG_KUNIT (the debug
 * kernel); the suites run when the module loads.
 *
 * The fault rule and the OF glue are compiled in from their own source
 * files, so the test drives the same code hv_vio runs, with its own copy
 * of their state.
 */
#include <kunit/test.h>
#include <linux/of.h>

#include "../../hypercall/fault.c"
#include "../../hypercall/hvk_dt.c"
#include "../../drivers/hv-vio/of_reader.c"

/* --- fault injection rule ------------------------------------------------ */

static void reset_rule(void)
{
	fault = (struct hvk_fault_rule){ .opcode = -1, .unit = -1, .times = -1 };
}

static bool inject(unsigned int opcode, unsigned long unit, long *status)
{
	return hvk_fault_inject(opcode, unit, status);
}

static void fault_off_by_default(struct kunit *test)
{
	long status = 12345;
	int i;

	reset_rule();
	fault.interval = 1;	/* a rule without a status is off */
	for (i = 0; i < 10; i++)
		KUNIT_EXPECT_FALSE(test, inject(HVK_H_GET_TERM_CHAR, 0, &status));
	KUNIT_EXPECT_EQ(test, status, 12345);
	KUNIT_EXPECT_EQ(test, fault.matched, 0ULL);
}

static void fault_every_call_of_one_opcode(struct kunit *test)
{
	long status = 0;

	reset_rule();
	fault.status = HVK_H_HARDWARE;
	fault.opcode = HVK_H_PUT_TERM_CHAR;
	fault.interval = 1;
	KUNIT_EXPECT_TRUE(test, inject(HVK_H_PUT_TERM_CHAR, 0, &status));
	KUNIT_EXPECT_EQ(test, status, (long)HVK_H_HARDWARE);
	KUNIT_EXPECT_FALSE(test, inject(HVK_H_GET_TERM_CHAR, 0, &status));
	KUNIT_EXPECT_TRUE(test, inject(HVK_H_PUT_TERM_CHAR, 0, &status));
	KUNIT_EXPECT_EQ(test, fault.matched, 2ULL);
	KUNIT_EXPECT_EQ(test, fault.injected, 2ULL);
}

static void fault_nth_only(struct kunit *test)
{
	long status = 0;
	int i, fired = 0, fired_at = 0;

	reset_rule();
	fault.status = HVK_H_BUSY;
	fault.nth = 3;
	for (i = 1; i <= 6; i++) {
		if (inject(HVK_H_SEND_CRQ, 0, &status)) {
			fired++;
			fired_at = i;
		}
	}
	KUNIT_EXPECT_EQ(test, fired, 1);
	KUNIT_EXPECT_EQ(test, fired_at, 3);
	KUNIT_EXPECT_EQ(test, status, (long)HVK_H_BUSY);
}

static void fault_interval_and_times(struct kunit *test)
{
	long status = 0;
	int i, fired = 0;

	reset_rule();
	fault.status = HVK_H_CLOSED;
	fault.interval = 2;
	fault.times = 3;
	for (i = 1; i <= 20; i++)
		fired += inject(HVK_H_SEND_CRQ, 0, &status);
	/* Calls 2, 4 and 6 fire; then the budget of three is spent. */
	KUNIT_EXPECT_EQ(test, fired, 3);
	KUNIT_EXPECT_EQ(test, fault.injected, 3ULL);
	KUNIT_EXPECT_EQ(test, fault.matched, 20ULL);
}

static void fault_unit_filter(struct kunit *test)
{
	long status = 0;

	reset_rule();
	fault.status = HVK_H_DROPPED;
	fault.unit = 0x71000010;
	fault.interval = 1;
	KUNIT_EXPECT_FALSE(test, inject(HVK_H_SEND_LOGICAL_LAN, 0x71000020, &status));
	KUNIT_EXPECT_TRUE(test, inject(HVK_H_SEND_LOGICAL_LAN, 0x71000010, &status));
	KUNIT_EXPECT_EQ(test, fault.matched, 1ULL);
}

static struct kunit_case fault_cases[] = {
	KUNIT_CASE(fault_off_by_default),
	KUNIT_CASE(fault_every_call_of_one_opcode),
	KUNIT_CASE(fault_nth_only),
	KUNIT_CASE(fault_interval_and_times),
	KUNIT_CASE(fault_unit_filter),
	{}
};

static void fault_suite_exit(struct kunit *test)
{
	reset_rule();
}

static struct kunit_suite fault_suite = {
	.name = "hvkit_fault",
	.exit = fault_suite_exit,
	.test_cases = fault_cases,
};

/* --- status names and busy delays ---------------------------------------- */

static void status_names_round_trip(struct kunit *test)
{
	static const long statuses[] = {
		HVK_H_SUCCESS, HVK_H_BUSY, HVK_H_CLOSED, HVK_H_LONG_BUSY_1MS,
		HVK_H_LONG_BUSY_100S, HVK_H_HARDWARE, HVK_H_PARAMETER,
		HVK_H_RESOURCE, HVK_H_DROPPED, HVK_H_IN_USE,
	};
	long parsed;
	int i;

	for (i = 0; i < ARRAY_SIZE(statuses); i++) {
		const char *name = hvk_hcall_status_name(statuses[i]);

		KUNIT_EXPECT_STRNEQ(test, name, "unknown");
		KUNIT_EXPECT_EQ(test, hvk_hcall_status_from_name(name, &parsed), 0);
		KUNIT_EXPECT_EQ(test, parsed, statuses[i]);
	}
}

static void status_numbers_parse(struct kunit *test)
{
	long parsed;

	KUNIT_EXPECT_EQ(test, hvk_hcall_status_from_name("-4", &parsed), 0);
	KUNIT_EXPECT_EQ(test, parsed, -4L);
	KUNIT_EXPECT_EQ(test, hvk_hcall_status_from_name("0x10", &parsed), 0);
	KUNIT_EXPECT_EQ(test, parsed, 16L);
	KUNIT_EXPECT_LT(test, hvk_hcall_status_from_name("H_NOPE", &parsed), 0);
	KUNIT_EXPECT_LT(test, hvk_hcall_status_from_name("", &parsed), 0);
	KUNIT_EXPECT_STREQ(test, hvk_hcall_status_name(424242), "unknown");
}

static void busy_delays(struct kunit *test)
{
	unsigned int ms = 99;

	KUNIT_EXPECT_TRUE(test, hvk_hcall_is_busy(HVK_H_BUSY, &ms));
	KUNIT_EXPECT_EQ(test, ms, 0U);
	KUNIT_EXPECT_TRUE(test, hvk_hcall_is_busy(HVK_H_LONG_BUSY_10MS, &ms));
	KUNIT_EXPECT_EQ(test, ms, 10U);
	KUNIT_EXPECT_TRUE(test, hvk_hcall_is_busy(HVK_H_LONG_BUSY_100S, &ms));
	KUNIT_EXPECT_EQ(test, ms, 100000U);
	KUNIT_EXPECT_FALSE(test, hvk_hcall_is_busy(HVK_H_SUCCESS, &ms));
	KUNIT_EXPECT_FALSE(test, hvk_hcall_is_busy(HVK_H_LONG_BUSY_100S + 1, &ms));
	KUNIT_EXPECT_FALSE(test, hvk_hcall_is_busy(HVK_H_HARDWARE, &ms));
}

static struct kunit_case status_cases[] = {
	KUNIT_CASE(status_names_round_trip),
	KUNIT_CASE(status_numbers_parse),
	KUNIT_CASE(busy_delays),
	{}
};

static struct kunit_suite status_suite = {
	.name = "hvkit_status",
	.test_cases = status_cases,
};

/* --- the parser on the live device tree ---------------------------------- */

static enum hvk_arch build_arch(void)
{
	if (IS_ENABLED(CONFIG_PPC64))
		return HVK_ARCH_POWERPC;
	if (IS_ENABLED(CONFIG_ARM64))
		return HVK_ARCH_ARM64;
	return HVK_ARCH_OTHER;
}

/* What hvk_dt_select must find, counted independently with the OF API. */
static unsigned int count_usable_children(struct device_node *parent)
{
	struct device_node *np;
	unsigned int n = 0;
	const char *type;
	u32 reg;

	for_each_child_of_node(parent, np) {
		if (of_property_read_string(np, "device_type", &type) ||
		    of_property_read_u32(np, "reg", &reg))
			continue;
		n++;
	}
	return n;
}

static void dt_live_tree(struct kunit *test)
{
	struct hvk_dt_config *cfg;
	struct device_node *parent;
	unsigned int i;
	int err;

	cfg = kunit_kzalloc(test, sizeof(*cfg), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, cfg);
	err = hvk_dt_select(&hvk_of_dt_ops, NULL, build_arch(), cfg);
	if (err == -ENODEV)
		kunit_skip(test, "no hypervisor in this device tree");
	KUNIT_ASSERT_EQ_MSG(test, err, 0, "%s: %s", cfg->err_node, cfg->err_why);

	parent = hvk_to_of_node(cfg->hv_node);
	KUNIT_EXPECT_EQ(test, cfg->nr_children, count_usable_children(parent));
	for (i = 0; i < cfg->nr_children; i++) {
		struct device_node *np = hvk_to_of_node(cfg->children[i].node);
		u32 reg = 0;

		KUNIT_EXPECT_PTR_EQ(test, np->parent, parent);
		KUNIT_EXPECT_EQ(test, of_property_read_u32(np, "reg", &reg), 0);
		KUNIT_EXPECT_EQ(test, cfg->children[i].unit_address, reg);
	}
}

static void dt_live_tree_is_stable(struct kunit *test)
{
	struct hvk_dt_config *a, *b;

	a = kunit_kzalloc(test, sizeof(*a), GFP_KERNEL);
	b = kunit_kzalloc(test, sizeof(*b), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_ASSERT_NOT_NULL(test, b);
	if (hvk_dt_select(&hvk_of_dt_ops, NULL, build_arch(), a) == -ENODEV)
		kunit_skip(test, "no hypervisor in this device tree");
	KUNIT_ASSERT_EQ(test, hvk_dt_select(&hvk_of_dt_ops, NULL, build_arch(), b), 0);
	KUNIT_EXPECT_EQ(test, a->method, b->method);
	KUNIT_EXPECT_EQ(test, a->nr_children, b->nr_children);
	KUNIT_EXPECT_EQ(test, memcmp(a->children, b->children,
				     sizeof(a->children)), 0);
}

static struct kunit_case dt_cases[] = {
	KUNIT_CASE(dt_live_tree),
	KUNIT_CASE(dt_live_tree_is_stable),
	{}
};

static struct kunit_suite dt_suite = {
	.name = "hvkit_dt_live",
	.test_cases = dt_cases,
};

kunit_test_suites(&fault_suite, &status_suite, &dt_suite);

MODULE_DESCRIPTION("hvkit KUnit suites (test only)");
MODULE_AUTHOR("The hvkit developers");
MODULE_LICENSE("GPL");
