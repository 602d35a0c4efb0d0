/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The public interface of ctl/vnetd/tftp_service/ (one header per folder). */
#ifndef VNET_TFTP_SERVICE_TFTP_SERVICE_H
#define VNET_TFTP_SERVICE_TFTP_SERVICE_H

#include <netinet/in.h>
#include <stddef.h>

#include "core/core.h"
#include "tftp/tftp.h"

/* ---- tftp_service ---- */
/* A network's read-only TFTP server (<ip><tftp root=/>): lib/tftp's core on
 * one UDP socket on the gateway's port 69, files opened beneath the root
 * directory's descriptor only (openat2 RESOLVE_BENEATH: no "..", no
 * absolute symlink, no mount crossing out of it). In vnetd the core opens
 * both descriptors and the service child serves (privsep.h). */
struct tftp_service;

/* UDP on ip:69 (CAP_NET_BIND_SERVICE) and the root directory (O_PATH).
 * 0, or -errno with err. */
int tftp_service_sockets(struct in_addr ip, const char *root, int *udp_fd, int *root_fd,
			 char *err, size_t errlen);
/* Serve on those descriptors (owned from now on). NULL + err on error. */
struct tftp_service *tftp_service_start_on(struct loop *loop, const char *net, int udp_fd,
					   int root_fd, char *err, size_t errlen);
void tftp_service_stop(struct tftp_service *t); /* NULL accepted */
void tftp_service_counters(const struct tftp_service *t, struct tftp_counters *c);

#endif
