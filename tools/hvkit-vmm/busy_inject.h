/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hvkit-vmm's busy answers (--busy PERMILLE[:KIND], --seed N): the
 * hcalls PowerVM may answer busy are answered H_BUSY (or H_LONG_BUSY_1MS
 * / _10MS) at the rate asked, drawn from a seeded generator, WITHOUT
 * doing the call: the guest's retry must make it again. Checked in
 * hvm_table_dispatch() before the handler, for calls that reach a device.
 * Portable; the decisions are the same for a seed and a call sequence.
 */
#ifndef _HVM_BUSY_INJECT_H
#define _HVM_BUSY_INJECT_H

#include "hvk_portable.h"

enum hvm_busy_kind {
	HVM_BUSY_PLAIN,		/* H_BUSY */
	HVM_BUSY_LONG,		/* H_LONG_BUSY_1MS or _10MS, drawn */
};

/* The hcalls answered busy, in the report's order. */
#define HVM_BUSY_NR_OPCODES	7

struct hvm_busy {
	unsigned int permille;		/* 0: off */
	enum hvm_busy_kind kind;
	u64 seed;
	u64 state;			/* the generator's */
	u64 eligible[HVM_BUSY_NR_OPCODES];	/* calls that could have been */
	u64 answered[HVM_BUSY_NR_OPCODES];	/* ... answered busy */
};

void hvm_busy_init(struct hvm_busy *b, unsigned int permille, enum hvm_busy_kind kind,
		   u64 seed);

/* Index of @opcode among the ones answered busy, or -1. */
int hvm_busy_index(u32 opcode);

/* The name of index @i (its hcall). */
const char *hvm_busy_name(unsigned int i);

/* For a call of @opcode: 0 to make it, or the busy status to answer instead. */
long hvm_busy_draw(struct hvm_busy *b, u32 opcode);

/* "N of M calls answered busy: H_X a/b, ..." into @buf. */
void hvm_busy_report(const struct hvm_busy *b, char *buf, size_t size);

#endif /* _HVM_BUSY_INJECT_H */
