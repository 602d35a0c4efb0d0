/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "dhcp.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/util.h"

int dhcp_lease_file_init(struct dhcp_lease_file *f, const char *path, const char *net)
{
	memset(f, 0, sizeof(*f));
	snprintf(f->net, sizeof(f->net), "%s", net);
	if (snprintf(f->path, sizeof(f->path), "%s", path) >= (int)sizeof(f->path))
		return -ENAMETOOLONG;
	return 0;
}

struct load_ctx {
	struct dhcp_lease_file *f;
	struct dhcp_pool *pool;
	int64_t now;
};

static int restore_cb(void *ctx, const struct lease_rec *r)
{
	struct load_ctx *l = ctx;
	int err = dhcp_pool_restore(l->pool, r, l->now);

	/* the definition changed under the file: the rest still loads */
	if (err < 0)
		log_warn("dhcp %s: lease for %s in %s dropped: %s", l->f->net, inet_ntoa(r->ip),
			 l->f->path, err == -EEXIST ? "duplicate" : "does not fit the network");
	return 0;
}

int dhcp_lease_file_load(struct dhcp_lease_file *f, struct dhcp_pool *p, int64_t now)
{
	struct load_ctx l = { f, p, now };
	struct lease_store_stats st;
	int r = lease_store_load(f->path, restore_cb, &l, &st);

	if (r < 0)
		return r;
	dhcp_pool_counters(p)->store_bad_lines += st.bad;
	if (st.bad)
		log_warn("dhcp %s: %s: %u bad line(s) skipped (first at line %u), %u kept", f->net,
			 f->path, st.bad, st.first_bad_line, st.loaded);
	return 0;
}

int dhcp_lease_file_save(struct dhcp_lease_file *f, struct dhcp_pool *p)
{
	size_t n = dhcp_pool_persist_count(p);
	/* the whole table every time: the file is replaced, never appended to */
	struct lease_rec *recs = calloc(n ? n : 1, sizeof(*recs));
	int r = -ENOMEM;

	if (recs)
		r = lease_store_save(f->path, recs, dhcp_pool_snapshot(p, recs, n));
	free(recs);
	/* Every failure is counted; only the first of a run is logged (a
	 * full disk retries every few seconds), and the recovery once. */
	if (r < 0) {
		dhcp_pool_counters(p)->store_errors++;
		f->retry_at = (int64_t)time(NULL) + DHCP_LEASE_RETRY_SECS;
		if (!f->unsaved)
			log_warn("dhcp %s: cannot write %s: %s (retrying)", f->net, f->path,
				 strerror(-r));
	} else if (f->unsaved) {
		log_info("dhcp %s: %s written again", f->net, f->path);
	}
	f->unsaved = r < 0;
	return r;
}

int dhcp_lease_file_retry_due(const struct dhcp_lease_file *f, int64_t now)
{
	return f->unsaved && now >= f->retry_at;
}
