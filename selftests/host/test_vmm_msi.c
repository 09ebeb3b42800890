// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host unit tests of hvkit-vmm's MSI vectors (tools/hvkit-vmm/
 * msi_table.c): every status of H_VIO_SET_MSI through the hcall table as
 * the guest reaches it, forgetting with 0/0, what a raise becomes (a
 * signal with the device's DeviceID and the stored message, or a count),
 * what KVM_SIGNAL_MSI's answers are counted as, and the report's wording.
 */
#include <errno.h>
#include <string.h>

#include <hvkit/hcall_opcodes.h>
#include <hvkit/hcall_status.h>

#include "ktest.h"
#include "msi_table.h"

#define ITS_BASE	0x08080000ull
#define DOORBELL	(ITS_BASE + 0x10040)
#define UNIT_MSI	0x30000000u
#define UNIT_WIRED	0x30000001u

static struct hvm_hcall_table table;
static struct hvm_msi_dev msi, wired;

static void setup(void)
{
	hvm_table_init(&table);
	hvm_msi_init(&msi, UNIT_MSI, 1, 3, ITS_BASE);
	hvm_msi_init(&wired, UNIT_WIRED, 0, 0, ITS_BASE);
	EXPECT_EQ(hvm_msi_attach(&msi, &table), 0);
	EXPECT_EQ(hvm_msi_attach(&wired, &table), 0);
}

static long set_msi(u64 unit, u64 index, u64 addr, u64 data)
{
	struct hvm_call c = {
		.opcode = HVK_H_VIO_SET_MSI, .in = { unit, index, addr, data },
	};

	return hvm_table_dispatch(&table, &c);
}

TEST(doorbell_is_gits_translater)
{
	setup();
	EXPECT_EQ(msi.doorbell, DOORBELL);
	EXPECT_EQ(set_msi(UNIT_MSI, 0, DOORBELL, 7), HVK_H_SUCCESS);
	EXPECT_TRUE(msi.vec[0].written);
	EXPECT_EQ(msi.vec[0].address, DOORBELL);
	EXPECT_EQ(msi.vec[0].data, 7);
	EXPECT_EQ(set_msi(UNIT_MSI, 0, DOORBELL, 0xffffffffull), HVK_H_SUCCESS);
	EXPECT_EQ(msi.vec[0].data, 0xffffffffu);
	EXPECT_EQ(msi.refused, 0);
}

TEST(no_such_unit_is_h_parameter)
{
	setup();
	EXPECT_EQ(set_msi(0x30000002, 0, DOORBELL, 1), HVK_H_PARAMETER);
	EXPECT_EQ(set_msi(0xffffffffffffffffull, 0, DOORBELL, 1), HVK_H_PARAMETER);
	EXPECT_EQ(msi.refused + wired.refused, 0);
}

TEST(no_such_vector_is_h_p2)
{
	setup();
	/* A wired device has none. */
	EXPECT_EQ(set_msi(UNIT_WIRED, 0, DOORBELL, 1), HVK_H_P2);
	EXPECT_EQ(set_msi(UNIT_WIRED, 0, 0, 0), HVK_H_P2);
	EXPECT_EQ(wired.refused, 2);
	/* An MSI device has exactly vector 0. */
	EXPECT_EQ(set_msi(UNIT_MSI, 1, DOORBELL, 1), HVK_H_P2);
	EXPECT_EQ(set_msi(UNIT_MSI, 0x100000000ull, DOORBELL, 1), HVK_H_P2);
	EXPECT_EQ(set_msi(UNIT_MSI, ~0ull, DOORBELL, 1), HVK_H_P2);
	EXPECT_EQ(msi.refused, 3);
	EXPECT_TRUE(!msi.vec[0].written);
}

TEST(an_address_not_the_doorbell_is_h_p3)
{
	static const u64 addrs[] = {
		ITS_BASE, DOORBELL - 4, DOORBELL + 4, DOORBELL | (1ull << 32),
		0x40000000, ~0ull,
	};
	unsigned int i;

	setup();
	for (i = 0; i < ARRAY_SIZE(addrs); i++)
		EXPECT_EQ(set_msi(UNIT_MSI, 0, addrs[i], 1), HVK_H_P3);
	EXPECT_EQ(msi.refused, ARRAY_SIZE(addrs));
	EXPECT_TRUE(!msi.vec[0].written && !msi.vec[0].was_written);
}

TEST(data_too_wide_or_with_address_0_is_h_p4)
{
	setup();
	EXPECT_EQ(set_msi(UNIT_MSI, 0, DOORBELL, 0x100000000ull), HVK_H_P4);
	EXPECT_EQ(set_msi(UNIT_MSI, 0, DOORBELL, ~0ull), HVK_H_P4);
	EXPECT_EQ(set_msi(UNIT_MSI, 0, 0, 1), HVK_H_P4);
	EXPECT_EQ(set_msi(UNIT_MSI, 0, 0, 0x100000000ull), HVK_H_P4);
	EXPECT_EQ(msi.refused, 4);
	EXPECT_TRUE(!msi.vec[0].written);
}

TEST(a_refused_message_leaves_the_stored_one)
{
	struct hvm_msi_message m;

	setup();
	EXPECT_EQ(set_msi(UNIT_MSI, 0, DOORBELL, 5), HVK_H_SUCCESS);
	EXPECT_EQ(set_msi(UNIT_MSI, 0, DOORBELL + 8, 6), HVK_H_P3);
	EXPECT_EQ(set_msi(UNIT_MSI, 0, 0, 6), HVK_H_P4);
	ASSERT_TRUE(hvm_msi_raise(&msi, 0, &m));
	EXPECT_EQ(m.data, 5);
}

TEST(zero_zero_forgets_and_a_write_restores)
{
	struct hvm_msi_message m;

	setup();
	/* Forgetting what was never written is fine (and no mistake). */
	EXPECT_EQ(set_msi(UNIT_MSI, 0, 0, 0), HVK_H_SUCCESS);
	EXPECT_TRUE(!msi.vec[0].was_written);
	EXPECT_EQ(set_msi(UNIT_MSI, 0, DOORBELL, 9), HVK_H_SUCCESS);
	EXPECT_EQ(set_msi(UNIT_MSI, 0, 0, 0), HVK_H_SUCCESS);
	EXPECT_TRUE(!msi.vec[0].written);
	EXPECT_EQ(msi.vec[0].address, 0);
	EXPECT_EQ(msi.vec[0].data, 0);
	EXPECT_TRUE(!hvm_msi_raise(&msi, 0, &m));
	EXPECT_EQ(set_msi(UNIT_MSI, 0, DOORBELL, 10), HVK_H_SUCCESS);
	ASSERT_TRUE(hvm_msi_raise(&msi, 0, &m));
	EXPECT_EQ(m.data, 10);
	EXPECT_EQ(msi.refused, 0);
}

TEST(a_written_vector_is_signalled_with_its_devid)
{
	struct hvm_msi_message m = { 0 };

	setup();
	EXPECT_EQ(set_msi(UNIT_MSI, 0, DOORBELL, 0x2a), HVK_H_SUCCESS);
	ASSERT_TRUE(hvm_msi_raise(&msi, 0, &m));
	EXPECT_EQ(m.address, DOORBELL);
	EXPECT_EQ(m.data, 0x2a);
	EXPECT_EQ(m.devid, 3);
	EXPECT_EQ(msi.unwritten + msi.after_free, 0);
}

TEST(a_raise_never_written_is_a_guest_mistake)
{
	struct hvm_msi_message m;

	setup();
	EXPECT_TRUE(!hvm_msi_raise(&msi, 0, &m));
	EXPECT_TRUE(!hvm_msi_raise(&msi, 0, &m));
	EXPECT_EQ(msi.unwritten, 2);
	EXPECT_EQ(msi.after_free, 0);
	EXPECT_EQ(hvm_msi_mistakes(&msi), 2);
	/* A wired device raising through here is no vector at all. */
	EXPECT_TRUE(!hvm_msi_raise(&wired, 0, &m));
	EXPECT_EQ(wired.unwritten, 1);
}

TEST(a_raise_after_free_is_counted_not_a_mistake)
{
	struct hvm_msi_message m;

	setup();
	EXPECT_EQ(set_msi(UNIT_MSI, 0, DOORBELL, 1), HVK_H_SUCCESS);
	EXPECT_EQ(set_msi(UNIT_MSI, 0, 0, 0), HVK_H_SUCCESS);
	EXPECT_TRUE(!hvm_msi_raise(&msi, 0, &m));
	EXPECT_EQ(msi.after_free, 1);
	EXPECT_EQ(msi.unwritten, 0);
	EXPECT_EQ(hvm_msi_mistakes(&msi), 0);
	EXPECT_EQ(hvm_msi_lost(&msi), 0);
}

TEST(kvm_signal_msi_answers_are_counted)
{
	setup();
	hvm_msi_result(&msi, 1, 0);
	hvm_msi_result(&msi, 1, 0);
	hvm_msi_result(&msi, 0, 0);
	hvm_msi_result(&msi, -1, EBUSY);
	hvm_msi_result(&msi, -1, EINVAL);
	EXPECT_EQ(msi.signalled, 2);
	EXPECT_EQ(msi.blocked, 1);
	EXPECT_EQ(msi.its_disabled, 1);
	EXPECT_EQ(msi.failed, 1);
	EXPECT_EQ(hvm_msi_lost(&msi), 3);
	EXPECT_EQ(hvm_msi_mistakes(&msi), 0);
}

TEST(report_wording)
{
	struct hvm_msi_message m;
	char buf[512];

	setup();
	EXPECT_EQ(set_msi(UNIT_MSI, 0, DOORBELL, 1), HVK_H_SUCCESS);
	EXPECT_TRUE(hvm_msi_raise(&msi, 0, &m));
	hvm_msi_result(&msi, 1, 0);
	EXPECT_EQ(set_msi(UNIT_MSI, 0, 0, 0), HVK_H_SUCCESS);
	EXPECT_TRUE(!hvm_msi_raise(&msi, 0, &m));
	hvm_msi_report(&msi, buf, sizeof(buf));
	EXPECT_STREQ(buf, "msi devid 3: 1 signalled, 1 raised after free, 0 blocked by the ITS, 0 while the ITS was disabled, 0 failed, 0 guest mistakes");
	/* Nonzero: the text the runner expects is gone. */
	EXPECT_EQ(set_msi(UNIT_MSI, 0, 0, 1), HVK_H_P4);
	hvm_msi_init(&msi, UNIT_MSI, 1, 3, ITS_BASE);
	EXPECT_TRUE(!hvm_msi_raise(&msi, 0, &m));
	msi.refused = 2;
	hvm_msi_result(&msi, 0, 0);
	hvm_msi_report(&msi, buf, sizeof(buf));
	EXPECT_STREQ(buf, "msi devid 3: 0 signalled, 0 raised after free, 1 blocked by the ITS, 0 while the ITS was disabled, 0 failed, 3 guest mistakes: 1 raised without a message, 2 messages refused");
	EXPECT_TRUE(!ktest_contains(buf, ", 0 blocked by the ITS, 0 while the ITS was disabled, 0 failed, 0 guest mistakes"));
	/* A short buffer is cut, never overrun. */
	hvm_msi_report(&msi, buf, 20);
	EXPECT_EQ(strlen(buf), 19);
}

TEST(report_total_over_devices)
{
	struct hvm_msi_dev sum = { 0 }, other;
	struct hvm_msi_message m;
	char buf[512];

	setup();
	EXPECT_EQ(set_msi(UNIT_MSI, 0, DOORBELL, 1), HVK_H_SUCCESS);
	EXPECT_TRUE(hvm_msi_raise(&msi, 0, &m));
	hvm_msi_result(&msi, 1, 0);
	hvm_msi_add(&sum, &msi);
	hvm_msi_report_total(&sum, buf, sizeof(buf));
	EXPECT_STREQ(buf, "0 blocked by the ITS, 0 while the ITS was disabled, 0 failed, 0 guest mistakes (1 signalled, 0 raised after free)");
	/* One device's loss spoils the line over all of them. */
	hvm_msi_init(&other, UNIT_MSI, 1, 4, ITS_BASE);
	other.blocked = 1;
	other.unwritten = 2;
	hvm_msi_add(&sum, &other);
	hvm_msi_report_total(&sum, buf, sizeof(buf));
	EXPECT_STREQ(buf, "1 blocked by the ITS, 0 while the ITS was disabled, 0 failed, 2 guest mistakes (1 signalled, 0 raised after free)");
}

int main(int argc, char **argv)
{
	return ktest_main(argc, argv);
}
