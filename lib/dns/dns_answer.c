/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Precomputed local answers (dns.h, dns_answer): replies to the names the
 * zone answers, built once per query shape and zone generation. */
#include <stdlib.h>
#include <string.h>

#include "dns.h"

struct answer {
	uint64_t gen; /* 0: empty */
	unsigned tag;
	uint16_t klen, rlen;
	uint8_t key[DNS_ANSWER_QUERY_MAX - 2];
	uint8_t reply[DNS_ANSWER_REPLY_MAX];
};

struct dns_answers {
	struct answer e[DNS_ANSWER_ENTRIES];
};

struct dns_answers *dns_answers_new(void)
{
	return calloc(1, sizeof(struct dns_answers));
}

void dns_answers_free(struct dns_answers *a)
{
	free(a);
}

/* The query after its ID, its question name lower-cased (only label bytes:
 * a type or class byte that looks like a letter stays); 0 if it is not
 * cacheable: too short or long, no single question, or a compressed or
 * overlong name. *name_end: the offset after the question name. */
static size_t key_of(const uint8_t *q, size_t qlen, uint8_t *key, size_t *name_end)
{
	size_t i = DNS_HDR_LEN;

	if (qlen < DNS_HDR_LEN + 5 || qlen > DNS_ANSWER_QUERY_MAX || q[4] || q[5] != 1)
		return 0;
	memcpy(key, q + 2, qlen - 2);
	while (i < qlen && q[i]) {
		size_t l = q[i];

		if (l > 63 || i + 1 + l >= qlen)
			return 0;
		for (size_t k = i + 1; k <= i + l; k++)
			if (q[k] >= 'A' && q[k] <= 'Z')
				key[k - 2] = (uint8_t)(q[k] + 32);
		i += 1 + l;
	}
	if (i >= qlen || i - DNS_HDR_LEN + 1 > DNS_NAME_MAX)
		return 0;
	*name_end = i + 1;
	return qlen - 2;
}

static struct answer *slot(struct dns_answers *a, const uint8_t *key, size_t klen)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < klen; i++)
		h = (h ^ key[i]) * 16777619u;
	return &a->e[h % DNS_ANSWER_ENTRIES];
}

size_t dns_answers_get(struct dns_answers *a, uint64_t gen, const uint8_t *q, size_t qlen,
		       uint8_t *out, size_t cap, unsigned *tag)
{
	uint8_t key[DNS_ANSWER_QUERY_MAX];
	size_t klen, end;
	struct answer *e;

	if (!a || !gen || !(klen = key_of(q, qlen, key, &end)))
		return 0;
	e = slot(a, key, klen);
	if (e->gen != gen || e->klen != klen || e->rlen > cap || memcmp(e->key, key, klen))
		return 0;
	memcpy(out, e->reply, e->rlen);
	memcpy(out, q, 2);					  /* the ID */
	memcpy(out + DNS_HDR_LEN, q + DNS_HDR_LEN, end - DNS_HDR_LEN); /* its case */
	*tag = e->tag;
	return e->rlen;
}

void dns_answers_put(struct dns_answers *a, uint64_t gen, const uint8_t *q, size_t qlen,
		     const uint8_t *reply, size_t rlen, unsigned tag)
{
	uint8_t key[DNS_ANSWER_QUERY_MAX];
	size_t klen, end;
	struct answer *e;

	if (!a || !gen || rlen > DNS_ANSWER_REPLY_MAX || !(klen = key_of(q, qlen, key, &end)))
		return;
	/* the reply must carry the question where a hit patches it */
	if (rlen < end || memcmp(reply + DNS_HDR_LEN, q + DNS_HDR_LEN, end - DNS_HDR_LEN))
		return;
	e = slot(a, key, klen);
	e->gen = gen;
	e->tag = tag;
	e->klen = (uint16_t)klen;
	e->rlen = (uint16_t)rlen;
	memcpy(e->key, key, klen);
	memcpy(e->reply, reply, rlen);
}
