/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Common parts of the hvkit libFuzzer targets.
 *
 * A target is one file fuzz_<name>.c that defines LLVMFuzzerTestOneInput()
 * and checks what the parser under test promises with FUZZ_CHECK(). A
 * broken promise prints the condition and the target's context, then
 * abort()s, which libFuzzer records as a crash with a reproducer file.
 */
#ifndef _HVK_FUZZ_H
#define _HVK_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * What the target is doing, printed with a broken invariant: set it before
 * the checks of each call ("arch arm64: returned -22").
 */
void fuzz_context(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Print "invariant broken: <what>", the context and the message; abort(). */
void fuzz_fail(const char *file, int line, const char *what, const char *fmt,
	       ...) __attribute__((noreturn, format(printf, 4, 5)));

/*
 * FUZZ_CHECK(cond, "fmt", ...): abort with the message when @cond is false.
 * The format describes the state that helps to read the crash.
 */
#define FUZZ_CHECK(cond, ...)						\
	do {								\
		if (!(cond))						\
			fuzz_fail(__FILE__, __LINE__, #cond, __VA_ARGS__); \
	} while (0)

/* Whether @buf holds a NUL within its @size bytes. */
bool fuzz_terminated(const char *buf, size_t size);

/*
 * A heap copy of @size bytes, allocated to exactly that size (so that ASan
 * sees any read past it) and 8-byte aligned (malloc() aligns to 16), as
 * libfdt wants. Aborts when out of memory. Free it with free().
 */
void *fuzz_dup(const void *data, size_t size);

#endif /* _HVK_FUZZ_H */
