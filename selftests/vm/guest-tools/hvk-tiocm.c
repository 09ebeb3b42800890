// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvk-tiocm: the modem lines of the terminal on standard input, through
 * TIOCMGET/TIOCMSET as a serial program would use them.
 *
 *   hvk-tiocm [dtr=0|dtr=1] <TTY
 *
 * Sets DTR first when asked, then prints "CD=c DTR=d". Working on the
 * already open standard input keeps the tty's open count, so no open or
 * close of the test's own changes the lines. Exits 1 when an ioctl fails,
 * 2 on usage errors.
 */
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>

int main(int argc, char **argv)
{
	int bits = TIOCM_DTR, lines;

	if (argc > 2 || (argc == 2 && strcmp(argv[1], "dtr=0") &&
			 strcmp(argv[1], "dtr=1"))) {
		fprintf(stderr, "usage: hvk-tiocm [dtr=0|dtr=1] <TTY\n");
		return 2;
	}
	if (argc == 2 &&
	    ioctl(0, argv[1][4] == '1' ? TIOCMBIS : TIOCMBIC, &bits)) {
		perror("hvk-tiocm: TIOCMBIS/TIOCMBIC");
		return 1;
	}
	if (ioctl(0, TIOCMGET, &lines)) {
		perror("hvk-tiocm: TIOCMGET");
		return 1;
	}
	printf("CD=%d DTR=%d\n", !!(lines & TIOCM_CD), !!(lines & TIOCM_DTR));
	return 0;
}
