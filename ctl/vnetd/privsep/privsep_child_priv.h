/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Internals of the service child: privsep_child.c (the channel, the
 * loop) and privsep_child_svc.c (the services it runs per network).
 * Not for the core. */
#ifndef VNET_PRIVSEP_CHILD_H
#define VNET_PRIVSEP_CHILD_H

#include "dhcp_service/dhcp_service.h"
#include "dns_service/dns_service.h"
#include "tftp_service/tftp_service.h"
#include "dhcp6_service/dhcp6_service.h"
#include "core/core.h"
#include "privsep.h"

#define CHILD_CHAN 3	    /* the channel's descriptor, set by the core */
#define PRIVSEP_ORIGIN_MS 1000 /* a DHCP request waits this long for its port */

struct child_net {
	uint32_t id;
	struct netdef *def;  /* NULL: the slot is free */
	struct psm_inst dns_in, dhcp_in, snoop_in, tftp_in, dhcp6_in;
	struct dhcp6_service *dhcp6;
	struct tftp_service *tftp;
	struct dns_service *dns;
	struct dhcp_service *dhcp;
	int snoop_fd;
};

struct child {
	struct loop *loop;
	long dq_timer;	     /* messages deferred during an origin wait */
	uint32_t seq;
	struct child_net nets[PRIVSEP_MAX_NETS];
};

extern struct child child;

void child_send(const void *msg); /* exits if the core cannot be told */
void child_result(uint32_t seq, int rc, const char *err);
struct child_net *child_net(uint32_t id, int create);

void child_dns_start(const struct psm_dns_start *m, int udp_fd, int tcp_fd, int pkt_fd);
void child_dns_stop(const struct psm_seq *m);
void child_dns_name(const struct psm_dns_name *m);
void child_dns_lease(const struct psm_dns_lease *m);
void child_dns_lease6(const struct psm_dns_lease6 *m);
void child_dns_listen(const struct psm_seq *m, int udp_fd, int tcp_fd);
void child_dns_peer_listen(const struct psm_seq *m, int udp_fd);
void child_dns_peer_ask(const struct psm_dns_lease *m);
void child_dhcp_start(const struct psm_dhcp_start *m, int fd, int pkt_fd);
void child_dhcp_stop(const struct psm_seq *m);
void child_host_add(const struct psm_host_add *m);
void child_snoop_start(const struct psm_net *m, int fd);
void child_snoop_stop(const struct psm_seq *m);
void child_snoop_close(struct child_net *n);
void child_port_gone(const struct psm_port_gone *m);
void child_tftp_start(const struct psm_seq *m, int udp_fd, int root_fd);
void child_tftp_stop(const struct psm_seq *m);
void child_dhcp6_start(const struct psm_dhcp6_start *m, int fd);
void child_dhcp6_stop(const struct psm_seq *m);
/* Ask the core for a DHCP request's port and wait; 0 or -errno. */
int child_wait_origin(uint32_t seq, struct dhcp_origin *o);

#endif
