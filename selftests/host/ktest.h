/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A very small unit-test framework for the host tests.
 *
 *	TEST(method_hvc)
 *	{
 *		EXPECT_EQ(1 + 1, 2);
 *		ASSERT_TRUE(p != NULL);	   returns from the test on failure
 *		EXPECT_STREQ(s, "hvc");
 *		EXPECT_CONTAINS(why, "unknown method");
 *	}
 *
 * Tests run in the order they are defined (one translation unit per binary).
 * Output is KTAP: one "ok N name" / "not ok N name" line per test with "# "
 * diagnostics before it, then a last line "N passed, M failed".
 */
#ifndef _HVK_KTEST_H
#define _HVK_KTEST_H

#include <stdbool.h>

typedef void (*ktest_fn)(void);

void ktest_register(const char *name, ktest_fn fn);
/* Record a failed check and print its diagnostics. Returns false. */
bool ktest_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Failed checks so far in the running test. */
unsigned int ktest_failures(void);
/* Print a diagnostic line ("# ...") without failing. */
void ktest_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
bool ktest_contains(const char *hay, const char *needle);
/* Run every registered test (or those whose name contains @filter). */
int ktest_main(int argc, char **argv);

#define TEST(fn)							\
	static void fn(void);						\
	static void __attribute__((constructor)) fn##__register(void)	\
	{								\
		ktest_register(#fn, fn);				\
	}								\
	static void fn(void)

/* Each EXPECT_* evaluates to true when the check passed. */
#define EXPECT_TRUE(c)							\
	((c) ? true : ktest_fail(__FILE__, __LINE__, "expected %s", #c))

#define EXPECT_EQ(a, b)							\
	({								\
		long long _a = (long long)(a), _b = (long long)(b);	\
		_a == _b ? true :					\
		ktest_fail(__FILE__, __LINE__,				\
			   "%s == %s: got %lld, expected %lld",		\
			   #a, #b, _a, _b);				\
	})

#define EXPECT_STREQ(a, b)						\
	({								\
		const char *_a = (a), *_b = (b);			\
		(_a && _b && !strcmp(_a, _b)) ? true :			\
		ktest_fail(__FILE__, __LINE__,				\
			   "%s: got \"%s\", expected \"%s\"", #a,	\
			   _a ? _a : "(null)", _b ? _b : "(null)");	\
	})

#define EXPECT_CONTAINS(hay, needle)					\
	({								\
		const char *_h = (hay), *_n = (needle);			\
		ktest_contains(_h, _n) ? true :				\
		ktest_fail(__FILE__, __LINE__,				\
			   "%s: \"%s\" does not contain \"%s\"", #hay,	\
			   _h ? _h : "(null)", _n);			\
	})

#define ASSERT_TRUE(c)		do { if (!EXPECT_TRUE(c)) return; } while (0)
#define ASSERT_EQ(a, b)		do { if (!EXPECT_EQ(a, b)) return; } while (0)

#endif /* _HVK_KTEST_H */
