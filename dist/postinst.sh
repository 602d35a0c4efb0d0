#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# After "make install" onto the running system (never with DESTDIR): create
# the vnet group and the vnet-svc user (vnetd's service child), refresh the linker cache for libnss_vnet.so.2 and let
# systemd see the unit. Idempotent; enables and starts nothing.
# usage: postinst.sh SYSUSERS_CONF
set -e
conf=$1
[ "$(id -u)" = 0 ] || { echo "postinst: not root; create the group 'vnet' yourself" >&2; exit 0; }
if ! getent group vnet >/dev/null; then
	if command -v systemd-sysusers >/dev/null 2>&1 && [ -f "$conf" ]; then
		systemd-sysusers "$conf"
	else
		groupadd --system vnet
	fi
fi
if ! getent passwd vnet-svc >/dev/null; then
	if command -v systemd-sysusers >/dev/null 2>&1 && [ -f "$conf" ]; then
		systemd-sysusers "$conf"
	else
		useradd --system --user-group --no-create-home --home-dir /nonexistent \
			--shell /usr/sbin/nologin vnet-svc
	fi
fi
command -v ldconfig >/dev/null 2>&1 && ldconfig
if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
	systemctl daemon-reload
fi
echo "vnet installed. Next: systemctl enable --now vnetd; add users to group vnet;"
echo "for guest names on the host, add 'vnet' to the hosts: line of /etc/nsswitch.conf."
