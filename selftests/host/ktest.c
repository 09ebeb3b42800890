// SPDX-License-Identifier: GPL-2.0-only
/*
 * The host test runner: registration, bookkeeping and KTAP output.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ktest.h"

#define KTEST_MAX	512

static struct {
	const char *name;
	ktest_fn fn;
} tests[KTEST_MAX];
static unsigned int nr_tests;
static unsigned int cur_failures;

void ktest_register(const char *name, ktest_fn fn)
{
	if (nr_tests == KTEST_MAX) {
		fprintf(stderr, "ktest: more than %d tests\n", KTEST_MAX);
		exit(2);
	}
	tests[nr_tests].name = name;
	tests[nr_tests].fn = fn;
	nr_tests++;
}

bool ktest_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	cur_failures++;
	printf("# %s:%d: ", file, line);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	return false;
}

unsigned int ktest_failures(void)
{
	return cur_failures;
}

void ktest_diag(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

bool ktest_contains(const char *hay, const char *needle)
{
	return hay && needle && strstr(hay, needle);
}

static bool selected(const char *name, int argc, char **argv)
{
	int i;

	if (argc < 2)
		return true;
	for (i = 1; i < argc; i++)
		if (strstr(name, argv[i]))
			return true;
	return false;
}

int ktest_main(int argc, char **argv)
{
	unsigned int i, n = 0, passed = 0, failed = 0;

	for (i = 0; i < nr_tests; i++)
		if (selected(tests[i].name, argc, argv))
			n++;

	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("KTAP version 1\n1..%u\n", n);
	n = 0;
	for (i = 0; i < nr_tests; i++) {
		if (!selected(tests[i].name, argc, argv))
			continue;
		cur_failures = 0;
		tests[i].fn();
		n++;
		if (cur_failures) {
			failed++;
			printf("not ok %u %s\n", n, tests[i].name);
		} else {
			passed++;
			printf("ok %u %s\n", n, tests[i].name);
		}
	}
	printf("%u passed, %u failed\n", passed, failed);
	return failed || !n ? 1 : 0;
}
