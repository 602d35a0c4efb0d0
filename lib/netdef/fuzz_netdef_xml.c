/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fuzz the network XML parser: any input either is refused with non-empty,
 * printable error lines, or parses to a definition that validates, whose
 * canonical XML parses back to the same struct and formats to the same
 * text (a fixed point). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "netdef.h"

static void check_refusal(const char *err)
{
	size_t i;

	if (!err[0])
		abort(); /* a refusal always says why */
	for (i = 0; err[i]; i++)
		if ((err[i] < 0x20 && err[i] != '\n') || err[i] == 0x7f ||
		    (err[i] == '\n' && (i == 0 || !err[i + 1] || err[i + 1] == '\n')))
			abort(); /* one printable, non-empty line per error */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct netdef *def = NULL, *back = NULL;
	char err[4096], *text, *again;

	if (netdef_parse_xml((const char *)data, size, &def, err, sizeof(err)) < 0) {
		if (def)
			abort();
		check_refusal(err);
		return 0;
	}
	if (netdef_validate(def, err, sizeof(err)))
		abort(); /* what the parser accepts, the daemon's check accepts */
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
