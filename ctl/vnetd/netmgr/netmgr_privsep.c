/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the service child's messages mean for the networks: the checks'
 * view of a network, where a lease or a snooped ACK goes, what a new child
 * gets, and the metrics text it asks for. The privsep_ops of the daemon. */
#include "netmgr.h"

#include <errno.h>

#include "control/control.h"
#include "util/util.h"
#include "privsep/privsep.h"
#include "share/share.h"

static struct network *by_id(struct netmgr *m, uint32_t id)
{
	for (size_t i = 0; i < m->n_nets; i++)
		if (m->nets[i]->id == id)
			return m->nets[i];
	return NULL;
}

/* From the proxies, not the network's state: a starting network is not
 * active yet, and its DHCP service reports its leases during the start. */
static int lookup(void *ctx, uint32_t net_id, struct psm_net_view *v)
{
	struct network *n = by_id(ctx, net_id);

	if (privsep_proxy_view(net_id, v)) {
		if (!n || !n->snoop)
			return -ENOENT;
		v->ip = n->def->ip;
		v->prefix = n->def->prefix;
	}
	v->snoop_gen = n ? share_snoop_gen(n) : 0;
	return 0;
}

static void on_lease(void *ctx, const struct psm_lease *m)
{
	privsep_proxy_on_lease(m);
}

static void on_snoop_ack(void *ctx, const struct psm_snoop_ack *m)
{
	struct network *n = by_id(ctx, m->in.net_id);

	if (n)
		share_snoop_on_ack(n, m);
}

static void on_result(void *ctx, const struct psm_result *r)
{
	if (!dhcp_proxy_on_result(r) && r->rc)
		log_err("service child: a service did not restart: %s", r->err);
}

static void resend(void *ctx)
{
	struct netmgr *m = ctx;

	privsep_proxy_resend();
	for (size_t i = 0; i < m->n_nets; i++)
		share_snoop_resend(m->nets[i]); /* if it snoops */
}

static void origin(void *ctx, const struct psm_origin_req *q, struct psm_origin *a)
{
	privsep_proxy_origin(q, a);
}

static char *render(void *ctx)
{
	return metrics_render(ctx);
}

void netmgr_privsep_ops(struct netmgr *m, struct privsep_ops *ops)
{
	*ops = (struct privsep_ops){ lookup, on_lease, on_snoop_ack, on_result, resend, render,
				     origin, m };
}
