/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The ceiling of a DNS server's UDP I/O on this host, for the benches:
 *   dns_echo IP
 * answers every datagram on IP:53 with itself, QR set (a reply with no
 * answers), read with recvmmsg and sent with sendmmsg, 32 at a time, as
 * the DNS proxy does; nothing else. What dnsperf measures against it is
 * the kernel's and the load generator's share, with no DNS work at all. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#define BATCH 32
#define MAXLEN 1500

int main(int argc, char **argv)
{
	static uint8_t buf[BATCH][MAXLEN];
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(53) }, from[BATCH];
	struct mmsghdr mm[BATCH];
	struct iovec iov[BATCH];
	int fd;

	if (argc != 2 || inet_pton(AF_INET, argv[1], &a.sin_addr) != 1) {
		fprintf(stderr, "usage: %s IP\n", argv[0]);
		return 2;
	}
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a))) {
		perror("dns_echo: socket");
		return 1;
	}
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int n;

		for (int i = 0; i < BATCH; i++) {
			iov[i] = (struct iovec){ buf[i], MAXLEN };
			mm[i] = (struct mmsghdr){ .msg_hdr = { .msg_name = &from[i],
							       .msg_namelen = sizeof(from[i]),
							       .msg_iov = &iov[i], .msg_iovlen = 1 } };
		}
		n = recvmmsg(fd, mm, BATCH, MSG_DONTWAIT, NULL);
		if (n <= 0) {
			poll(&p, 1, -1);
			continue;
		}
		for (int i = 0; i < n; i++) {
			iov[i].iov_len = mm[i].msg_len;
			if (mm[i].msg_len > 2)
				buf[i][2] |= 0x80; /* QR */
		}
		sendmmsg(fd, mm, (unsigned)n, 0);
	}
}
