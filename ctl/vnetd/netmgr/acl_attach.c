/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Which ACLs judge a port (docs/acl.md): per direction, the port's own
 * (<vnet:port>'s <vnet:acl>), else its portgroup's (the port's, else the
 * network's default portgroup), else the network's. Resolved to slots
 * whenever a port, an attachment or an ACL changes. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "netmgr.h"
#include "core/core.h"
#include "util/util.h"

static struct netdef_port *decl_port(struct netdef *d, const char *dev)
{
	for (size_t i = 0; i < d->n_ports; i++)
		if (!strcmp(d->ports[i].dev, dev))
			return &d->ports[i];
	return NULL;
}

static struct netdef_portgroup *portgroup(struct netdef *d, const char *name)
{
	for (size_t i = 0; i < d->n_portgroups; i++)
		if (name[0] ? !strcmp(d->portgroups[i].name, name) : d->portgroups[i].is_default)
			return &d->portgroups[i];
	return NULL;
}

/* The ACL names judging port p: in / out ("" none). Most specific first:
 * port-add's (p->decl), the definition's <vnet:port>, the portgroup (the
 * port's, else the default one), the network -- as network_port_policy. */
static void port_acls(struct netdef *d, const struct port *p, const char **in, const char **out)
{
	struct netdef_port *x = decl_port(d, p->ifname);
	const char *pg = p->decl.portgroup[0] ? p->decl.portgroup : x ? x->portgroup : "";
	struct netdef_portgroup *g = portgroup(d, pg);
	const struct netdef_policy *lv[4] = { &p->decl.policy, x ? &x->policy : NULL,
					      g ? &g->policy : NULL, &d->policy };

	*in = *out = "";
	for (int i = 0; i < 4; i++) {
		if (!lv[i])
			continue;
		if (!(*in)[0] && lv[i]->acl_in[0])
			*in = lv[i]->acl_in;
		if (!(*out)[0] && lv[i]->acl_out[0])
			*out = lv[i]->acl_out;
	}
}

void network_acl_apply_port(struct network *n, const struct port *p)
{
	struct aclstore *s = &n->mgr->acls;
	const char *in, *out;
	unsigned si, so;

	if (n->state != NETWORK_ACTIVE || !p->ifindex)
		return;
	port_acls(n->def, p, &in, &out);
	si = aclstore_slot(s, in);
	so = aclstore_slot(s, out);
	if ((in[0] && !si) || (out[0] && !so))
		log_warn("network %s: port %s names an ACL not defined (%s%s%s): none applied",
			 n->def->name, p->ifname, in[0] && !si ? in : "",
			 in[0] && !si && out[0] && !so ? ", " : "", out[0] && !so ? out : "");
	dp_acl_port_set(n->mgr->dp, p->ifindex, si, so);
}

void network_acl_apply(struct network *n)
{
	for (size_t i = 0; i < n->n_ports; i++)
		network_acl_apply_port(n, &n->ports[i]);
}

void netmgr_acl_apply_all(struct netmgr *m)
{
	for (size_t i = 0; i < m->n_nets; i++)
		network_acl_apply(m->nets[i]);
}

static int uses(const struct netdef_policy *p, const char *name)
{
	return !strcmp(p->acl_in, name) || !strcmp(p->acl_out, name);
}

int netmgr_acl_user(struct netmgr *m, const char *name, char *who, size_t n)
{
	for (size_t i = 0; i < m->n_nets; i++) {
		struct netdef *d = m->nets[i]->def;

		if (uses(&d->policy, name))
			return snprintf(who, n, "network %s", d->name), 1;
		for (size_t k = 0; k < d->n_portgroups; k++)
			if (uses(&d->portgroups[k].policy, name))
				return snprintf(who, n, "portgroup %s of network %s",
						d->portgroups[k].name, d->name), 1;
		for (size_t k = 0; k < d->n_ports; k++)
			if (uses(&d->ports[k].policy, name))
				return snprintf(who, n, "port %s of network %s", d->ports[k].dev,
						d->name), 1;
		for (size_t k = 0; k < m->nets[i]->n_ports; k++)
			if (uses(&m->nets[i]->ports[k].decl.policy, name))
				return snprintf(who, n, "port %s of network %s (port-add)",
						m->nets[i]->ports[k].ifname, d->name), 1;
	}
	return 0;
}

static struct port *runtime_port(struct network *n, const char *ifname)
{
	return network_port_find(n, ifname);
}

/* The policy an attachment changes: the network's, a portgroup's, a
 * port's (declared now if it was only added with port-add). */
static struct netdef_policy *target(struct network *n, const char *port, const char *pg,
				    char *err, size_t errlen)
{
	struct netdef *d = n->def;
	struct netdef_port *p;
	struct netdef_portgroup *g;

	if (port && pg)
		return ERR("--port and --portgroup: one or the other"), NULL;
	if (pg) {
		if (!(g = portgroup(d, pg)) || !pg[0])
			return ERR("network %s has no portgroup '%s'", d->name, pg), NULL;
		return &g->policy;
	}
	if (!port)
		return &d->policy;
	if ((p = decl_port(d, port)))
		return &p->policy;
	if (strlen(port) >= sizeof(p->dev) || !port[0])
		return ERR("invalid interface name '%s'", port), NULL;
	if (d->n_ports >= NETDEF_MAX_PORTS)
		return ERR("network %s declares too many ports", d->name), NULL;
	p = &d->ports[d->n_ports++];
	memset(p, 0, sizeof(*p));
	snprintf(p->dev, sizeof(p->dev), "%s", port);
	return &p->policy;
}

int network_acl_attach(struct network *n, const char *port, const char *pg, const char *in,
		       const char *out, char *err, size_t errlen)
{
	struct aclstore *s = &n->mgr->acls;
	struct netdef_policy *p;
	struct port *rp;
	int ret;

	if (in && in[0] && !aclstore_slot(s, in))
		return ERR("ACL '%s' not found", in), -ENOENT;
	if (out && out[0] && !aclstore_slot(s, out))
		return ERR("ACL '%s' not found", out), -ENOENT;
	rp = port && !decl_port(n->def, port) ? runtime_port(n, port) : NULL;
	if (rp)
		p = &rp->decl.policy;	/* port-add's: stored with the port list */
	else if (!(p = target(n, port, pg, err, errlen)))
		return -EINVAL;
	if (in)
		snprintf(p->acl_in, sizeof(p->acl_in), "%s", in);
	if (out)
		snprintf(p->acl_out, sizeof(p->acl_out), "%s", out);
	ret = rp ? netstore_save_runtime(n->mgr, n) : netstore_save(n->mgr, n);
	if (ret)
		return ERR("cannot store network %s: %s", n->def->name, strerror(-ret)), ret;
	network_acl_apply(n);
	return 0;
}
