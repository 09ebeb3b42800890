// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fuzz target: what a CRQ partner writes, through the parsers that see it.
 * The first input byte picks the parser, the rest is the hypervisor's
 * bytes, copied to a buffer of exactly the claimed length so that ASan
 * catches any read beyond it:
 *   0: CRQ entries (16 bytes each): the kind matches byte 0 and 1, and
 *      encoding the decoded fields gives the entry back;
 *   1: an SRP_RSP: accepted lengths stay inside the IU;
 *   2: a login answer; 3 (and 6, 7): an ADAPTER_INFO MAD followed by its
 *   148 bytes; 4: an ENABLE_FAST_FAIL answer; 5: whether migration was
 *   offered (bit 0 of a byte), the capabilities data written back over
 *   the offer (80 bytes), then the CAPABILITIES answer.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include <hvkit/crq_codec.h>
#include "srp_codec.h"

static void fuzz_crq(const uint8_t *data, size_t size)
{
	struct hvk_crq_msg m;
	enum hvk_crq_kind k;
	u8 back[16];
	u64 hi, lo;

	for (; size >= 16; data += 16, size -= 16) {
		u8 *e = fuzz_dup(data, 16);

		k = hvk_crq_decode(e, &m);
		fuzz_context("entry %02x %02x: kind %d", e[0], e[1], k);
		FUZZ_CHECK((k == HVK_CRQ_K_EMPTY) == (e[0] == 0), "empty");
		FUZZ_CHECK((k == HVK_CRQ_K_MESSAGE) == (e[0] == 0x80), "message");
		FUZZ_CHECK(k != HVK_CRQ_K_PARTNER_LOST ||
			   (e[0] == 0xff && (e[1] == 1 || e[1] == 2)), "lost");
		FUZZ_CHECK(k != HVK_CRQ_K_MIGRATED || (e[0] == 0xff && e[1] == 6),
			   "migrated");
		hvk_crq_encode(&m, &hi, &lo);
		hvk_put_be64(back, hi);
		hvk_put_be64(back + 8, lo);
		FUZZ_CHECK(back[2] == 0, "reserved byte");
		back[2] = e[2];
		FUZZ_CHECK(!memcmp(back, e, 16), "round trip");
		free(e);
	}
}

static void fuzz_rsp(const uint8_t *data, size_t size)
{
	unsigned int len = size > HVK_SRP_IU_MAX + 1 ? HVK_SRP_IU_MAX + 1 :
				(unsigned int)size;
	struct hvk_srp_rsp r;
	int err;
	u8 *iu;

	if (!len)
		return;
	iu = fuzz_dup(data, len);

	err = hvk_srp_parse_rsp(iu, len, &r);
	fuzz_context("rsp of %u bytes: %d", len, err);
	if (!err) {
		FUZZ_CHECK(len >= HVK_SRP_RSP_LEN && len <= HVK_SRP_IU_MAX,
			   "length %u", len);
		FUZZ_CHECK(iu[0] == HVK_SRP_RSP, "opcode");
		FUZZ_CHECK(!r.sense_len || (r.sense >= iu + HVK_SRP_RSP_LEN &&
			   r.sense + r.sense_len <= iu + len), "sense bounds");
		FUZZ_CHECK(!r.sense_len || (r.flags & HVK_SRP_SNSVALID), "sense flag");
		FUZZ_CHECK(!r.has_resp_code || (r.flags & HVK_SRP_RSPVALID),
			   "resp flag");
		FUZZ_CHECK(r.tag == hvk_get_be64(iu + 8), "tag");
		if (r.sense_len)
			FUZZ_CHECK(r.sense[r.sense_len - 1] == iu[r.sense - iu +
				   r.sense_len - 1], "sense read");
	}
	free(iu);
}

static void fuzz_login(const uint8_t *data, size_t size)
{
	unsigned int len = size > HVK_SRP_IU_MAX ? HVK_SRP_IU_MAX :
				(unsigned int)size;
	struct hvk_srp_login l;
	u64 tag;
	int err;
	u8 *iu;

	if (!len)
		return;
	iu = fuzz_dup(data, len);

	/* Half the inputs name the expected tag, half another one. */
	tag = len >= 16 ? hvk_srp_tag(iu) ^ (len & 1) : 0;
	err = hvk_srp_parse_login(iu, len, tag, &l);
	fuzz_context("login answer of %u bytes: %d", len, err);
	if (!err)
		FUZZ_CHECK(l.tag == tag, "tag");
	if (!err && l.accepted) {
		FUZZ_CHECK(iu[0] == HVK_SRP_LOGIN_RSP && len >= 52, "rsp");
		FUZZ_CHECK(l.req_lim_delta > 0, "credit");
		FUZZ_CHECK(l.max_it_iu_len >= 64, "iu len");
	}
	if (!err && !l.accepted)
		FUZZ_CHECK(iu[0] == HVK_SRP_LOGIN_REJ && len >= 32, "rej");
	free(iu);
}

static void fuzz_mad(const uint8_t *data, size_t size)
{
	struct hvk_adapter_info ai;
	unsigned int len;
	u8 *mad, *info;
	int err;

	if (size < HVK_ADAPTER_INFO_DATA_LEN + 1)
		return;
	info = fuzz_dup(data, HVK_ADAPTER_INFO_DATA_LEN);
	data += HVK_ADAPTER_INFO_DATA_LEN;
	size -= HVK_ADAPTER_INFO_DATA_LEN;
	len = size > 300 ? 300 : (unsigned int)size;
	mad = fuzz_dup(data, len);
	err = hvk_mad_parse_adapter_info(mad, len,
					 len >= 16 ? hvk_get_be64(mad + 8) : 0,
					 info, &ai);
	fuzz_context("mad of %u bytes: %d", len, err);
	if (!err) {
		FUZZ_CHECK(len >= HVK_MAD_HDR_LEN && len <= HVK_SRP_IU_MAX, "len");
		FUZZ_CHECK(strlen(ai.srp_version) <= 8, "version");
		FUZZ_CHECK(strlen(ai.partition_name) <= 96, "name");
		FUZZ_CHECK(ai.max_transfer == hvk_get_be32(info + 116), "txu");
	}
	free(mad);
	free(info);
}

static void fuzz_fast_fail(const uint8_t *data, size_t size)
{
	unsigned int len = size > 300 ? 300 : (unsigned int)size;
	u8 *mad = fuzz_dup(data, len);
	u64 tag = len >= 16 ? hvk_get_be64(mad + 8) ^ (len & 1) : 0;
	u16 status = 0xdead;
	int err;

	err = hvk_mad_parse_fast_fail(mad, len, tag, &status);
	fuzz_context("fast fail answer of %u bytes: %d, status %#x", len, err, status);
	FUZZ_CHECK(!err || err == -EPROTO, "error %d", err);
	if (!err && len)
		FUZZ_CHECK(len >= HVK_MAD_HDR_LEN && len <= HVK_SRP_IU_MAX &&
			   status == hvk_get_be16(mad + 4) && hvk_get_be64(mad + 8) == tag &&
			   hvk_get_be32(mad) == HVK_MAD_ENABLE_FAST_FAIL, "accepted");
	if (!err && !len)
		FUZZ_CHECK(status == HVK_MAD_NOT_SUPPORTED, "empty answer");
	free(mad);
}

static void fuzz_caps(const uint8_t *data, size_t size)
{
	struct hvk_caps_offer o = { .name = "host0", .loc = "30000100" };
	unsigned int len, dlen;
	struct hvk_caps c;
	u8 *mad, *caps;
	u64 tag;
	int err;

	if (size < 1 + HVK_CAPS_HDR_LEN + HVK_CAP_LEN)
		return;
	o.migration = data[0] & 1;
	dlen = hvk_caps_len(&o);
	/* Exactly what was offered, so that ASan sees any read past it. */
	caps = fuzz_dup(data + 1, dlen);
	data += 1 + HVK_CAPS_HDR_LEN + HVK_CAP_LEN;
	size -= 1 + HVK_CAPS_HDR_LEN + HVK_CAP_LEN;
	len = size > 300 ? 300 : (unsigned int)size;
	mad = fuzz_dup(data, len);
	tag = len >= 16 ? hvk_get_be64(mad + 8) ^ (len & 1) : 0;
	err = hvk_mad_parse_capabilities(mad, len, tag, caps, &o, &c);
	fuzz_context("capabilities answer of %u bytes, %u offered: %d, status %#x",
		     len, dlen, err, c.status);
	FUZZ_CHECK(!err || err == -EPROTO, "error %d", err);
	if (!err && !len)
		FUZZ_CHECK(c.status == HVK_MAD_NOT_SUPPORTED, "empty answer");
	if (!err && len && !c.status) {
		FUZZ_CHECK(len >= HVK_MAD_CAPABILITIES_LEN && len <= HVK_SRP_IU_MAX, "len");
		FUZZ_CHECK(hvk_get_be16(mad + 6) == dlen, "length field");
		FUZZ_CHECK(strlen(c.name) <= HVK_CAPS_TEXT_LEN, "name");
		FUZZ_CHECK(c.migration == o.migration, "migration listed");
		FUZZ_CHECK(c.migration_support <= HVK_CAP_SUPPORTED_DATA, "support");
		FUZZ_CHECK(c.flags == hvk_get_be32(caps), "flags");
	}
	if (!err && len && c.status)
		FUZZ_CHECK(!c.migration && !c.flags && !c.name[0], "nothing read after a refusal");
	free(mad);
	free(caps);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!size)
		return 0;
	switch (data[0] & 7) {
	case 0:
		fuzz_crq(data + 1, size - 1);
		break;
	case 1:
		fuzz_rsp(data + 1, size - 1);
		break;
	case 2:
		fuzz_login(data + 1, size - 1);
		break;
	case 4:
		fuzz_fast_fail(data + 1, size - 1);
		break;
	case 5:
		fuzz_caps(data + 1, size - 1);
		break;
	default:
		fuzz_mad(data + 1, size - 1);
		break;
	}
	return 0;
}
