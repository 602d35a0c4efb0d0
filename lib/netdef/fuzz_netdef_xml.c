/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fuzz the network XML parser: any input either is refused with a one-line
 * error, or parses to a definition whose canonical XML parses back to the
 * same struct and formats to the same text. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "netdef.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct netdef *def = NULL, *back = NULL;
	char err[256], *text, *again;

	if (netdef_parse_xml((const char *)data, size, &def, err, sizeof(err)) < 0) {
		if (def || !err[0] || strchr(err, '\n'))
			abort(); /* refusals are one non-empty line */
		return 0;
	}
	text = netdef_format_xml(def);
	if (!text)
		abort();
	if (netdef_parse_xml(text, strlen(text), &back, err, sizeof(err)) < 0)
		abort(); /* our own output must be accepted */
	if (memcmp(def, back, sizeof(*def)))
		abort();
	again = netdef_format_xml(back);
	if (!again || strcmp(text, again))
		abort();
	free(again);
	free(text);
	free(back);
	free(def);
	return 0;
}
