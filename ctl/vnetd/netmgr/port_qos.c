// SPDX-License-Identifier: GPL-2.0-or-later
/* libvirt's <bandwidth> for a network's ports (issue 19.4): which limits
 * a port gets, and the network's aggregate. A port's own limits (port-add
 * --inbound/--outbound, saved with the running state) win per direction,
 * then its declared <vnet:port>'s, then its portgroup's (port-add
 * --portgroup, else the declared port's, else the network's default) -- as libvirt, where an
 * interface's <bandwidth> overrides its portgroup's. The network's own
 * <bandwidth> is no default for ports: it limits all of them together
 * (libvirt puts it on the bridge; vnet keeps one aggregate bucket). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netmgr.h"
#include "core/core.h"

static const struct netdef_port *declared_port(const struct netdef *d, const char *ifname)
{
	for (size_t i = 0; i < d->n_ports; i++)
		if (!strcmp(d->ports[i].dev, ifname))
			return &d->ports[i];
	return NULL;
}

static const struct netdef_portgroup *portgroup_of(const struct netdef *d, const char *name)
{
	for (size_t i = 0; i < d->n_portgroups; i++)
		if (name && name[0] ? !strcmp(d->portgroups[i].name, name)
				    : d->portgroups[i].is_default)
			return &d->portgroups[i];
	return NULL;
}

/* dst's direction from src where dst has none */
static void inherit(struct netdef_bw *dst, const struct netdef_bw *src)
{
	if (!dst->average)
		*dst = *src;
}

void network_port_bw(const struct network *n, const struct port *p, struct netdef_bandwidth *bw)
{
	const struct netdef_port *dp = declared_port(n->def, p->ifname);
	const struct netdef_portgroup *pg = portgroup_of(n->def, p->decl.portgroup[0]
								   ? p->decl.portgroup
								   : dp ? dp->portgroup : NULL);

	*bw = p->decl.policy.bw;	/* port-add --inbound/--outbound */
	if (dp) {
		inherit(&bw->in, &dp->policy.bw.in);
		inherit(&bw->out, &dp->policy.bw.out);
	}
	if (pg) {
		inherit(&bw->in, &pg->policy.bw.in);
		inherit(&bw->out, &pg->policy.bw.out);
	}
}

int network_port_qos_apply(struct network *n, struct port *p, char *err, size_t errlen)
{
	struct netdef_bandwidth bw;

	network_port_bw(n, p, &bw);
	return dp_port_qos_set(n->mgr->dp, p->ifindex, &bw, n->def->policy.bw.in.average != 0,
			       err, errlen);
}

int network_qos_apply(struct network *n, char *err, size_t errlen)
{
	return dp_net_qos_set(n->mgr->dp, n->id, &n->def->policy.bw, err, errlen);
}
