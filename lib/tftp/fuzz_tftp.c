/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fuzz the TFTP server core with a stream of datagrams from a few clients
 * and clock steps. Input: records of [client 1 byte][time step 1 byte]
 * [length 1 byte][datagram]. Invariants: no read out of bounds; every
 * packet sent is a DATA, OACK or ERROR of at most TFTP_PKT_MAX bytes; DATA
 * carries the file's bytes at its block's offset; sessions stay within the
 * caps; every handle opened is closed when the server is freed. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <arpa/inet.h>

#include "tftp.h"

static uint8_t file[5000];
static int opened;

static int f_open(void *ctx, const char *name, uint64_t *size)
{
	(void)ctx;
	if (strcmp(name, "f") && strcmp(name, "d/f"))
		return -ENOENT;
	*size = name[0] == 'f' ? sizeof(file) : 0;
	opened++;
	return name[0] == 'f' ? 1 : 2;
}

static ssize_t f_read(void *ctx, int h, uint64_t off, void *buf, size_t n)
{
	uint64_t size = h == 1 ? sizeof(file) : 0;

	(void)ctx;
	if (off >= size)
		return 0;
	if (n > size - off)
		n = (size_t)(size - off);
	memcpy(buf, file + off, n);
	return (ssize_t)n;
}

static void f_close(void *ctx, int h)
{
	(void)ctx;
	(void)h;
	opened--;
}

static void sent(void *ctx, const struct sockaddr_in *to, const void *pkt, size_t len)
{
	const uint8_t *p = pkt;
	unsigned op;

	(void)ctx;
	(void)to;
	if (len < 4 || len > TFTP_PKT_MAX)
		abort();
	op = (unsigned)p[0] << 8 | p[1];
	if (op != TFTP_DATA && op != TFTP_OACK && op != TFTP_ERROR)
		abort();
	if (op == TFTP_ERROR && p[len - 1] != 0)
		abort();
	if (op == TFTP_DATA && len > 4) {
		/* the data is the file's at some block boundary of a size the
		 * server may pick: find one that matches */
		int ok = 0;

		for (unsigned bs = TFTP_BLKSIZE_MIN; bs <= TFTP_BLKSIZE_MAX && !ok; bs++) {
			uint64_t off = (uint64_t)(((unsigned)p[2] << 8 | p[3]) - 1) * bs;

			if (len - 4 > bs)
				continue;
			if (off + (len - 4) <= sizeof(file) && !memcmp(file + off, p + 4, len - 4))
				ok = 1;
		}
		/* wrapped block numbers cannot be placed: accept those */
		if (!ok && ((unsigned)p[2] << 8 | p[3]) * (uint64_t)TFTP_BLKSIZE_MIN < sizeof(file))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct tftp_file_ops ops = { f_open, f_read, f_close, NULL };
	struct tftp_server *s;
	uint64_t now = 0;
	size_t at = 0;

	for (size_t i = 0; i < sizeof(file); i++)
		file[i] = (uint8_t)(i * 31 + 7);
	opened = 0;
	s = tftp_server_new(&ops, sent, NULL);
	if (!s)
		return 0;
	while (at + 3 <= size) {
		struct sockaddr_in from = { .sin_family = AF_INET };
		size_t len = data[at + 2];

		from.sin_addr.s_addr = htonl(0x0a000000u | (data[at] & 0x7));
		from.sin_port = htons(1000 + (data[at] >> 3));
		now += data[at + 1] * 50u;
		at += 3;
		if (len > size - at)
			len = size - at;
		tftp_input(s, now, &from, data + at, len);
		tftp_tick(s, now);
		at += len;
		if (tftp_sessions(s) > TFTP_MAX_SESSIONS || (unsigned)opened != tftp_sessions(s))
			abort();
	}
	tftp_server_free(s);
	if (opened)
		abort();
	return 0;
}
