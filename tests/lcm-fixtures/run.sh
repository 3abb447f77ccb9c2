#!/usr/bin/env bash
# Broken inputs, each with the exact output `lcm-tool check` must give.
#
# A fixture is NAME.json, NAME.dts (compiled with dtc) or NAME.dtb (used as
# is), with NAME.expect: first line "exit: N", then the exact output, stdout
# and stderr together. Optional NAME.args holds extra `check` options. Inputs
# are checked from a scratch folder holding files/ (module files), so paths
# in messages are short and the same everywhere (the scratch folder's own
# path is removed from the output). Prints PASS/FAIL per fixture.
# UPDATE=1 rewrites every NAME.expect from the tool's current output (then
# read the diff before committing).
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
tool=${LCM_TOOL:-$top/build/asan/lcm-tool}
work=$top/build/tests/fixtures
rm -rf "$work"
mkdir -p "$work"
cp -r "$here/files" "$work/"
work_real=$(cd "$work" && pwd -P)

for exp in "$here"/*.expect; do
	name=$(basename "$exp" .expect)
	if [ -f "$here/$name.json" ]; then
		cp "$here/$name.json" "$work/"
		input=$name.json
	elif [ -f "$here/$name.dts" ]; then
		if ! dtc -q -I dts -O dtb -o "$work/$name.dtb" "$here/$name.dts" 2>"$work/$name.dtc.log"; then
			echo "FAIL $name: dtc cannot compile $name.dts: $(head -n 1 "$work/$name.dtc.log")"
			continue
		fi
		input=$name.dtb
	elif [ -f "$here/$name.dtb" ]; then
		cp "$here/$name.dtb" "$work/"
		input=$name.dtb
	else
		echo "FAIL $name: no $name.json, $name.dts or $name.dtb"
		continue
	fi
	want_rc=$(head -n 1 "$exp" | sed -n 's/^exit: //p')
	args=()
	[ -f "$here/$name.args" ] && read -r -a args < "$here/$name.args"
	actual=$(cd "$work" && "$tool" check "${args[@]}" "$input" 2>&1)
	rc=$?
	# lcm-tool names module files by their real path: keep the expected
	# output independent of where the tree is checked out.
	actual=${actual//"$work_real/"/}
	actual=${actual//"$work/"/}
	if [ "${UPDATE:-0}" = 1 ]; then
		printf 'exit: %s\n%s\n' "$rc" "$actual" > "$exp"
	fi
	want_rc=$(head -n 1 "$exp" | sed -n 's/^exit: //p')
	want=$(tail -n +2 "$exp")
	if [ "$rc" != "$want_rc" ]; then
		echo "FAIL $name: exit status $rc, expected $want_rc"
		printf '%s\n' "$actual" | sed 's/^/    /'
	elif [ "$actual" != "$want" ]; then
		echo "FAIL $name: output differs"
		diff <(printf '%s\n' "$want") <(printf '%s\n' "$actual") | sed 's/^/    /'
	else
		echo "PASS $name"
	fi
done
