// SPDX-License-Identifier: GPL-2.0-only
/*
 * Helpers shared by the fuzz targets; not instrumented for coverage.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

static char context[256];

void fuzz_context(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(context, sizeof(context), fmt, ap);
	va_end(ap);
}

void fuzz_fail(const char *file, int line, const char *what, const char *fmt,
	       ...)
{
	va_list ap;

	fprintf(stderr, "\n==hvkit-fuzz== %s:%d: invariant broken: %s\n",
		file, line, what);
	if (context[0])
		fprintf(stderr, "==hvkit-fuzz== %s\n", context);
	fprintf(stderr, "==hvkit-fuzz== ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	abort();
}

bool fuzz_terminated(const char *buf, size_t size)
{
	return memchr(buf, '\0', size) != NULL;
}

void *fuzz_dup(const void *data, size_t size)
{
	/* malloc(0) may return NULL; one byte keeps "no data" distinct. */
	void *p = malloc(size ? size : 1);

	if (!p) {
		fprintf(stderr, "hvkit-fuzz: out of memory\n");
		abort();
	}
	if (size)
		memcpy(p, data, size);
	return p;
}
