#!/usr/bin/env bash
# The whole test suite (what `make check` and the README's test command run).
#
# A suite is a program that prints one line per test case:
#   PASS <name>            or      FAIL <name>: <reason>
# (cmocka's "[       OK ] name" / "[  FAILED  ] name" lines count the same).
# Scripts under tests/guests/, tests/hv/ and tests/launch/ are one test each, judged by their
# exit status, with their output kept in build/tests/logs/. The last line is
# the summary CI reads: "N passed, N failed".
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
logs=build/tests/logs
mkdir -p "$logs"
pass=0
fail=0
failed=()

# run_suite NAME CMD...: count the PASS/FAIL lines CMD prints.
run_suite() {
	local name=$1; shift
	local out="$logs/$name.log"
	"$@" >"$out" 2>&1
	local rc=$?
	local p f
	p=$(grep -cE '^(PASS |\[       OK \] )' "$out")
	# cmocka names a failed test twice (as it fails and in its summary).
	f=$(grep -E '^(FAIL |\[  FAILED  \] [^0-9])' "$out" | sed 's/:.*//' | sort -u | grep -c .)
	if [ "$f" -eq 0 ] && { [ "$p" -eq 0 ] || [ "$rc" -ne 0 ]; }; then
		f=1
		echo "FAIL $name: exit status $rc, $p cases passed and none named as failing; see $out"
	fi
	grep -E '^(FAIL |\[  FAILED  \] [^0-9])' "$out" | sort -u | sed "s/^/  $name: /"
	[ "$f" -gt 0 ] && failed+=("$name")
	echo "$name: $p passed, $f failed"
	pass=$((pass + p))
	fail=$((fail + f))
}

# run_script FILE: one test, judged by exit status.
run_script() {
	local file=$1
	local name=${file#tests/}
	name=${name%.sh}
	local out="$logs/${name//\//-}.log"
	if "$file" >"$out" 2>&1; then
		echo "PASS $name"
		pass=$((pass + 1))
	else
		echo "FAIL $name: see $out"
		tail -n 15 "$out" | sed 's/^/    /'
		fail=$((fail + 1))
		failed+=("$name")
	fi
}

run_suite unit-lcm build/tests/unit-lcm
run_suite unit-core build/tests/unit-core
run_suite lcm-fixtures tests/lcm-fixtures/run.sh
run_suite tool tests/tool/run.sh
run_suite docs tests/docs/run.sh
run_suite format tests/format/run.sh
run_suite fuzz-smoke tests/fuzz/smoke.sh
for t in tests/guests/*.sh tests/hv/*.sh tests/launch/*.sh tests/security/*.sh; do
	[ -x "$t" ] && run_script "$t"
done

echo
if [ ${#failed[@]} -gt 0 ]; then
	echo "failed: ${failed[*]}"
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
