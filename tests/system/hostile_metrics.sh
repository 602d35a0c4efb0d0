#!/bin/bash
# Metrics slowloris (issue 16.11): connections that trickle header lines
# and never finish their request must not keep scrapes out. A connection
# gets 2 s to deliver its request head; each source holds at most 8
# connections, and a new one evicts that source's oldest unfinished one.
. "$(dirname "$0")/../lib.sh"
world_init
vnetd_start
URL=http://127.0.0.1:9578/metrics
SLOW=$(dirname "$0")/slowloris.py

# scrape_fast: one scrape that must succeed within 1 s.
scrape_fast() {
	local t
	t=$(inhost curl -sf -m 2 -o "$TMP/m" -w '%{time_total}' "$URL") || return 1
	awk -v t="$t" 'BEGIN {exit !(t < 1.0)}' || { log "scrape took ${t}s"; return 1; }
}
inhost curl -sf -m 2 -o /dev/null "$URL" || fail "no metrics endpoint"

# 1. 24 connections from the scraper's own address, never reconnecting
# (the issue's attack: 20 connections, one header line every 3 s).
inhost /usr/bin/python3 "$SLOW" 127.0.0.1 9578 127.0.0.1 24 9 >"$TMP/slow1" 2>&1 &
s1=$!
wait_for 30 grep -q ready "$TMP/slow1" || fail "slowloris did not start: $(cat "$TMP/slow1")"
for i in 1 2 3 4; do
	scrape_fast || fail "scrape $i during slowloris from the same address failed"
	t0=$(date +%s.%N)
	vnetctl net-list >/dev/null || fail "control socket dead during slowloris"
	awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN {exit !(b - a < 1)}' ||
		fail "the daemon's loop stalled during slowloris"
	sleep 1
done
wait $s1
read -r _ closed _ life _ open <<<"$(tail -1 "$TMP/slow1")"
log "same address: server closed $closed, longest life ${life}s, still open $open"
[ "$closed" -ge 24 ] && [ "$open" -eq 0 ] || fail "slowloris connections outlived the header deadline"
awk -v l="$life" 'BEGIN {exit !(l < 4.5)}' || fail "a slowloris connection lived ${life}s (deadline 2 s)"

# 2. 40 connections from another address, reopened as soon as they close.
inhost ip addr add 127.0.0.2/8 dev lo 2>/dev/null
inhost /usr/bin/python3 "$SLOW" 127.0.0.1 9578 127.0.0.2 40 8 reconnect >"$TMP/slow2" 2>&1 &
s2=$!
wait_for 30 grep -q ready "$TMP/slow2" || fail "slowloris 2 did not start"
for i in 1 2 3 4 5; do
	scrape_fast || fail "scrape $i during a reconnecting slowloris failed"
	sleep 1
done
wait $s2
log "other address: $(tail -1 "$TMP/slow2")"

# 3. Counted.
inhost curl -sf -m 2 "$URL" >"$TMP/m3" || fail "final scrape"
ctr() { awk -v k="vnet_metrics_http_connections_total{event=\"$1\"}" '$1 == k {print $2}' "$TMP/m3"; }
to=$(ctr header_timeout) ev=$(ctr evicted)
log "header_timeout=$to evicted=$ev accepted=$(ctr accepted)"
[ "${to:-0}" -ge 1 ] || fail "header timeouts not counted"
[ "${ev:-0}" -ge 1 ] || fail "evictions not counted"
log "ok"
