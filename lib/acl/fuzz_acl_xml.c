/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fuzz the ACL XML parser: any input either is refused with a one-line
 * error, or parses to an ACL whose XML parses back to the same rules and
 * formats to the same text; its compiled tables agree with the rules on a
 * few packets (acl_table_match: the data path's semantics). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "acl/acl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct acl *a = NULL, *b = NULL;
	char err[256], *text, *again;
	struct acl_table t;

	if (acl_parse_xml((const char *)data, size, &a, err, sizeof(err)) < 0) {
		if (a || !err[0] || strchr(err, '\n'))
			abort();	/* refusals are one non-empty line */
		return 0;
	}
	text = acl_format_xml(a);
	if (!text)
		abort();
	if (acl_parse_xml(text, strlen(text), &b, err, sizeof(err)) < 0)
		abort();	/* our own output must be accepted */
	if (strcmp(a->name, b->name) || a->dflt != b->dflt || a->n_rules != b->n_rules ||
	    memcmp(a->rules, b->rules, a->n_rules * sizeof(a->rules[0])))
		abort();
	again = acl_format_xml(b);
	if (!again || strcmp(text, again))
		abort();
	for (int dir = ACL_TABLE_IN; dir <= ACL_TABLE_OUT; dir++) {
		if (acl_compile(a, dir, &t))
			abort();
		if (acl_table_match(&t, 0x0100000a, 0x0200000a, 6, 1000, 80) >= (int)t.nrules)
			abort();
		acl_table_free(&t);
	}
	free(again);
	free(text);
	free(a);
	free(b);
	return 0;
}
