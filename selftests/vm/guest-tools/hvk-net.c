// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvk-net: the guest end of the network tests (busybox nc moves 1 KiB per
 * write, far too slow and too coarse for them).
 *
 *   hvk-net tcp HOST PORT [SECONDS]
 *	connect; copy stdin to the socket and the socket to stdout with
 *	256 KiB buffers; shut down the sending side at EOF on stdin and end
 *	at EOF from the peer. Gives up after SECONDS (default 120).
 *   hvk-net udprecv PORT IDLE_MS COUNT SIZE
 *	receive the datagrams of the agent's "UDP COUNT SIZE" burst on PORT
 *	until none came for IDLE_MS (or all COUNT did) and check each one's
 *	content; prints "received R distinct D bad B" and exits 0.
 *   hvk-net udpsend HOST PORT COUNT SIZE
 *	send COUNT datagrams of SIZE bytes in the same format.
 *   hvk-net mjoin GROUP SECONDS
 *	join the IPv4 multicast GROUP, print "joined", hold it SECONDS.
 *
 * Datagram format: sequence number (4 bytes, big-endian), COUNT (4 bytes),
 * then byte i (from 8) = (sequence + i) & 0xff.
 * Exit status: 0 ok, 1 I/O error or timeout, 2 usage.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define BUF	(256 * 1024)

static char buf[BUF];

static int usage(void)
{
	fprintf(stderr, "usage: hvk-net tcp HOST PORT [SECONDS] | udprecv PORT IDLE_MS COUNT SIZE | udpsend HOST PORT COUNT SIZE | mjoin GROUP SECONDS\n");
	return 2;
}

static int addr_of(const char *host, const char *port, struct sockaddr_in *sa)
{
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_port = htons((uint16_t)atoi(port));
	if (inet_pton(AF_INET, host, &sa->sin_addr) != 1) {
		fprintf(stderr, "hvk-net: bad address %s\n", host);
		return -1;
	}
	return 0;
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int tcp(const char *host, const char *port, unsigned int seconds)
{
	struct sockaddr_in sa;
	struct pollfd pfd[2];
	int s, in_open = 1;
	ssize_t n;

	if (addr_of(host, port, &sa))
		return 2;
	s = socket(AF_INET, SOCK_STREAM, 0);
	if (s < 0 || connect(s, (struct sockaddr *)&sa, sizeof(sa))) {
		perror("hvk-net: connect");
		return 1;
	}
	alarm(seconds);
	for (;;) {
		pfd[0].fd = in_open ? 0 : -1;
		pfd[0].events = POLLIN;
		pfd[1].fd = s;
		pfd[1].events = POLLIN;
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			perror("hvk-net: poll");
			return 1;
		}
		if (pfd[0].revents) {
			n = read(0, buf, sizeof(buf));
			if (n < 0) {
				perror("hvk-net: stdin");
				return 1;
			}
			if (n == 0) {
				in_open = 0;
				shutdown(s, SHUT_WR);
			} else if (write_all(s, buf, (size_t)n)) {
				perror("hvk-net: send");
				return 1;
			}
		}
		if (pfd[1].revents) {
			n = read(s, buf, sizeof(buf));
			if (n < 0) {
				perror("hvk-net: receive");
				return 1;
			}
			if (n == 0)
				break;
			if (write_all(1, buf, (size_t)n)) {
				perror("hvk-net: stdout");
				return 1;
			}
		}
	}
	close(s);
	return 0;
}

static void fill(char *p, uint32_t seq, uint32_t count, size_t size)
{
	size_t i;

	for (i = 0; i < 4; i++) {
		p[i] = (char)(seq >> (24 - 8 * i));
		p[4 + i] = (char)(count >> (24 - 8 * i));
	}
	for (i = 8; i < size; i++)
		p[i] = (char)((seq + i) & 0xff);
}

static int udprecv(const char *port, int idle_ms, uint32_t count, size_t size)
{
	struct sockaddr_in sa;
	unsigned char *seen;
	uint32_t received = 0, distinct = 0, bad = 0;
	int s, rcvbuf = 4 << 20;
	char want[2048];

	if (size < 8 || size > sizeof(want) || addr_of("0.0.0.0", port, &sa))
		return 2;
	seen = calloc(count, 1);
	s = socket(AF_INET, SOCK_DGRAM, 0);
	if (!seen || s < 0)
		return 1;
	setsockopt(s, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	if (bind(s, (struct sockaddr *)&sa, sizeof(sa))) {
		perror("hvk-net: bind");
		return 1;
	}
	/* Ready: the test waits for this line before starting the burst. */
	printf("listening\n");
	fflush(stdout);
	while (distinct < count) {
		struct pollfd pfd = { .fd = s, .events = POLLIN };
		uint32_t seq;
		ssize_t n;

		if (poll(&pfd, 1, idle_ms) <= 0)
			break;
		n = recv(s, buf, sizeof(buf), 0);
		if (n < 0)
			break;
		received++;
		seq = (uint32_t)(unsigned char)buf[0] << 24 |
		      (uint32_t)(unsigned char)buf[1] << 16 |
		      (uint32_t)(unsigned char)buf[2] << 8 |
		      (unsigned char)buf[3];
		if ((size_t)n != size || seq >= count) {
			bad++;
			continue;
		}
		fill(want, seq, count, size);
		if (memcmp(buf, want, size)) {
			bad++;
			continue;
		}
		if (!seen[seq]++)
			distinct++;
	}
	printf("received %u distinct %u bad %u\n", received, distinct, bad);
	return 0;
}

static int udpsend(const char *host, const char *port, uint32_t count,
		   size_t size)
{
	struct sockaddr_in sa;
	uint32_t seq;
	int s;

	if (size < 8 || size > sizeof(buf) || addr_of(host, port, &sa))
		return 2;
	s = socket(AF_INET, SOCK_DGRAM, 0);
	if (s < 0)
		return 1;
	for (seq = 0; seq < count; seq++) {
		fill(buf, seq, count, size);
		if (sendto(s, buf, size, 0, (struct sockaddr *)&sa,
			   sizeof(sa)) < 0) {
			perror("hvk-net: sendto");
			return 1;
		}
	}
	return 0;
}

static int mjoin(const char *group, unsigned int seconds)
{
	struct ip_mreq mr;
	int s;

	memset(&mr, 0, sizeof(mr));
	if (inet_pton(AF_INET, group, &mr.imr_multiaddr) != 1)
		return 2;
	mr.imr_interface.s_addr = htonl(INADDR_ANY);
	s = socket(AF_INET, SOCK_DGRAM, 0);
	if (s < 0 || setsockopt(s, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr,
				sizeof(mr))) {
		perror("hvk-net: IP_ADD_MEMBERSHIP");
		return 1;
	}
	printf("joined\n");
	fflush(stdout);
	sleep(seconds);
	close(s);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 4 && argc <= 5 && !strcmp(argv[1], "tcp"))
		return tcp(argv[2], argv[3],
			   argc == 5 ? (unsigned int)atoi(argv[4]) : 120);
	if (argc == 6 && !strcmp(argv[1], "udprecv"))
		return udprecv(argv[2], atoi(argv[3]),
			       (uint32_t)strtoul(argv[4], NULL, 10),
			       (size_t)atoi(argv[5]));
	if (argc == 6 && !strcmp(argv[1], "udpsend"))
		return udpsend(argv[2], argv[3],
			       (uint32_t)strtoul(argv[4], NULL, 10),
			       (size_t)atoi(argv[5]));
	if (argc == 4 && !strcmp(argv[1], "mjoin"))
		return mjoin(argv[2], (unsigned int)atoi(argv[3]));
	return usage();
}
