/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The public interface of ctl/vnetd/metrics_http/ (one header per folder). */
#ifndef VNET_METRICS_HTTP_METRICS_HTTP_H
#define VNET_METRICS_HTTP_METRICS_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "core/core.h"

/* ---- metrics_http ---- */
/* Prometheus endpoint: libmicrohttpd in external-epoll mode, run from the
 * service child's loop (privsep_child.c). The text itself is rendered by
 * the core, which holds the state: a request asks for it (fetch) and is
 * suspended until the answer (metrics_http_answer) or a deadline. */
/* Connections to the endpoint: accepted; closed for not sending a whole
 * request head in time; evicted by a newer connection over a cap; refused
 * (over a cap with nothing to evict); open now. */
struct metrics_http_counters {
	uint64_t accepted, header_timeout, evicted, refused, open;
};

/* Ask for the text of request req_id; the answer comes back through
 * metrics_http_answer (or never: the request then gets a 503). */
typedef void (*metrics_http_fetch_fn)(void *ctx, uint32_t req_id);

/* Serve on listen_fd (bound and listening; owned from now on). */
int metrics_http_start(struct loop *loop, int listen_fd, metrics_http_fetch_fn fetch, void *ctx,
		       char *err, size_t errlen);
void metrics_http_stop(void);
/* text: malloc'ed, taken over; NULL: the core could not render. */
void metrics_http_answer(uint32_t req_id, char *text);
void metrics_http_get_counters(struct metrics_http_counters *out);

/* The core: the listening socket for "ADDR:PORT"; -1 + err. */
int metrics_http_listen(const char *addr_port, char *err, size_t errlen);

#endif
