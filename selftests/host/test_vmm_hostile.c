// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host unit tests of hvkit-vmm's hostile peer (tools/hvkit-vmm/hostile.c):
 * the decisions (same seed, same decisions; rate 0 never, 1000 always;
 * one independent stream per site), each mutation changing the field it
 * names and nothing else, the stale and duplicate tokens, the CRQ model
 * and the dispatcher under it, and the report line.
 */
#include <stdio.h>
#include <string.h>

#include <hvkit/hcall_opcodes.h>
#include <hvkit/hcall_status.h>

#include "crq_model.h"
#include "hcall_table.h"
#include "hostile.h"
#include "ktest.h"
#include "llan_codec.h"
#include "srp_codec.h"
#include "srp_wire.h"

#define ROUNDS		2000
#define ALL		HVM_HOSTILE_ALL_SITES

static struct hvm_hostile a, b;

TEST(same_seed_same_decisions)
{
	unsigned int i, s, differ = 0;
	bool x, y;

	hvm_hostile_init(&a, 300, ALL, 12345);
	hvm_hostile_init(&b, 300, ALL, 12345);
	for (i = 0; i < ROUNDS; i++)
		for (s = 0; s < HVM_HOSTILE_NR_SITES; s++) {
			x = hvm_hostile_draw(&a, s);
			y = hvm_hostile_draw(&b, s);
			EXPECT_EQ(x, y);
		}
	EXPECT_TRUE(!memcmp(a.mutations, b.mutations, sizeof(a.mutations)));
	/* Roughly the rate asked (300 of 1000), and another seed differs. */
	for (s = 0; s < HVM_HOSTILE_NR_SITES; s++) {
		EXPECT_EQ(a.chances[s], ROUNDS);
		EXPECT_TRUE(a.mutations[s] > ROUNDS * 25 / 100 && a.mutations[s] < ROUNDS * 35 / 100);
	}
	hvm_hostile_init(&b, 300, ALL, 12346);
	hvm_hostile_init(&a, 300, ALL, 12345);
	for (i = 0; i < ROUNDS; i++)
		differ += hvm_hostile_draw(&a, HVM_HOSTILE_CRQ) !=
			  hvm_hostile_draw(&b, HVM_HOSTILE_CRQ);
	EXPECT_TRUE(differ > 0);
}

TEST(rate_zero_never_rate_1000_always)
{
	unsigned int i, s;

	hvm_hostile_init(&a, 0, ALL, 1);
	hvm_hostile_init(&b, 1000, ALL, 1);
	for (i = 0; i < ROUNDS; i++)
		for (s = 0; s < HVM_HOSTILE_NR_SITES; s++) {
			EXPECT_TRUE(!hvm_hostile_draw(&a, s));
			EXPECT_TRUE(hvm_hostile_draw(&b, s));
		}
	/* Off is no chance at all; always is every chance. */
	for (s = 0; s < HVM_HOSTILE_NR_SITES; s++) {
		EXPECT_EQ(a.chances[s], 0);
		EXPECT_EQ(b.chances[s], ROUNDS);
		EXPECT_EQ(b.mutations[s], ROUNDS);
	}
	/* A site not asked for is off, the others on. */
	hvm_hostile_init(&a, 1000, 1u << HVM_HOSTILE_LLAN, 1);
	EXPECT_TRUE(!hvm_hostile_draw(&a, HVM_HOSTILE_CRQ));
	EXPECT_TRUE(hvm_hostile_draw(&a, HVM_HOSTILE_LLAN));
	EXPECT_EQ(a.chances[HVM_HOSTILE_CRQ], 0);
	/* No hostile peer at all: every helper does nothing. */
	EXPECT_TRUE(!hvm_hostile_draw(NULL, HVM_HOSTILE_VTY));
}

TEST(site_streams_are_independent)
{
	u64 alone[64];
	unsigned int i, s, other;

	for (s = 0; s < HVM_HOSTILE_NR_SITES; s++) {
		hvm_hostile_init(&a, 500, ALL, 99);
		for (i = 0; i < ARRAY_SIZE(alone); i++)
			alone[i] = hvm_hostile_next(&a, s);
		/* The same site's sequence with every other site drawn in between. */
		hvm_hostile_init(&b, 500, ALL, 99);
		for (i = 0; i < ARRAY_SIZE(alone); i++) {
			for (other = 0; other < HVM_HOSTILE_NR_SITES; other++)
				if (other != s)
					hvm_hostile_draw(&b, other);
			EXPECT_TRUE(hvm_hostile_next(&b, s) == alone[i]);
		}
	}
	/* And the streams are not one another's. */
	hvm_hostile_init(&a, 500, ALL, 99);
	EXPECT_TRUE(hvm_hostile_next(&a, HVM_HOSTILE_CRQ) != hvm_hostile_next(&a, HVM_HOSTILE_SRP));
}

TEST(sites_parse_and_print)
{
	unsigned int sites = 0;
	char text[64];

	EXPECT_EQ(hvm_hostile_parse_sites("crq,srp,llan,vty,status", &sites), 0);
	EXPECT_EQ(sites, ALL);
	EXPECT_EQ(hvm_hostile_parse_sites("vty", &sites), 0);
	EXPECT_EQ(sites, 1u << HVM_HOSTILE_VTY);
	EXPECT_EQ(hvm_hostile_parse_sites("status,crq", &sites), 0);
	hvm_hostile_sites_text(sites, text, sizeof(text));
	EXPECT_STREQ(text, "crq,status");
	EXPECT_EQ(hvm_hostile_parse_sites("", &sites), -1);
	EXPECT_EQ(hvm_hostile_parse_sites("crq,", &sites), -1);
	EXPECT_EQ(hvm_hostile_parse_sites(",crq", &sites), -1);
	EXPECT_EQ(hvm_hostile_parse_sites("crqs", &sites), -1);
	EXPECT_EQ(hvm_hostile_parse_sites("CRQ", &sites), -1);
	EXPECT_EQ(hvm_hostile_parse_sites("cr", &sites), -1);
	hvm_hostile_sites_text(ALL, text, sizeof(text));
	EXPECT_STREQ(text, "crq,srp,llan,vty,status");
}

/* Which bytes of @n differ between @x and @y, as a mask (n <= 64). */
static u64 diff(const u8 *x, const u8 *y, unsigned int n)
{
	u64 m = 0;
	unsigned int i;

	for (i = 0; i < n; i++)
		if (x[i] != y[i])
			m |= 1ull << i;
	return m;
}

/* Bytes [@at, @at + @n) as a mask. */
static u64 field(unsigned int at, unsigned int n)
{
	return ((n == 64 ? 0 : 1ull << n) - 1) << at;
}

TEST(crq_mutations_change_their_field_only)
{
	struct hvk_crq_msg orig = { .valid = HVK_CRQ_PAYLOAD, .format = 1, .status = 0,
				    .timeout = 7, .iu_len = 36 }, m;
	unsigned int i, seen[HVM_HOSTILE_NR_KINDS] = { 0 };
	bool dup;
	int k;

	hvm_hostile_init(&a, 1000, 1u << HVM_HOSTILE_CRQ, 7);
	for (i = 0; i < ROUNDS; i++) {
		orig.token = 0x1000 + i;
		m = orig;
		k = hvm_hostile_crq(&a, &m, &dup);
		ASSERT_TRUE(k >= HVM_HK_CRQ_VALID_FREE && k <= HVM_HK_CRQ_DUPLICATE);
		seen[k]++;
		EXPECT_EQ(dup, k == HVM_HK_CRQ_DUPLICATE);
		EXPECT_EQ(m.timeout, orig.timeout);
		switch (k) {
		case HVM_HK_CRQ_VALID_FREE:
			EXPECT_EQ(m.valid, HVK_CRQ_FREE);
			break;
		case HVM_HK_CRQ_VALID_INIT:
		case HVM_HK_CRQ_VALID_TRANSPORT:
			EXPECT_EQ(m.valid, k == HVM_HK_CRQ_VALID_INIT ? HVK_CRQ_INIT :
					   HVK_CRQ_TRANSPORT);
			EXPECT_TRUE(m.status == orig.status && m.iu_len == orig.iu_len &&
				    m.token == orig.token);
			break;
		case HVM_HK_CRQ_VALID_RANDOM:
			EXPECT_TRUE(m.valid != orig.valid && m.valid != HVK_CRQ_FREE);
			EXPECT_TRUE(m.format == orig.format && m.status == orig.status &&
				    m.iu_len == orig.iu_len && m.token == orig.token);
			break;
		case HVM_HK_CRQ_FORMAT:
			EXPECT_TRUE(m.format != orig.format && m.valid == orig.valid &&
				    m.status == orig.status && m.iu_len == orig.iu_len &&
				    m.token == orig.token);
			break;
		case HVM_HK_CRQ_STATUS:
			EXPECT_TRUE(m.status != orig.status && m.valid == orig.valid &&
				    m.format == orig.format && m.iu_len == orig.iu_len &&
				    m.token == orig.token);
			break;
		case HVM_HK_CRQ_IU_LEN:
			EXPECT_TRUE(m.iu_len != orig.iu_len && m.valid == orig.valid &&
				    m.format == orig.format && m.status == orig.status &&
				    m.token == orig.token);
			break;
		case HVM_HK_CRQ_TOKEN:
			EXPECT_TRUE(m.token != orig.token);
			EXPECT_TRUE(m.valid == orig.valid && m.iu_len == orig.iu_len);
			break;
		case HVM_HK_CRQ_STALE_TOKEN:
			/* One posted earlier: 0x1000 up to this one, not it. */
			EXPECT_TRUE(m.token >= 0x1000 && m.token < orig.token);
			EXPECT_TRUE(orig.token - m.token <= HVM_HOSTILE_RING);
			EXPECT_TRUE(m.valid == orig.valid && m.iu_len == orig.iu_len);
			break;
		default:
			EXPECT_TRUE(!memcmp(&m, &orig, sizeof(m)));
		}
	}
	for (k = HVM_HK_CRQ_VALID_FREE; k <= HVM_HK_CRQ_DUPLICATE; k++) {
		EXPECT_TRUE(seen[k] > 0);
		EXPECT_EQ(a.kinds[k], seen[k]);
	}
	/* The first entry has no earlier token: never a stale one. */
	for (i = 0; i < 200; i++) {
		hvm_hostile_init(&a, 1000, ALL, i);
		m = orig;
		EXPECT_TRUE(hvm_hostile_crq(&a, &m, &dup) != HVM_HK_CRQ_STALE_TOKEN);
	}
}

/* An SRP_RSP of @len bytes with some of everything set. */
static void make_rsp(u8 *iu, unsigned int len)
{
	memset(iu, 0, HVK_SRP_IU_MAX);
	iu[0] = HVK_SRP_RSP;
	hvk_put_be32(iu + RSP_LIM_DELTA, 1);
	hvk_put_be64(iu + IU_TAG, 0xabcdef0011223344ull);
	iu[RSP_FLAGS] = HVK_SRP_DIUNDER;
	iu[RSP_STATUS] = 0;
	hvk_put_be32(iu + RSP_DI_RES, 512);
	(void)len;
}

TEST(srp_rsp_mutations_change_their_field_only)
{
	u8 iu[HVK_SRP_IU_MAX], orig[HVK_SRP_IU_MAX];
	unsigned int i, len = HVK_SRP_RSP_LEN + 18;
	unsigned int seen[HVM_HOSTILE_NR_KINDS] = { 0 };
	u16 iu_len;
	u64 d;
	int k;

	hvm_hostile_init(&a, 1000, 1u << HVM_HOSTILE_SRP, 3);
	make_rsp(orig, len);
	for (i = 0; i < ROUNDS; i++) {
		memcpy(iu, orig, sizeof(iu));
		iu_len = (u16)len;
		k = hvm_hostile_srp(&a, iu, len, HVK_VIOSRP_SRP, &iu_len);
		ASSERT_TRUE(k >= HVM_HK_SRP_OPCODE && k <= HVM_HK_SRP_IU_LEN);
		seen[k]++;
		/* Nothing past the IU's length, ever. */
		EXPECT_TRUE(!memcmp(iu + len, orig + len, sizeof(iu) - len));
		d = diff(iu, orig, 64);
		switch (k) {
		case HVM_HK_SRP_OPCODE:
			EXPECT_TRUE(d == field(0, 1));
			break;
		case HVM_HK_SRP_FLAGS:
			EXPECT_TRUE(d == field(RSP_FLAGS, 1));
			break;
		case HVM_HK_SRP_LIM_DELTA:
			EXPECT_TRUE(d && !(d & ~field(RSP_LIM_DELTA, 4)));
			break;
		case HVM_HK_SRP_STATUS:
			EXPECT_TRUE(d == field(RSP_STATUS, 1));
			break;
		case HVM_HK_SRP_RESP_LEN:
			/* The length, and its valid bit in the flags. */
			EXPECT_TRUE((d & field(RSP_RESP_LEN, 4)) &&
				    !(d & ~(field(RSP_RESP_LEN, 4) | field(RSP_FLAGS, 1))));
			EXPECT_TRUE(iu[RSP_FLAGS] & HVK_SRP_RSPVALID);
			EXPECT_TRUE(hvk_get_be32(iu + RSP_RESP_LEN) > len - RSP_DATA);
			break;
		case HVM_HK_SRP_SENSE_LEN:
			EXPECT_TRUE((d & field(RSP_SENSE_LEN, 4)) &&
				    !(d & ~(field(RSP_SENSE_LEN, 4) | field(RSP_FLAGS, 1))));
			EXPECT_TRUE(iu[RSP_FLAGS] & HVK_SRP_SNSVALID);
			EXPECT_TRUE(hvk_get_be32(iu + RSP_SENSE_LEN) > len - RSP_DATA);
			break;
		case HVM_HK_SRP_RESIDUAL:
			EXPECT_TRUE(d && (!(d & ~field(RSP_DI_RES, 4)) ||
					  !(d & ~field(RSP_DO_RES, 4))));
			break;
		case HVM_HK_SRP_TAG:
			EXPECT_TRUE(d && !(d & ~field(IU_TAG, 8)));
			EXPECT_TRUE(hvk_srp_tag(iu) != hvk_srp_tag(orig));
			break;
		case HVM_HK_SRP_IU_LEN:
			EXPECT_TRUE(!d && iu_len != len);
			break;
		default:
			ktest_fail(__FILE__, __LINE__, "kind %d", k);
		}
		if (k != HVM_HK_SRP_IU_LEN)
			EXPECT_EQ(iu_len, len);
	}
	for (k = HVM_HK_SRP_OPCODE; k <= HVM_HK_SRP_TAG; k++)
		EXPECT_TRUE(seen[k] > 0);
	EXPECT_TRUE(seen[HVM_HK_SRP_IU_LEN] > 0);
	/* Not an SRP_RSP (a login answer): no chance taken. */
	memcpy(iu, orig, sizeof(iu));
	iu[0] = HVK_SRP_LOGIN_RSP;
	EXPECT_EQ(hvm_hostile_srp(&a, iu, len, HVK_VIOSRP_SRP, &iu_len), -1);
	EXPECT_EQ(a.chances[HVM_HOSTILE_SRP], ROUNDS);
}

TEST(mad_mutations_change_their_field_only)
{
	u8 iu[HVK_SRP_IU_MAX], orig[HVK_SRP_IU_MAX];
	unsigned int i, len = HVK_MAD_ADAPTER_INFO_LEN;
	unsigned int seen[HVM_HOSTILE_NR_KINDS] = { 0 };
	u16 iu_len;
	u64 d;
	int k;

	hvm_hostile_init(&a, 1000, ALL, 4);
	memset(orig, 0, sizeof(orig));
	hvk_put_be32(orig + MAD_TYPE, HVK_MAD_ADAPTER_INFO);
	hvk_put_be16(orig + MAD_LEN, HVK_ADAPTER_INFO_DATA_LEN);
	hvk_put_be64(orig + MAD_TAG, 77);
	for (i = 0; i < ROUNDS; i++) {
		memcpy(iu, orig, sizeof(iu));
		iu_len = (u16)len;
		k = hvm_hostile_srp(&a, iu, len, HVK_VIOSRP_MAD, &iu_len);
		ASSERT_TRUE(k >= 0);
		seen[k]++;
		EXPECT_TRUE(!memcmp(iu + len, orig + len, sizeof(iu) - len));
		d = diff(iu, orig, 64);
		switch (k) {
		case HVM_HK_MAD_TYPE:
			EXPECT_TRUE(d && !(d & ~field(MAD_TYPE, 4)));
			break;
		case HVM_HK_MAD_STATUS:
			EXPECT_TRUE(d && !(d & ~field(MAD_STATUS, 2)));
			break;
		case HVM_HK_MAD_LEN:
			EXPECT_TRUE(d && !(d & ~field(MAD_LEN, 2)));
			break;
		case HVM_HK_MAD_TAG:
			EXPECT_TRUE(d && !(d & ~field(MAD_TAG, 8)));
			break;
		case HVM_HK_SRP_IU_LEN:
			EXPECT_TRUE(!d && iu_len != len);
			break;
		default:
			ktest_fail(__FILE__, __LINE__, "kind %d", k);
		}
	}
	for (k = HVM_HK_MAD_TYPE; k <= HVM_HK_SRP_IU_LEN; k++)
		EXPECT_TRUE(seen[k] > 0);
	/* An answer of no bytes (QEMU's unknown MAD): only the entry's length. */
	for (i = 0; i < 50; i++) {
		iu_len = 0;
		EXPECT_EQ(hvm_hostile_srp(&a, iu, 0, HVK_VIOSRP_MAD, &iu_len), HVM_HK_SRP_IU_LEN);
		EXPECT_TRUE(iu_len != 0);
	}
}

TEST(llan_mutations_change_their_field_only)
{
	u8 e[HVK_LLAN_RXQ_ENTRY], orig[HVK_LLAN_RXQ_ENTRY], other[8];
	unsigned int i, seen[HVM_HOSTILE_NR_KINDS] = { 0 };
	u64 d, corr;
	int k;

	hvm_hostile_init(&a, 1000, 1u << HVM_HOSTILE_LLAN, 5);
	hvk_put_be64(other, 0x5555);
	for (i = 0; i < ROUNDS; i++) {
		memset(orig, 0, sizeof(orig));
		orig[HVK_LLAN_RXQ_FLAGS_AT] = HVK_LLAN_RXQ_VALID | HVK_LLAN_RXQ_TOGGLE;
		hvk_put_be16(orig + HVK_LLAN_RXQ_OFFSET_AT, HVK_LLAN_BUF_HDR);
		hvk_put_be32(orig + HVK_LLAN_RXQ_LENGTH_AT, 60);
		hvk_put_be64(orig + HVK_LLAN_RXQ_CORR_AT, 0x9000 + i);
		memcpy(e, orig, sizeof(e));
		k = hvm_hostile_llan(&a, e, 2048, i & 1 ? other : NULL);
		ASSERT_TRUE(k >= 0);
		seen[k]++;
		d = diff(e, orig, sizeof(e));
		corr = hvk_get_be64(e + HVK_LLAN_RXQ_CORR_AT);
		switch (k) {
		case HVM_HK_LLAN_TOGGLE:
			EXPECT_TRUE(d == field(HVK_LLAN_RXQ_FLAGS_AT, 1));
			EXPECT_EQ(e[0], HVK_LLAN_RXQ_VALID);
			break;
		case HVM_HK_LLAN_VALID:
			EXPECT_TRUE(d == field(HVK_LLAN_RXQ_FLAGS_AT, 1));
			EXPECT_EQ(e[0], HVK_LLAN_RXQ_TOGGLE);
			break;
		case HVM_HK_LLAN_OFFSET:
			EXPECT_TRUE(d && !(d & ~field(HVK_LLAN_RXQ_OFFSET_AT, 2)));
			break;
		case HVM_HK_LLAN_LENGTH:
			EXPECT_TRUE(d && !(d & ~field(HVK_LLAN_RXQ_LENGTH_AT, 4)));
			break;
		case HVM_HK_LLAN_CORR:
			EXPECT_TRUE(d && !(d & ~field(HVK_LLAN_RXQ_CORR_AT, 8)));
			break;
		case HVM_HK_LLAN_STALE_CORR:
			EXPECT_TRUE(d && !(d & ~field(HVK_LLAN_RXQ_CORR_AT, 8)));
			EXPECT_TRUE(corr >= 0x9000 && corr < 0x9000 + i &&
				    0x9000 + i - corr <= HVM_HOSTILE_RING);
			break;
		case HVM_HK_LLAN_OTHER_CORR:
			EXPECT_TRUE(i & 1);
			EXPECT_EQ(corr, 0x5555);
			EXPECT_TRUE(!(d & ~field(HVK_LLAN_RXQ_CORR_AT, 8)));
			break;
		default:
			ktest_fail(__FILE__, __LINE__, "kind %d", k);
		}
	}
	for (k = HVM_HK_LLAN_TOGGLE; k <= HVM_HK_LLAN_OTHER_CORR; k++)
		EXPECT_TRUE(seen[k] > 0);
}

TEST(vty_mutations)
{
	unsigned int i, seen[HVM_HOSTILE_NR_KINDS] = { 0 };
	u64 out[3], orig[3];
	int k;

	hvm_hostile_init(&a, 1000, 1u << HVM_HOSTILE_VTY, 6);
	for (i = 0; i < ROUNDS; i++) {
		/* Half the answers carry 3 bytes, half none. */
		orig[0] = i & 1 ? 3 : 0;
		orig[1] = i & 1 ? 0x6162630000000000ull : 0;
		orig[2] = 0;
		memcpy(out, orig, sizeof(out));
		k = hvm_hostile_vty(&a, out);
		ASSERT_TRUE(k >= 0);
		seen[k]++;
		switch (k) {
		case HVM_HK_VTY_COUNT:
			EXPECT_TRUE(out[0] > 16);
			EXPECT_TRUE(out[1] == orig[1] && out[2] == orig[2]);
			break;
		case HVM_HK_VTY_EMPTY_DATA:
			EXPECT_EQ(out[0], 0);
			EXPECT_TRUE(out[1] || out[2]);
			break;
		case HVM_HK_VTY_BYTES:
			EXPECT_TRUE(i & 1);
			EXPECT_EQ(out[0], orig[0]);
			EXPECT_TRUE(out[1] != orig[1]);
			break;
		default:
			ktest_fail(__FILE__, __LINE__, "kind %d", k);
		}
	}
	for (k = HVM_HK_VTY_COUNT; k <= HVM_HK_VTY_BYTES; k++)
		EXPECT_TRUE(seen[k] > 0);
}

/* A device of the status site's tests: counts its calls, answers values. */
static unsigned int device_calls;

static long device(void *dev, struct hvm_call *call)
{
	(void)dev;
	device_calls++;
	call->out[0] = 0x1234;
	return HVK_H_SUCCESS;
}

TEST(status_site_in_the_dispatcher)
{
	static const long allowed[] = {
		HVK_H_HARDWARE, HVK_H_PARAMETER, HVK_H_RESOURCE, HVK_H_CLOSED, HVK_H_DROPPED,
		HVK_H_BUSY, HVK_H_LONG_BUSY_1MS, HVK_H_LONG_BUSY_10MS, HVK_H_LONG_BUSY_100MS,
		HVK_H_LONG_BUSY_1S, HVK_H_LONG_BUSY_10S, HVK_H_LONG_BUSY_100S, -9999, 42,
	};
	static struct hvm_hcall_table t;
	unsigned int i, j, seen[HVM_HOSTILE_NR_KINDS] = { 0 }, before;
	u64 scratch[HVM_CALL_REGS];
	struct hvm_call call;
	long st;
	bool ok;
	int k;

	hvm_table_init(&t);
	ASSERT_EQ(hvm_table_register(&t, HVK_H_ILLAN_ATTRIBUTES, 0x30000200, device, NULL), 0);
	ASSERT_EQ(hvm_table_register(&t, HVK_H_SEND_CRQ, 0x30000100, device, NULL), 0);
	hvm_hostile_init(&a, 1000, 1u << HVM_HOSTILE_STATUS, 8);
	hvm_hostile_init(&b, 1000, 1u << HVM_HOSTILE_STATUS, 8);
	t.hostile = &a;
	for (i = 0; i < ROUNDS; i++) {
		memset(&call, 0, sizeof(call));
		call.opcode = i & 1 ? HVK_H_ILLAN_ATTRIBUTES : HVK_H_SEND_CRQ;
		call.in[0] = i & 1 ? 0x30000200 : 0x30000100;
		/* What the dispatcher will decide, from a twin of the same seed. */
		k = hvm_hostile_status(&b, call.opcode, &st);
		ASSERT_TRUE(k >= 0);
		if (k == HVM_HK_STATUS_OUTPUTS)
			hvm_hostile_garble(&b, scratch, HVM_CALL_REGS);
		before = device_calls;
		st = hvm_table_dispatch(&t, &call);
		seen[k]++;
		switch (k) {
		case HVM_HK_STATUS_BEFORE:
		case HVM_HK_STATUS_AFTER:
			EXPECT_EQ(device_calls - before, k == HVM_HK_STATUS_AFTER);
			for (ok = false, j = 0; j < ARRAY_SIZE(allowed); j++)
				ok |= st == allowed[j];
			EXPECT_TRUE(ok);
			EXPECT_EQ(call.out[0], 0);
			break;
		case HVM_HK_STATUS_OUTPUTS:
			/* Only for a call that returns values; the call made. */
			EXPECT_EQ(call.opcode, HVK_H_ILLAN_ATTRIBUTES);
			EXPECT_EQ(device_calls - before, 1);
			EXPECT_EQ(st, HVK_H_SUCCESS);
			EXPECT_TRUE(call.out[0] != 0x1234);
			break;
		default:
			ktest_fail(__FILE__, __LINE__, "kind %d", k);
		}
	}
	for (k = HVM_HK_STATUS_BEFORE; k <= HVM_HK_STATUS_OUTPUTS; k++)
		EXPECT_TRUE(seen[k] > 0);
	/* Unknown units and opcodes reach no device: no chance, the table's answer. */
	memset(&call, 0, sizeof(call));
	call.opcode = HVK_H_SEND_CRQ;
	call.in[0] = 0x30000999;
	EXPECT_EQ(hvm_table_dispatch(&t, &call), HVK_H_PARAMETER);
	EXPECT_EQ(a.chances[HVM_HOSTILE_STATUS], ROUNDS);
}

/* A CRQ with its queue in a small guest RAM. */
#define RAM_BASE	0x40000000ull
static u8 ram[2 * 4096] __attribute__((aligned(4096)));
static struct hvm_guest_mem mem = { .host = ram, .base = RAM_BASE, .size = sizeof(ram) };

static long crq_receive(struct hvm_crq *crq, const struct hvk_crq_msg *msg,
			enum hvk_crq_kind kind)
{
	(void)crq;
	(void)msg;
	(void)kind;
	return HVK_H_SUCCESS;
}

static const struct hvm_crq_ops crq_ops = { .receive = crq_receive };

static void setup_crq(struct hvm_crq *crq, struct hvm_hcall_table *t)
{
	struct hvm_call call = { .opcode = HVK_H_REG_CRQ,
				 .in = { 0x30000100, RAM_BASE, 4096 } };

	memset(ram, 0, sizeof(ram));
	hvm_table_init(t);
	hvm_crq_init(crq, 0x30000100, &crq_ops, NULL, &mem);
	hvm_crq_attach(crq, t);
	EXPECT_EQ(hvm_table_dispatch(t, &call), HVK_H_SUCCESS);
}

TEST(crq_model_duplicate_and_free_keep_the_queue_right)
{
	static struct hvm_hcall_table t;
	static struct hvm_crq crq;
	struct hvk_crq_msg msg = { .valid = HVK_CRQ_PAYLOAD, .format = 1, .iu_len = 36 };
	struct hvk_crq_msg twin;
	unsigned int i, dups = 0, frees = 0;
	u64 next;
	bool dup;
	int k;

	setup_crq(&crq, &t);
	hvm_hostile_init(&a, 1000, 1u << HVM_HOSTILE_CRQ, 11);
	hvm_hostile_init(&b, 1000, 1u << HVM_HOSTILE_CRQ, 11);
	crq.hostile = &a;
	for (i = 0; i < 100; i++) {
		msg.token = 0x100 + i;
		twin = msg;
		k = hvm_hostile_crq(&b, &twin, &dup);
		next = crq.next;
		EXPECT_EQ(hvm_crq_post(&crq, &msg), 0);
		if (k == HVM_HK_CRQ_VALID_FREE) {
			/* Nothing written, the slot still the next. */
			EXPECT_EQ(crq.next, next);
			EXPECT_EQ(ram[next], HVK_CRQ_FREE);
			frees++;
		} else if (dup) {
			EXPECT_EQ(crq.next, next + 2 * HVK_CRQ_ENTRY_SIZE);
			EXPECT_TRUE(!memcmp(ram + next, ram + next + HVK_CRQ_ENTRY_SIZE,
					    HVK_CRQ_ENTRY_SIZE));
			EXPECT_EQ(hvk_get_be64(ram + next + 8), msg.token);
			dups++;
		} else {
			EXPECT_EQ(crq.next, next + HVK_CRQ_ENTRY_SIZE);
		}
		/* The guest takes the entries as they come. */
		memset(ram, 0, 4096);
		if (crq.next > 4096 - 4 * HVK_CRQ_ENTRY_SIZE)
			crq.next = 0;
	}
	EXPECT_TRUE(dups > 0 && frees > 0);
	/* A duplicate with no room: counted as a full queue, the post done. */
	setup_crq(&crq, &t);
	crq.hostile = &a;
	memset(ram + HVK_CRQ_ENTRY_SIZE, 0x80, HVK_CRQ_ENTRY_SIZE);	/* slot 1 the guest's */
	for (i = 0; i < 100; i++) {
		twin = msg;
		hvm_hostile_init(&b, 1000, 1u << HVM_HOSTILE_CRQ, 1000 + i);
		if (hvm_hostile_crq(&b, &twin, &dup) == HVM_HK_CRQ_DUPLICATE)
			break;
	}
	ASSERT_TRUE(i < 100);
	hvm_hostile_init(&a, 1000, 1u << HVM_HOSTILE_CRQ, 1000 + i);
	EXPECT_EQ(hvm_crq_post(&crq, &msg), 0);
	EXPECT_EQ(crq.dropped_full, 1);
	EXPECT_EQ(crq.next, HVK_CRQ_ENTRY_SIZE);
}

TEST(report_line)
{
	char text[1536];
	bool dup;
	u64 out[3] = { 0 };
	struct hvk_crq_msg m = { .valid = HVK_CRQ_PAYLOAD };
	unsigned int i;

	hvm_hostile_init(&a, 0, ALL, 1);
	hvm_hostile_report(&a, text, sizeof(text));
	EXPECT_STREQ(text, "0 mutations of 0 chances: crq 0/0, srp 0/0, llan 0/0, vty 0/0, status 0/0");
	hvm_hostile_init(&a, 1000, (1u << HVM_HOSTILE_CRQ) | (1u << HVM_HOSTILE_VTY), 1);
	hvm_hostile_crq(&a, &m, &dup);
	hvm_hostile_crq(&a, &m, &dup);
	hvm_hostile_vty(&a, out);
	hvm_hostile_draw(&a, HVM_HOSTILE_SRP);	/* off: no chance */
	hvm_hostile_report(&a, text, sizeof(text));
	EXPECT_TRUE(!strncmp(text, "3 mutations of 3 chances: crq 2/2, srp 0/0, llan 0/0, vty 1/1, status 0/0; crq.",
			     strlen("3 mutations of 3 chances: crq 2/2, srp 0/0, llan 0/0, vty 1/1, status 0/0; crq.")));
	EXPECT_CONTAINS(text, "vty.");
	EXPECT_TRUE(!strchr(text, '\n'));
	/* Every kind at once, millions of each, still fits the VMM's line. */
	for (i = 0; i < HVM_HOSTILE_NR_KINDS; i++)
		a.kinds[i] = 1000000;
	for (i = 0; i < HVM_HOSTILE_NR_SITES; i++) {
		a.chances[i] = 99000000;
		a.mutations[i] = 7000000;
	}
	hvm_hostile_report(&a, text, sizeof(text));
	EXPECT_TRUE(!strncmp(text, "35000000 mutations of 495000000 chances: crq 7000000/99000000, ",
			     strlen("35000000 mutations of 495000000 chances: crq 7000000/99000000, ")));
	EXPECT_TRUE(strlen(text) > 20 && !strcmp(text + strlen(text) - 22, "status.outputs 1000000"));
}

int main(int argc, char **argv)
{
	return ktest_main(argc, argv);
}
