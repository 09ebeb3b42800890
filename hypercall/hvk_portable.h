/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The few definitions the portable parsers need, from the kernel when built
 * into a module and from libc when built into host unit tests and fuzzers.
 * Only code that parses untrusted input (device tree, hypervisor-written
 * memory) is written against this header, so the same source is tested on
 * the host under sanitizers and runs in the guest.
 */
#ifndef _HVK_PORTABLE_H
#define _HVK_PORTABLE_H

#ifdef __KERNEL__
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/types.h>
#else
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;
#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif
/* A host program has no module symbol table. */
#define EXPORT_SYMBOL_GPL(sym)
#endif

/* Device-tree cells are big-endian whatever the CPU; read them bytewise. */
static inline u32 hvk_get_be32(const void *p)
{
	const u8 *b = p;

	return (u32)b[0] << 24 | (u32)b[1] << 16 | (u32)b[2] << 8 | b[3];
}

static inline u16 hvk_get_be16(const void *p)
{
	const u8 *b = p;

	return (u16)(b[0] << 8 | b[1]);
}

/*
 * Eight big-endian bytes. In the kernel one load and a byte swap: the vty
 * packs every 16 bytes of console output with two of these.
 */
static inline u64 hvk_get_be64(const void *p)
{
#ifdef __KERNEL__
	__be64 v;

	memcpy(&v, p, sizeof(v));
	return be64_to_cpu(v);
#else
	const u8 *b = p;

	return (u64)hvk_get_be32(b) << 32 | hvk_get_be32(b + 4);
#endif
}

/* Eight little-endian bytes (arm64 Image headers, fuzz inputs). */
static inline u64 hvk_get_le64(const void *p)
{
	const u8 *b = p;
	u64 v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = v << 8 | b[i];
	return v;
}

static inline void hvk_put_be16(void *p, u16 v)
{
	u8 *b = p;

	b[0] = v >> 8;
	b[1] = (u8)v;
}

static inline void hvk_put_be32(void *p, u32 v)
{
	u8 *b = p;

	b[0] = v >> 24;
	b[1] = (u8)(v >> 16);
	b[2] = (u8)(v >> 8);
	b[3] = (u8)v;
}

static inline void hvk_put_be64(void *p, u64 v)
{
	hvk_put_be32(p, (u32)(v >> 32));
	hvk_put_be32((u8 *)p + 4, (u32)v);
}

#endif /* _HVK_PORTABLE_H */
