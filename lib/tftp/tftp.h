/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The public interface of lib/tftp/ (one header per folder). */
#ifndef VNET_TFTP_TFTP_H
#define VNET_TFTP_TFTP_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* ---- tftp ---- */
/* A read-only TFTP server core (RFC 1350, options RFC 2347 with blksize
 * RFC 2348, tsize and timeout RFC 2349), for PXE guests of a network with
 * <tftp root>. Free of I/O: the caller hands in each datagram with the
 * time, reads files through tftp_file_ops, and sends what the core asks
 * for through the send callback; tftp_tick() retransmits and expires.
 *
 * One socket serves every transfer: sessions are told apart by the
 * client's address and port (its TID), and the server answers from port
 * 69 (clients take the server's TID from the first answer, RFC 1350 4.),
 * so a firewall -- or vnet's host-access check -- needs one port only.
 *
 * Hostile clients: names are checked before any file is opened (relative,
 * no "..", no empty or dot components, printable ASCII); the file ops
 * open beneath the root only (openat2 RESOLVE_BENEATH in the service);
 * sessions are capped in total and per client address; write requests
 * are refused. */
#define TFTP_PORT 69
#define TFTP_MAX_SESSIONS 64
#define TFTP_MAX_PER_CLIENT 4
#define TFTP_BLKSIZE_DEFAULT 512
#define TFTP_BLKSIZE_MIN 8
#define TFTP_BLKSIZE_MAX 1468	/* an Ethernet MTU's payload: 1500 - IPv4 - UDP - 4 */
#define TFTP_TIMEOUT_MS 1000	/* default retransmission interval */
#define TFTP_RETRIES 5		/* then the session is dropped */
#define TFTP_NAME_MAX 255
#define TFTP_PKT_MAX (4 + TFTP_BLKSIZE_MAX)

enum tftp_op { TFTP_RRQ = 1, TFTP_WRQ, TFTP_DATA, TFTP_ACK, TFTP_ERROR, TFTP_OACK };
enum tftp_err {
	TFTP_E_UNDEF = 0, TFTP_E_NOT_FOUND = 1, TFTP_E_ACCESS = 2, TFTP_E_DISK_FULL = 3,
	TFTP_E_ILLEGAL = 4, TFTP_E_UNKNOWN_TID = 5, TFTP_E_EXISTS = 6, TFTP_E_NO_USER = 7,
	TFTP_E_OPTION = 8,
};

/* Files, as the service opens them: open returns a handle (>= 0) and the
 * size, or -errno; read returns the bytes read at off (short only at the
 * end), or -errno. */
struct tftp_file_ops {
	int (*open)(void *ctx, const char *name, uint64_t *size);
	ssize_t (*read)(void *ctx, int h, uint64_t off, void *buf, size_t n);
	void (*close)(void *ctx, int h);
	void *ctx;
};

/* Where an answer goes. */
typedef void (*tftp_send_fn)(void *ctx, const struct sockaddr_in *to, const void *pkt,
			     size_t len);

struct tftp_counters {
	uint64_t requests;	/* RRQs accepted (a session started) */
	uint64_t completed;	/* the last block acknowledged */
	uint64_t refused;	/* bad name, not found, write request, limits */
	uint64_t timeouts;	/* sessions dropped after TFTP_RETRIES */
	uint64_t bad;		/* malformed datagrams, unknown TIDs */
	uint64_t bytes;		/* file bytes sent (first transmissions) */
};

struct tftp_server;

struct tftp_server *tftp_server_new(const struct tftp_file_ops *ops, tftp_send_fn send,
				    void *send_ctx);
void tftp_server_free(struct tftp_server *s);
/* A datagram from a client at now_ms. */
void tftp_input(struct tftp_server *s, uint64_t now_ms, const struct sockaddr_in *from,
		const void *pkt, size_t len);
/* Retransmit what is due and drop dead sessions; returns the ms until the
 * next thing is due (or -1: nothing pending). */
long tftp_tick(struct tftp_server *s, uint64_t now_ms);
unsigned tftp_sessions(const struct tftp_server *s);
void tftp_get_counters(const struct tftp_server *s, struct tftp_counters *out);

/* A requested name, checked and made relative to the root ("/boot/x" and
 * "boot/x" are the same file): 0, or -EACCES with nothing written. */
int tftp_name_ok(const char *in, char *out, size_t outlen);

#endif
