// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvk-tcdrain: wait until a terminal has sent everything written to it.
 *
 *   hvk-tcdrain DEVICE [SECONDS]
 *
 * write() to an hvc tty may return while bytes still sit in the driver's
 * output buffer, to be sent later by the khvcd thread; a poweroff right
 * after the write loses them. tcdrain() waits until the tty reports its
 * buffer empty. busybox has no applet for it. Gives up after SECONDS
 * (default 10: SIGALRM ends it), exits 1 when tcdrain() fails and 2 on
 * usage or open errors.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <termios.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	unsigned int limit = 10;
	int fd;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: hvk-tcdrain DEVICE [SECONDS]\n");
		return 2;
	}
	if (argc == 3)
		limit = (unsigned int)strtoul(argv[2], NULL, 10);
	fd = open(argv[1], O_WRONLY | O_NOCTTY);
	if (fd < 0) {
		perror(argv[1]);
		return 2;
	}
	/* tcdrain() can sleep for good on a stuck tty: bound it. */
	alarm(limit);
	if (tcdrain(fd) < 0) {
		perror("tcdrain");
		return 1;
	}
	close(fd);
	return 0;
}
