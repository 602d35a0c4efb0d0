/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The core's side of a network's TFTP server: it opens the socket on the
 * gateway's port 69 (a privileged port) and the root directory, and hands
 * both to the service child, which parses every request (privsep.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "privsep.h"
#include "tftp_service/tftp_service.h"


struct tftp_proxy {
	uint32_t net_id, gen;
	const struct netdef *def;
	int udp_fd, root_fd;
};

static struct tftp_proxy *tftps[PRIVSEP_MAX_NETS];

const struct netdef_ip *tftp_proxy_ip(const struct netdef *def)
{
	for (size_t i = 0; i < def->n_ips && i < NETDEF_MAX_IPS; i++)
		if (def->ips[i].family == AF_INET && def->ips[i].tftp_root[0])
			return &def->ips[i];
	return NULL;
}

static int send_start(struct tftp_proxy *p, int async, char *err, size_t errlen)
{
	struct psm_seq m;
	int fds[2] = { p->udp_fd, p->root_fd };

	privsep_send_netdef(p->net_id, p->def);
	psm_init(&m, PSM_TFTP_START);
	m.in = (struct psm_inst){ p->net_id, p->gen };
	m.seq = privsep_seq();
	return privsep_proxy_send_start(&m, fds, m.seq, async, "TFTP", p->def->name, err, errlen);
}

struct tftp_proxy *tftp_proxy_start(const struct netdef *def, uint32_t net_id, char *err,
				    size_t errlen)
{
	const struct netdef_ip *ip = tftp_proxy_ip(def);
	struct tftp_proxy *p;
	size_t slot;

	if (!ip)
		return NULL;
	for (slot = 0; slot < PRIVSEP_MAX_NETS && tftps[slot]; slot++)
		;
	if (slot == PRIVSEP_MAX_NETS)
		return snprintf(err, errlen, "tftp: too many networks"), NULL;
	p = calloc(1, sizeof(*p));
	if (!p)
		return snprintf(err, errlen, "tftp: out of memory"), NULL;
	p->net_id = net_id;
	p->def = def;
	p->gen = privsep_new_gen();
	if (tftp_service_sockets(ip->addr4, ip->tftp_root, &p->udp_fd, &p->root_fd, err,
				 errlen) < 0) {
		free(p);
		return NULL;
	}
	tftps[slot] = p;
	if (send_start(p, 0, err, errlen)) {
		tftp_proxy_stop(p);
		return NULL;
	}
	return p;
}

void tftp_proxy_stop(struct tftp_proxy *p)
{
	if (!p)
		return;
	privsep_stop_service(PSM_TFTP_STOP, p->net_id, p->gen);
	for (size_t i = 0; i < PRIVSEP_MAX_NETS; i++)
		if (tftps[i] == p)
			tftps[i] = NULL;
	close(p->udp_fd);
	close(p->root_fd);
	free(p);
}

/* A new child: every TFTP server again (before DHCP, which names the
 * boot file). */
void tftp_proxy_resend_all(void)
{
	for (size_t i = 0; i < PRIVSEP_MAX_NETS; i++)
		if (tftps[i])
			send_start(tftps[i], 1, NULL, 0);
}
