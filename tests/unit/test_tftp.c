/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for lib/tftp: the read-only TFTP server core, with files in
 * memory and the packets it sends captured. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "tftp/tftp.h"

/* ---- an in-memory root: "boot/pxe.0" and "big", opened handles counted */
static uint8_t big[70000 * 8 + 3];
static uint8_t pxe[1300];
static int opened;

static int mem_open(void *ctx, const char *name, uint64_t *size)
{
	(void)ctx;
	if (!strcmp(name, "boot/pxe.0"))
		*size = sizeof(pxe);
	else if (!strcmp(name, "big"))
		*size = sizeof(big);
	else if (!strcmp(name, "exact"))
		*size = 1024;
	else
		return -ENOENT;
	opened++;
	return !strcmp(name, "big") ? 2 : 1;
}

static ssize_t mem_read(void *ctx, int h, uint64_t off, void *buf, size_t n)
{
	const uint8_t *f = h == 2 ? big : pxe;
	uint64_t size = h == 2 ? sizeof(big) : sizeof(pxe);

	(void)ctx;
	if (off >= size)
		return 0;
	if (n > size - off)
		n = (size_t)(size - off);
	memcpy(buf, f + off, n);
	return (ssize_t)n;
}

static void mem_close(void *ctx, int h)
{
	(void)ctx;
	(void)h;
	opened--;
}

/* ---- what the server sent */
static uint8_t last[TFTP_PKT_MAX + 64];
static size_t last_len;
static int n_sent;

static void capture(void *ctx, const struct sockaddr_in *to, const void *pkt, size_t len)
{
	(void)ctx;
	(void)to;
	assert_true(len <= sizeof(last));
	memcpy(last, pkt, len);
	last_len = len;
	n_sent++;
}

static const struct tftp_file_ops ops = { mem_open, mem_read, mem_close, NULL };

static struct sockaddr_in peer(unsigned ip, unsigned port)
{
	struct sockaddr_in a = { .sin_family = AF_INET };

	a.sin_addr.s_addr = htonl(ip);
	a.sin_port = htons(port);
	return a;
}

/* RRQ with NUL-separated name, mode and options given as one string with
 * '|' for NUL. */
static size_t rrq(uint8_t *buf, unsigned op, const char *body)
{
	size_t n = strlen(body);

	buf[0] = 0;
	buf[1] = (uint8_t)op;
	memcpy(buf + 2, body, n);
	for (size_t i = 0; i < n; i++)
		if (buf[2 + i] == '|')
			buf[2 + i] = 0;
	return 2 + n;
}

static void ack(struct tftp_server *s, uint64_t now, const struct sockaddr_in *p, unsigned b)
{
	uint8_t a[4] = { 0, TFTP_ACK, (uint8_t)(b >> 8), (uint8_t)b };

	tftp_input(s, now, p, a, sizeof(a));
}

static unsigned op_of(void) { return (unsigned)last[0] << 8 | last[1]; }
static unsigned blk_of(void) { return (unsigned)last[2] << 8 | last[3]; }

static int setup(void **state)
{
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)(i * 7 + (i >> 8));
	for (size_t i = 0; i < sizeof(pxe); i++)
		pxe[i] = (uint8_t)(i ^ 0x5a);
	*state = tftp_server_new(&ops, capture, NULL);
	n_sent = 0;
	opened = 0;
	return *state ? 0 : -1;
}

static int teardown(void **state)
{
	tftp_server_free(*state);
	assert_int_equal(opened, 0); /* every handle closed */
	return 0;
}

static void test_names(void **state)
{
	char out[300];

	(void)state;
	assert_int_equal(tftp_name_ok("pxelinux.0", out, sizeof(out)), 0);
	assert_string_equal(out, "pxelinux.0");
	assert_int_equal(tftp_name_ok("//boot/pxe.0", out, sizeof(out)), 0);
	assert_string_equal(out, "boot/pxe.0");
	assert_int_equal(tftp_name_ok("a/.hidden", out, sizeof(out)), 0);
	const char *bad[] = { "", "/", "..", "../etc/passwd", "a/../../b", "a//b", "a/./b",
			      "a/", "a\\..\\b", "sp ace", "tab\t", "\x80x", "a/.." };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(tftp_name_ok(bad[i], out, sizeof(out)), -EACCES);
	char longname[300];
	memset(longname, 'a', 299);
	longname[299] = 0;
	assert_int_equal(tftp_name_ok(longname, out, sizeof(out)), -EACCES);
}

/* No options: DATA 1 straight away, 512-byte blocks, a short last one. */
static void test_plain_transfer(void **state)
{
	struct tftp_server *s = *state;
	struct sockaddr_in p = peer(0x0a000002, 2000);
	uint8_t buf[64], got[sizeof(pxe)];
	size_t at = 0;
	struct tftp_counters c;

	tftp_input(s, 0, &p, buf, rrq(buf, TFTP_RRQ, "/boot/pxe.0|octet|"));
	for (unsigned b = 1;; b++) {
		assert_int_equal(op_of(), TFTP_DATA);
		assert_int_equal(blk_of(), b);
		memcpy(got + at, last + 4, last_len - 4);
		at += last_len - 4;
		int done = last_len - 4 < 512;

		ack(s, b, &p, b);
		if (done)
			break;
	}
	assert_int_equal(at, sizeof(pxe));
	assert_memory_equal(got, pxe, sizeof(pxe));
	assert_int_equal(tftp_sessions(s), 0);
	tftp_get_counters(s, &c);
	assert_int_equal(c.requests, 1);
	assert_int_equal(c.completed, 1);
	assert_int_equal(c.bytes, sizeof(pxe));
}

/* A file of whole blocks ends with an empty DATA. */
static void test_exact_multiple(void **state)
{
	struct tftp_server *s = *state;
	struct sockaddr_in p = peer(0x0a000002, 2001);
	uint8_t buf[64];

	tftp_input(s, 0, &p, buf, rrq(buf, TFTP_RRQ, "exact|octet|"));
	assert_int_equal(last_len, 516);
	ack(s, 1, &p, 1);
	assert_int_equal(last_len, 516);
	ack(s, 2, &p, 2);
	assert_int_equal(blk_of(), 3);
	assert_int_equal(last_len, 4);
	ack(s, 3, &p, 3);
	assert_int_equal(tftp_sessions(s), 0);
}

/* blksize and tsize: an OACK with the capped size and the file size; ACK 0
 * starts the data in blocks of that size. */
static void test_options(void **state)
{
	struct tftp_server *s = *state;
	struct sockaddr_in p = peer(0x0a000002, 2002);
	uint8_t buf[128];
	static const char want[] = "blksize\0" "1468\0" "tsize\0" "1300\0" "timeout\0" "3";

	tftp_input(s, 0, &p, buf,
		   rrq(buf, TFTP_RRQ, "boot/pxe.0|netascii|BLKSIZE|9000|tsize|0|timeout|3|x|y|"));
	assert_int_equal(op_of(), TFTP_OACK);
	assert_int_equal(last_len, 2 + sizeof(want));
	assert_memory_equal(last + 2, want, sizeof(want));
	/* the OACK is resent after the negotiated timeout, not before */
	n_sent = 0;
	assert_true(tftp_tick(s, 2999) > 0);
	assert_int_equal(n_sent, 0);
	tftp_tick(s, 3000);
	assert_int_equal(n_sent, 1);
	ack(s, 3001, &p, 0);
	assert_int_equal(op_of(), TFTP_DATA);
	assert_int_equal(blk_of(), 1);
	assert_int_equal(last_len, 4 + 1300);
	assert_memory_equal(last + 4, pxe, 1300);
	ack(s, 3002, &p, 1);
	assert_int_equal(tftp_sessions(s), 0);
}

static void test_refusals(void **state)
{
	struct tftp_server *s = *state;
	struct sockaddr_in p = peer(0x0a000002, 2003);
	uint8_t buf[64];
	struct tftp_counters c;

	tftp_input(s, 0, &p, buf, rrq(buf, TFTP_WRQ, "boot/pxe.0|octet|"));
	assert_int_equal(op_of(), TFTP_ERROR);
	assert_int_equal(blk_of(), TFTP_E_ACCESS);
	tftp_input(s, 0, &p, buf, rrq(buf, TFTP_RRQ, "../boot/pxe.0|octet|"));
	assert_int_equal(blk_of(), TFTP_E_ACCESS);
	tftp_input(s, 0, &p, buf, rrq(buf, TFTP_RRQ, "nothere|octet|"));
	assert_int_equal(blk_of(), TFTP_E_NOT_FOUND);
	tftp_input(s, 0, &p, buf, rrq(buf, TFTP_RRQ, "boot/pxe.0|mail|"));
	assert_int_equal(blk_of(), TFTP_E_ILLEGAL);
	tftp_input(s, 0, &p, buf, rrq(buf, TFTP_RRQ, "boot/pxe.0|octet"));
	assert_int_equal(blk_of(), TFTP_E_ILLEGAL); /* mode not terminated */
	assert_int_equal(tftp_sessions(s), 0);
	/* an ACK or DATA from an unknown TID is not answered (no reflection) */
	n_sent = 0;
	ack(s, 0, &p, 1);
	assert_int_equal(n_sent, 0);
	tftp_get_counters(s, &c);
	assert_int_equal(c.refused, 4);
}

/* Retransmission on the timer, a duplicate ACK ignored, the session
 * dropped after TFTP_RETRIES. */
static void test_retransmit_and_timeout(void **state)
{
	struct tftp_server *s = *state;
	struct sockaddr_in p = peer(0x0a000002, 2004);
	uint8_t buf[64];
	struct tftp_counters c;
	uint64_t now = 0;

	tftp_input(s, now, &p, buf, rrq(buf, TFTP_RRQ, "boot/pxe.0|octet|"));
	ack(s, now, &p, 1);
	assert_int_equal(blk_of(), 2);
	n_sent = 0;
	ack(s, now, &p, 1); /* duplicate: Sorcerer's Apprentice */
	assert_int_equal(n_sent, 0);
	for (int i = 0; i < TFTP_RETRIES; i++) {
		now += TFTP_TIMEOUT_MS;
		tftp_tick(s, now);
		assert_int_equal(blk_of(), 2);
	}
	assert_int_equal(n_sent, TFTP_RETRIES);
	now += TFTP_TIMEOUT_MS;
	assert_int_equal(tftp_tick(s, now), -1);
	assert_int_equal(tftp_sessions(s), 0);
	tftp_get_counters(s, &c);
	assert_int_equal(c.timeouts, 1);
}

/* A client address holds at most TFTP_MAX_PER_CLIENT sessions; the
 * server TFTP_MAX_SESSIONS. A retransmitted RRQ makes no second session. */
static void test_caps(void **state)
{
	struct tftp_server *s = *state;
	uint8_t buf[64];
	size_t n = rrq(buf, TFTP_RRQ, "boot/pxe.0|octet|");

	for (unsigned i = 0; i < TFTP_MAX_PER_CLIENT + 2; i++) {
		struct sockaddr_in p = peer(0x0a000002, 3000 + i);

		tftp_input(s, 0, &p, buf, n);
		tftp_input(s, 0, &p, buf, n);
	}
	assert_int_equal(tftp_sessions(s), TFTP_MAX_PER_CLIENT);
	assert_int_equal(op_of(), TFTP_ERROR);
	for (unsigned i = 0; i < TFTP_MAX_SESSIONS * 2; i++) {
		struct sockaddr_in p = peer(0x0a000100 + i, 4000);

		tftp_input(s, 0, &p, buf, n);
	}
	assert_int_equal(tftp_sessions(s), TFTP_MAX_SESSIONS);
}

/* Past block 65535 the wire number wraps to 0; the data stays right. */
static void test_block_rollover(void **state)
{
	struct tftp_server *s = *state;
	struct sockaddr_in p = peer(0x0a000002, 2005);
	uint8_t buf[64];
	uint32_t b = 0;

	tftp_input(s, 0, &p, buf, rrq(buf, TFTP_RRQ, "big|octet|blksize|8|"));
	assert_int_equal(op_of(), TFTP_OACK);
	ack(s, 0, &p, 0);
	while (tftp_sessions(s)) {
		b++;
		assert_int_equal(op_of(), TFTP_DATA);
		assert_int_equal(blk_of(), b & 0xffff);
		assert_memory_equal(last + 4, big + (uint64_t)(b - 1) * 8, last_len - 4);
		ack(s, 0, &p, b & 0xffff);
	}
	assert_int_equal(b, 70001);
	assert_int_equal(tftp_sessions(s), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test_setup_teardown(test_plain_transfer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_exact_multiple, setup, teardown),
		cmocka_unit_test_setup_teardown(test_options, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_retransmit_and_timeout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_caps, setup, teardown),
		cmocka_unit_test_setup_teardown(test_block_rollover, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
