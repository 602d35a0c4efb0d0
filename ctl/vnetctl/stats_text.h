/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VNETCTL_STATS_TEXT_H
#define VNETCTL_STATS_TEXT_H

#include <json-c/json.h>

/* Text form of `vnetctl stats`. */
void stats_text(struct json_object *data);

#endif
