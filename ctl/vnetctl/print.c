/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "print.h"

#include <stdio.h>
#include <string.h>

int print_json;
int print_pretty;

void print_result(struct json_object *data, void (*text)(struct json_object *))
{
	if (print_json) {
		int flags = print_pretty ? JSON_C_TO_STRING_PRETTY : JSON_C_TO_STRING_PLAIN;

		printf("%s\n", data ? json_object_to_json_string_ext(data, flags | JSON_C_TO_STRING_NOSLASHESCAPE)
				    : "null");
		return;
	}
	if (text)
		text(data);
}

static const char *cell(struct json_object *row, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(row, key, &v) || json_object_is_type(v, json_type_null))
		return "-";
	if (json_object_is_type(v, json_type_boolean))
		return json_object_get_boolean(v) ? "yes" : "no";
	return json_object_get_string(v);
}

void print_table(struct json_object *arr, const char *const *keys, const char *const *titles,
		 int ncols)
{
	size_t w[16] = { 0 }, n = arr ? json_object_array_length(arr) : 0;

	for (int c = 0; c < ncols && c < 16; c++) {
		w[c] = strlen(titles[c]);
		for (size_t r = 0; r < n; r++) {
			size_t l = strlen(cell(json_object_array_get_idx(arr, r), keys[c]));

			if (l > w[c])
				w[c] = l;
		}
	}
	for (int c = 0; c < ncols; c++)
		printf("%-*s%s", (int)w[c], titles[c], c + 1 < ncols ? "  " : "\n");
	for (int c = 0; c < ncols; c++) {
		for (size_t i = 0; i < w[c]; i++)
			putchar('-');
		printf("%s", c + 1 < ncols ? "  " : "\n");
	}
	for (size_t r = 0; r < n; r++)
		for (int c = 0; c < ncols; c++)
			printf("%-*s%s", (int)w[c], cell(json_object_array_get_idx(arr, r), keys[c]),
			       c + 1 < ncols ? "  " : "\n");
}

void print_kv(struct json_object *obj, const char *prefix)
{
	json_object_object_foreach(obj, key, val)
	{
		char name[256];

		snprintf(name, sizeof(name), "%s%s%s", prefix, prefix[0] ? "." : "", key);
		if (json_object_is_type(val, json_type_object)) {
			print_kv(val, name);
		} else if (json_object_is_type(val, json_type_array)) {
			for (size_t i = 0; i < json_object_array_length(val); i++) {
				struct json_object *el = json_object_array_get_idx(val, i), *id;
				char sub[300];

				if (json_object_object_get_ex(el, "ifname", &id))
					snprintf(sub, sizeof(sub), "%s[%s]", name, json_object_get_string(id));
				else
					snprintf(sub, sizeof(sub), "%s[%zu]", name, i);
				if (json_object_is_type(el, json_type_object))
					print_kv(el, sub);
				else
					printf("%-40s %s\n", sub, json_object_get_string(el));
			}
		} else {
			printf("%-40s %s\n", name, json_object_get_string(val));
		}
	}
}
