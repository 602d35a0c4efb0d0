// SPDX-License-Identifier: GPL-2.0-or-later
/* The bpf_links vnetd attached (tcx, XDP), held open while it runs. A
 * link's pin under the pin dir keeps it across a restart, but it is also
 * its only other reference: without a descriptor of the daemon's, removing
 * the pins (rm -rf of the pin dir, bpffs remounted) would detach every
 * port's program. With one, the programs stay (as tc filters always did)
 * and dp_repin pins each link again. A hash by pin path: port-add and
 * port-del stay O(1) in the number of ports. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "dp_priv.h"

#define LINK_BUCKETS 1024

struct held_link {
	struct held_link *next;
	int fd;
	char path[];
};

static struct held_link *buckets[LINK_BUCKETS];

static struct held_link **slot(const char *path)
{
	unsigned h = 2166136261u;	/* FNV-1a */

	for (const char *c = path; *c; c++)
		h = (h ^ (unsigned char)*c) * 16777619u;
	return &buckets[h % LINK_BUCKETS];
}

void dp_link_drop(const char *path)
{
	for (struct held_link **p = slot(path); *p; p = &(*p)->next) {
		if (strcmp((*p)->path, path))
			continue;
		struct held_link *l = *p;

		*p = l->next;
		close(l->fd);
		free(l);
		return;
	}
}

void dp_link_hold(const char *path, int fd)
{
	size_t n = strlen(path) + 1;
	struct held_link *l;
	int dfd = fcntl(fd, F_DUPFD_CLOEXEC, 0);

	if (dfd < 0)
		return;
	dp_link_drop(path);
	l = malloc(sizeof(*l) + n);
	if (!l) {
		close(dfd);
		return;
	}
	memcpy(l->path, path, n);
	l->fd = dfd;
	l->next = *slot(path);
	*slot(path) = l;
}

/* A held link whose pin is gone: pinned again, so that what follows
 * (update in place, detach) finds it by its pin as usual. */
void dp_link_restore(const char *path)
{
	for (struct held_link *l = *slot(path); l; l = l->next)
		if (!strcmp(l->path, path)) {
			if (access(path, F_OK) && errno == ENOENT)
				bpf_obj_pin(l->fd, path);
			return;
		}
}

static int under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	return !strncmp(path, dir, n) && path[n] == '/';
}

int dp_links_repin(const char *pin_dir, int *failed)
{
	int n = 0;

	for (int i = 0; i < LINK_BUCKETS; i++)
		for (struct held_link *l = buckets[i]; l; l = l->next) {
			if (!under(l->path, pin_dir) || access(l->path, F_OK) == 0 ||
			    errno != ENOENT)
				continue;
			if (bpf_obj_pin(l->fd, l->path))
				(*failed)++;
			else
				n++;
		}
	return n;
}

void dp_links_release(const char *pin_dir)
{
	for (int i = 0; i < LINK_BUCKETS; i++)
		for (struct held_link **p = &buckets[i]; *p;) {
			struct held_link *l = *p;

			if (!under(l->path, pin_dir)) {
				p = &l->next;
				continue;
			}
			*p = l->next;
			close(l->fd);
			free(l);
		}
}
