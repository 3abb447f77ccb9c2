#!/usr/bin/env bash
# The mutation check (`make mutate`, not part of `make check`): do the tests
# catch what they claim? Each mutation of tests/mutate/mutations.txt (a bug
# planted on purpose: see the top of that file for its form) is applied, one
# at a time, to a scratch copy of the tree, which is rebuilt (incrementally)
# and given the tests the mutation names. A test that fails kills it.
#
#   tests/mutate/run.sh                 every mutation
#   tests/mutate/run.sh ID...           only these (shell patterns: 'policy-*')
#   ONLY=ID,ID make mutate              the same through make
#   tests/mutate/run.sh --list          the mutations, their tests, which are stale; no run
#
# One line per mutation:
#   killed ID: FILE: by TEST (N s)             a named test failed: good
#   SURVIVED ID: FILE: ...                     every named test passed: a hole
#   stale ID: FILE: ...                        the text to find is not there
#                                              exactly once: update the list
#   build-failed ID: FILE: ...                 the mutated tree does not build
#   equivalent ID: REASON                      not run (no test can tell)
# then "mutate: N killed, N survived, N equivalent, N stale" (", N
# build-failed" when there are). The exit status is 1 when a mutation
# survived, is stale or does not build, 2 when the check itself cannot run
# (a named test fails on the unmutated tree, a malformed list).
#
# The scratch copy is build/mutate/tree (MUTATE_DIR= elsewhere): the tree's
# files (tracked, and untracked ones git does not ignore, so a new test is
# in), copied where they differ, with build/deps linked to this tree's.
# It is kept between runs, so builds are incremental. The real tree is
# never written to, except build/mutate/. Logs: build/mutate/logs/ID.log.
#
# Before the mutations every test they name runs once on the unmutated copy
# (MUTATE_BASELINE=0 skips that): a test that fails there would "kill"
# every mutation. Each test run has a limit of MUTATE_TIMEOUT seconds
# (300); running out of it counts as a failure (a hang is caught).
set -u
shopt -u patsub_replacement 2>/dev/null
top=$(cd "$(dirname "$0")/../.." && pwd)
list=${MUTATIONS:-$top/tests/mutate/mutations.txt}
scratch=${MUTATE_DIR:-$top/build/mutate/tree}
logs=$top/build/mutate/logs
jobs=${MUTATE_JOBS:-2}
limit=${MUTATE_TIMEOUT:-300}

die() {
	echo "mutate: $*" >&2
	exit 2
}

# --- the list ---------------------------------------------------------------------
# Blocks of "key: value" lines, separated by blank lines; "#" at the start
# of a line is a comment. "find+:" / "replace+:" continue the previous
# find / replace on a new line.
ids=() files=() finds=() repls=() testss=() equivs=() whys=()

declare -A seen
add_block() {
	local -n b=$1
	[ ${#b[@]} -eq 0 ] && return
	local where="$list:${b[line]}"
	[ -n "${b[id]:-}" ] || die "$where: a mutation without id:"
	[ -z "${seen[${b[id]}]:-}" ] || die "$where: id ${b[id]} is used twice"
	seen[${b[id]}]=1
	[ -n "${b[file]:-}" ] || die "$where: ${b[id]}: no file:"
	[ -n "${b[find]+x}" ] && [ -n "${b[find]}" ] || die "$where: ${b[id]}: no find:"
	[ -n "${b[replace]+x}" ] || die "$where: ${b[id]}: no replace: (an empty one deletes)"
	if [ -z "${b[tests]:-}" ] && [ -z "${b[equivalent]:-}" ]; then
		die "$where: ${b[id]}: no tests: (or equivalent: and why)"
	fi
	ids+=("${b[id]}")
	files+=("${b[file]}")
	finds+=("${b[find]}")
	repls+=("${b[replace]}")
	testss+=("${b[tests]:-}")
	equivs+=("${b[equivalent]:-}")
	whys+=("${b[why]:-}")
}

parse_list() {
	[ -f "$list" ] || die "no list $list"
	local n=0 line key value
	declare -A blk=()
	while IFS= read -r line || [ -n "$line" ]; do
		n=$((n + 1))
		line=${line%$'\r'}
		case "$line" in
		'#'*) continue ;;
		'' | *[![:space:]]*) ;;
		*) line= ;;
		esac
		if [ -z "$line" ]; then
			add_block blk
			blk=()
			continue
		fi
		case "$line" in
		*:*) ;;
		*) die "$list:$n: not \"key: value\": $line" ;;
		esac
		key=${line%%:*}
		value=${line#*:}
		value=${value# }
		[ ${#blk[@]} -eq 0 ] && blk[line]=$n
		case "$key" in
		id | file | find | replace | tests | equivalent | why)
			[ -z "${blk[$key]+x}" ] || die "$list:$n: $key: twice in one mutation"
			blk[$key]=$value ;;
		find+ | replace+)
			[ -n "${blk[${key%+}]+x}" ] || die "$list:$n: $key: without ${key%+}: before it"
			blk[${key%+}]+=$'\n'$value ;;
		*) die "$list:$n: unknown key '$key' (id file find replace tests equivalent why)" ;;
		esac
	done <"$list"
	add_block blk
}

parse_list
[ ${#ids[@]} -gt 0 ] || die "$list holds no mutation"

# count TEXT FIND: how many times FIND occurs in TEXT.
count() {
	local rest=$1 n=0
	while [[ $rest == *"$2"* ]]; do
		n=$((n + 1))
		rest=${rest#*"$2"}
	done
	echo $n
}

# check_stale I [TREE]: prints why mutation I cannot be applied to TREE
# (the scratch copy), if so.
check_stale() {
	local i=$1 f=${2:-$scratch}/${files[$1]} text n
	if [ ! -f "$f" ]; then
		echo "no such file"
		return
	fi
	IFS= read -r -d '' text <"$f"
	n=$(count "$text" "${finds[i]}")
	if [ "$n" != 1 ]; then
		echo "the text to find occurs $n times, not once (update $(basename "$list"))"
	fi
}

# --list: each mutation, its tests, and whether it still applies to this
# tree (no build, no run: quick after a change to the code).
if [ "${1:-}" = --list ]; then
	nstale=0
	for i in "${!ids[@]}"; do
		why=$(check_stale "$i" "$top")
		if [ -n "$why" ]; then
			echo "stale ${ids[i]}: ${files[i]}: $why"
			nstale=$((nstale + 1))
		elif [ -n "${equivs[i]}" ]; then
			echo "${ids[i]}: ${files[i]}: equivalent: ${equivs[i]}"
		else
			echo "${ids[i]}: ${files[i]}: ${testss[i]}"
		fi
	done
	echo "mutate: ${#ids[@]} mutations, $nstale stale"
	[ $nstale -eq 0 ]
	exit
fi

# Which ones: arguments, or ONLY=a,b (shell patterns).
pats=("$@")
if [ ${#pats[@]} -eq 0 ] && [ -n "${ONLY:-}" ]; then
	IFS=, read -r -a pats <<<"$ONLY"
fi
sel=()
for i in "${!ids[@]}"; do
	if [ ${#pats[@]} -eq 0 ]; then
		sel+=("$i")
		continue
	fi
	for p in "${pats[@]}"; do
		# shellcheck disable=SC2053
		if [[ ${ids[i]} == $p ]]; then
			sel+=("$i")
			break
		fi
	done
done
for p in "${pats[@]}"; do
	found=0
	for i in "${!ids[@]}"; do
		[[ ${ids[i]} == $p ]] && found=1 && break
	done
	[ $found = 1 ] || die "no mutation matches '$p' in $list"
done

# --- the scratch copy ------------------------------------------------------------------
mkdir -p "$scratch" "$logs" || die "cannot create $scratch"
scratch=$(cd "$scratch" && pwd)
case "$scratch/" in
"$top/") die "MUTATE_DIR is the tree itself" ;;
esac

sync_tree() {
	local f
	local -a want=()
	mapfile -d '' -t want < <(git -C "$top" ls-files -z --cached --others --exclude-standard)
	[ ${#want[@]} -gt 0 ] || die "git ls-files lists nothing in $top"
	for f in "${want[@]}"; do
		[ -e "$top/$f" ] || [ -L "$top/$f" ] || continue     # deleted, not committed
		if [ -L "$top/$f" ] || [ ! -e "$scratch/$f" ] || ! cmp -s "$top/$f" "$scratch/$f"; then
			mkdir -p "$scratch/$(dirname "$f")"
			rm -f "$scratch/$f"
			# A fresh modification time: make must see the change.
			cp -P --preserve=mode "$top/$f" "$scratch/$f" || die "cannot copy $f"
		fi
	done
	# Files gone from the tree go from the copy (wildcards in the build).
	(cd "$scratch" && find . -path ./build -prune -o \( -type f -o -type l \) -print | sed 's|^\./||' |
		sort) >"$logs/.have"
	printf '%s\n' "${want[@]}" | sort >"$logs/.want"
	comm -23 "$logs/.have" "$logs/.want" | while IFS= read -r f; do rm -f "$scratch/$f"; done
	mkdir -p "$scratch/build"
	local deps
	deps=$(readlink -f "$top/build/deps") || die "no build/deps in $top (run scripts/setup.sh)"
	[ -d "$deps" ] || die "build/deps in $top is not a folder (run scripts/setup.sh)"
	if [ "$(readlink "$scratch/build/deps" 2>/dev/null)" != "$deps" ]; then
		rm -rf "$scratch/build/deps"
		ln -s "$deps" "$scratch/build/deps"
	fi
}

build() {
	# `tests`: everything, the test programs and the fuzzers (fuzz-smoke).
	make -C "$scratch" -s -j"$jobs" tests >"$1" 2>&1
}

# --- running one test -------------------------------------------------------------------
# run_test SPEC LOG: 0 when the test passes. SPEC is a script path
# (tests/hv/faults.sh: judged by its exit status) or a suite with its
# arguments: unit-lcm, unit-core [GROUP...], lcm-fixtures, tool, fuzz-smoke
# (judged as tests/run.sh does: no FAIL line, at least one PASS line, and
# a zero exit status).
run_test() {
	local spec=$1 log=$2 rc
	local -a words cmd
	read -r -a words <<<"$spec"
	case "${words[0]}" in
	unit-lcm) cmd=(build/tests/unit-lcm) ;;
	unit-core) cmd=(build/tests/unit-core "${words[@]:1}") ;;
	lcm-fixtures) cmd=(tests/lcm-fixtures/run.sh) ;;
	tool) cmd=(tests/tool/run.sh) ;;
	fuzz-smoke) cmd=(tests/fuzz/smoke.sh) ;;
	tests/*.sh) cmd=("${words[@]}") ;;
	*) echo "mutate: unknown test '$spec'" >>"$log"; return 2 ;;
	esac
	echo "=== $spec" >>"$log"
	(cd "$scratch" && timeout -k 10 "$limit" "${cmd[@]}") </dev/null >>"$log.test" 2>&1
	rc=$?
	cat "$log.test" >>"$log"
	if [ $rc = 124 ] || [ $rc = 137 ]; then
		echo "=== $spec: timed out after $limit s" >>"$log"
	fi
	case "${words[0]}" in
	tests/*.sh) ;;
	*)
		if grep -qE '^(FAIL |\[  FAILED  \] )' "$log.test" ||
			! grep -qE '^(PASS |\[       OK \] )' "$log.test"; then
			[ $rc = 0 ] && rc=1
		fi ;;
	esac
	rm -f "$log.test"
	echo "=== $spec: exit status $rc" >>"$log"
	return $rc
}

# --- applying a mutation ----------------------------------------------------------------

orig_file= orig_text=
restore() {
	if [ -n "$orig_file" ]; then
		printf '%s' "$orig_text" >"$scratch/$orig_file"
		orig_file=
	fi
}
trap 'restore; exit 130' INT TERM
trap restore EXIT

# --- the run ------------------------------------------------------------------------------
t_start=$(date +%s)
sync_tree
if ! build "$logs/build-unmutated.log"; then
	echo "mutate: the unmutated tree does not build: see $logs/build-unmutated.log" >&2
	tail -n 20 "$logs/build-unmutated.log" >&2
	exit 2
fi

# The tests the selected mutations name, once each, on the unmutated copy.
if [ "${MUTATE_BASELINE:-1}" != 0 ]; then
	declare -A base_done
	for i in "${sel[@]}"; do
		[ -n "${equivs[i]}" ] && continue
		[ -n "$(check_stale "$i")" ] && continue
		IFS=, read -r -a specs <<<"${testss[i]}"
		for spec in "${specs[@]}"; do
			spec=$(echo "$spec" | sed 's/^ *//; s/ *$//')
			[ -n "$spec" ] || continue
			[ -n "${base_done[$spec]:-}" ] && continue
			base_done[$spec]=1
			blog=$logs/baseline-$(echo "$spec" | tr ' /' '__').log
			: >"$blog"
			if ! run_test "$spec" "$blog" && ! run_test "$spec" "$blog"; then
				echo "mutate: '$spec' fails on the unmutated tree (twice): see $blog" >&2
				tail -n 15 "$blog" >&2
				exit 2
			fi
		done
	done
	echo "mutate: baseline: ${#base_done[@]} tests pass on the unmutated tree ($(($(date +%s) - t_start)) s)"
fi

killed=0 survived=0 equivalent=0 stale=0 broken=0
failed_ids=()
for i in "${sel[@]}"; do
	id=${ids[i]} file=${files[i]}
	log=$logs/$id.log
	: >"$log"
	why=$(check_stale "$i")
	if [ -n "$why" ]; then
		echo "stale $id: $file: $why"
		stale=$((stale + 1))
		failed_ids+=("$id")
		continue
	fi
	if [ -n "${equivs[i]}" ]; then
		echo "equivalent $id: ${equivs[i]}"
		equivalent=$((equivalent + 1))
		continue
	fi
	t0=$(date +%s)
	IFS= read -r -d '' orig_text <"$scratch/$file"
	orig_file=$file
	pre=${orig_text%%"${finds[i]}"*}
	post=${orig_text#*"${finds[i]}"}
	printf '%s' "$pre${repls[i]}$post" >"$scratch/$file"
	{
		echo "mutation $id: $file"
		echo "--- find:"
		printf '%s\n' "${finds[i]}"
		echo "--- replace:"
		printf '%s\n' "${repls[i]}"
	} >>"$log"
	if ! build "$log.build"; then
		cat "$log.build" >>"$log"
		rm -f "$log.build"
		restore
		echo "build-failed $id: $file: the mutated tree does not build: $(grep -m1 -E 'error' "$log" | cut -c1-160)"
		broken=$((broken + 1))
		failed_ids+=("$id")
		continue
	fi
	rm -f "$log.build"
	by=
	IFS=, read -r -a specs <<<"${testss[i]}"
	for spec in "${specs[@]}"; do
		spec=$(echo "$spec" | sed 's/^ *//; s/ *$//')
		[ -n "$spec" ] || continue
		if ! run_test "$spec" "$log"; then
			by=$spec
			break
		fi
	done
	restore
	if [ -n "$by" ]; then
		echo "killed $id: $file: by $by ($(($(date +%s) - t0)) s)"
		killed=$((killed + 1))
	else
		echo "SURVIVED $id: $file: ${testss[i]} all pass (see $log)"
		survived=$((survived + 1))
		failed_ids+=("$id")
	fi
done

summary="mutate: $killed killed, $survived survived, $equivalent equivalent, $stale stale"
[ $broken -gt 0 ] && summary+=", $broken build-failed"
echo "mutate: $((${#sel[@]})) mutations in $(($(date +%s) - t_start)) s"
echo "$summary"
if [ ${#failed_ids[@]} -gt 0 ]; then
	echo "mutate: to look at: ${failed_ids[*]}"
	exit 1
fi
exit 0
