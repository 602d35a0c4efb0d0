/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One print path for text and JSON output. */
#ifndef VNETCTL_PRINT_H
#define VNETCTL_PRINT_H

#include <json-c/json.h>

extern int print_json;	 /* --json */
extern int print_pretty; /* -p */

/* With --json print data as JSON; else call text(data). */
void print_result(struct json_object *data, void (*text)(struct json_object *));
/* Text table: columns are JSON keys, headers their titles. */
void print_table(struct json_object *arr, const char *const *keys, const char *const *titles,
		 int ncols);
/* "key: value" lines for an object; nested values flattened with '.'. */
void print_kv(struct json_object *obj, const char *prefix);

#endif
