/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The stack's control socket dir/ctl.sock (lib/ctlproto.h framing): what
 * vnetctl --user asks a running network. Only the owner may connect (the
 * directory is 0700 and SO_PEERCRED is checked as well). */
#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "ctl/ctl.h"
#include "util/util.h"
#include "stack.h"

struct req {
	struct vu_stack *s;
	struct json_object *args;
	char err[256];
};

static const char *arg(struct req *q, size_t i)
{
	struct json_object *a = json_object_array_get_idx(q->args, i);

	return a ? json_object_get_string(a) : NULL;
}

static void kv(struct json_object *o, const char *k, const char *v)
{
	json_object_object_add(o, k, json_object_new_string(v));
}

static void kv64(struct json_object *o, const char *k, uint64_t v)
{
	json_object_object_add(o, k, json_object_new_int64((int64_t)v));
}

static struct json_object *fwds_json(struct vu_stack *s)
{
	struct json_object *a = json_object_new_array();
	char h[INET_ADDRSTRLEN], g[INET_ADDRSTRLEN], line[96];

	for (size_t i = 0; i < s->n_fwds; i++) {
		inet_ntop(AF_INET, &s->fwds[i].host, h, sizeof(h));
		inet_ntop(AF_INET, &s->fwds[i].guest, g, sizeof(g));
		snprintf(line, sizeof(line), "%s %s:%u -> %s:%u", s->fwds[i].udp ? "udp" : "tcp", h,
			 s->fwds[i].host_port, g, s->fwds[i].guest_port);
		json_object_array_add(a, json_object_new_string(line));
	}
	return a;
}

static struct json_object *c_info(struct req *q)
{
	struct vu_stack *s = q->s;
	struct json_object *o = json_object_new_object();
	char addr[32], range[40];

	snprintf(addr, sizeof(addr), "%s/%u", inet_ntoa(s->def->ip), s->def->prefix);
	kv(o, "name", s->def->name);
	json_object_object_add(o, "active", json_object_new_boolean(1));
	kv(o, "mode", netdef_mode_name(s->def->mode));
	kv(o, "address", addr);
	kv(o, "socket", s->p->run.sw);
	if (s->def->has_dhcp) {
		snprintf(range, sizeof(range), "%s-", inet_ntoa(s->def->dhcp_start));
		strncat(range, inet_ntoa(s->def->dhcp_end), sizeof(range) - strlen(range) - 1);
		kv(o, "dhcp_range", range);
	}
	kv(o, "dns", "guest names answered by vnet, other names forwarded by libslirp");
	kv64(o, "supervisor_pid", (uint64_t)getppid());
	kv64(o, "stack_pid", (uint64_t)getpid());
	kv64(o, "restarts", s->restarts);
	kv64(o, "uptime_seconds", (uint64_t)(time(NULL) - s->started));
	json_object_object_add(o, "forwards", fwds_json(s));
	return o;
}

/* The stack's own counters flat; DHCP's as the daemon reports them, under
 * "dhcp" with the same keys. */
static struct json_object *c_stats(struct req *q)
{
	struct vu_stack *s = q->s;
	struct json_object *o = json_object_new_object();

	kv(o, "name", s->def->name);
	if (s->dhcp)
		json_object_object_add(o, "dhcp", vu_dhcp_counters_json(s->dhcp));
	kv64(o, "rx_frames", s->ctr.rx_frames);
	kv64(o, "rx_bytes", s->ctr.rx_bytes);
	kv64(o, "tx_frames", s->ctr.tx_frames);
	kv64(o, "tx_bytes", s->ctr.tx_bytes);
	kv64(o, "tx_errors", s->ctr.tx_errors);
	kv64(o, "slirp_guest_errors", s->ctr.guest_errors);
	kv64(o, "rx_not_ours", s->ctr.not_ours);
	kv64(o, "dns_local_answers", s->dns.local_answers);
	kv64(o, "dns_nxdomain", s->dns.nxdomain);
	kv64(o, "dns_forwarded", s->dnsfwd.sent);
	kv64(o, "dns_upstream_replies", s->dnsfwd.replies);
	kv64(o, "dns_upstream_timeouts", s->dnsfwd.timeouts);
	kv64(o, "dns_upstream_ignored", s->dnsfwd.ignored);
	kv64(o, "dns_refused", s->dnsfwd.refused);
	kv64(o, "dns_bad_queries", s->dns.bad_queries);
	kv64(o, "port_forwards", s->n_fwds);
	kv64(o, "restarts", s->restarts);
	return o;
}

static struct json_object *c_leases(struct req *q)
{
	return q->s->dhcp ? vu_dhcp_leases_json(q->s->dhcp) : json_object_new_array();
}

static struct json_object *c_forward_add(struct req *q)
{
	struct vu_fwd f;
	int r;

	if (!arg(q, 3)) {
		snprintf(q->err, sizeof(q->err), "usage: forward-add NET tcp|udp [ADDR:]HOSTPORT "
			 "GUESTIP:PORT");
		return NULL;
	}
	if (vu_fwd_parse(arg(q, 1), arg(q, 2), arg(q, 3), &f, q->err, sizeof(q->err)) ||
	    vu_fwd_add(q->s, &f, q->err, sizeof(q->err)))
		return NULL;
	r = vu_fwds_append(q->s->p->run.fwds, &f);
	if (r)
		log_warn("cannot record forward in %s: %s", q->s->p->run.fwds, strerror(-r));
	return json_object_new_boolean(1);
}

static void save_def(struct vu_stack *s)
{
	char *xml = netdef_format_xml(s->def);
	int r = xml ? file_write_atomic(s->p->def, xml, strlen(xml), 0600) : -ENOMEM;

	if (r)
		log_warn("cannot update %s: %s", s->p->def, strerror(-r));
	free(xml);
}

static struct json_object *c_host_add(struct req *q)
{
	struct netdef_host h = { 0 };

	if (!arg(q, 2) || mac_parse(arg(q, 1), h.mac) || inet_pton(AF_INET, arg(q, 2), &h.ip) != 1) {
		snprintf(q->err, sizeof(q->err), "usage: host-add NET MAC IP [NAME]");
		return NULL;
	}
	snprintf(h.name, sizeof(h.name), "%s", arg(q, 3) ? arg(q, 3) : "");
	h.has_mac = h.has_ip = 1;
	if (!q->s->dhcp) {
		snprintf(q->err, sizeof(q->err), "network %s has no DHCP", q->s->def->name);
		return NULL;
	}
	if (q->s->def->n_hosts == NETDEF_MAX_HOSTS) {
		snprintf(q->err, sizeof(q->err), "too many static hosts (max %d)", NETDEF_MAX_HOSTS);
		return NULL;
	}
	if (vu_dhcp_add_host(q->s->dhcp, &h, q->err, sizeof(q->err)))
		return NULL;
	/* into the run dir's copy of the definition: a restarted stack keeps it */
	q->s->def->hosts[q->s->def->n_hosts++] = h;
	save_def(q->s);
	return json_object_new_boolean(1);
}

/* The supervisor owns the stop: it kills us and removes everything. */
static struct json_object *c_stop(struct req *q)
{
	kill(getppid(), SIGTERM);
	return json_object_new_boolean(1);
}

static const struct {
	const char *name;
	struct json_object *(*fn)(struct req *q);
} cmds[] = {
	{ "net-info", c_info },	      { "stats", c_stats },	  { "leases", c_leases },
	{ "forward-add", c_forward_add }, { "host-add", c_host_add }, { "net-stop", c_stop },
};

static struct json_object *dispatch(struct vu_stack *s, struct json_object *req, char *err,
				    size_t errlen, int *ok)
{
	struct req q = { .s = s };
	struct json_object *cmd, *data = NULL;
	const char *name;

	*ok = 0;
	if (!json_object_object_get_ex(req, "cmd", &cmd) ||
	    !json_object_object_get_ex(req, "args", &q.args) ||
	    !json_object_is_type(q.args, json_type_array)) {
		snprintf(err, errlen, "malformed request");
		return NULL;
	}
	name = json_object_get_string(cmd);
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		if (strcmp(cmds[i].name, name))
			continue;
		data = cmds[i].fn(&q);
		*ok = data != NULL;
		snprintf(err, errlen, "%s", q.err);
		return data;
	}
	snprintf(err, errlen, "'%s' is not available in user mode", name);
	return NULL;
}

static int peer_ok(int fd)
{
	struct ucred cr;
	socklen_t len = sizeof(cr);

	return !getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) && cr.uid == getuid();
}

void vu_ctl_accept(struct vu_stack *s)
{
	struct timeval tv = { .tv_sec = 2 };
	struct json_object *req = NULL, *rep, *data;
	char err[256] = "";
	int fd = accept4(s->ctl_fd, NULL, NULL, SOCK_CLOEXEC), ok;

	if (fd < 0)
		return;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (!peer_ok(fd) || ctl_recv(fd, &req)) {
		close(fd);
		return;
	}
	data = dispatch(s, req, err, sizeof(err), &ok);
	rep = json_object_new_object();
	json_object_object_add(rep, "ok", json_object_new_boolean(ok));
	if (ok)
		json_object_object_add(rep, "data", data);
	else
		json_object_object_add(rep, "error", json_object_new_string(err[0] ? err : "failed"));
	ctl_send(fd, rep);
	json_object_put(rep);
	json_object_put(req);
	close(fd);
}

int vu_ctl_open(struct vu_stack *s, char *err, size_t errlen)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	mode_t old;
	int fd;

	if (strlen(s->p->run.ctl) >= sizeof(sa.sun_path)) {
		snprintf(err, errlen, "control socket path too long: %s", s->p->run.ctl);
		return -ENAMETOOLONG;
	}
	strcpy(sa.sun_path, s->p->run.ctl);
	unlink(s->p->run.ctl); /* a previous stack's, if it died */
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	old = umask(0077);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 16)) {
		umask(old);
		snprintf(err, errlen, "control socket %s: %s", s->p->run.ctl, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -EIO;
	}
	umask(old);
	s->ctl_fd = fd;
	return 0;
}
