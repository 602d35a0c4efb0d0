/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The stack process: frames from the switch go to vnet's DHCP server, to
 * the guest-name DNS answers, or to libslirp; slirp's frames go back to the
 * switch. One poll loop over the switch, slirp's sockets and the control
 * socket. Exit 2 = the definition cannot run (not restarted), 1 = a fault. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/util.h"
#include "netdef/netdef.h"
#include "dhcp/dhcp.h"
#include "stack.h"

#define RX_BURST 64

static volatile sig_atomic_t stopping;

static void on_term(int sig) { stopping = 1; }

/* DHCP to port 67 and DNS for our names are ours; the rest is slirp's. */
static void frame_in(struct vu_stack *s, const uint8_t *f, size_t len)
{
	uint8_t out[FRAME_MAX];
	struct udp_view u;
	int n;

	s->ctr.rx_frames++;
	s->ctr.rx_bytes += len;
	if (!frame_udp_parse(f, len, &u)) {
		if (u.dport == 67 && s->dhcp)
			n = vu_dhcp_frame(s->dhcp, &u, out, sizeof(out));
		else if (u.dport == 53 && u.dst.s_addr == s->def->ip.s_addr)
			n = vu_dns_frame(s->zone, &s->dnsfwd, s->def, s->gw_mac, &u, out,
					 sizeof(out), &s->dns);
		else
			n = -1;
		/* ours even without a reply: slirp would relay the gateway's
		 * port 53 to the host's loopback */
		if (n >= 0) {
			if (n > 0)
				vu_slirp_cb.send_packet(out, (size_t)n, s);
			return;
		}
	}
	/* libslirp routes any IPv4 packet it is given, whatever its MAC: a
	 * frame the switch flooded towards another guest would become a host
	 * connection. Only the gateway's and broadcast/multicast frames go in. */
	if (!(f[0] & 1) && memcmp(f, s->gw_mac, 6)) {
		s->ctr.not_ours++;
		return;
	}
	slirp_input(s->slirp, f, (int)len);
}

static int rx(struct vu_stack *s)
{
	uint8_t buf[VDE_ETHBUFSIZE];

	for (int i = 0; i < RX_BURST; i++) {
		ssize_t n = vde_recv(s->vde, buf, sizeof(buf), MSG_DONTWAIT);

		if (n < 0)
			return errno == EAGAIN || errno == EINTR ? 0 : -errno;
		if (n == 0)
			return -ECONNRESET; /* the switch went away */
		if (n < 14) /* vdeplug's keepalive/empty frames */
			continue;
		frame_in(s, buf, (size_t)n);
	}
	return 0;
}

static int add_poll(int fd, int events, void *opaque)
{
	struct vu_stack *s = opaque;
	short ev = 0;

	if (s->npfd == VU_MAX_POLL)
		return -1;
	ev |= events & SLIRP_POLL_IN ? POLLIN : 0;
	ev |= events & SLIRP_POLL_OUT ? POLLOUT : 0;
	ev |= events & SLIRP_POLL_PRI ? POLLPRI : 0;
	s->pfd[s->npfd] = (struct pollfd){ .fd = fd, .events = ev };
	return s->npfd++;
}

static int get_revents(int idx, void *opaque)
{
	struct vu_stack *s = opaque;
	short r;
	int ev = 0;

	if (idx < 0 || idx >= s->npfd)
		return 0;
	r = s->pfd[idx].revents;
	ev |= r & POLLIN ? SLIRP_POLL_IN : 0;
	ev |= r & POLLOUT ? SLIRP_POLL_OUT : 0;
	ev |= r & POLLPRI ? SLIRP_POLL_PRI : 0;
	ev |= r & POLLERR ? SLIRP_POLL_ERR : 0;
	ev |= r & POLLHUP ? SLIRP_POLL_HUP : 0;
	return ev;
}

static uint32_t min_timeout(struct vu_stack *s, uint32_t t)
{
	int tm = vu_timers_run(s);
	int64_t d = s->dhcp ? vu_dhcp_next(s->dhcp) : 0;

	if (tm >= 0 && (uint32_t)tm < t)
		t = (uint32_t)tm;
	if (d > 0 && d * 1000 < t)
		t = (uint32_t)(d * 1000);
	return t;
}

static void send_frame(void *ctx, const uint8_t *f, size_t len)
{
	vu_slirp_cb.send_packet(f, len, ctx);
}

static int loop(struct vu_stack *s)
{
	while (!stopping) {
		uint32_t timeout = 1000;
		int n, r, base, nf;

		s->npfd = 0;
		add_poll(vde_datafd(s->vde), SLIRP_POLL_IN, s);
		add_poll(s->ctl_fd, SLIRP_POLL_IN, s);
		slirp_pollfds_fill(s->slirp, &timeout, add_poll, s);
		base = s->npfd;
		nf = vu_dnsfwd_fill(&s->dnsfwd, s->pfd + base, VU_MAX_POLL - base);
		s->npfd += nf;
		n = poll(s->pfd, (nfds_t)s->npfd, (int)min_timeout(s, timeout));
		if (n < 0 && errno != EINTR)
			return -errno;
		if (n > 0 && (s->pfd[0].revents & (POLLHUP | POLLERR)))
			return -ECONNRESET;
		if (n > 0 && (s->pfd[0].revents & POLLIN) && (r = rx(s)) < 0)
			return r;
		if (n > 0 && (s->pfd[1].revents & POLLIN))
			vu_ctl_accept(s);
		slirp_pollfds_poll(s->slirp, n < 0, get_revents, s);
		vu_dnsfwd_poll(&s->dnsfwd, s->pfd + base, n > 0 ? nf : 0, vu_clock_ms(), send_frame, s);
		if (s->dhcp)
			vu_dhcp_tick(s->dhcp);
	}
	return 0;
}

static void say(int fd, const char *msg)
{
	if (fd >= 0) {
		if (write(fd, msg, strlen(msg)) < 0)
			log_debug("ready pipe: %s", strerror(errno));
		close(fd);
	}
}

static int load_def(struct vu_stack *s, char *err, size_t errlen)
{
	int r = netdef_load_file(s->p->def, &s->def, err, errlen);

	if (r)
		return r;
	if (!s->def->has_ip) {
		snprintf(err, errlen, "network %s has no <ip>: a user network needs a subnet",
			 s->def->name);
		return -EINVAL;
	}
	if (s->def->mode == NETDEF_MODE_BRIDGE || s->def->mode == NETDEF_MODE_ROUTE) {
		snprintf(err, errlen, "forward mode '%s' needs root; user networks are nat or "
			 "isolated", netdef_mode_name(s->def->mode));
		return -EINVAL;
	}
	return 0;
}

/* The definition's <portForward>s: on the first start a failure is the
 * start's failure; on a restart it is logged and the rest carry on. */
static int def_forwards(struct vu_stack *s, int first, char *err, size_t errlen)
{
	for (size_t i = 0; i < s->def->n_port_forwards; i++) {
		const struct netdef_port_forward *pf = &s->def->port_forwards[i];
		struct vu_fwd f = { .udp = pf->proto == IPPROTO_UDP,
				    .host = { htonl(INADDR_LOOPBACK) }, .host_port = pf->host_port,
				    .guest = pf->guest_ip, .guest_port = pf->guest_port };

		if (pf->family == AF_INET6) {	/* NAT66 is the system daemon's */
			log_warn("port forward %u to an IPv6 guest: not in user mode",
				 pf->host_port);
			continue;
		}
		if (vu_fwd_add(s, &f, err, errlen)) {
			if (first)
				return -EADDRINUSE;
			log_warn("%s", err);
		}
	}
	return 0;
}

static int setup(struct vu_stack *s, int first, char *err, size_t errlen)
{
	char url[320];
	int r = load_def(s, err, errlen);

	if (r)
		return r;
	/* libslirp's own MAC for the gateway: DHCP, DNS and ARP all agree */
	slirp_mac(s->def->ip, s->gw_mac);
	vu_dnsfwd_init(&s->dnsfwd, s->def, s->gw_mac);
	s->zone = vu_dns_zone(s->def);
	if (!s->zone) {
		snprintf(err, errlen, "bad domain '%s'", s->def->domain);
		return -EINVAL;
	}
	if (dhcp_netdef_serves(s->def) &&
	    !(s->dhcp = vu_dhcp_new(s->def, s->p->leases, s->gw_mac, s->zone, err, errlen)))
		return -EINVAL;
	snprintf(url, sizeof(url), "vde://%s", s->p->run.sw);
	s->vde = vde_open(url, "vnet-user", NULL);
	if (!s->vde) {
		snprintf(err, errlen, "cannot join the switch %s: %s", s->p->run.sw, strerror(errno));
		return -EIO;
	}
	/* vdeplug's vde module ignores MSG_DONTWAIT: make the socket itself
	 * non-blocking so a burst read stops when it is drained (and a full
	 * switch queue drops a frame, as a wire would, rather than block) */
	fcntl(vde_datafd(s->vde), F_SETFL, fcntl(vde_datafd(s->vde), F_GETFL) | O_NONBLOCK);
	s->slirp = vu_slirp_new(s);
	if (!s->slirp) {
		snprintf(err, errlen, "libslirp refused the network's addresses");
		return -EINVAL;
	}
	if ((r = def_forwards(s, first, err, errlen)) || (r = vu_fwds_load(s)))
		return r;
	return vu_ctl_open(s, err, errlen);
}

int vu_stack_run(const struct vu_paths *p, int ready_fd, unsigned restarts)
{
	struct vu_stack s = { .p = p, .restarts = restarts, .ctl_fd = -1, .started = time(NULL) };
	char err[700] = "", msg[720];
	int r;

	signal(SIGTERM, on_term);
	signal(SIGINT, on_term);
	signal(SIGPIPE, SIG_IGN);
	r = setup(&s, !restarts, err, sizeof(err));
	if (r) {
		snprintf(msg, sizeof(msg), "ERR %s\n", err);
		say(ready_fd, msg);
		log_err("%s", err);
		/* a definition that cannot run is not retried; a fault is */
		return r == -EIO ? 1 : 2;
	}
	say(ready_fd, "OK\n");
	log_info("network %s up on %s (restart %u)", s.def->name, p->run.sw, restarts);
	r = loop(&s);
	if (r)
		log_err("stack stops: %s", strerror(-r));
	unlink(p->run.ctl);
	vu_dnsfwd_close(&s.dnsfwd);
	slirp_cleanup(s.slirp);
	vde_close(s.vde);
	vu_dhcp_free(s.dhcp);
	dns_zone_free(s.zone);
	free(s.def);
	return r ? 1 : 0;
}
