/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The Prometheus endpoint: libmicrohttpd in external-epoll mode, run from
 * the daemon's loop, so nothing here blocks and the renderer reads state on
 * the loop's thread.
 *
 * Slow clients (issue 16.11). libmicrohttpd's connection timeout is an idle
 * timeout: a client that sends one header line every few seconds stays
 * forever, and its per-IP limit refuses the *newest* connection, which on a
 * loopback listener shared with Prometheus is the scraper. So vnetd tracks
 * every connection itself: a connection must deliver its whole request head
 * within METRICS_HEAD_DEADLINE_MS of opening (or of its previous answer,
 * with keep-alive); a source holds at most METRICS_PER_SOURCE_MAX
 * connections and all sources METRICS_TOTAL_MAX; a connection over a cap
 * evicts the oldest connection that has not finished its request head.
 * Closing is shutdown(2) on the socket: libmicrohttpd sees EOF and cleans up
 * as for any client that went away.
 *
 * This runs in the service child, which holds no state worth exporting: a
 * GET /metrics is suspended, the core is asked for the text (fetch) and the
 * request resumes with its answer, or with 503 after METRICS_FETCH_MS. */
#include "metrics_http.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <errno.h>
#include <unistd.h>

#include "core/core.h"

#define METRICS_HEAD_DEADLINE_MS 2000
#define METRICS_PER_SOURCE_MAX 8
#define METRICS_TOTAL_MAX 32
#define METRICS_MHD_LIMIT 64 /* backstop; our caps keep below it */
#define METRICS_POLL_MS 250  /* deadline check while connections are open */
#define METRICS_FETCH_MS 3000 /* the core's answer, or 503 */

struct mconn {
	struct mconn *next;
	int fd;
	struct in_addr src;
	uint64_t deadline_ms; /* 0: a request is being answered */
	int closing;
};

/* A GET /metrics waiting for the core's text. */
struct mreq {
	struct mreq *next;
	struct MHD_Connection *conn;
	uint32_t id;
	uint64_t deadline_ms;
	int answered;
	char *text;
};

static struct MHD_Daemon *mhd;
static struct loop *mloop;
static metrics_http_fetch_fn fetch_fn;
static void *fetch_ctx;
static struct mreq *reqs;
static uint32_t next_req_id;
static long mhd_timer;
static struct mconn *conns; /* oldest first */
static struct metrics_http_counters ctr;

static void drop_conn(struct mconn *c, uint64_t *counter)
{
	shutdown(c->fd, SHUT_RDWR);
	c->closing = 1;
	(*counter)++;
}

/* The oldest connection other than n still sending its request head;
 * src NULL: from any source. */
static struct mconn *oldest_in_head(const struct mconn *n, const struct in_addr *src)
{
	for (struct mconn *c = conns; c; c = c->next)
		if (c != n && !c->closing && c->deadline_ms &&
		    (!src || c->src.s_addr == src->s_addr))
			return c;
	return NULL;
}

/* Make room for n (already in the list) under both caps. */
static void admit(struct mconn *n)
{
	unsigned same = 0, all = 0;
	struct mconn *v;

	for (struct mconn *c = conns; c; c = c->next) {
		if (c->closing || c == n)
			continue;
		all++;
		same += c->src.s_addr == n->src.s_addr;
	}
	if (same >= METRICS_PER_SOURCE_MAX) {
		v = oldest_in_head(n, &n->src);
		drop_conn(v ? v : n, v ? &ctr.evicted : &ctr.refused);
		if (!v)
			return;
		all--;
	}
	if (all >= METRICS_TOTAL_MAX) {
		v = oldest_in_head(n, NULL);
		drop_conn(v ? v : n, v ? &ctr.evicted : &ctr.refused);
	}
}

static void conn_started(struct MHD_Connection *mc, void **ctx)
{
	const union MHD_ConnectionInfo *fd = MHD_get_connection_info(mc,
			MHD_CONNECTION_INFO_CONNECTION_FD);
	const union MHD_ConnectionInfo *ca = MHD_get_connection_info(mc,
			MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	struct mconn *c = calloc(1, sizeof(*c)), **pp;

	*ctx = c;
	if (!c)
		return; /* untracked: the idle timeout still applies */
	c->fd = fd ? fd->connect_fd : -1;
	if (ca && ca->client_addr && ca->client_addr->sa_family == AF_INET)
		c->src = ((const struct sockaddr_in *)ca->client_addr)->sin_addr;
	c->deadline_ms = loop_now_ms() + METRICS_HEAD_DEADLINE_MS;
	for (pp = &conns; *pp; pp = &(*pp)->next)
		;
	*pp = c;
	ctr.accepted++;
	if (c->fd >= 0)
		admit(c);
}

static void on_notify(void *cls, struct MHD_Connection *mc, void **ctx,
		      enum MHD_ConnectionNotificationCode code)
{
	struct mconn *c = *ctx, **pp;

	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		conn_started(mc, ctx);
		return;
	}
	if (!c)
		return;
	for (pp = &conns; *pp && *pp != c; pp = &(*pp)->next)
		;
	if (*pp)
		*pp = c->next;
	free(c);
	*ctx = NULL;
}

static struct mconn *conn_of(struct MHD_Connection *mc)
{
	const union MHD_ConnectionInfo *i = MHD_get_connection_info(mc,
			MHD_CONNECTION_INFO_SOCKET_CONTEXT);

	return i ? i->socket_context : NULL;
}

static void req_free(struct mreq *r)
{
	struct mreq **pp;

	for (pp = &reqs; *pp && *pp != r; pp = &(*pp)->next)
		;
	if (*pp)
		*pp = r->next;
	free(r->text);
	free(r);
}

/* A request is answered: the next one on this connection (keep-alive) gets
 * a fresh deadline for its head. */
static void on_completed(void *cls, struct MHD_Connection *mc, void **req_ctx,
			 enum MHD_RequestTerminationCode toe)
{
	struct mconn *c = conn_of(mc);

	if (*req_ctx)
		req_free(*req_ctx);
	*req_ctx = NULL;
	if (c)
		c->deadline_ms = loop_now_ms() + METRICS_HEAD_DEADLINE_MS;
}

static void req_resume(struct mreq *r, char *text)
{
	r->answered = 1;
	r->text = text;
	MHD_resume_connection(r->conn);
}

static void check_deadlines(void)
{
	uint64_t now = loop_now_ms();

	for (struct mconn *c = conns; c; c = c->next)
		if (!c->closing && c->deadline_ms && now >= c->deadline_ms)
			drop_conn(c, &ctr.header_timeout);
	for (struct mreq *r = reqs; r; r = r->next)
		if (!r->answered && now >= r->deadline_ms)
			req_resume(r, NULL);
}

/* First call: suspend and ask the core; after the answer: respond. */
static enum MHD_Result metrics_get(struct MHD_Connection *conn, void **con_cls, char **text,
				   unsigned *status)
{
	struct mreq *r = *con_cls;

	if (!r) {
		r = calloc(1, sizeof(*r));
		if (!r)
			return MHD_NO;
		r->conn = conn;
		r->id = ++next_req_id;
		r->deadline_ms = loop_now_ms() + METRICS_FETCH_MS;
		r->next = reqs;
		reqs = r;
		*con_cls = r;
		MHD_suspend_connection(conn);
		fetch_fn(fetch_ctx, r->id);
		return MHD_YES;
	}
	*text = r->text;
	r->text = NULL;
	if (!*text) {
		*text = strdup("metrics unavailable: the daemon did not answer\n");
		*status = MHD_HTTP_SERVICE_UNAVAILABLE;
	}
	return MHD_YES;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version, const char *upload,
				  size_t *upload_size, void **con_cls)
{
	struct mconn *c = conn_of(conn);
	struct MHD_Response *resp;
	enum MHD_Result ret;
	char *text = NULL;
	unsigned status = MHD_HTTP_OK;

	if (c)
		c->deadline_ms = 0; /* the head is complete */
	if (strcmp(method, "GET") && strcmp(method, "HEAD")) {
		text = strdup("method not allowed\n");
		status = MHD_HTTP_METHOD_NOT_ALLOWED;
	} else if (!strcmp(url, "/metrics")) {
		if (metrics_get(conn, con_cls, &text, &status) == MHD_NO)
			return MHD_NO;
		if (!text && !((struct mreq *)*con_cls)->answered)
			return MHD_YES; /* suspended until the core answers */
	} else {
		text = strdup("not found; try /metrics\n");
		status = MHD_HTTP_NOT_FOUND;
	}
	if (!text)
		return MHD_NO;
	resp = MHD_create_response_from_buffer(strlen(text), text, MHD_RESPMEM_MUST_FREE);
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(resp, "Allow", "GET, HEAD");
	MHD_add_response_header(resp, "Content-Type", "text/plain; version=0.0.4; charset=utf-8");
	ret = MHD_queue_response(conn, status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static void mhd_poll(void *data);

static void mhd_schedule(void)
{
	MHD_UNSIGNED_LONG_LONG t = 1000;

	MHD_get_timeout(mhd, &t);
	if (t > 1000)
		t = 1000;
	if ((conns || reqs) && t > METRICS_POLL_MS)
		t = METRICS_POLL_MS;
	mhd_timer = loop_add_timer(mloop, (unsigned)t, mhd_poll, NULL);
}

static void mhd_poll(void *data)
{
	mhd_timer = 0;
	check_deadlines();
	MHD_run(mhd);
	mhd_schedule();
}

static void on_mhd_fd(int fd, uint32_t events, void *data)
{
	int had = conns != NULL;

	MHD_run(mhd);
	/* a first connection: poll its deadline sooner than MHD's timeout */
	if (!had && conns && mhd_timer) {
		loop_cancel_timer(mloop, mhd_timer);
		mhd_schedule();
	}
}

void metrics_http_answer(uint32_t req_id, char *text)
{
	for (struct mreq *r = reqs; r; r = r->next) {
		if (r->id == req_id && !r->answered) {
			req_resume(r, text);
			MHD_run(mhd);
			return;
		}
	}
	free(text); /* timed out meanwhile */
}

static int parse_addr(const char *addr_port, struct sockaddr_in *sa, char *err, size_t errlen)
{
	const char *colon = strrchr(addr_port, ':');
	char host[64];
	int port;

	if (!colon || (size_t)(colon - addr_port) >= sizeof(host) ||
	    (port = atoi(colon + 1)) <= 0 || port > 65535)
		return snprintf(err, errlen, "invalid metrics address '%s'", addr_port), -1;
	memcpy(host, addr_port, colon - addr_port);
	host[colon - addr_port] = '\0';
	if (inet_pton(AF_INET, host, &sa->sin_addr) != 1)
		return snprintf(err, errlen, "invalid metrics address '%s'", host), -1;
	sa->sin_family = AF_INET;
	sa->sin_port = htons(port);
	return 0;
}

int metrics_http_listen(const char *addr_port, char *err, size_t errlen)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	int one = 1, fd;

	if (parse_addr(addr_port, &sa, err, errlen))
		return -1;
	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 64)) {
		snprintf(err, errlen, "cannot listen on %s: %s", addr_port, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

int metrics_http_start(struct loop *loop, int listen_fd, metrics_http_fetch_fn fetch, void *ctx,
		       char *err, size_t errlen)
{
	const union MHD_DaemonInfo *info;

	mloop = loop;
	fetch_fn = fetch;
	fetch_ctx = ctx;
	mhd = MHD_start_daemon(MHD_USE_EPOLL | MHD_USE_ERROR_LOG | MHD_ALLOW_SUSPEND_RESUME, 0,
			       NULL, NULL, on_request, NULL, MHD_OPTION_LISTEN_SOCKET, listen_fd,
			       MHD_OPTION_CONNECTION_LIMIT, (unsigned)METRICS_MHD_LIMIT,
			       MHD_OPTION_CONNECTION_TIMEOUT, 5u,
			       MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)16384,
			       MHD_OPTION_NOTIFY_CONNECTION, on_notify, NULL,
			       MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL, MHD_OPTION_END);
	if (!mhd) {
		close(listen_fd);
		return snprintf(err, errlen, "cannot start the metrics server"), -1;
	}
	info = MHD_get_daemon_info(mhd, MHD_DAEMON_INFO_EPOLL_FD);
	if (!info || loop_add_fd(loop, info->epoll_fd, EPOLLIN, on_mhd_fd, NULL)) {
		MHD_stop_daemon(mhd);
		mhd = NULL;
		return snprintf(err, errlen, "cannot poll the metrics server"), -1;
	}
	mhd_schedule();
	return 0;
}

void metrics_http_stop(void)
{
	if (!mhd)
		return;
	if (mhd_timer)
		loop_cancel_timer(mloop, mhd_timer);
	/* MHD refuses to stop with suspended connections */
	for (struct mreq *r = reqs; r; r = r->next)
		if (!r->answered)
			req_resume(r, NULL);
	MHD_run(mhd);
	loop_del_fd(mloop, MHD_get_daemon_info(mhd, MHD_DAEMON_INFO_EPOLL_FD)->epoll_fd);
	MHD_stop_daemon(mhd); /* closes every connection: on_notify frees them */
	mhd = NULL;
}

void metrics_http_get_counters(struct metrics_http_counters *out)
{
	*out = ctr;
	out->open = 0;
	for (struct mconn *c = conns; c; c = c->next)
		out->open++;
}
