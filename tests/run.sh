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

# This run's namespace and pin prefix (other runs may go on beside it).
RUN_ID=vt$$s
want() { [ -z "$TESTS" ] || [[ "$1" == *$TESTS* ]]; }

# Seconds each test took in the last run (name secs, $BUILD/test-times): jobs
# start longest first so the slots stay full to the end; a test not yet
# timed counts as the longest.
TIMES=$BUILD/test-times
declare -A SECS_LAST=() SECS_NOW=()
[ -r "$TIMES" ] && while read -r n s; do SECS_LAST[$n]=$s; done <"$TIMES"
# by_time PATH...: the paths, longest (by the last run) first
by_time() {
	local t n
	for t in "$@"; do
		n=$(basename "$t" .sh)
		echo "${SECS_LAST[$n]:-999999} $t"
	done | sort -s -k1,1nr | cut -d' ' -f2-
}

# cmocka binaries: count each test case from the binary's own summary.
start_cmocka() {
	local bin=$1 name
	name=$(basename "$bin")
	want "$name" || return
	(
		start=$SECONDS
		VNET_TEST_PREFIX=${RUN_ID}u timeout 300 "$bin" >"$LOGDIR/$name.log" 2>&1
		echo "$? $((SECONDS - start))" >"$LOGDIR/$name.rc"
	) &
	JOBS[$!]="finish_cmocka $name"
}

finish_cmocka() {
	local name=$1 out=$LOGDIR/$1.log rc secs p f s
	read -r rc secs <"$LOGDIR/$name.rc"
	SECS_NOW[$name]=$secs
	p=$(grep -o 'PASSED  \] [0-9]*' "$out" | awk '{s+=$NF} END {print s+0}')
	f=$(grep -o 'FAILED  \] [0-9]*' "$out" | awk '{s+=$NF} END {print s+0}')
	s=$(grep -o 'SKIPPED \] [0-9]*' "$out" | awk '{s+=$NF} END {print s+0}')
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
	PASS=$((PASS + p)); FAIL=$((FAIL + f)); SKIP=$((SKIP + s))
	if [ "$f" -gt 0 ]; then FAILED+=("$name"); sed 's/^/  /' "$out" | tail -40; fi
	printf '%-40s %d passed, %d failed (%ds)\n' "$name" "$p" "$f" "$secs"
}

# Fuzz targets: replay the seed corpus, then a short bounded run; FUZZ_JOBS
# (default 2, one per CPU: they are CPU-bound) at a time.
FUZZ_JOBS=${FUZZ_JOBS:-2}
# Background jobs (fuzzers, system tests): pid -> "finisher NAME", run
# when the job has ended.
declare -A JOBS=()

# Wait until fewer than $1 jobs run, finishing the ended ones.
wait_jobs() {
	local max=$1 pid
	while [ "${#JOBS[@]}" -ge "$max" ] && [ "${#JOBS[@]}" -gt 0 ]; do
		wait -n 2>/dev/null
		for pid in "${!JOBS[@]}"; do
			if ! kill -0 "$pid" 2>/dev/null; then
				wait "$pid" 2>/dev/null
				${JOBS[$pid]}
				unset "JOBS[$pid]"
			fi
		done
	done
}

start_fuzz() {
	local bin=$1 name corpus
	name=$(basename "$bin")
	want "$name" || return
	corpus="$ROOT/tests/fuzz/${name#fuzz_}"
	(
		start=$SECONDS
		work=$(mktemp -d)
		[ -d "$corpus" ] && cp -r "$corpus/." "$work/"
		# Crash artifacts go to the log dir, never into the source tree.
		budget=(-max_total_time="$FUZZ_SECONDS")
		[ -n "$FUZZ_RUNS" ] && budget=(-runs="$FUZZ_RUNS" -seed=1)
		timeout $((FUZZ_SECONDS + 300)) "$bin" "${budget[@]}" -timeout=10 \
			-artifact_prefix="$LOGDIR/$name-" \
			-rss_limit_mb=2048 "$work" >"$LOGDIR/$name.log" 2>&1
		echo "$? $((SECONDS - start))" >"$LOGDIR/$name.frc"
		rm -rf "$work"
	) &
	JOBS[$!]="finish_fuzz $name"
}

finish_fuzz() {
	local name=$1 rc secs
	read -r rc secs <"$LOGDIR/$name.frc"
	SECS_NOW[$name]=$secs
	if [ "$rc" = 0 ]; then
		PASS=$((PASS + 1)); printf '%-40s ok (%s, %ds)\n' "$name" "$(grep -o 'Done [0-9]* runs' "$LOGDIR/$name.log" | tail -1)" "$secs"
	else
		FAIL=$((FAIL + 1)); FAILED+=("$name"); tail -30 "$LOGDIR/$name.log" | sed 's/^/  /'
	fi
}

# System tests run SYSTEM_JOBS at a time (default 3: most of their time is
# spent waiting on timers and clients, not on the 2 CPUs). A test whose
# script has a line "# serial" (timing-sensitive: throughput, rates) runs
# alone, after the parallel ones. Each gets its own namespace prefix,
# vt<run pid>s<N>, so leftovers are checked for this run's tests only.
SYSTEM_JOBS=${SYSTEM_JOBS:-3}
SYS_N=0

# Start one system test in the background; its rc lands in $LOGDIR/NAME.rc.
start_system() {
	local t=$1 name
	name=$(basename "$t" .sh)
	SYS_N=$((SYS_N + 1))
	(
		start=$SECONDS
		ROOT=$ROOT BUILD=$BUILD TEST_NAME=$name VNET_TEST_PREFIX=$RUN_ID$SYS_N \
			timeout 600 bash "$t" >"$LOGDIR/$name.log" 2>&1
		echo "$? $((SECONDS - start))" >"$LOGDIR/$name.rc"
	) &
	JOBS[$!]="finish_system $name"
}

# Account for a finished test (its rc file written).
finish_system() {
	local name=$1 rc secs
	read -r rc secs <"$LOGDIR/$name.rc"
	SECS_NOW[$name]=$secs
	case $rc in
	0) PASS=$((PASS + 1)); printf '%-40s ok (%ds)\n' "$name" "$secs" ;;
	77) SKIP=$((SKIP + 1)); printf '%-40s skipped: %s\n' "$name" "$(grep -m1 SKIP "$LOGDIR/$name.log")" ;;
	*) FAIL=$((FAIL + 1)); FAILED+=("$name"); printf '%-40s FAILED (rc %d, %ds)\n' "$name" "$rc" "$secs"
	   tail -40 "$LOGDIR/$name.log" | sed 's/^/  /' ;;
	esac
}

run_systems() {
	local t name serial=()
	for t in $(by_time "$ROOT"/tests/system/*.sh); do
		[ -f "$t" ] || continue
		name=$(basename "$t" .sh)
		want "$name" || continue
		if grep -q '^# serial' "$t"; then serial+=("$t"); continue; fi
		wait_jobs "$SYSTEM_JOBS"
		start_system "$t"
	done
	wait_jobs 1
	for t in "${serial[@]}"; do
		start_system "$t"
		wait_jobs 1
	done
}

# bpffs before the run: whatever a test pins it must remove (checked at the end)
PINS_BEFORE=$(ls /sys/fs/bpf 2>/dev/null | sort)
# Unit and BPF tests and fuzzers are CPU-bound: CPU_JOBS (default 2, one
# per CPU) at a time, longest first.
CPU_JOBS=${CPU_JOBS:-$FUZZ_JOBS}
budget="${FUZZ_SECONDS}s"
[ -n "$FUZZ_RUNS" ] && budget="$FUZZ_RUNS inputs, seed 1"
echo "== unit, BPF and fuzz tests (fuzz: seed corpus replay + $budget each)"
for b in $(by_time "$BUILD"/tests/unit/test_* "$BUILD"/tests/bpf/test_* "$BUILD"/fuzz/fuzz_*); do
	[ -x "$b" ] || continue
	wait_jobs "$CPU_JOBS"
	case $(basename "$b") in
	fuzz_*) start_fuzz "$b" ;;
	*) start_cmocka "$b" ;;
	esac
done
wait_jobs 1
echo "== system tests"
run_systems
leftover=$(ip netns list 2>/dev/null | grep -E "^$RUN_ID[0-9]+-" || true)
if [ -n "$leftover" ]; then
	FAIL=$((FAIL + 1)); FAILED+=("leftover-namespaces"); echo "leftover namespaces: $leftover"
fi
# other runs' tests (a parallel make test, a developer's test) pin PREFIX<pid>,
# PREFIX-bpftest-<pid>[-old] (another run's BPF tests: vt<pid>su-...) and
# PREFIX-hN (lib_evpn.sh's hosts): not this run's; this run's carry RUN_ID
pins=$(comm -13 <(echo "$PINS_BEFORE") <(ls /sys/fs/bpf 2>/dev/null | sort) |
	grep -Ev "^[a-z]+[0-9]*(s[0-9]*u?)?(-bpftest-[0-9]+(-old)?|-h[0-9]+)?$" | tr '\n' ' ')
pins="$pins$(ls /sys/fs/bpf 2>/dev/null | grep -E "^$RUN_ID([0-9]+(-h[0-9]+)?|u-bpftest-[0-9]+(-old)?)$" | tr '\n' ' ')"
if [ -n "$pins" ]; then
	FAIL=$((FAIL + 1)); FAILED+=("leftover-pins"); echo "leftover bpffs pins: $pins"
fi
# this run's times, over the last run's (a partial run keeps the others')
for n in "${!SECS_NOW[@]}"; do SECS_LAST[$n]=${SECS_NOW[$n]}; done
{ for n in "${!SECS_LAST[@]}"; do echo "$n ${SECS_LAST[$n]}"; done >"$TIMES.$$" &&
	mv "$TIMES.$$" "$TIMES"; } 2>/dev/null
[ ${#FAILED[@]} -gt 0 ] && echo "failed: ${FAILED[*]} (logs in $LOGDIR)"
echo "$PASS passed, $FAIL failed, $SKIP skipped"
[ "$FAIL" -eq 0 ]
