/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Prometheus text exposition (format 0.0.4) of every counter the services
 * report. Counters come as JSON from each service; they are flattened into
 * samples, grouped into families (one # HELP/# TYPE each) and printed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "control.h"
#include "util/util.h"
#include "metrics_families_priv.h"
#include "metrics_http/metrics_http.h"

#include <arpa/inet.h>
#include <time.h>

/* Set once at start; exported as vnet_start_time_seconds. */
static time_t metrics_start_time;

__attribute__((constructor)) static void metrics_note_start(void)
{
	metrics_start_time = time(NULL);
}

struct sample {
	char family[128];
	char labels[256];
	long long value;
};

struct samples {
	struct sample *v;
	size_t n, cap;
	FILE *hist; /* histogram families, printed as they come */
	int hist_header;
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

/* Label sets a and b joined (either may be empty: the data path's
 * counters that belong to no network have no network label). */
static void join_labels(char *out, size_t len, const char *a, const char *b)
{
	snprintf(out, len, "%s%s%s", a, *a && *b ? "," : "", b);
}

/* Metric names allow [a-zA-Z0-9_:]; anything else becomes '_'. */
static void sanitize(char *s)
{
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '_'))
			*s = '_';
}

static const struct metric_family families[] = {
#define X(name_, type_, labels_, help_) { name_, METRIC_##type_, labels_, help_ },
	VNET_METRIC_FAMILIES(X)
#undef X
};

const struct metric_family *metric_family_find(const char *family)
{
	size_t fl = strlen(family);

	for (size_t i = 0; i < sizeof(families) / sizeof(families[0]); i++) {
		const struct metric_family *f = &families[i];

		if (!strcmp(f->name, family))
			return f;
		if (f->type == METRIC_COUNTER && !strncmp(f->name, family, fl) &&
		    !strcmp(f->name + fl, "_total"))
			return f;
	}
	return NULL;
}

/* A family a service reports but metrics_families.h does not declare is
 * left out, and said once (tests/system/metrics.sh fails on the line). */
static void undeclared(const char *family)
{
	static char said[64][128];
	static size_t n;

	for (size_t i = 0; i < n; i++)
		if (!strcmp(said[i], family))
			return;
	if (n < sizeof(said) / sizeof(said[0]))
		snprintf(said[n++], sizeof(said[0]), "%s", family);
	log_warn("metrics: family %s is not declared in metrics_families.h; not exported", family);
}

static void header(FILE *f, const struct metric_family *m)
{
	static const char *const types[] = { "counter", "gauge", "histogram" };

	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", m->name, m->help, m->name, types[m->type]);
}

/* HELP and TYPE of a declared family (name as exposed). */
static void header_of(FILE *f, const char *name)
{
	const struct metric_family *m = metric_family_find(name);

	if (m)
		header(f, m);
	else
		undeclared(name);
}

/* Identifiers carried in the JSON for vnetctl, not measurements. */
static int is_identifier(const char *key)
{
	return !strcmp(key, "ifindex") || !strcmp(key, "net_id") || !strcmp(key, "id");
}

/* Counters whose JSON key carries a label value ("rx_discover",
 * "queries_a", a port's "tx_bytes") become one family with that label.
 * family may contain %s for the rest of the key. */
static const struct label_rule {
	const char *source, *key_prefix, *family, *labels_fmt;
} label_rules[] = {
	{ "vnet_dhcp", "rx_", "vnet_dhcp_messages", "direction=\"rx\",type=\"%s\"" },
	{ "vnet_dhcp", "tx_", "vnet_dhcp_messages", "direction=\"tx\",type=\"%s\"" },
	{ "vnet_dns", "queries_udp", "vnet_dns_queries_transport", "transport=\"udp\"%s" },
	{ "vnet_dns", "queries_tcp", "vnet_dns_queries_transport", "transport=\"tcp\"%s" },
	{ "vnet_dns", "queries_", "vnet_dns_queries", "type=\"%s\"" },
	{ "vnet_dns", "lease_names_refused_", "vnet_dns_lease_names_refused", "reason=\"%s\"" },
	{ "vnet_port", "rx_", "vnet_port_%s", "direction=\"rx\"" },
	{ "vnet_port", "tx_", "vnet_port_%s", "direction=\"tx\"" },
	{ "vnet_port", "fast_", "vnet_port_path_%s", "path=\"fast\"" },
	{ "vnet_port", "slow_", "vnet_port_path_%s", "path=\"slow\"" },
};

static int apply_label_rule(struct samples *s, const char *prefix, const char *labels,
			    const char *key, long long value)
{
	for (size_t i = 0; i < sizeof(label_rules) / sizeof(label_rules[0]); i++) {
		const struct label_rule *r = &label_rules[i];
		size_t kl = strlen(r->key_prefix);
		char lab[256], extra[128], family[128];

		if (strcmp(prefix, r->source) || strncmp(key, r->key_prefix, kl))
			continue;
		snprintf(extra, sizeof(extra), r->labels_fmt, key + kl);
		join_labels(lab, sizeof(lab), labels, extra);
		snprintf(family, sizeof(family), r->family, key + kl);
		sanitize(family);
		add(s, family, lab, value);
		return 1;
	}
	return 0;
}

static void flatten(struct samples *s, const char *prefix, const char *labels,
		    struct json_object *obj);

/* Arrays of ports (objects with an ifname) become vnet_port_* families
 * labelled by port; other arrays are labelled by index. */
static void flatten_array(struct samples *s, const char *prefix, const char *labels,
			  struct json_object *arr)
{
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		struct json_object *el = json_object_array_get_idx(arr, i), *id;
		char lab[256], extra[128];

		if (!json_object_is_type(el, json_type_object))
			continue;
		if (json_object_object_get_ex(el, "ifname", &id)) {
			snprintf(extra, sizeof(extra), "port=\"%s\"", json_object_get_string(id));
			join_labels(lab, sizeof(lab), labels, extra);
			flatten(s, "vnet_port", lab, el);
		} else {
			snprintf(extra, sizeof(extra), "index=\"%zu\"", i);
			join_labels(lab, sizeof(lab), labels, extra);
			flatten(s, prefix, lab, el);
		}
	}
}

/* prefix_key, without repeating the last word of prefix ("conntrack"
 * in vnet_conntrack + conntrack_created). */
static void join_name(char *name, size_t len, const char *prefix, const char *key)
{
	const char *last = strrchr(prefix, '_');
	size_t ll = last ? strlen(last + 1) : 0;

	if (last && !strncmp(key, last + 1, ll) && key[ll] == '_')
		key += ll + 1;
	snprintf(name, len, "%s_%s", prefix, key);
	sanitize(name);
}

/* {"le_ms": {bound: cumulative count}, "count", "sum_us"} -> a histogram. */
static void histogram(struct samples *s, const char *family, const char *labels,
		      struct json_object *h)
{
	struct json_object *le, *count, *sum;

	if (!s->hist || !json_object_object_get_ex(h, "le_ms", &le) ||
	    !json_object_object_get_ex(h, "count", &count) ||
	    !json_object_object_get_ex(h, "sum_us", &sum))
		return;
	if (!s->hist_header++)
		header_of(s->hist, family);
	json_object_object_foreach(le, bound, n)
		fprintf(s->hist, "%s_bucket{%s,le=\"%g\"} %lld\n", family, labels, atoi(bound) / 1000.0,
			(long long)json_object_get_int64(n));
	fprintf(s->hist, "%s_bucket{%s,le=\"+Inf\"} %lld\n", family, labels,
		(long long)json_object_get_int64(count));
	fprintf(s->hist, "%s_sum{%s} %.6f\n", family, labels, json_object_get_int64(sum) / 1e6);
	fprintf(s->hist, "%s_count{%s} %lld\n", family, labels, (long long)json_object_get_int64(count));
}

/* {"ipv4": {"rx_packets": n, ...}, "ipv6": {...}} -> vnet_network_packets
 * with family and direction labels (issue 18.7). */
static void address_families(struct samples *s, const char *labels, struct json_object *fams)
{
	json_object_object_foreach(fams, fam, counters)
	{
		if (!json_object_is_type(counters, json_type_object))
			continue;
		json_object_object_foreach(counters, key, n)
		{
			const char *unit = strchr(key, '_');
			char lab[256], extra[128], name[64];

			if (!unit || (strncmp(key, "rx_", 3) && strncmp(key, "tx_", 3)))
				continue;
			snprintf(extra, sizeof(extra), "family=\"%s\",direction=\"%.2s\"", fam, key);
			join_labels(lab, sizeof(lab), labels, extra);
			snprintf(name, sizeof(name), "vnet_network_%s", unit + 1);
			sanitize(name);
			add(s, name, lab, json_object_get_int64(n));
		}
	}
}

static void flatten(struct samples *s, const char *prefix, const char *labels,
		    struct json_object *obj)
{
	json_object_object_foreach(obj, key, val)
	{
		char name[128], lab[256], extra[128];

		if (is_identifier(key))
			continue;
		join_name(name, sizeof(name), prefix, key);
		switch (json_object_get_type(val)) {
		case json_type_int:
			if (!apply_label_rule(s, prefix, labels, key, json_object_get_int64(val)))
				add(s, name, labels, json_object_get_int64(val));
			break;
		case json_type_object:
			if (!strcmp(key, "upstream_latency")) {
				histogram(s, "vnet_dns_upstream_latency_seconds", labels, val);
				break;
			}
			if (!strcmp(prefix, "vnet_datapath") && !strcmp(key, "families")) {
				address_families(s, labels, val);
				break;
			}
			/* drops/reasons maps: one family, the key as a label */
			if (!strcmp(key, "drops") || !strcmp(key, "drop_reasons")) {
				json_object_object_foreach(val, reason, n)
				{
					snprintf(extra, sizeof(extra), "reason=\"%s\"", reason);
					join_labels(lab, sizeof(lab), labels, extra);
					add(s, "vnet_drops", lab, json_object_get_int64(n));
				}
			} else {
				/* datapath sub-objects (conntrack) stand on their own */
				if (!strcmp(prefix, "vnet_datapath"))
					snprintf(name, sizeof(name), "vnet_%s", key);
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

/* The data path's counters of no network (unlabelled) and the table size
 * every network shares, once. */
static void collect_global(struct netmgr *m, struct samples *s)
{
	struct json_object *g = m->dp ? dp_stats_global_json(m->dp) : NULL;

	if (g)
		flatten(s, "vnet_datapath", "", g);
	json_object_put(g);
}

/* A network's data path counters; the shared table's size is
 * collect_global's. The GC's CPU time (stats' gc_cpu_us, a bench figure)
 * is no metric: a Prometheus counter of it would be float seconds; nor its
 * passes over the table (gc_passes, the bench's too), nor the purges'
 * (port_purges, a test's). */
static struct json_object *net_datapath_json(struct netmgr *m, struct network *n)
{
	struct json_object *o = dp_stats_json(m->dp, n->id), *ct;

	if (json_object_object_get_ex(o, "conntrack", &ct)) {
		json_object_object_del(ct, "max_entries");
		json_object_object_del(ct, "gc_cpu_us");
		json_object_object_del(ct, "gc_passes");
		json_object_object_del(ct, "port_purges");
	}
	return o;
}

/* <vnet:overlay>: one sample set per remote VTEP (issue 22) */
struct remote_ctx {
	struct samples *s;
	const char *lab;
};

static void remote_sample(void *ctx, const struct network_remote *r)
{
	struct remote_ctx *c = ctx;
	char lab[192], a[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &r->vtep, a, sizeof(a));
	snprintf(lab, sizeof(lab), "%s,vtep=\"%s\"", c->lab, a);
	add(c->s, "vnet_overlay_vtep_up", lab, r->up);
	add(c->s, "vnet_overlay_vtep_macs", lab, r->macs);
	add(c->s, "vnet_overlay_vtep_tx_packets_total", lab, (long long)r->tx_packets);
	add(c->s, "vnet_overlay_vtep_tx_bytes_total", lab, (long long)r->tx_bytes);
}

static void collect(struct netmgr *m, struct samples *s)
{
	collect_global(m, s);
	for (size_t i = 0; i < m->n_nets; i++) {
		struct network *n = m->nets[i];
		char lab[128];

		snprintf(lab, sizeof(lab), "network=\"%s\"", n->def->name);
		add(s, "vnet_network_active", lab, n->state == NETWORK_ACTIVE);
		if (n->state != NETWORK_ACTIVE)
			continue;
		add(s, "vnet_network_ports", lab, n->n_ports);
		unsigned vteps, macs;

		if (!network_overlay_counts(n, &vteps, &macs)) { /* <vnet:overlay> (issue 22) */
			struct remote_ctx rc = { .s = s, .lab = lab };
			uint64_t withdrawn, gone;

			add(s, "vnet_overlay_remote_vteps", lab, vteps);
			add(s, "vnet_overlay_remote_macs", lab, macs);
			network_overlay_remotes(n, remote_sample, &rc);
			network_overlay_totals(n, &macs, &withdrawn, &gone);
			add(s, "vnet_overlay_macs_withdrawn_total", lab, (long long)withdrawn);
			add(s, "vnet_overlay_vteps_gone_total", lab, (long long)gone);
		}
		if (n->def->has_dhcp)
			add(s, "vnet_dhcp_pool_size", lab,
			    (long long)ntohl(n->def->dhcp_end.s_addr) - ntohl(n->def->dhcp_start.s_addr) + 1);
		struct json_object *parts[6] = { net_datapath_json(m, n),
						 n->dhcp ? dhcp_proxy_counters_json(n->dhcp) : NULL,
						 n->dns ? dns_proxy_counters_json(n->dns) : NULL,
						 network_repairs_json(n), network_relay_json(n),
						 n->dhcp6 ? dhcp6_proxy_counters_json(n->dhcp6) : NULL };
		const char *names[6] = { "vnet_datapath", "vnet_dhcp", "vnet_dns", "vnet_repairs",
					 "vnet_forward_relay", "vnet_dhcp6" };

		for (int k = 0; k < 6; k++) {
			if (parts[k])
				flatten(s, names[k], lab, parts[k]);
			json_object_put(parts[k]);
		}
	}
}

static void print_family(FILE *f, const struct sample *v, size_t n)
{
	const struct metric_family *m = metric_family_find(v[0].family);

	if (!m || m->type == METRIC_HISTOGRAM) {
		undeclared(v[0].family);
		return;
	}
	header(f, m);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%s%s%s%s %lld\n", m->name, *v[i].labels ? "{" : "", v[i].labels,
			*v[i].labels ? "}" : "", v[i].value);
}

/* The endpoint's own connections (slow-client defence, security.md 16.11). */
static void render_http(FILE *f)
{
	static const char fam[] = "vnet_metrics_http_connections";
	struct metrics_http_counters c;

	privsep_http_counters(&c); /* the endpoint is the child's */
	header_of(f, "vnet_metrics_http_connections_total");
	fprintf(f, "%s_total{event=\"accepted\"} %llu\n", fam, (unsigned long long)c.accepted);
	fprintf(f, "%s_total{event=\"header_timeout\"} %llu\n", fam,
		(unsigned long long)c.header_timeout);
	fprintf(f, "%s_total{event=\"evicted\"} %llu\n", fam, (unsigned long long)c.evicted);
	fprintf(f, "%s_total{event=\"refused\"} %llu\n", fam, (unsigned long long)c.refused);
	header_of(f, "vnet_metrics_http_connections_open");
	fprintf(f, "%s_open %llu\n", fam, (unsigned long long)c.open);
}

/* The separation of privileges itself (docs/architecture.md, Processes). */
static void render_privsep(FILE *f)
{
	static const char fam[] = "vnet_privsep_events_total";
	struct privsep_counters c;

	privsep_get_counters(&c);
	header_of(f, fam);
	fprintf(f, "%s{event=\"child_start\"} %llu\n", fam, (unsigned long long)c.starts);
	fprintf(f, "%s{event=\"child_exit\"} %llu\n", fam, (unsigned long long)c.crashes);
	fprintf(f, "%s{event=\"child_killed\"} %llu\n", fam, (unsigned long long)c.killed);
	fprintf(f, "%s{event=\"rejected\"} %llu\n", fam, (unsigned long long)c.rejected);
	fprintf(f, "%s{event=\"stale\"} %llu\n", fam, (unsigned long long)c.stale);
	fprintf(f, "%s{event=\"timeout\"} %llu\n", fam, (unsigned long long)c.timeouts);
}

char *metrics_render(struct netmgr *m)
{
	struct samples s = { 0 };
	char *buf = NULL, *hbuf = NULL;
	size_t len = 0, hlen = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	s.hist = open_memstream(&hbuf, &hlen);
	header_of(f, "vnet_build_info");
	fprintf(f, "vnet_build_info{version=\"%s\"} 1\n", VNET_VERSION);
	header_of(f, "vnet_start_time_seconds");
	fprintf(f, "vnet_start_time_seconds %lld\n", (long long)metrics_start_time);
	render_http(f);
	render_privsep(f);
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
	if (s.hist) {
		fclose(s.hist);
		fputs(hbuf, f);
		free(hbuf);
	}
	fclose(f);
	return buf;
}
