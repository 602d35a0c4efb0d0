/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for the DHCPv6 lease file's journal (lib/dhcp6/dhcp6_lease.c,
 * dhcp6_pool_list.c over lib/lease/lease_journal.c): a save after the
 * first appends only the changed leases, a release, a decline and an
 * expiry are lines too, later lines win on load, a torn last line is
 * skipped, and the file is rewritten once the journal is as long as the
 * table. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "dhcp6/dhcp6.h"
#include "util/util.h"

static struct in6_addr a6(const char *s)
{
	struct in6_addr a;

	assert_int_equal(inet_pton(AF_INET6, s, &a), 1);
	return a;
}

static struct dhcp6_duid duid_of(unsigned n)
{
	struct dhcp6_duid d = { 10, { 0, 3, 0, 1, 0x52, 0x54, 0, 0, (uint8_t)(n >> 8), (uint8_t)n } };

	return d;
}

static struct dhcp6_pool *make_pool(const char *start, const char *end, struct dhcp6_duid *sid)
{
	static const uint8_t mac[6] = { 0x52, 0x54, 0, 0xaa, 0xbb, 0xcc };
	struct dhcp6_pool_config c = { 0 };
	struct dhcp6_pool *p;

	dhcp6_duid_ll(mac, &c.server_id);
	c.n_ranges = 1;
	c.ranges[0].start = a6(start);
	c.ranges[0].end = a6(end);
	*sid = c.server_id;
	p = dhcp6_pool_new(&c, NULL, NULL);
	assert_non_null(p);
	return p;
}

/* A client's message: type from client n about IAID 1, naming the server
 * (sid, not for a Solicit), an address in its IA (NULL: none). */
static void send_msg(struct dhcp6_pool *p, const struct dhcp6_duid *sid, unsigned type,
		     unsigned n, const char *addr, int64_t now)
{
	struct dhcp6_msg m = { 0 };
	uint8_t out[1500];
	int dirty;

	m.type = (uint8_t)type;
	m.xid = 0x123456;
	m.has_client = 1;
	m.client = duid_of(n);
	if (type != DHCP6_SOLICIT && type != DHCP6_REBIND) {
		m.has_server = 1;
		m.server = *sid;
	}
	m.n_ia = 1;
	m.ia[0].iaid = 1;
	if (addr) {
		m.ia[0].n_addrs = 1;
		m.ia[0].addrs[0] = a6(addr);
	}
	assert_true(dhcp6_pool_handle(p, &m, now, out, sizeof(out), &dirty) > 0);
}

static char *slurp(const char *path, size_t *len)
{
	char *buf;

	assert_int_equal(file_read_all(path, 64u << 20, &buf, len), 0);
	return buf;
}

static unsigned count_lines(const char *buf, size_t len)
{
	unsigned n = 0;

	for (size_t i = 0; i < len; i++)
		n += buf[i] == '\n';
	return n;
}

/* The lines after the first skip lines of path, as one string (to free). */
static char *tail_after(const char *path, unsigned skip)
{
	size_t len, at = 0;
	char *buf = slurp(path, &len), *t;

	for (unsigned k = 0; k < skip && at < len; at++)
		k += buf[at] == '\n';
	t = strndup(buf + at, len - at);
	free(buf);
	return t;
}

static void tmp_path(char *buf, size_t cap)
{
	snprintf(buf, cap, "/tmp/test_dhcp6_lease_file.%d.%ld", (int)getpid(), (long)random());
}

/* The pool loaded from path: its persistent leases in out (cap 16). */
static size_t load_into_new(const char *path, int64_t now, struct dhcp6_lease *out,
			    unsigned *bad)
{
	struct dhcp6_duid sid;
	struct dhcp6_pool *p = make_pool("fd00:1::100", "fd00:1::1ff", &sid);
	struct dhcp6_lease_file f;
	size_t n;

	assert_int_equal(dhcp6_lease_file_init(&f, path, "t", p), 0);
	assert_int_equal(dhcp6_lease_file_load(&f, now, bad), 0);
	n = dhcp6_pool_snapshot(p, out, 16);
	dhcp6_pool_free(p);
	return n;
}

static const struct dhcp6_lease *lease_at(const struct dhcp6_lease *l, size_t n, const char *ip)
{
	struct in6_addr a = a6(ip);

	for (size_t i = 0; i < n; i++)
		if (!memcmp(&l[i].ip, &a, 16))
			return &l[i];
	return NULL;
}

/* The first save writes the whole file; then each save appends exactly the
 * changed leases: a new binding, a release ("free"), a decline (no DUID),
 * an expiry ("free"); a new server loads the result. */
static void test_appends(void **state)
{
	struct dhcp6_duid sid;
	struct dhcp6_pool *p = make_pool("fd00:1::100", "fd00:1::1ff", &sid);
	struct dhcp6_lease_file f;
	struct dhcp6_lease ls[16];
	char path[128], *t;
	unsigned bad;
	size_t len, n;

	(void)state;
	tmp_path(path, sizeof(path));
	assert_int_equal(dhcp6_lease_file_init(&f, path, "t", p), 0);
	send_msg(p, &sid, DHCP6_REQUEST, 1, "fd00:1::101", 100);
	send_msg(p, &sid, DHCP6_REQUEST, 2, "fd00:1::102", 100);
	send_msg(p, &sid, DHCP6_REQUEST, 3, "fd00:1::103", 100);
	send_msg(p, &sid, DHCP6_REQUEST, 4, "fd00:1::104", 100);
	assert_int_equal(lease_journal_save(&f.j), 0);
	assert_int_equal(f.j.full_saves, 1);
	assert_int_equal(f.j.appends, 0);
	t = slurp(path, &len);
	assert_int_equal(count_lines(t, len), 5); /* header + 4 */
	free(t);

	/* a Solicit (an offer) changes nothing on disk */
	send_msg(p, &sid, DHCP6_SOLICIT, 9, NULL, 100);
	assert_int_equal(lease_journal_save(&f.j), 0);
	assert_int_equal(f.j.appends, 0);

	send_msg(p, &sid, DHCP6_REQUEST, 5, "fd00:1::105", 101);
	assert_int_equal(lease_journal_save(&f.j), 0);
	assert_int_equal(f.j.full_saves, 1);
	assert_int_equal(f.j.appends, 1);
	t = tail_after(path, 5);
	assert_string_equal(t, "00:03:00:01:52:54:00:00:00:05 00000001 fd00:1::105 3701 bound -\n");
	free(t);

	send_msg(p, &sid, DHCP6_RELEASE, 1, "fd00:1::101", 102);
	send_msg(p, &sid, DHCP6_DECLINE, 2, "fd00:1::102", 102);
	assert_int_equal(lease_journal_save(&f.j), 0);
	assert_int_equal(f.j.appends, 2);
	assert_int_equal(f.j.journal_lines, 3);
	t = tail_after(path, 6);
	assert_string_equal(t, "- 00000000 fd00:1::101 0 free -\n"
			       "- 00000001 fd00:1::102 702 declined -\n");
	free(t);
	n = load_into_new(path, 500, ls, &bad);
	assert_int_equal(bad, 0);
	assert_int_equal(n, 4);
	assert_null(lease_at(ls, n, "fd00:1::101"));
	assert_int_equal(lease_at(ls, n, "fd00:1::102")->state, DHCP6_DECLINED);

	/* client 3 renews; client 4's lease runs out */
	send_msg(p, &sid, DHCP6_RENEW, 3, "fd00:1::103", 200);
	assert_int_equal(dhcp6_pool_expire(p, 3701), 3); /* ::102's quarantine, ::104, ::105 */
	assert_int_equal(lease_journal_save(&f.j), 0);
	t = tail_after(path, 8);
	assert_string_equal(t, "- 00000000 fd00:1::102 0 free -\n"
			       "- 00000000 fd00:1::104 0 free -\n"
			       "- 00000000 fd00:1::105 0 free -\n"
			       "00:03:00:01:52:54:00:00:00:03 00000001 fd00:1::103 3800 bound -\n");
	free(t);

	n = load_into_new(path, 1000, ls, &bad);
	assert_int_equal(bad, 0);
	assert_int_equal(n, 1);
	assert_int_equal(lease_at(ls, n, "fd00:1::103")->expires, 3800);
	dhcp6_pool_free(p);
	unlink(path);
}

/* An address given back and taken by another client in one batch: its
 * "free" line comes before the new binding's, which wins on load. */
static void test_freed_and_taken(void **state)
{
	struct dhcp6_duid sid;
	struct dhcp6_pool *p = make_pool("fd00:1::100", "fd00:1::1ff", &sid);
	struct dhcp6_lease_file f;
	struct dhcp6_lease ls[16];
	char path[128];
	unsigned bad;
	size_t n;

	(void)state;
	tmp_path(path, sizeof(path));
	assert_int_equal(dhcp6_lease_file_init(&f, path, "t", p), 0);
	send_msg(p, &sid, DHCP6_REQUEST, 1, "fd00:1::101", 100);
	assert_int_equal(lease_journal_save(&f.j), 0);
	send_msg(p, &sid, DHCP6_RELEASE, 1, "fd00:1::101", 101);
	send_msg(p, &sid, DHCP6_REQUEST, 7, "fd00:1::101", 101);
	assert_int_equal(lease_journal_save(&f.j), 0);
	assert_int_equal(f.j.appends, 1);
	n = load_into_new(path, 1000, ls, &bad);
	assert_int_equal(bad, 0);
	assert_int_equal(n, 1);
	assert_int_equal(ls[0].duid.b[9], 7);
	dhcp6_pool_free(p);
	unlink(path);
}

static void write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

#define D(n) "00:03:00:01:52:54:00:00:00:0" #n

/* Hand-written journals: the later line of an address, or of a binding
 * (DUID, IAID), wins; "free" only forgets its address; a torn last line
 * (no '\n': the append a crash cut) is skipped and counted. */
static void test_later_wins_and_torn(void **state)
{
	struct dhcp6_lease ls[16];
	char path[128];
	unsigned bad;
	size_t n;

	(void)state;
	tmp_path(path, sizeof(path));
	write_file(path, "# vnet DHCPv6 leases of t\n"
			 D(1) " 00000001 fd00:1::101 5000 bound one\n"
			 D(2) " 00000001 fd00:1::102 5000 bound -\n"
			 D(3) " 00000001 fd00:1::103 5000 bound -\n"
			 D(4) " 00000001 fd00:1::104 5000 bound -\n"
			 D(9) " 00000001 fd00:1::101 6000 bound nine\n" /* takes ::101 */
			 D(2) " 00000001 fd00:1::1a2 6000 bound -\n"  /* 2 moved */
			 "- 00000000 fd00:1::103 0 free -\n"
			 D(5) " 00000001 fd00:1::105 6000 bound");    /* torn */
	n = load_into_new(path, 1000, ls, &bad);
	assert_int_equal(bad, 1);
	assert_int_equal(n, 3);
	assert_string_equal(lease_at(ls, n, "fd00:1::101")->hostname, "nine");
	assert_int_equal(lease_at(ls, n, "fd00:1::101")->expires, 6000);
	assert_non_null(lease_at(ls, n, "fd00:1::1a2"));
	assert_null(lease_at(ls, n, "fd00:1::102"));
	assert_null(lease_at(ls, n, "fd00:1::103"));
	assert_non_null(lease_at(ls, n, "fd00:1::104"));
	assert_null(lease_at(ls, n, "fd00:1::105"));

	/* the torn line completed by nothing: a new save after a load
	 * rewrites the file whole, it holds no partial line any more */
	{
		struct dhcp6_duid sid;
		struct dhcp6_pool *p = make_pool("fd00:1::100", "fd00:1::1ff", &sid);
		struct dhcp6_lease_file f;
		size_t len;
		char *t;

		assert_int_equal(dhcp6_lease_file_init(&f, path, "t", p), 0);
		assert_int_equal(dhcp6_lease_file_load(&f, 1000, &bad), 0);
		send_msg(p, &sid, DHCP6_REQUEST, 6, "fd00:1::106", 1000);
		assert_int_equal(lease_journal_save(&f.j), 0);
		assert_int_equal(f.j.full_saves, 1);
		t = slurp(path, &len);
		assert_int_equal(count_lines(t, len), 5);
		assert_int_equal(t[len - 1], '\n');
		free(t);
		dhcp6_pool_free(p);
	}
	unlink(path);
}

/* The journal is appended to until it is as long as the last full save
 * (LEASE_JOURNAL_MIN lines at least): the save after that rewrites it. */
static void test_rewrite_threshold(void **state)
{
	struct dhcp6_duid sid;
	struct dhcp6_pool *p = make_pool("fd00:1::1:0", "fd00:1::1:ffff", &sid);
	struct dhcp6_lease_file f;
	char path[128], *t;
	size_t len;
	unsigned k;

	(void)state;
	tmp_path(path, sizeof(path));
	assert_int_equal(dhcp6_lease_file_init(&f, path, "t", p), 0);
	send_msg(p, &sid, DHCP6_REQUEST, 1, NULL, 100);
	send_msg(p, &sid, DHCP6_REQUEST, 2, NULL, 100);
	assert_int_equal(lease_journal_save(&f.j), 0);
	assert_int_equal(f.j.base_lines, 2);
	for (k = 0; k < LEASE_JOURNAL_MIN - 1; k++)
		send_msg(p, &sid, DHCP6_REQUEST, 100 + k, NULL, 101);
	assert_int_equal(lease_journal_save(&f.j), 0);
	assert_int_equal(f.j.journal_lines, LEASE_JOURNAL_MIN - 1);
	assert_true(lease_journal_appends(&f.j));
	send_msg(p, &sid, DHCP6_REQUEST, 100 + k++, NULL, 102);
	assert_int_equal(lease_journal_save(&f.j), 0); /* the journal's 4096th line */
	assert_int_equal(f.j.full_saves, 1);
	assert_false(lease_journal_appends(&f.j));
	send_msg(p, &sid, DHCP6_REQUEST, 100 + k++, NULL, 103);
	assert_int_equal(lease_journal_save(&f.j), 0);
	assert_int_equal(f.j.full_saves, 2);
	assert_int_equal(f.j.journal_lines, 0);
	assert_int_equal(f.j.base_lines, LEASE_JOURNAL_MIN + 3);
	t = slurp(path, &len);
	assert_int_equal(count_lines(t, len), LEASE_JOURNAL_MIN + 4);
	free(t);
	/* now the table is longer than LEASE_JOURNAL_MIN: it is the limit */
	for (unsigned j = 0; j < LEASE_JOURNAL_MIN + 2; j++)
		send_msg(p, &sid, DHCP6_REQUEST, 20000 + j, NULL, 104);
	assert_int_equal(lease_journal_save(&f.j), 0);
	assert_true(lease_journal_appends(&f.j));
	send_msg(p, &sid, DHCP6_REQUEST, 30000, NULL, 105);
	assert_int_equal(lease_journal_save(&f.j), 0);
	assert_false(lease_journal_appends(&f.j));
	assert_int_equal(f.j.full_saves, 2);
	dhcp6_pool_free(p);
	unlink(path);
}

static int by_ip(const void *a, const void *b)
{
	return memcmp(&((const struct dhcp6_lease *)a)->ip, &((const struct dhcp6_lease *)b)->ip, 16);
}

/* Random exchanges of 6 clients over 8 addresses, saved every few: after
 * each save, what a new server loads from the file (a full save and the
 * journals after it) is exactly the pool's persistent state. */
static void test_file_is_the_pool(void **state)
{
	static const unsigned types[] = { DHCP6_SOLICIT, DHCP6_REQUEST, DHCP6_RENEW,
					  DHCP6_REBIND, DHCP6_RELEASE, DHCP6_DECLINE };
	struct dhcp6_duid sid;
	struct dhcp6_pool *p = make_pool("fd00:1::100", "fd00:1::107", &sid);
	struct dhcp6_lease_file f;
	struct dhcp6_lease want[16], got[16];
	char path[128], addr[64];
	int64_t now = 1000;
	unsigned bad;

	(void)state;
	srandom(7);
	tmp_path(path, sizeof(path));
	assert_int_equal(dhcp6_lease_file_init(&f, path, "t", p), 0);
	for (int step = 0; step < 300; step++) {
		unsigned type = types[random() % 6], c = 1 + (unsigned)(random() % 6);
		struct dhcp6_msg m = { 0 };
		uint8_t out[1500];
		int dirty;
		size_t n, k;

		snprintf(addr, sizeof(addr), "fd00:1::10%ld", random() % 8);
		m.type = (uint8_t)type;
		m.has_client = 1;
		m.client = duid_of(c);
		m.has_server = type != DHCP6_SOLICIT && type != DHCP6_REBIND;
		m.server = sid;
		m.n_ia = 1;
		m.ia[0].iaid = 1 + (uint32_t)(random() % 2);
		m.ia[0].n_addrs = random() % 2;
		m.ia[0].addrs[0] = a6(addr);
		now += random() % 400; /* leases of 3600 s run out, quarantines of 600 */
		dhcp6_pool_handle(p, &m, now, out, sizeof(out), &dirty);
		if (random() % 3)
			continue;
		dhcp6_pool_expire(p, now);
		assert_int_equal(lease_journal_save(&f.j), 0);
		n = dhcp6_pool_snapshot(p, want, 16);
		k = load_into_new(path, now, got, &bad);
		assert_int_equal(bad, 0);
		assert_int_equal(k, n);
		qsort(want, n, sizeof(*want), by_ip);
		qsort(got, k, sizeof(*got), by_ip);
		assert_memory_equal(want, got, n * sizeof(*want));
	}
	assert_int_equal(f.j.full_saves, 1);
	assert_true(f.j.appends > 50);
	dhcp6_pool_free(p);
	unlink(path);
}

/* A file that exists but cannot be read is an error, not an empty file:
 * the service would overwrite it with no leases at its first save. */
static void test_unreadable(void **state)
{
	struct dhcp6_duid sid;
	struct dhcp6_pool *p = make_pool("fd00:1::100", "fd00:1::1ff", &sid);
	struct dhcp6_lease_file f;
	char path[128];
	unsigned bad;

	(void)state;
	tmp_path(path, sizeof(path));
	assert_int_equal(dhcp6_lease_file_init(&f, path, "t", p), 0);
	assert_int_equal(dhcp6_lease_file_load(&f, 1000, &bad), 0); /* missing: empty */
	assert_int_equal(mkdir(path, 0700), 0);
	assert_int_equal(dhcp6_lease_file_load(&f, 1000, &bad), -EISDIR);
	rmdir(path);
	dhcp6_pool_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_appends),
		cmocka_unit_test(test_freed_and_taken),
		cmocka_unit_test(test_later_wins_and_torn),
		cmocka_unit_test(test_rewrite_threshold),
		cmocka_unit_test(test_file_is_the_pool),
		cmocka_unit_test(test_unreadable),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
