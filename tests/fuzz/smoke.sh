#!/usr/bin/env bash
# A short, bounded run of each fuzzer (`make tests`) for the test suite:
# the LCM parser (build/fuzz/fuzz-lcm, about 20 seconds from a copy of
# tests/fuzz/corpus), the binary policy loader (fuzz-policy, corpus-policy)
# and the policy compiler (fuzz-policyc, corpus-policyc; 10 seconds each),
# in build/tests/fuzz-smoke/NAME/ (the source tree is never written). Prints
#   PASS fuzz-lcm-smoke (N execs)     or     FAIL fuzz-lcm-smoke: <reason>
# per fuzzer and exits 0 or 1. Crash inputs and the full logs stay in
# build/tests/fuzz-smoke/.
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
status=0

# smoke NAME CORPUS DICT SECONDS [libFuzzer options]
smoke() {
	local name=$1 corpus=$2 dict=$3 seconds=$4
	shift 4
	local fuzzer=$top/build/fuzz/$name work=$top/build/tests/fuzz-smoke/$name
	if [ ! -x "$fuzzer" ]; then
		echo "FAIL $name-smoke: $fuzzer is not built (make tests)"
		status=1
		return
	fi
	rm -rf "$work"
	mkdir -p "$work/corpus"
	cp "$here/$corpus"/* "$work/corpus/"
	# -max_total_time bounds the run; -timeout and -rss_limit_mb turn a hang
	# or a runaway allocation into a failure instead of a stuck suite.
	"$fuzzer" -max_total_time="$seconds" -timeout=5 -rss_limit_mb=512 \
		-dict="$here/$dict" -max_len=4096 -print_final_stats=1 "$@" \
		-artifact_prefix="$work/" "$work/corpus" >"$work/fuzz.log" 2>&1
	local rc=$?
	local execs crashes
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/fuzz.log" | tail -n 1)
	crashes=$(cd "$work" && ls | grep -m 1 -E '^(crash|timeout|oom|leak|slow-unit)-')
	if [ "$rc" -ne 0 ] || [ -n "$crashes" ]; then
		echo "FAIL $name-smoke: exit status $rc${crashes:+, input $crashes}; see $work/fuzz.log"
		grep -m 5 -E 'ERROR|SUMMARY|deadly' "$work/fuzz.log" | sed 's/^/    /'
		status=1
	elif [ -z "$execs" ] || [ "$execs" -eq 0 ]; then
		echo "FAIL $name-smoke: no inputs were run; see $work/fuzz.log"
		status=1
	else
		echo "PASS $name-smoke ($execs execs)"
	fi
}

smoke fuzz-lcm corpus lcm.dict "${FUZZ_SMOKE_SECONDS:-20}"
smoke fuzz-policy corpus-policy policy.dict "${FUZZ_POLICY_SECONDS:-10}"
# The compiler's diagnostics (stderr) would flood the log.
smoke fuzz-policyc corpus-policyc policy.dict "${FUZZ_POLICY_SECONDS:-10}" -close_fd_mask=2
exit $status
