#!/usr/bin/env bash
# Short, bounded runs of the fuzzers (`make tests`) for the test suite:
#   fuzz-lcm   the LCM library (build/fuzz/fuzz-lcm), about 20 seconds from
#              a copy of tests/fuzz/corpus, with tests/fuzz/lcm.dict;
#   fuzz-tpm2  the hypervisor's TPM 2.0 response parsing
#              (build/fuzz/fuzz-tpm2), about 5 seconds from a copy of
#              tests/fuzz/corpus-tpm2,
# each in build/tests/fuzz-smoke/NAME/ (the source tree is never written).
# Prints, per fuzzer,
#   PASS NAME-smoke (N execs)     or     FAIL NAME-smoke: <reason>
# and exits 0 or 1. Crash inputs and the full logs stay in build/tests/fuzz-smoke/.
#
# A long session (hours; interrupt with Ctrl-C, findings go to crash-*):
#   make build/fuzz/fuzz-lcm
#   mkdir -p build/fuzz/corpus && cp tests/fuzz/corpus/* build/fuzz/corpus/
#   build/fuzz/fuzz-lcm -dict=tests/fuzz/lcm.dict -rss_limit_mb=1024 \
#       -timeout=10 -jobs=$(nproc) -workers=$(nproc) \
#       -artifact_prefix=build/fuzz/ build/fuzz/corpus
# build/fuzz/corpus grows with every new path found; copy a few small,
# interesting inputs back into tests/fuzz/corpus only by hand. To replay a
# finding: build/fuzz/fuzz-lcm build/fuzz/crash-<hash>. The same goes for
# fuzz-tpm2 with tests/fuzz/corpus-tpm2 (no dictionary).
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
failed=0

# smoke NAME CORPUS SECONDS [FUZZER OPTIONS...]
smoke() {
	local name=$1 corpus=$2 seconds=$3
	shift 3
	local fuzzer=$top/build/fuzz/$name work=$top/build/tests/fuzz-smoke/$name

	if [ ! -x "$fuzzer" ]; then
		echo "FAIL $name-smoke: $fuzzer is not built (make tests)"
		failed=1
		return
	fi
	rm -rf "$work"
	mkdir -p "$work/corpus"
	cp "$corpus"/* "$work/corpus/"
	# -max_total_time bounds the run; -timeout and -rss_limit_mb turn a hang
	# or a runaway allocation into a failure instead of a stuck suite.
	"$fuzzer" -max_total_time="$seconds" -timeout=5 -rss_limit_mb=512 -max_len=4096 \
		-print_final_stats=1 -artifact_prefix="$work/" "$@" "$work/corpus" \
		>"$work/fuzz.log" 2>&1
	local rc=$? execs crashes
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/fuzz.log" | tail -n 1)
	crashes=$(cd "$work" && ls | grep -m 1 -E '^(crash|timeout|oom|leak|slow-unit)-')
	if [ "$rc" -ne 0 ] || [ -n "$crashes" ]; then
		echo "FAIL $name-smoke: exit status $rc${crashes:+, input $crashes}; see $work/fuzz.log"
		grep -m 5 -E 'ERROR|SUMMARY|deadly' "$work/fuzz.log" | sed 's/^/    /'
		failed=1
	elif [ -z "$execs" ] || [ "$execs" -eq 0 ]; then
		echo "FAIL $name-smoke: no inputs were run; see $work/fuzz.log"
		failed=1
	else
		echo "PASS $name-smoke ($execs execs)"
	fi
}

smoke fuzz-lcm "$here/corpus" "${FUZZ_SMOKE_SECONDS:-20}" -dict="$here/lcm.dict"
smoke fuzz-tpm2 "$here/corpus-tpm2" "${FUZZ_TPM2_SECONDS:-5}"
exit $failed
