/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "metrics_http.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"

static struct MHD_Daemon *mhd;
static struct netmgr *mgr;
static long mhd_timer;

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version, const char *upload,
				  size_t *upload_size, void **con_cls)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;
	char *text;
	unsigned status = MHD_HTTP_OK;

	if (strcmp(method, "GET") && strcmp(method, "HEAD")) {
		text = strdup("method not allowed\n");
		status = MHD_HTTP_METHOD_NOT_ALLOWED;
	} else if (!strcmp(url, "/metrics")) {
		text = metrics_render(mgr);
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
	mhd_timer = loop_add_timer(mgr->loop, t > 1000 ? 1000 : (unsigned)t, mhd_poll, NULL);
}

static void mhd_poll(void *data)
{
	mhd_timer = 0;
	MHD_run(mhd);
	mhd_schedule();
}

static void on_mhd_fd(int fd, uint32_t events, void *data)
{
	MHD_run(mhd);
}

int metrics_http_start(struct netmgr *m, const char *addr_port, char *err, size_t errlen)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	const union MHD_DaemonInfo *info;
	char host[64];
	const char *colon = strrchr(addr_port, ':');
	int port;

	if (!colon || (size_t)(colon - addr_port) >= sizeof(host) ||
	    (port = atoi(colon + 1)) <= 0 || port > 65535)
		return snprintf(err, errlen, "invalid metrics address '%s'", addr_port), -1;
	memcpy(host, addr_port, colon - addr_port);
	host[colon - addr_port] = '\0';
	if (inet_pton(AF_INET, host, &sa.sin_addr) != 1)
		return snprintf(err, errlen, "invalid metrics address '%s'", host), -1;
	sa.sin_port = htons(port);
	mgr = m;
	mhd = MHD_start_daemon(MHD_USE_EPOLL | MHD_USE_ERROR_LOG, port, NULL, NULL, on_request,
			       NULL, MHD_OPTION_SOCK_ADDR, &sa, MHD_OPTION_CONNECTION_LIMIT, 16u,
			       MHD_OPTION_CONNECTION_TIMEOUT, 5u,
			       MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)16384, MHD_OPTION_END);
	if (!mhd)
		return snprintf(err, errlen, "cannot listen on %s", addr_port), -1;
	info = MHD_get_daemon_info(mhd, MHD_DAEMON_INFO_EPOLL_FD);
	if (!info || loop_add_fd(m->loop, info->epoll_fd, EPOLLIN, on_mhd_fd, NULL)) {
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
		loop_cancel_timer(mgr->loop, mhd_timer);
	loop_del_fd(mgr->loop, MHD_get_daemon_info(mhd, MHD_DAEMON_INFO_EPOLL_FD)->epoll_fd);
	MHD_stop_daemon(mhd);
	mhd = NULL;
}
