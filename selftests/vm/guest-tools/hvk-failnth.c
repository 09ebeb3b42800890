// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvk-failnth: load a module with the N-th fallible kernel call of the
 * loading task failed, and say whether the failure was injected.
 *
 *   hvk-failnth N MODULE.ko [PARAMS]
 *
 * Prints one line "injected=<0|1> errno=<E> calls=<C>" (E = 0 when the
 * load worked; C = fallible calls the load made before the N-th or, when
 * nothing was injected, in all) and exits 0; exits 2 on usage or setup
 * errors. With a large N, C is the number of fail points of the load. Uses the kernel's
 * /proc/self/task/<tid>/fail-nth (CONFIG_FAULT_INJECTION), which covers
 * every fault type the kernel was built with (failslab, fail_page_alloc,
 * ...) in this task only, and finit_module() called directly so that no
 * other allocation of a helper process is counted.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static int open_fail_nth(void)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/self/task/%ld/fail-nth",
		 (long)syscall(SYS_gettid));
	return open(path, O_RDWR);
}

int main(int argc, char **argv)
{
	const char *params = argc > 3 ? argv[3] : "";
	char buf[32];
	int nth_fd, mod_fd, ret, err;
	long n;
	ssize_t len;

	if (argc < 3 || (n = strtol(argv[1], NULL, 0)) <= 0) {
		fprintf(stderr, "usage: %s N MODULE.ko [PARAMS]\n", argv[0]);
		return 2;
	}
	mod_fd = open(argv[2], O_RDONLY | O_CLOEXEC);
	nth_fd = open_fail_nth();
	if (mod_fd < 0 || nth_fd < 0) {
		perror("hvk-failnth: open");
		return 2;
	}

	len = snprintf(buf, sizeof(buf), "%ld", n);
	if (write(nth_fd, buf, len) != len) {
		perror("hvk-failnth: write fail-nth");
		return 2;
	}
	ret = syscall(SYS_finit_module, mod_fd, params, 0);
	err = ret ? errno : 0;

	/* Reads back 0 once the N-th call was failed, N-k otherwise. */
	len = pread(nth_fd, buf, sizeof(buf) - 1, 0);
	if (len <= 0) {
		perror("hvk-failnth: read fail-nth");
		return 2;
	}
	buf[len] = '\0';
	/* Disarm, so nothing after this is failed by mistake. */
	if (write(nth_fd, "0", 1) < 0 && errno != EINVAL)
		perror("hvk-failnth: disarm");
	printf("injected=%d errno=%d calls=%ld\n", atoi(buf) == 0, err,
	       n - atol(buf));
	return 0;
}
