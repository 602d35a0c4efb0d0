# SPDX-License-Identifier: GPL-2.0-or-later
# bash completion for vnetctl(8): commands (from "vnetctl help"), network
# names (from "vnetctl --json net-list") and ports (from "vnetctl --json
# port-list NET"). Stand-alone: works without the bash-completion package.

# _vnetctl_run ARGS...: the vnetctl being completed, with the user's --socket.
_vnetctl_run()
{
	local sock=() i
	for ((i = 1; i < ${#COMP_WORDS[@]} - 1; i++)); do
		if [[ ${COMP_WORDS[i]} == --socket ]]; then
			sock=(--socket "${COMP_WORDS[i + 1]}")
		fi
	done
	command "${COMP_WORDS[0]}" "${sock[@]}" "$@" 2>/dev/null
}

# _vnetctl_field KEY: the string values of KEY in JSON on stdin.
_vnetctl_field()
{
	grep -o "\"$1\": *\"[^\"]*\"" | sed 's/^.*: *"\(.*\)"$/\1/'
}

_vnetctl_verbs() { _vnetctl_run help | awk '/^  [a-z]/ { print $1 }'; }
# A verb's own options and those of them that take a value, from its usage
# line (lib/ctl_verbs.h is the one table; nothing is listed here).
_vnetctl_usage() { _vnetctl_run help "$1" | sed -n '1s/^usage: vnetctl \[--socket PATH\] \[--json\] [^ ]*//p'; }
_vnetctl_opts() { _vnetctl_usage "$1" | grep -o -- '--[a-z-]*'; }
_vnetctl_valopts() { _vnetctl_usage "$1" | grep -o -- '--[a-z-]* [A-Z]' | cut -d' ' -f1; }
_vnetctl_nets() { _vnetctl_run --json net-list --all | _vnetctl_field name; }
_vnetctl_uuids() { _vnetctl_run --json net-list --all | _vnetctl_field uuid; }
_vnetctl_ports() { _vnetctl_run --json port-list "$1" | _vnetctl_field ifname; }
_vnetctl_ifaces() { ls /sys/class/net 2>/dev/null; }

_vnetctl()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
	local i verb="" vi=0 words=()
	COMPREPLY=()

	case $prev in
	--socket) COMPREPLY=($(compgen -f -- "$cur")); return ;;
	--mac | --name | --user | --group | --ip | --portgroup) return ;;
	--filter) COMPREPLY=($(compgen -W "off learn strict" -- "$cur")); return ;;
	--bridge) COMPREPLY=($(compgen -W "$(_vnetctl_ifaces)" -- "$cur")); return ;;
	--hook) COMPREPLY=($(compgen -W "auto tc xdp" -- "$cur")); return ;;
	esac
	# The command is the first word that is neither an option nor --socket's value.
	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		--socket) ((i++)) ;;
		-*) ;;
		*) verb=${COMP_WORDS[i]}; vi=$i; break ;;
		esac
	done
	if [[ -z $verb ]]; then
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "--socket --json --pretty --help --version" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$(_vnetctl_verbs)" -- "$cur"))
		fi
		return
	fi
	# Positional arguments after the command, options (and their values) left out.
	local valopts=" $(_vnetctl_valopts "$verb" | tr '\n' ' ') "
	for ((i = vi + 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		-*) [[ $valopts == *" ${COMP_WORDS[i]} "* ]] && ((i++)) ;;
		*) words+=("${COMP_WORDS[i]}") ;;
		esac
	done
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$(_vnetctl_opts "$verb") --help --json" -- "$cur"))
		return
	fi
	case $verb:${#words[@]} in
	net-define:0) COMPREPLY=($(compgen -f -X '!*.xml' -- "$cur") $(compgen -d -- "$cur")) ;;
	help:0) COMPREPLY=($(compgen -W "$(_vnetctl_verbs)" -- "$cur")) ;;
	share:0 | unshare:0) COMPREPLY=($(compgen -W "$(_vnetctl_ifaces)" -- "$cur")) ;;
	net-name:0) COMPREPLY=($(compgen -W "$(_vnetctl_uuids)" -- "$cur")) ;;
	net-list:* | metrics:* | help:* | net-define:* | share:* | unshare:* | net-name:*) ;;
	*:0) COMPREPLY=($(compgen -W "$(_vnetctl_nets)" -- "$cur")) ;;
	port-del:1) COMPREPLY=($(compgen -W "$(_vnetctl_ports "${words[0]}")" -- "$cur")) ;;
	port-add:1) COMPREPLY=($(compgen -W "$(_vnetctl_ifaces)" -- "$cur")) ;;
	forward-add:1 | forward-del:1) COMPREPLY=($(compgen -W "tcp udp" -- "$cur")) ;;
	esac
}
complete -F _vnetctl vnetctl
