#!/usr/bin/env bash
# Short, bounded runs of the fuzzers (`make tests`) for the test suite: the
# LCM library (build/fuzz/fuzz-lcm, about 20 seconds from a copy of
# tests/fuzz/corpus) and the hypervisor's device-tree module reader
# (build/fuzz/fuzz-passthrough, about 10 seconds from tests/fuzz/corpus-passthrough),
# in build/tests/fuzz-smoke/ (the source tree is never written). Prints
#   PASS fuzz-lcm-smoke (N execs)     or     FAIL fuzz-lcm-smoke: <reason>
# (and the same for fuzz-passthrough-smoke) and exits 0 or 1. Crash inputs
# and the full logs stay in build/tests/fuzz-smoke/.
#
# A long session (hours; interrupt with Ctrl-C, findings go to crash-*):
#   make build/fuzz/fuzz-lcm
#   mkdir -p build/fuzz/corpus && cp tests/fuzz/corpus/* build/fuzz/corpus/
#   build/fuzz/fuzz-lcm -dict=tests/fuzz/lcm.dict -rss_limit_mb=1024 \
#       -timeout=10 -jobs=$(nproc) -workers=$(nproc) \
#       -artifact_prefix=build/fuzz/ build/fuzz/corpus
# build/fuzz/corpus grows with every new path found; copy a few small,
# interesting inputs back into tests/fuzz/corpus only by hand. To replay a
# finding: build/fuzz/fuzz-lcm build/fuzz/crash-<hash>.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
seconds=${FUZZ_SMOKE_SECONDS:-20}
status=0

# smoke NAME CORPUS SECONDS [libFuzzer options]: one bounded run of
# build/fuzz/fuzz-NAME from a copy of tests/fuzz/CORPUS.
smoke() {
	local name=$1 corpus=$2 secs=$3
	shift 3
	local fuzzer=$top/build/fuzz/fuzz-$name work=$top/build/tests/fuzz-smoke/$name
	if [ ! -x "$fuzzer" ]; then
		echo "FAIL fuzz-$name-smoke: $fuzzer is not built (make tests)"
		return 1
	fi
	rm -rf "$work"
	mkdir -p "$work/corpus"
	cp "$here/$corpus"/* "$work/corpus/"
	# -max_total_time bounds the run; -timeout and -rss_limit_mb turn a hang
	# or a runaway allocation into a failure instead of a stuck suite.
	"$fuzzer" -max_total_time="$secs" -timeout=5 -rss_limit_mb=512 "$@" \
		-max_len=4096 -print_final_stats=1 \
		-artifact_prefix="$work/" "$work/corpus" >"$work/fuzz.log" 2>&1
	local rc=$?
	local execs crashes
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/fuzz.log" | tail -n 1)
	crashes=$(cd "$work" && ls | grep -m 1 -E '^(crash|timeout|oom|leak|slow-unit)-')
	if [ "$rc" -ne 0 ] || [ -n "$crashes" ]; then
		echo "FAIL fuzz-$name-smoke: exit status $rc${crashes:+, input $crashes}; see $work/fuzz.log"
		grep -m 5 -E 'ERROR|SUMMARY|deadly' "$work/fuzz.log" | sed 's/^/    /'
		return 1
	fi
	if [ -z "$execs" ] || [ "$execs" -eq 0 ]; then
		echo "FAIL fuzz-$name-smoke: no inputs were run; see $work/fuzz.log"
		return 1
	fi
	echo "PASS fuzz-$name-smoke ($execs execs)"
}

smoke lcm corpus "$seconds" -dict="$here/lcm.dict" || status=1
smoke passthrough corpus-passthrough $(((seconds + 1) / 2)) || status=1
exit $status
