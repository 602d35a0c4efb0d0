#!/bin/bash
# Prometheus endpoint: valid exposition under promtool while traffic flows,
# counters rise with the traffic sent, bad requests get HTTP errors and the
# daemon keeps serving.
. "$(dirname "$0")/../lib.sh"
command -v promtool >/dev/null || skip "promtool (package prometheus) not installed"
default_world 2
URL=http://127.0.0.1:9578/metrics
ip2=$(guest_ip 2)

scrape() { inhost curl -sf -m 5 "$URL"; }
sum() { # sum of a family's samples matching a label filter
	awk -v f="$1" -v l="$2" '$1 ~ "^"f"({|$)" && index($1, l) {s += $NF} END {print s + 0}'
}
scrape >"$TMP/m1" || fail "cannot scrape $URL"
promtool check metrics <"$TMP/m1" >"$TMP/lint" 2>&1 || { cat "$TMP/lint"; fail "promtool rejects the exposition"; }
grep -q '^vnet_build_info{' "$TMP/m1" || fail "no vnet_build_info"
grep -q '^vnet_network_active{network="default"} 1' "$TMP/m1" || fail "network not reported up"
grep -q '^vnet_dhcp_messages_total{network="default",direction="rx",type="discover"} [1-9]' "$TMP/m1" ||
	fail "DHCP discovers not counted"
grep -q '^vnet_conntrack_entries{' "$TMP/m1" || fail "no conntrack gauge"
grep -q '^vnet_dns_upstream_latency_seconds_count{network="default"}' "$TMP/m1" || fail "no DNS latency histogram"
grep -q '^vnet_drops_total{network="default",reason="src_ip"}' "$TMP/m1" || fail "no drop reasons"

rx_of() { grep '^vnet_port_packets_total{' "$1" | grep 'port="vif1.0"' | grep 'direction="rx"' | awk '{s+=$NF} END {print s+0}'; }
rx1=$(rx_of "$TMP/m1")
inguest 1 ping -q -c 50 -i 0.01 -W 2 "$ip2" >/dev/null || fail "ping guest1 -> guest2"
inguest 1 dig +short +time=2 @192.168.122.1 guest2 >/dev/null
scrape >"$TMP/m2" || fail "second scrape"
promtool check metrics <"$TMP/m2" >"$TMP/lint" 2>&1 || { cat "$TMP/lint"; fail "promtool rejects the second scrape"; }
rx2=$(rx_of "$TMP/m2")
[ "$rx2" -ge $((rx1 + 50)) ] || fail "vif1.0 rx packets rose from $rx1 to $rx2, expected +50"
q=$(grep '^vnet_dns_queries_total{' "$TMP/m2" | grep 'type="a"' | awk '{s+=$NF} END {print s+0}')
[ "$q" -ge 1 ] || fail "no DNS query counted"
vnetctl metrics | promtool check metrics >/dev/null 2>&1 || fail "vnetctl metrics is not valid exposition"

# Bad requests: unknown path 404, POST refused, oversized headers refused.
code=$(inhost curl -s -o /dev/null -w '%{http_code}' -m 5 http://127.0.0.1:9578/nope)
[ "$code" = 404 ] || fail "unknown path gave $code"
code=$(inhost curl -s -o /dev/null -w '%{http_code}' -m 5 -X POST "$URL")
[ "$code" = 405 ] || fail "POST gave $code"
big=$(head -c 20000 /dev/zero | tr '\0' a)
code=$(inhost curl -s -o /dev/null -w '%{http_code}' -m 5 -H "X-Big: $big" "$URL")
[[ "$code" =~ ^(431|413|400)$ ]] || fail "huge header gave $code"
pids=()
for i in $(seq 40); do inhost curl -s -m 5 -o /dev/null "$URL" & pids+=($!); done
wait "${pids[@]}"
scrape >/dev/null || fail "daemon stopped serving after parallel connections"
vnetctl net-list >/dev/null || fail "control socket dead after metrics abuse"
inhost ss -ltn | grep -q '127.0.0.1:9578' || fail "metrics listener is not on loopback"

# One declared list of families (ctl/vnetd/control/metrics_families_priv.h): nothing a
# service reports is left undeclared, and docs/metrics.md's table is that list.
grep "not declared" "$TMP/vnetd.log" && fail "a metric family is not declared"
declared=$(grep -o '^[[:space:]]*X("vnet_[a-z0-9_]*"' "$ROOT/ctl/vnetd/control/metrics_families_priv.h" |
	grep -o 'vnet_[a-z0-9_]*' | sort -u)
[ "$(echo "$declared" | wc -l)" -ge 40 ] || fail "too few declared families: $declared"
documented=$(grep '^| `vnet_' "$ROOT/docs/metrics.md" | cut -d'|' -f2 | grep -o 'vnet_[a-z0-9_]*' | sort -u)
diff <(echo "$declared") <(echo "$documented") >"$TMP/famdiff" ||
	{ cat "$TMP/famdiff"; fail "docs/metrics.md and metrics_families.h differ (< declared, > documented)"; }
exposed=$(grep '^# TYPE' "$TMP/m2" | awk '{print $3}' | sort -u)
for f in $exposed; do grep -qx "$f" <<<"$declared" || fail "exposed family $f is not declared"; done
log "ok"
