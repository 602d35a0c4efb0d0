/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "netdef.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

int netdef_load_file(const char *path, struct netdef **ret, char *err, size_t errlen)
{
	char *xml;
	size_t len;
	int r = file_read_all(path, NETDEF_FILE_MAX, &xml, &len);

	*ret = NULL;
	if (r) {
		snprintf(err, errlen, "cannot read %s: %s", path, strerror(-r));
		return r;
	}
	r = netdef_parse_xml(xml, len, ret, err, errlen);
	free(xml);
	return r;
}
