/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libnss_vnet.so.2: "hosts: files vnet dns" resolves the guests of running
 * vnet networks by the hostname they sent in DHCP, like libnss_libvirt. It
 * reads the lease files (read-only, never the daemon) of the networks that
 * have <state>/running/NAME.json; <state> is /var/lib/vnet or, for tests and
 * non-setuid programs, $VNET_STATE_DIR. IPv4 only: vnet leases IPv4. */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <netdb.h>
#include <nss.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "lease/lease.h"

#define EXPORT __attribute__((visibility("default")))
#define MAX_ADDRS 16

struct match {
	const char *name; /* query without a trailing dot */
	size_t name_len;
	time_t now;
	struct in_addr addr[MAX_ADDRS];
	size_t n;
};

static const char *state_dir(void)
{
	const char *d = secure_getenv("VNET_STATE_DIR");

	return d && *d ? d : "/var/lib/vnet";
}

static int on_lease(void *ctx, const struct lease_rec *r)
{
	struct match *m = ctx;

	if (r->state != LEASE_BOUND || r->expires <= m->now || m->n >= MAX_ADDRS)
		return 0;
	if (strlen(r->hostname) != m->name_len || strncasecmp(r->hostname, m->name, m->name_len))
		return 0;
	for (size_t i = 0; i < m->n; i++)
		if (m->addr[i].s_addr == r->ip.s_addr)
			return 0;
	m->addr[m->n++] = r->ip;
	return 0;
}

/* Every running network's leases; -errno if the state dir is unreadable. */
static int collect(struct match *m)
{
	char path[4096], net[256];
	struct lease_store_stats st;
	struct dirent *de;
	DIR *d;

	snprintf(path, sizeof(path), "%s/running", state_dir());
	d = opendir(path);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);

		if (de->d_name[0] == '.' || len <= 5 || len - 5 >= sizeof(net) ||
		    strcmp(de->d_name + len - 5, ".json"))
			continue;
		snprintf(net, sizeof(net), "%.*s", (int)(len - 5), de->d_name);
		snprintf(path, sizeof(path), "%s/leases/%s.leases", state_dir(), net);
		lease_store_load(path, on_lease, m, &st); /* unreadable: no names from it */
	}
	closedir(d);
	return 0;
}

/* The lookup shared by every entry point; fills m->addr. */
static enum nss_status lookup(const char *name, struct match *m, int *errnop, int *herrnop)
{
	size_t len = strlen(name);
	int ret;

	if (len && name[len - 1] == '.')
		len--;
	*m = (struct match){ .name = name, .name_len = len, .now = time(NULL) };
	if (!lease_hostname_valid(name, len)) {
		*errnop = ENOENT; /* no lease can carry such a name */
		*herrnop = HOST_NOT_FOUND;
		return NSS_STATUS_NOTFOUND;
	}
	ret = collect(m);
	if (ret < 0) {
		*errnop = -ret;
		*herrnop = NO_RECOVERY;
		return NSS_STATUS_UNAVAIL;
	}
	if (!m->n) {
		*errnop = ENOENT;
		*herrnop = HOST_NOT_FOUND;
		return NSS_STATUS_NOTFOUND;
	}
	return NSS_STATUS_SUCCESS;
}

/* Carve n bytes aligned for pointers out of the caller's buffer. */
static void *carve(char **buf, size_t *left, size_t n)
{
	uintptr_t p = (uintptr_t)*buf, pad = (sizeof(void *) - p % sizeof(void *)) % sizeof(void *);
	void *r;

	if (*left < pad + n)
		return NULL;
	r = *buf + pad;
	*buf += pad + n;
	*left -= pad + n;
	return r;
}

static enum nss_status too_small(int *errnop, int *herrnop)
{
	*errnop = ERANGE;
	*herrnop = NETDB_INTERNAL;
	return NSS_STATUS_TRYAGAIN;
}

EXPORT enum nss_status _nss_vnet_gethostbyname4_r(const char *name, struct gaih_addrtuple **pat,
						  char *buffer, size_t buflen, int *errnop,
						  int *herrnop, int32_t *ttlp)
{
	struct gaih_addrtuple *prev = NULL, *t;
	struct match m;
	enum nss_status st = lookup(name, &m, errnop, herrnop);
	char *hname;

	if (st != NSS_STATUS_SUCCESS)
		return st;
	hname = carve(&buffer, &buflen, m.name_len + 1);
	if (!hname)
		return too_small(errnop, herrnop);
	memcpy(hname, name, m.name_len);
	hname[m.name_len] = '\0';
	for (size_t i = 0; i < m.n; i++) {
		t = carve(&buffer, &buflen, sizeof(*t));
		if (!t)
			return too_small(errnop, herrnop);
		*t = (struct gaih_addrtuple){ .name = i ? NULL : hname, .family = AF_INET };
		memcpy(t->addr, &m.addr[i], sizeof(m.addr[i]));
		if (prev)
			prev->next = t;
		else
			*pat = t;
		prev = t;
	}
	if (ttlp)
		*ttlp = 0; /* names follow leases */
	return NSS_STATUS_SUCCESS;
}

/* Lay out a hostent in the caller's buffer: name, no aliases, the addresses. */
static enum nss_status fill_hostent(const struct match *m, struct hostent *h, char *buf,
				    size_t left, int *errnop, int *herrnop)
{
	char *hname = carve(&buf, &left, m->name_len + 1);
	char **aliases = carve(&buf, &left, sizeof(char *));
	char **list = carve(&buf, &left, (m->n + 1) * sizeof(char *));
	struct in_addr *addrs = carve(&buf, &left, m->n * sizeof(struct in_addr));

	if (!hname || !aliases || !list || !addrs)
		return too_small(errnop, herrnop);
	memcpy(hname, m->name, m->name_len);
	hname[m->name_len] = '\0';
	aliases[0] = NULL;
	for (size_t i = 0; i < m->n; i++) {
		addrs[i] = m->addr[i];
		list[i] = (char *)&addrs[i];
	}
	list[m->n] = NULL;
	*h = (struct hostent){ .h_name = hname, .h_aliases = aliases, .h_addrtype = AF_INET,
			       .h_length = sizeof(struct in_addr), .h_addr_list = list };
	return NSS_STATUS_SUCCESS;
}

EXPORT enum nss_status _nss_vnet_gethostbyname3_r(const char *name, int af, struct hostent *host,
						  char *buffer, size_t buflen, int *errnop,
						  int *herrnop, int32_t *ttlp, char **canonp)
{
	struct match m;
	enum nss_status st;

	if (af != AF_INET && af != AF_INET6) {
		*errnop = EAFNOSUPPORT;
		*herrnop = NO_DATA;
		return NSS_STATUS_UNAVAIL;
	}
	st = lookup(name, &m, errnop, herrnop);
	if (st != NSS_STATUS_SUCCESS)
		return st;
	if (af == AF_INET6) { /* the name exists, but has no IPv6 address */
		*errnop = ENOENT;
		*herrnop = NO_DATA;
		return NSS_STATUS_NOTFOUND;
	}
	st = fill_hostent(&m, host, buffer, buflen, errnop, herrnop);
	if (st == NSS_STATUS_SUCCESS && ttlp)
		*ttlp = 0;
	if (st == NSS_STATUS_SUCCESS && canonp)
		*canonp = host->h_name;
	return st;
}

EXPORT enum nss_status _nss_vnet_gethostbyname2_r(const char *name, int af, struct hostent *host,
						  char *buffer, size_t buflen, int *errnop,
						  int *herrnop)
{
	return _nss_vnet_gethostbyname3_r(name, af, host, buffer, buflen, errnop, herrnop, NULL,
					  NULL);
}

EXPORT enum nss_status _nss_vnet_gethostbyname_r(const char *name, struct hostent *host,
						 char *buffer, size_t buflen, int *errnop,
						 int *herrnop)
{
	return _nss_vnet_gethostbyname3_r(name, AF_INET, host, buffer, buflen, errnop, herrnop,
					  NULL, NULL);
}
