/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The public interface of ctl/vnetd/aclstore/: vnetd's named ACLs
 * (docs/acl.md). Each is a file <conf>/acls/NAME.xml (written atomically)
 * and a slot of the data path's classifier (dp_acl_load); a change is
 * loaded into the data path first (a rule set the classifier cannot hold
 * is refused and the old one stays live), then stored. Hit counters of
 * the rules a change keeps carry over (acl_rule.hits_base). */
#ifndef VNET_ACLSTORE_ACLSTORE_H
#define VNET_ACLSTORE_ACLSTORE_H

#include <json-c/json.h>
#include <limits.h>
#include <stddef.h>

#include "acl/acl.h"
#include "dp/dp.h"

#define ACLSTORE_SLOTS 64	/* VNET_ACL_SLOTS: slot 0 is "none" */

struct aclstore {
	struct datapath *dp;
	char dir[PATH_MAX];	/* <conf>/acls */
	struct acl *slot[ACLSTORE_SLOTS];
	uint64_t dflt_base[ACLSTORE_SLOTS], est_base[ACLSTORE_SLOTS];
};

/* Load every stored ACL (a file that does not parse is logged, skipped). */
int aclstore_init(struct aclstore *s, struct datapath *dp, const char *conf_dir);
void aclstore_fini(struct aclstore *s);

/* The slot of ACL name (0: no such ACL; "" is none). */
unsigned aclstore_slot(const struct aclstore *s, const char *name);

/* Define (or replace, keeping its slot) an ACL from XML; its name in name. */
int aclstore_define(struct aclstore *s, const char *xml, size_t len, char name[ACL_NAME_MAX],
		    char *err, size_t errlen);
int aclstore_undefine(struct aclstore *s, const char *name, char *err, size_t errlen);
/* Insert r before index at (at < 0 or past the end: append); remove one. */
int aclstore_rule_add(struct aclstore *s, const char *name, long at, const struct acl_rule *r,
		      char *err, size_t errlen);
int aclstore_rule_del(struct aclstore *s, const char *name, size_t at, char *err, size_t errlen);

/* [{"name", "default", "rules"}] */
struct json_object *aclstore_list_json(const struct aclstore *s);
/* The ACL's XML (malloc'd) or NULL with err. */
char *aclstore_xml(const struct aclstore *s, const char *name, char *err, size_t errlen);
/* {"name", "default", "rules": [{"index", "rule", "hits"}], "default_hits",
 * "established_hits"} */
struct json_object *aclstore_stats_json(struct aclstore *s, const char *name, char *err,
					size_t errlen);

#endif
