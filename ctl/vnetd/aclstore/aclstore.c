/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vnetd's named ACLs: files, slots, the data path (aclstore.h). */
#include "aclstore.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/util.h"

#undef ERR
#define ERR(...) (void)((err && errlen) ? snprintf(err, errlen, __VA_ARGS__) : 0)

static struct acl *find(const struct aclstore *s, const char *name, unsigned *slot)
{
	for (unsigned i = 1; i < ACLSTORE_SLOTS; i++)
		if (s->slot[i] && !strcmp(s->slot[i]->name, name)) {
			if (slot)
				*slot = i;
			return s->slot[i];
		}
	return NULL;
}

unsigned aclstore_slot(const struct aclstore *s, const char *name)
{
	unsigned slot = 0;

	if (name && name[0])
		find(s, name, &slot);
	return slot;
}

static int store(const struct aclstore *s, const struct acl *a, char *err, size_t errlen)
{
	char path[PATH_MAX + ACL_NAME_MAX + 8], *xml = acl_format_xml(a);
	int r;

	if (!xml)
		return ERR("out of memory"), -ENOMEM;
	snprintf(path, sizeof(path), "%s/%s.xml", s->dir, a->name);
	r = file_write_atomic(path, xml, strlen(xml), 0600);
	free(xml);
	if (r)
		ERR("cannot store ACL %s: %s", a->name, strerror(-r));
	return r;
}

/* The live hits of slot's rules into their hits_base (before a change). */
static void fold_hits(struct aclstore *s, unsigned slot)
{
	struct acl *a = s->slot[slot];
	uint64_t *h = calloc(ACL_MAX_RULES, sizeof(*h)), d = 0, e = 0;

	if (!a || !h) {
		free(h);
		return;
	}
	dp_acl_hits(s->dp, slot, a, h, &d, &e);
	for (size_t i = 0; i < a->n_rules; i++)
		a->rules[i].hits_base += h[i];
	s->dflt_base[slot] += d;
	s->est_base[slot] += e;
	free(h);
}

/* Make next the ACL of slot: data path first, then the file. Takes next. */
static int commit(struct aclstore *s, unsigned slot, struct acl *next, char *err, size_t errlen)
{
	struct acl *old = s->slot[slot];
	int r = dp_acl_load(s->dp, slot, next, err, errlen);

	if (!r && (r = store(s, next, err, errlen)) && old)
		dp_acl_load(s->dp, slot, old, NULL, 0);	/* back to what is stored */
	if (r) {
		free(next);
		return r;
	}
	s->slot[slot] = next;
	free(old);
	return 0;
}

int aclstore_define(struct aclstore *s, const char *xml, size_t len, char name[ACL_NAME_MAX],
		    char *err, size_t errlen)
{
	struct acl *a;
	unsigned slot = 0;
	int r = acl_parse_xml(xml, len, &a, err, errlen);

	if (r)
		return r;
	if (!find(s, a->name, &slot)) {
		for (slot = 1; slot < ACLSTORE_SLOTS && s->slot[slot]; slot++)
			;
		if (slot == ACLSTORE_SLOTS) {
			free(a);
			return ERR("too many ACLs (%d at most)", ACLSTORE_SLOTS - 1), -ENOSPC;
		}
	}
	s->dflt_base[slot] = s->est_base[slot] = 0;	/* a new rule set: new counts */
	snprintf(name, ACL_NAME_MAX, "%s", a->name);
	r = commit(s, slot, a, err, errlen);
	if (!r)
		log_info("ACL %s defined (%zu rules)", name, s->slot[slot]->n_rules);
	return r;
}

int aclstore_undefine(struct aclstore *s, const char *name, char *err, size_t errlen)
{
	char path[PATH_MAX + ACL_NAME_MAX + 8];
	unsigned slot = 0;

	if (!find(s, name, &slot))
		return ERR("ACL '%s' not found", name), -ENOENT;
	snprintf(path, sizeof(path), "%s/%s.xml", s->dir, name);
	if (unlink(path) && errno != ENOENT)
		return ERR("cannot remove %s: %s", path, strerror(errno)), -errno;
	dp_acl_load(s->dp, slot, NULL, NULL, 0);
	free(s->slot[slot]);
	s->slot[slot] = NULL;
	log_info("ACL %s undefined", name);
	return 0;
}

/* A copy of name's ACL with its hits folded in, for an edit. */
static struct acl *edit_copy(struct aclstore *s, const char *name, unsigned *slot, char *err,
			     size_t errlen)
{
	struct acl *a = find(s, name, slot), *c;

	if (!a)
		return ERR("ACL '%s' not found", name), NULL;
	if (!(c = malloc(sizeof(*c))))
		return ERR("out of memory"), NULL;
	fold_hits(s, *slot);
	memcpy(c, a, sizeof(*c));
	return c;
}

int aclstore_rule_add(struct aclstore *s, const char *name, long at, const struct acl_rule *r,
		      char *err, size_t errlen)
{
	unsigned slot;
	struct acl *c = edit_copy(s, name, &slot, err, errlen);
	struct acl_rule nr = *r;
	int e;

	if (!c)
		return -ENOENT;
	nr.hits_base = 0;
	e = acl_rule_insert(c, at < 0 ? c->n_rules : (size_t)at, &nr, err, errlen);
	if (e) {
		free(c);
		return e;
	}
	return commit(s, slot, c, err, errlen);
}

int aclstore_rule_del(struct aclstore *s, const char *name, size_t at, char *err, size_t errlen)
{
	unsigned slot;
	struct acl *c = edit_copy(s, name, &slot, err, errlen);
	int e;

	if (!c)
		return -ENOENT;
	if ((e = acl_rule_remove(c, at, err, errlen))) {
		free(c);
		return e;
	}
	return commit(s, slot, c, err, errlen);
}

struct json_object *aclstore_list_json(const struct aclstore *s)
{
	struct json_object *arr = json_object_new_array();

	for (unsigned i = 1; i < ACLSTORE_SLOTS; i++) {
		struct json_object *o;

		if (!s->slot[i])
			continue;
		o = json_object_new_object();
		json_object_object_add(o, "name", json_object_new_string(s->slot[i]->name));
		json_object_object_add(o, "default", json_object_new_string(
			s->slot[i]->dflt == ACL_DROP ? "drop" : "allow"));
		json_object_object_add(o, "rules", json_object_new_int((int)s->slot[i]->n_rules));
		json_object_array_add(arr, o);
	}
	return arr;
}

char *aclstore_xml(const struct aclstore *s, const char *name, char *err, size_t errlen)
{
	struct acl *a = find(s, name, NULL);
	char *x;

	if (!a)
		return ERR("ACL '%s' not found", name), NULL;
	if (!(x = acl_format_xml(a)))
		ERR("out of memory");
	return x;
}

struct json_object *aclstore_stats_json(struct aclstore *s, const char *name, char *err,
					size_t errlen)
{
	unsigned slot = 0;
	struct acl *a = find(s, name, &slot);
	struct json_object *o, *rules;
	uint64_t *h, d = 0, e = 0;
	char line[256];

	if (!a)
		return ERR("ACL '%s' not found", name), NULL;
	if (!(h = calloc(ACL_MAX_RULES, sizeof(*h))))
		return ERR("out of memory"), NULL;
	dp_acl_hits(s->dp, slot, a, h, &d, &e);
	o = json_object_new_object();
	rules = json_object_new_array();
	json_object_object_add(o, "name", json_object_new_string(a->name));
	json_object_object_add(o, "default", json_object_new_string(a->dflt == ACL_DROP ? "drop" :
										     "allow"));
	for (size_t i = 0; i < a->n_rules; i++) {
		struct json_object *r = json_object_new_object();

		acl_rule_format(&a->rules[i], line, sizeof(line));
		json_object_object_add(r, "index", json_object_new_int((int)i));
		json_object_object_add(r, "rule", json_object_new_string(line));
		json_object_object_add(r, "hits",
				       json_object_new_int64((int64_t)(a->rules[i].hits_base + h[i])));
		json_object_array_add(rules, r);
	}
	json_object_object_add(o, "rules", rules);
	json_object_object_add(o, "default_hits",
			       json_object_new_int64((int64_t)(s->dflt_base[slot] + d)));
	json_object_object_add(o, "established_hits",
			       json_object_new_int64((int64_t)(s->est_base[slot] + e)));
	free(h);
	return o;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

int aclstore_init(struct aclstore *s, struct datapath *dp, const char *conf_dir)
{
	struct dirent **ents = NULL;
	int n, r;

	memset(s, 0, sizeof(*s));
	s->dp = dp;
	snprintf(s->dir, sizeof(s->dir), "%s/acls", conf_dir);
	if ((r = mkdir_p(s->dir, 0700)))
		return r;
	n = scandir(s->dir, &ents, NULL, by_name);
	for (int i = 0; i < n; i++) {
		char path[PATH_MAX + 300], err[256], name[ACL_NAME_MAX], *xml = NULL;
		size_t len = 0, l = strlen(ents[i]->d_name);

		if (l > 4 && !strcmp(ents[i]->d_name + l - 4, ".xml")) {
			snprintf(path, sizeof(path), "%s/%s", s->dir, ents[i]->d_name);
			if (file_read_all(path, ACL_XML_MAX, &xml, &len) ||
			    aclstore_define(s, xml, len, name, err, sizeof(err)))
				log_err("ACL file %s skipped: %s", path, xml ? err : "unreadable");
			free(xml);
		}
		free(ents[i]);
	}
	free(ents);
	return 0;
}

void aclstore_fini(struct aclstore *s)
{
	for (unsigned i = 1; i < ACLSTORE_SLOTS; i++) {
		free(s->slot[i]);
		s->slot[i] = NULL;
	}
}
