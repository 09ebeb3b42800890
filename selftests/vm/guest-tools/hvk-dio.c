// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvk-dio: O_DIRECT block I/O with chosen request sizes and scatter lists.
 *
 *   hvk-dio write DEVICE OFFSET LENGTH BS [SKEW]   stdin  -> DEVICE
 *   hvk-dio read  DEVICE OFFSET LENGTH BS [SKEW]   DEVICE -> stdout
 *   hvk-dio reset DEVICE device|target|bus|host    SG_SCSI_RESET, with
 *                                                  no escalation
 *
 * Every request moves BS bytes (the last one less) at OFFSET onwards. With
 * SKEW (a multiple of 512) the request's memory starts SKEW bytes past a
 * page boundary and is cut into pieces of 512 bytes to 8 KiB, pseudo
 * random, with a 512-byte hole between pieces so that the block layer
 * cannot merge them: one preadv()/pwritev() then becomes a scatter list
 * whose segments start and end at uneven places in their pages.
 * busybox dd has no O_DIRECT and no vectored I/O. Exits 1 on an I/O error
 * or a short transfer, 2 on usage errors.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <scsi/sg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/uio.h>
#include <unistd.h>

/* Not in every libc's scsi/sg.h; the values are the kernel's ABI. */
#ifndef SG_SCSI_RESET_TARGET
#define SG_SCSI_RESET_TARGET	4
#endif
#ifndef SG_SCSI_RESET_NO_ESCALATE
#define SG_SCSI_RESET_NO_ESCALATE	0x100
#endif

#define SECTOR		512
#define ALIGN		65536
#define MAX_PIECES	1024

static uint32_t lcg = 12345;

static unsigned int next_piece(void)
{
	lcg = lcg * 1103515245u + 12345u;
	return SECTOR * (1 + (lcg >> 16) % 16);
}

static int full_read(int fd, char *buf, size_t len)
{
	size_t got = 0;
	ssize_t n;

	while (got < len) {
		n = read(fd, buf + got, len - got);
		if (n <= 0)
			return -1;
		got += (size_t)n;
	}
	return 0;
}

static int full_write(int fd, const char *buf, size_t len)
{
	size_t put = 0;
	ssize_t n;

	while (put < len) {
		n = write(fd, buf + put, len - put);
		if (n <= 0)
			return -1;
		put += (size_t)n;
	}
	return 0;
}

/* Cut @len bytes of @mem into pieces with holes; returns the count. */
static int scatter(char *mem, size_t len, struct iovec *iov, char *data)
{
	size_t done = 0, piece;
	int n = 0;

	while (done < len && n < MAX_PIECES) {
		piece = next_piece();
		if (piece > len - done || n == MAX_PIECES - 1)
			piece = len - done;
		iov[n].iov_base = mem;
		iov[n].iov_len = piece;
		if (data)
			memcpy(mem, data + done, piece);
		mem += piece + SECTOR;
		done += piece;
		n++;
	}
	return n;
}

static void gather(const struct iovec *iov, int n, char *data)
{
	int i;

	for (i = 0; i < n; i++) {
		memcpy(data, iov[i].iov_base, iov[i].iov_len);
		data += iov[i].iov_len;
	}
}

static int do_io(int write_dir, int fd, off_t off, size_t len, size_t bs,
		 size_t skew)
{
	static struct iovec iov[MAX_PIECES];
	char *mem, *data;
	size_t chunk;
	ssize_t n;
	int cnt;

	/* Room for the holes: at most one per 512 bytes of data. */
	if (posix_memalign((void **)&mem, ALIGN, 2 * bs + skew + ALIGN) ||
	    !(data = malloc(bs)))
		return 1;
	while (len) {
		chunk = len < bs ? len : bs;
		if (write_dir && full_read(0, data, chunk)) {
			fprintf(stderr, "hvk-dio: short input\n");
			return 1;
		}
		if (skew) {
			cnt = scatter(mem + skew, chunk, iov, write_dir ? data : NULL);
			n = write_dir ? pwritev(fd, iov, cnt, off) : preadv(fd, iov, cnt, off);
		} else {
			if (write_dir)
				memcpy(mem, data, chunk);
			n = write_dir ? pwrite(fd, mem, chunk, off) : pread(fd, mem, chunk, off);
		}
		if (n != (ssize_t)chunk) {
			fprintf(stderr, "hvk-dio: %s of %zu at %lld: %zd (%s)\n",
				write_dir ? "write" : "read", chunk, (long long)off,
				n, n < 0 ? strerror(errno) : "short");
			return 1;
		}
		if (!write_dir) {
			if (skew)
				gather(iov, cnt, data);
			else
				memcpy(data, mem, chunk);
			if (full_write(1, data, chunk))
				return 1;
		}
		off += (off_t)chunk;
		len -= chunk;
	}
	return 0;
}

static int do_reset(const char *dev, const char *what)
{
	int op, fd;

	if (!strcmp(what, "device"))
		op = SG_SCSI_RESET_DEVICE;
	else if (!strcmp(what, "target"))
		op = SG_SCSI_RESET_TARGET;
	else if (!strcmp(what, "bus"))
		op = SG_SCSI_RESET_BUS;
	else if (!strcmp(what, "host"))
		op = SG_SCSI_RESET_HOST;
	else
		return 2;
	op |= SG_SCSI_RESET_NO_ESCALATE;
	fd = open(dev, O_RDWR | O_NONBLOCK);
	if (fd < 0 || ioctl(fd, SG_SCSI_RESET, &op)) {
		fprintf(stderr, "hvk-dio: %s reset of %s: %s\n", what, dev,
			strerror(errno));
		return 1;
	}
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	size_t len, bs, skew = 0;
	int write_dir, fd, rc;
	off_t off;

	if (argc == 4 && !strcmp(argv[1], "reset"))
		return do_reset(argv[2], argv[3]);
	if (argc < 6 || argc > 7)
		goto usage;
	write_dir = !strcmp(argv[1], "write");
	if (!write_dir && strcmp(argv[1], "read"))
		goto usage;
	off = strtoll(argv[3], NULL, 0);
	len = strtoull(argv[4], NULL, 0);
	bs = strtoull(argv[5], NULL, 0);
	if (argc == 7)
		skew = strtoull(argv[6], NULL, 0);
	if (!bs || bs % SECTOR || off % SECTOR || len % SECTOR ||
	    skew % SECTOR || skew >= ALIGN)
		goto usage;
	fd = open(argv[2], (write_dir ? O_WRONLY : O_RDONLY) | O_DIRECT);
	if (fd < 0) {
		fprintf(stderr, "hvk-dio: %s: %s\n", argv[2], strerror(errno));
		return 1;
	}
	rc = do_io(write_dir, fd, off, len, bs, skew);
	if (write_dir && !rc && fsync(fd))
		rc = 1;
	close(fd);
	return rc;
usage:
	fprintf(stderr, "usage: hvk-dio write|read DEVICE OFFSET LENGTH BS [SKEW]\n"
			"       hvk-dio reset DEVICE device|target|bus|host\n");
	return 2;
}
