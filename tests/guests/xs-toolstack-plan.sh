#!/usr/bin/env bash
# xs-toolstack's reading of the plan (guests/linux/xs-toolstack), built for
# the host and run on plan folders made here as Linux shows the node
# (/proc/device-tree/xenstore-plan: one file per property, cells
# big-endian): a valid plan is counted and the store is looked for next
# (/dev/xen/xenbus, absent on the host: exit 2); a missing property, a
# cell of the wrong size, a string with a control byte and a missing
# folder each give their one line and exit 2, before the store is opened.
# What it writes in the store is tests/hv/xen-store-plan.sh's.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
work=build/tests/guests/xs-toolstack-plan
rm -rf "$work"
mkdir -p "$work"
bin=$work/xs-toolstack
if ! gcc -std=gnu11 -Wall -Wextra -Werror -O2 -o "$bin" guests/linux/xs-toolstack/xs-toolstack.c; then
	echo "FAIL: xs-toolstack does not build for the host"
	exit 1
fi
if [ -e /dev/xen/xenbus ]; then
	echo "FAIL: this host has /dev/xen/xenbus: the test would write its store"
	exit 1
fi
failures=0

u32() { printf "\\x$(printf %02x $(($2 >> 24 & 255)))\\x$(printf %02x $(($2 >> 16 & 255)))\\x$(printf %02x $(($2 >> 8 & 255)))\\x$(printf %02x $(($2 & 255)))" >"$1"; }
str() { printf '%s\0' "$2" >"$1"; }
# plan DIR: domain 2 (front) and 3 (back), a vbd and a vif of 2 served by 3.
plan() {
	local p=$1 d
	for d in 2 3; do
		mkdir -p "$p/domain@$d"
		u32 "$p/domain@$d/domid" "$d"
		str "$p/domain@$d/name" "dom$d"
		printf '\0\0\0\0\0\x03\x90\0' >"$p/domain@$d/store-gfn"
		u32 "$p/domain@$d/store-port" 1
	done
	mkdir -p "$p/vbd@0" "$p/vif@1"
	u32 "$p/vbd@0/frontend" 2
	u32 "$p/vbd@0/backend" 3
	u32 "$p/vbd@0/devid" 51712
	str "$p/vbd@0/vdev" xvda
	str "$p/vbd@0/target" "/dev/my disk"
	str "$p/vbd@0/mode" w
	u32 "$p/vif@1/frontend" 2
	u32 "$p/vif@1/backend" 3
	u32 "$p/vif@1/devid" 0
	str "$p/vif@1/mac" 00:16:3e:00:00:02
	str "$p/compatible" hyperlaunch,xenstore-plan
}

# check NAME WANT-RC WANT-OUTPUT PLAN
check() {
	local out rc
	out=$("$bin" "$4" 2>&1)
	rc=$?
	if [ "$rc" != "$2" ] || [ "$out" != "$3" ]; then
		echo "FAIL $1: exit $rc (want $2), output:"
		printf '%s\n' "$out" | sed 's/^/    /'
		echo "  want:"
		printf '%s\n' "$3" | sed 's/^/    /'
		failures=$((failures + 1))
	else
		echo "PASS $1"
	fi
}

p=$work/good
plan "$p"
check valid 2 "xs-toolstack: plan: 2 domains, 2 devices
xs-toolstack: /dev/xen/xenbus: No such file or directory" "$p"

p=$work/no-name
plan "$p"
rm "$p/domain@3/name"
check missing-property 2 "xs-toolstack: plan: $p/domain@3/name: No such file or directory" "$p"

p=$work/short-cell
plan "$p"
printf '\0\0\2' >"$p/vbd@0/devid"
check short-cell 2 "xs-toolstack: plan: $p/vbd@0/devid: not one 32-bit cell" "$p"

p=$work/control-byte
plan "$p"
printf 'dom\0332\0' >"$p/domain@2/name"
check control-byte 2 "xs-toolstack: plan: $p/domain@2/name: byte 0x1b is not printable" "$p"

p=$work/two-strings
plan "$p"
printf 'w\0r\0' >"$p/vbd@0/mode"
check string-list 2 "xs-toolstack: plan: $p/vbd@0/mode: not one string shorter than 4 bytes" "$p"

check no-plan 2 "xs-toolstack: plan: $work/none: No such file or directory" "$work/none"

[ "$failures" -eq 0 ]
