/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Port forwards: parsing "[ADDR:]PORT" and "IP:PORT", and the run-time list
 * kept in dir/forwards so a restarted stack re-installs them. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/util.h"
#include "stack.h"

static int parse_port(const char *s, uint16_t *port)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (!*s || *end || v < 1 || v > 65535)
		return -EINVAL;
	*port = (uint16_t)v;
	return 0;
}

/* "IP:PORT" into ip and port; with def_ip set, a bare "PORT" is allowed. */
static int parse_addr_port(const char *s, const struct in_addr *def_ip, struct in_addr *ip,
			   uint16_t *port)
{
	char buf[64];
	char *colon;

	snprintf(buf, sizeof(buf), "%s", s);
	colon = strrchr(buf, ':');
	if (!colon) {
		if (!def_ip)
			return -EINVAL;
		*ip = *def_ip;
		return parse_port(buf, port);
	}
	*colon = 0;
	if (inet_pton(AF_INET, buf, ip) != 1)
		return -EINVAL;
	return parse_port(colon + 1, port);
}

int vu_fwd_parse(const char *proto, const char *host, const char *guest, struct vu_fwd *f,
		 char *err, size_t errlen)
{
	struct in_addr lo = { htonl(INADDR_LOOPBACK) };

	memset(f, 0, sizeof(*f));
	if (strcmp(proto, "tcp") && strcmp(proto, "udp")) {
		snprintf(err, errlen, "protocol must be tcp or udp, not '%s'", proto);
		return -EINVAL;
	}
	f->udp = !strcmp(proto, "udp");
	if (parse_addr_port(host, &lo, &f->host, &f->host_port)) {
		snprintf(err, errlen, "bad host port '%s' (want PORT or ADDR:PORT)", host);
		return -EINVAL;
	}
	if (parse_addr_port(guest, NULL, &f->guest, &f->guest_port)) {
		snprintf(err, errlen, "bad guest address '%s' (want IP:PORT)", guest);
		return -EINVAL;
	}
	return 0;
}

int vu_fwds_append(const char *path, const struct vu_fwd *f)
{
	char line[128], h[INET_ADDRSTRLEN], g[INET_ADDRSTRLEN];
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600), n, ret = 0;

	if (fd < 0)
		return -errno;
	inet_ntop(AF_INET, &f->host, h, sizeof(h));
	inet_ntop(AF_INET, &f->guest, g, sizeof(g));
	n = snprintf(line, sizeof(line), "%s %s %u %s %u\n", f->udp ? "udp" : "tcp", h,
		     f->host_port, g, f->guest_port);
	if (write(fd, line, (size_t)n) != n || fsync(fd))
		ret = -EIO;
	close(fd);
	return ret;
}

/* A line that does not parse or cannot be bound is logged and skipped: one
 * bad forward must not keep the restarted stack down. */
int vu_fwds_load(struct vu_stack *s)
{
	FILE *f = fopen(s->p->run.fwds, "re");
	char line[160], proto[8], h[64], g[80], hp[8], gp[8], err[160];
	struct vu_fwd fw;

	if (!f)
		return errno == ENOENT ? 0 : -errno;
	while (fgets(line, sizeof(line), f)) {
		char host[80], guest[100];

		if (sscanf(line, "%7s %63s %7s %63s %7s", proto, h, hp, g, gp) != 5)
			continue;
		snprintf(host, sizeof(host), "%s:%s", h, hp);
		snprintf(guest, sizeof(guest), "%s:%s", g, gp);
		if (vu_fwd_parse(proto, host, guest, &fw, err, sizeof(err)) ||
		    vu_fwd_add(s, &fw, err, sizeof(err)))
			log_warn("%s: forward skipped: %s", s->def->name, err);
	}
	fclose(f);
	return 0;
}
