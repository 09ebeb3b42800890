// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fuzz target: the raw value of an ePAPR "hcall-instructions" property,
 * decoded by hvk_dt_decode_hcall_instructions().
 *
 * Besides the memory checks of the sanitizers, the result is compared with
 * a reference written from the binding, not from the code: a value is a
 * method only if it is one to four whole cells, the first is "sc 1",
 * "hvc #0" or "smc #0", and the rest are nops of the same architecture.
 * The reason buffer is allocated to exactly the size passed (ASan sees a
 * write past it), and each input runs with a full buffer, a short one and
 * an empty one, and once as the length of an absent value (NULL).
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "hvk_dt.h"

#define SC1	0x44000022u
#define PNOP	0x60000000u
#define HVC0	0xd4000002u
#define SMC0	0xd4000003u
#define ANOP	0xd503201fu

static enum hvk_method reference(const uint8_t *val, size_t len)
{
	enum hvk_method method;
	uint32_t nop;
	size_t i;

	if (!val || len < 4 || len > 16 || len % 4)
		return HVK_METHOD_NONE;
	switch (hvk_get_be32(val)) {
	case SC1:
		method = HVK_METHOD_SC1;
		nop = PNOP;
		break;
	case HVC0:
		method = HVK_METHOD_HVC;
		nop = ANOP;
		break;
	case SMC0:
		method = HVK_METHOD_SMC;
		nop = ANOP;
		break;
	default:
		return HVK_METHOD_NONE;
	}
	for (i = 4; i < len; i += 4)
		if (hvk_get_be32(val + i) != nop)
			return HVK_METHOD_NONE;
	return method;
}

static void decode(const uint8_t *val, size_t len, size_t why_len)
{
	enum hvk_method m, want = reference(val, len);
	char *why = malloc(why_len);

	FUZZ_CHECK(why || !why_len, "out of memory");
	if (why_len)
		memset(why, 'X', why_len);

	fuzz_context("%zu bytes, reason buffer of %zu", len, why_len);
	m = hvk_dt_decode_hcall_instructions(val, (int)len, why, why_len);
	FUZZ_CHECK(m == HVK_METHOD_NONE || m == HVK_METHOD_SC1 ||
		   m == HVK_METHOD_HVC || m == HVK_METHOD_SMC,
		   "method %d", m);
	FUZZ_CHECK(m == want, "decoded %s, the binding says %s",
		   hvk_dt_method_str(m), hvk_dt_method_str(want));
	if (m == HVK_METHOD_NONE && why_len)
		FUZZ_CHECK(fuzz_terminated(why, why_len) && why[0],
			   "no terminated reason for refusing %zu bytes", len);
	free(why);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* An exact copy: ASan sees a read past the property. */
	uint8_t *val = fuzz_dup(data, size);

	decode(val, size, HVK_DT_WHY_MAX);
	decode(val, size, 9);
	decode(val, size, 0);
	decode(NULL, size, HVK_DT_WHY_MAX);
	free(val);
	return 0;
}
