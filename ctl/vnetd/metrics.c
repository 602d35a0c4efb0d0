/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Prometheus text exposition (format 0.0.4) of every counter the services
 * report. Counters come as JSON from each service; they are flattened into
 * samples, grouped into families (one # HELP/# TYPE each) and printed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"

struct sample {
	char family[128];
	char labels[256];
	long long value;
};

struct samples {
	struct sample *v;
	size_t n, cap;
};

static void add(struct samples *s, const char *family, const char *labels, long long value)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		struct sample *nv = realloc(s->v, cap * sizeof(*nv));

		if (!nv)
			return;
		s->v = nv;
		s->cap = cap;
	}
	snprintf(s->v[s->n].family, sizeof(s->v[0].family), "%s", family);
	snprintf(s->v[s->n].labels, sizeof(s->v[0].labels), "%s", labels);
	s->v[s->n++].value = value;
}

/* Metric names allow [a-zA-Z0-9_:]; anything else becomes '_'. */
static void sanitize(char *s)
{
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '_'))
			*s = '_';
}

static int is_gauge(const char *family)
{
	return strstr(family, "active") || strstr(family, "entries") || strstr(family, "_ports") ||
	       strstr(family, "_current");
}

static void flatten(struct samples *s, const char *prefix, const char *labels,
		    struct json_object *obj);

/* Counters whose JSON key carries a label value ("rx_discover",
 * "queries_a") become one family with that label. */
static const struct label_rule {
	const char *source, *key_prefix, *family, *labels_fmt;
} label_rules[] = {
	{ "vnet_dhcp", "rx_", "vnet_dhcp_messages", "direction=\"rx\",type=\"%s\"" },
	{ "vnet_dhcp", "tx_", "vnet_dhcp_messages", "direction=\"tx\",type=\"%s\"" },
	{ "vnet_dns", "queries_udp", "vnet_dns_queries_transport", "transport=\"udp\"%s" },
	{ "vnet_dns", "queries_tcp", "vnet_dns_queries_transport", "transport=\"tcp\"%s" },
	{ "vnet_dns", "queries_", "vnet_dns_queries", "type=\"%s\"" },
};

static int apply_label_rule(struct samples *s, const char *prefix, const char *labels,
			    const char *key, long long value)
{
	for (size_t i = 0; i < sizeof(label_rules) / sizeof(label_rules[0]); i++) {
		const struct label_rule *r = &label_rules[i];
		size_t kl = strlen(r->key_prefix);
		char lab[256], extra[128];

		if (strcmp(prefix, r->source) || strncmp(key, r->key_prefix, kl))
			continue;
		snprintf(extra, sizeof(extra), r->labels_fmt, key + kl);
		snprintf(lab, sizeof(lab), "%s,%s", labels, extra);
		add(s, r->family, lab, value);
		return 1;
	}
	return 0;
}

/* Arrays of objects become one label per element, named from the field
 * that identifies it (ifname for ports, else the array's index). */
static void flatten_array(struct samples *s, const char *prefix, const char *labels,
			  struct json_object *arr)
{
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		struct json_object *el = json_object_array_get_idx(arr, i), *id;
		char lab[256];

		if (!json_object_is_type(el, json_type_object))
			continue;
		if (json_object_object_get_ex(el, "ifname", &id))
			snprintf(lab, sizeof(lab), "%s,port=\"%s\"", labels, json_object_get_string(id));
		else
			snprintf(lab, sizeof(lab), "%s,index=\"%zu\"", labels, i);
		flatten(s, prefix, lab, el);
	}
}

static void flatten(struct samples *s, const char *prefix, const char *labels,
		    struct json_object *obj)
{
	json_object_object_foreach(obj, key, val)
	{
		char name[128], lab[256];

		snprintf(name, sizeof(name), "%s_%s", prefix, key);
		sanitize(name);
		switch (json_object_get_type(val)) {
		case json_type_int:
			if (!apply_label_rule(s, prefix, labels, key, json_object_get_int64(val)))
				add(s, name, labels, json_object_get_int64(val));
			break;
		case json_type_object:
			/* drops/reasons maps: one family, the key as a label */
			if (!strcmp(key, "drops") || !strcmp(key, "drop_reasons")) {
				json_object_object_foreach(val, reason, n)
				{
					snprintf(lab, sizeof(lab), "%s,reason=\"%s\"", labels, reason);
					add(s, name, lab, json_object_get_int64(n));
				}
			} else {
				flatten(s, name, labels, val);
			}
			break;
		case json_type_array:
			flatten_array(s, name, labels, val);
			break;
		default:
			break;
		}
	}
}

static int by_family(const void *a, const void *b)
{
	return strcmp(((const struct sample *)a)->family, ((const struct sample *)b)->family);
}

static void collect(struct netmgr *m, struct samples *s)
{
	for (size_t i = 0; i < m->n_nets; i++) {
		struct network *n = m->nets[i];
		char lab[128];

		snprintf(lab, sizeof(lab), "network=\"%s\"", n->def->name);
		add(s, "vnet_network_active", lab, n->active > 0);
		if (n->active <= 0)
			continue;
		add(s, "vnet_network_ports", lab, n->n_ports);
		struct json_object *parts[3] = { dp_stats_json(m->dp, n->id),
						 n->dhcp ? dhcp_service_counters_json(n->dhcp) : NULL,
						 n->dns ? dns_service_counters_json(n->dns) : NULL };
		const char *names[3] = { "vnet_datapath", "vnet_dhcp", "vnet_dns" };

		for (int k = 0; k < 3; k++) {
			if (parts[k])
				flatten(s, names[k], lab, parts[k]);
			json_object_put(parts[k]);
		}
	}
}

static void print_family(FILE *f, const struct sample *v, size_t n)
{
	int gauge = is_gauge(v[0].family);
	const char *suffix = gauge || strstr(v[0].family, "_total") ? "" : "_total";

	fprintf(f, "# HELP %s%s vnet counter %s.\n", v[0].family, suffix, v[0].family + 5);
	fprintf(f, "# TYPE %s%s %s\n", v[0].family, suffix, gauge ? "gauge" : "counter");
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%s%s{%s} %lld\n", v[i].family, suffix, v[i].labels, v[i].value);
}

char *metrics_render(struct netmgr *m)
{
	struct samples s = { 0 };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	fprintf(f, "# HELP vnet_build_info vnet build information.\n# TYPE vnet_build_info gauge\n");
	fprintf(f, "vnet_build_info{version=\"%s\"} 1\n", VNET_VERSION);
	collect(m, &s);
	qsort(s.v, s.n, sizeof(*s.v), by_family);
	for (size_t i = 0; i < s.n;) {
		size_t j = i;

		while (j < s.n && !strcmp(s.v[j].family, s.v[i].family))
			j++;
		print_family(f, s.v + i, j - i);
		i = j;
	}
	free(s.v);
	fclose(f);
	return buf;
}
