// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvkit-vmm's busy answers; see busy_inject.h.
 *
 * Which hcalls: the ones papr-vio-abi.md says PowerVM answers busy and
 * Linux retries (H_PUT_TERM_CHAR, H_FREE_CRQ, H_ENABLE_CRQ,
 * H_SEND_LOGICAL_LAN, H_FREE_LOGICAL_LAN), H_SEND_CRQ (hv_scsi requeues
 * the command on busy, Documentation/hcall-abi.rst) and hvkit's
 * H_VIO_SET_MSI (retried like any call). Not H_REG_CRQ,
 * H_REGISTER_LOGICAL_LAN, H_ADD_LOGICAL_LAN_BUFFER or H_VIO_SIGNAL:
 * neither PowerVM's documented answers nor Linux' retries include busy
 * for them.
 */
#include <stdio.h>
#include <string.h>

#include <hvkit/hcall_opcodes.h>
#include <hvkit/hcall_status.h>

#include "busy_inject.h"

static const struct {
	u32 opcode;
	const char *name;
} busy_calls[HVM_BUSY_NR_OPCODES] = {
	{ HVK_H_PUT_TERM_CHAR, "H_PUT_TERM_CHAR" },
	{ HVK_H_SEND_CRQ, "H_SEND_CRQ" },
	{ HVK_H_FREE_CRQ, "H_FREE_CRQ" },
	{ HVK_H_ENABLE_CRQ, "H_ENABLE_CRQ" },
	{ HVK_H_SEND_LOGICAL_LAN, "H_SEND_LOGICAL_LAN" },
	{ HVK_H_FREE_LOGICAL_LAN, "H_FREE_LOGICAL_LAN" },
	{ HVK_H_VIO_SET_MSI, "H_VIO_SET_MSI" },
};

void hvm_busy_init(struct hvm_busy *b, unsigned int permille, enum hvm_busy_kind kind,
		   u64 seed)
{
	memset(b, 0, sizeof(*b));
	b->permille = permille;
	b->kind = kind;
	b->seed = seed;
	b->state = seed;
}

int hvm_busy_index(u32 opcode)
{
	unsigned int i;

	for (i = 0; i < HVM_BUSY_NR_OPCODES; i++)
		if (busy_calls[i].opcode == opcode)
			return (int)i;
	return -1;
}

const char *hvm_busy_name(unsigned int i)
{
	return i < HVM_BUSY_NR_OPCODES ? busy_calls[i].name : "?";
}

/* splitmix64: every seed, 0 included, gives a full-period sequence. */
static u64 next(struct hvm_busy *b)
{
	u64 z = (b->state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

long hvm_busy_draw(struct hvm_busy *b, u32 opcode)
{
	int i = hvm_busy_index(opcode);
	u64 r;

	if (i < 0 || !b->permille)
		return 0;
	b->eligible[i]++;
	r = next(b);
	if (r % 1000 >= b->permille)
		return 0;
	b->answered[i]++;
	if (b->kind == HVM_BUSY_PLAIN)
		return HVK_H_BUSY;
	return (r >> 32) & 1 ? HVK_H_LONG_BUSY_10MS : HVK_H_LONG_BUSY_1MS;
}

void hvm_busy_report(const struct hvm_busy *b, char *buf, size_t size)
{
	u64 calls = 0, busy = 0;
	bool first = true;
	size_t at;
	unsigned int i;

	for (i = 0; i < HVM_BUSY_NR_OPCODES; i++) {
		calls += b->eligible[i];
		busy += b->answered[i];
	}
	at = (size_t)snprintf(buf, size, "%llu of %llu calls answered busy",
			      (unsigned long long)busy, (unsigned long long)calls);
	for (i = 0; i < HVM_BUSY_NR_OPCODES && at < size; i++) {
		if (!b->eligible[i])
			continue;
		at += (size_t)snprintf(buf + at, size - at, "%s %s %llu/%llu", first ? ":" : ",",
				       busy_calls[i].name, (unsigned long long)b->answered[i],
				       (unsigned long long)b->eligible[i]);
		first = false;
	}
}
