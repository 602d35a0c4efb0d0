#!/bin/bash
# make test: run every unit test (cmocka), BPF test, fuzz replay + short
# fuzz run, and system test; print one summary line "N passed, N failed, N skipped".
# TESTS=pattern limits the run to matching names.
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$ROOT/build}
FUZZ_SECONDS=${FUZZ_SECONDS:-10}
# make test runs a fixed number of inputs from a fixed seed, so the result
# is the same on every run; make fuzz (FUZZ_SECONDS) explores at random.
FUZZ_RUNS=${FUZZ_RUNS:-}
PASS=0 FAIL=0 SKIP=0 FAILED=()
LOGDIR=$(mktemp -d /tmp/vnet-test-logs.XXXXXX)

want() { [ -z "$TESTS" ] || [[ "$1" == *$TESTS* ]]; }

# cmocka binaries: count each test case from the binary's own summary.
run_cmocka() {
	local bin=$1 name out p f
	name=$(basename "$bin")
	want "$name" || return
	out="$LOGDIR/$name.log"
	timeout 300 "$bin" >"$out" 2>&1
	local rc=$?
	p=$(grep -o 'PASSED  \] [0-9]*' "$out" | awk '{s+=$NF} END {print s+0}')
	f=$(grep -o 'FAILED  \] [0-9]*' "$out" | awk '{s+=$NF} END {print s+0}')
	s=$(grep -o 'SKIPPED \] [0-9]*' "$out" | awk '{s+=$NF} END {print s+0}')
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
	PASS=$((PASS + p)); FAIL=$((FAIL + f)); SKIP=$((SKIP + s))
	if [ "$f" -gt 0 ]; then FAILED+=("$name"); sed 's/^/  /' "$out" | tail -40; fi
	printf '%-40s %d passed, %d failed\n' "$name" "$p" "$f"
}

# Fuzz targets: replay the seed corpus, then a short bounded run.
run_fuzz() {
	local bin=$1 name corpus work
	name=$(basename "$bin")
	want "$name" || return
	corpus="$ROOT/tests/fuzz/${name#fuzz_}"
	work=$(mktemp -d)
	[ -d "$corpus" ] && cp -r "$corpus/." "$work/"
	# Crash artifacts go to the log dir, never into the source tree.
	local budget=(-max_total_time="$FUZZ_SECONDS")
	[ -n "$FUZZ_RUNS" ] && budget=(-runs="$FUZZ_RUNS" -seed=1)
	if timeout $((FUZZ_SECONDS + 300)) "$bin" "${budget[@]}" -timeout=10 \
		-artifact_prefix="$LOGDIR/$name-" \
		-rss_limit_mb=2048 "$work" >"$LOGDIR/$name.log" 2>&1; then
		PASS=$((PASS + 1)); printf '%-40s ok (%s)\n' "$name" "$(grep -o 'Done [0-9]* runs' "$LOGDIR/$name.log" | tail -1)"
	else
		FAIL=$((FAIL + 1)); FAILED+=("$name"); tail -30 "$LOGDIR/$name.log" | sed 's/^/  /'
	fi
	rm -rf "$work"
}

run_system() {
	local t=$1 name rc
	name=$(basename "$t" .sh)
	want "$name" || return
	local start=$SECONDS
	ROOT=$ROOT BUILD=$BUILD TEST_NAME=$name timeout 600 bash "$t" >"$LOGDIR/$name.log" 2>&1
	rc=$?
	case $rc in
	0) PASS=$((PASS + 1)); printf '%-40s ok (%ds)\n' "$name" $((SECONDS - start)) ;;
	77) SKIP=$((SKIP + 1)); printf '%-40s skipped: %s\n' "$name" "$(grep -m1 SKIP "$LOGDIR/$name.log")" ;;
	*) FAIL=$((FAIL + 1)); FAILED+=("$name"); printf '%-40s FAILED (rc %d)\n' "$name" "$rc"
	   tail -40 "$LOGDIR/$name.log" | sed 's/^/  /' ;;
	esac
}

# bpffs before the run: whatever a test pins it must remove (checked at the end)
PINS_BEFORE=$(ls /sys/fs/bpf 2>/dev/null | sort)
echo "== unit and BPF tests"
for b in "$BUILD"/tests/unit/test_* "$BUILD"/tests/bpf/test_*; do
	[ -x "$b" ] && run_cmocka "$b"
done
echo "== fuzz (seed corpus replay + ${FUZZ_RUNS:+$FUZZ_RUNS inputs, seed 1}${FUZZ_RUNS:-${FUZZ_SECONDS}s} each)"
for b in "$BUILD"/fuzz/fuzz_*; do
	[ -x "$b" ] && run_fuzz "$b"
done
echo "== system tests"
for t in "$ROOT"/tests/system/*.sh; do
	[ -f "$t" ] && run_system "$t"
done
leftover=$(ip netns list 2>/dev/null | grep -E '^vt[0-9]+-' || true)
if [ -n "$leftover" ]; then
	FAIL=$((FAIL + 1)); FAILED+=("leftover-namespaces"); echo "leftover namespaces: $leftover"
fi
pins=$(comm -13 <(echo "$PINS_BEFORE") <(ls /sys/fs/bpf 2>/dev/null | sort) | tr '\n' ' ')
if [ -n "$pins" ]; then
	FAIL=$((FAIL + 1)); FAILED+=("leftover-pins"); echo "leftover bpffs pins: $pins"
fi
[ ${#FAILED[@]} -gt 0 ] && echo "failed: ${FAILED[*]} (logs in $LOGDIR)"
echo "$PASS passed, $FAIL failed, $SKIP skipped"
[ "$FAIL" -eq 0 ]
