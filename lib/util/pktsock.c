// SPDX-License-Identifier: GPL-2.0-or-later
/* Reading guests' DHCP and DNS requests before the host's firewall
 * (issue 19.2): vnetd's service sockets are ordinary sockets behind the
 * INPUT chain, so a host whose INPUT policy drops (the most-reported
 * failure of libvirt and Incus next to firewalld or Docker) would break
 * the network's own services. A packet socket on the bridge receives the
 * same datagrams where the stack hands them to IPv4 (after the bridge
 * program judged them, before netfilter); the ordinary socket stays for
 * sending and receives nothing (sock_no_receive), so nothing is handled
 * twice. See util.h. */
#include <errno.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <sys/socket.h>
#include <unistd.h>

#include "util.h"

int guest_udp_socket(const char *ifname, uint16_t port)
{
	/* on a SOCK_DGRAM packet socket the filter sees the IPv4 header at 0:
	 * UDP, not a fragment, destination port `port` */
	struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 9),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 17, 0, 6),
		BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 6),
		BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, 0x3fff, 4, 0),
		BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, 0),
		BPF_STMT(BPF_LD | BPF_H | BPF_IND, 2),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, port, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, 0xffff),
		BPF_STMT(BPF_RET | BPF_K, 0),
	};
	struct sock_fprog prog = { .len = sizeof(code) / sizeof(code[0]), .filter = code };
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_IP) };
	/* protocol 0 until bound: nothing is queued before the filter is on */
	int fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), e;

	if (fd < 0)
		return -errno;
	sll.sll_ifindex = (int)if_nametoindex(ifname);
	if (!sll.sll_ifindex) {
		close(fd);
		return -ENODEV;
	}
	if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)) ||
	    bind(fd, (struct sockaddr *)&sll, sizeof(sll))) {
		e = -errno;
		close(fd);
		return e;
	}
	return fd;
}

int sock_no_receive(int fd)
{
	struct sock_filter code[] = { BPF_STMT(BPF_RET | BPF_K, 0) };
	struct sock_fprog prog = { .len = 1, .filter = code };

	return setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)) ? -errno : 0;
}

int guest_udp_recv(int fd, uint8_t *buf, size_t cap, struct ipv4_udp *u)
{
	struct sockaddr_ll sll;
	socklen_t sl = sizeof(sll);
	ssize_t n;

	for (;;) {
		sl = sizeof(sll);
		n = recvfrom(fd, buf, cap, MSG_DONTWAIT | MSG_TRUNC, (struct sockaddr *)&sll, &sl);
		if (n < 0)
			return -1;
		/* a copy the promiscuous bridge saw for another host is not ours */
		if (sll.sll_pkttype == PACKET_OTHERHOST || sll.sll_pkttype == PACKET_OUTGOING ||
		    (size_t)n > cap)
			continue;
		if (ipv4_udp_parse(buf, (size_t)n, u) == 0)
			return 1;
	}
}

int guest_udp_recv_many(int fd, uint8_t *bufs, size_t cap, struct ipv4_udp *u, unsigned n)
{
	struct sockaddr_ll sll[64];
	struct mmsghdr mm[64];
	struct iovec iov[64];
	int got, k = 0;

	if (n > 64)
		n = 64;
	for (unsigned i = 0; i < n; i++) {
		iov[i] = (struct iovec){ bufs + i * cap, cap };
		mm[i] = (struct mmsghdr){ .msg_hdr = { .msg_name = &sll[i],
						       .msg_namelen = sizeof(sll[i]),
						       .msg_iov = &iov[i], .msg_iovlen = 1 } };
	}
	got = recvmmsg(fd, mm, n, MSG_DONTWAIT, NULL);
	if (got <= 0)
		return -1;
	for (int i = 0; i < got; i++) {
		/* as guest_udp_recv: not copies for other hosts, not cut ones */
		if (sll[i].sll_pkttype == PACKET_OTHERHOST || sll[i].sll_pkttype == PACKET_OUTGOING ||
		    (mm[i].msg_hdr.msg_flags & MSG_TRUNC))
			continue;
		if (ipv4_udp_parse(bufs + (size_t)i * cap, mm[i].msg_len, &u[k]) == 0)
			k++;
	}
	return k;
}
