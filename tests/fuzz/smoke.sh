#!/usr/bin/env bash
# Short, bounded runs of the fuzzers (`make tests`) for the test suite:
# build/fuzz/fuzz-lcm (the LCM library) for about 20 seconds,
# build/fuzz/fuzz-import (lcm-tool import's readers), fuzz-policy (the
# hypervisor's loader of a binary policy) and fuzz-policyc (lcm-tool's
# policy compiler) for about 10 each, fuzz-tpm2 (the hypervisor's TPM 2.0
# response parsing), fuzz-mb2image (the x86 guest image header) and
# fuzz-bzimage (Linux's bzImage setup header) and fuzz-x86decode (the x86
# MMIO instruction decoder and guest page walk) for about 5 each,
# fuzz-passthrough (the hypervisor's reader of a domain's device-tree
# module) for about 10, fuzz-bootcfg (the reference Boot Domain's config
# parser, shared with lcm-tool show and predict) for about 5, each from a copy of its corpus in
# build/tests/fuzz-smoke/NAME/ (the source tree is never written). Prints,
# per fuzzer,
#   PASS fuzz-NAME-smoke (N execs)     or     FAIL fuzz-NAME-smoke: <reason>
# and exits 0 when all passed. Crash inputs and the full log stay in
# build/tests/fuzz-smoke/NAME/.
#
# A long session (hours; interrupt with Ctrl-C, findings go to crash-*):
#   make build/fuzz/fuzz-lcm
#   mkdir -p build/fuzz/corpus && cp tests/fuzz/corpus/* build/fuzz/corpus/
#   build/fuzz/fuzz-lcm -dict=tests/fuzz/lcm.dict -rss_limit_mb=1024 \
#       -timeout=10 -jobs=$(nproc) -workers=$(nproc) \
#       -artifact_prefix=build/fuzz/ build/fuzz/corpus
# build/fuzz/corpus grows with every new path found; copy a few small,
# interesting inputs back into tests/fuzz/corpus only by hand. To replay a
# finding: build/fuzz/fuzz-lcm build/fuzz/crash-<hash>. The same for
# fuzz-import with tests/fuzz/corpus-import, tests/fuzz/import.dict and
# -close_fd_mask=2 (the importer's diagnostics go to stderr).
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
status=0

# smoke NAME CORPUS DICT SECONDS MAX_LEN [libFuzzer options...]
smoke() {
	local name=$1 corpus=$2 dict=$3 seconds=$4 max_len=$5
	shift 5
	local fuzzer=$top/build/fuzz/fuzz-$name work=$top/build/tests/fuzz-smoke/$name
	if [ ! -x "$fuzzer" ]; then
		echo "FAIL fuzz-$name-smoke: $fuzzer is not built (make tests)"
		status=1
		return
	fi
	rm -rf "$work"
	mkdir -p "$work/corpus"
	cp "$corpus"/* "$work/corpus/"
	# -max_total_time bounds the run; -timeout and -rss_limit_mb turn a hang
	# or a runaway allocation into a failure instead of a stuck suite.
	"$fuzzer" -max_total_time="$seconds" -timeout=5 -rss_limit_mb=512 \
		-dict="$dict" -max_len="$max_len" -print_final_stats=1 "$@" \
		-artifact_prefix="$work/" "$work/corpus" >"$work/fuzz.log" 2>&1
	local rc=$?
	local execs crashes
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/fuzz.log" | tail -n 1)
	crashes=$(cd "$work" && ls | grep -m 1 -E '^(crash|timeout|oom|leak|slow-unit)-')
	if [ "$rc" -ne 0 ] || [ -n "$crashes" ]; then
		echo "FAIL fuzz-$name-smoke: exit status $rc${crashes:+, input $crashes}; see $work/fuzz.log"
		grep -m 5 -E 'ERROR|SUMMARY|deadly' "$work/fuzz.log" | sed 's/^/    /'
		status=1
	elif [ -z "$execs" ] || [ "$execs" -eq 0 ]; then
		echo "FAIL fuzz-$name-smoke: no inputs were run; see $work/fuzz.log"
		status=1
	else
		echo "PASS fuzz-$name-smoke ($execs execs)"
	fi
}

smoke lcm "$here/corpus" "$here/lcm.dict" "${FUZZ_SMOKE_SECONDS:-20}" 4096
smoke import "$here/corpus-import" "$here/import.dict" "${FUZZ_IMPORT_SECONDS:-10}" 16384 \
	-close_fd_mask=2
smoke mb2image "$here/corpus-mb2image" "$here/mb2image.dict" "${FUZZ_MB2IMAGE_SECONDS:-5}" 16384
smoke bzimage "$here/corpus-bzimage" "$here/bzimage.dict" "${FUZZ_BZIMAGE_SECONDS:-5}" 32768
smoke x86decode "$here/corpus-x86decode" "$here/x86decode.dict" "${FUZZ_X86DECODE_SECONDS:-5}" 256
smoke policy "$here/corpus-policy" "$here/policy.dict" "${FUZZ_POLICY_SECONDS:-10}" 4096
# The compiler's diagnostics (stderr) would flood the log.
smoke policyc "$here/corpus-policyc" "$here/policy.dict" "${FUZZ_POLICY_SECONDS:-10}" 4096 \
	-close_fd_mask=2
smoke tpm2 "$here/corpus-tpm2" "$here/tpm2.dict" "${FUZZ_TPM2_SECONDS:-5}" 4096
smoke passthrough "$here/corpus-passthrough" "$here/passthrough.dict" \
	"${FUZZ_PASSTHROUGH_SECONDS:-10}" 4096
smoke bootcfg "$here/corpus-bootcfg" "$here/bootcfg.dict" "${FUZZ_BOOTCFG_SECONDS:-5}" 1024
exit $status
