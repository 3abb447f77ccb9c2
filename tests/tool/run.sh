#!/usr/bin/env bash
# lcm-tool as a user meets it: the command-line contract (help, exit codes,
# usage errors), JSON -> DTB -> show round trips with exact output, the x86
# multiboot numbering, determinism, the example configurations, and pack
# (QEMU's DTB with the LCM embedded, run-qemu, the module layout).
# Prints PASS/FAIL per case. Expected outputs live in tests/tool/expect/;
# UPDATE=1 rewrites them (then read the diff before committing).
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
tool=${LCM_TOOL:-$top/build/asan/lcm-tool}
cd "$here"
# Relative, so that messages (which name files) are the same in every clone.
work=../../build/tests/tool
rm -rf "$work"
mkdir -p "$work"

pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; }

# expect NAME RC CMD...: CMD exits RC and prints exactly expect/NAME.txt
# (stdout and stderr together).
expect() {
	local name=$1 want_rc=$2
	shift 2
	local out rc
	out=$("$@" 2>&1)
	rc=$?
	if [ "${UPDATE:-0}" = 1 ]; then
		printf '%s\n' "$out" > "expect/$name.txt"
	fi
	if [ "$rc" != "$want_rc" ]; then
		fail "$name" "exit status $rc, expected $want_rc: $(printf '%s' "$out" | head -n 3)"
	elif [ ! -f "expect/$name.txt" ]; then
		fail "$name" "no expect/$name.txt"
	elif [ "$out" != "$(cat "expect/$name.txt")" ]; then
		fail "$name" "output differs: $(diff <(cat "expect/$name.txt") <(printf '%s\n' "$out") | head -n 6 | tr '\n' ' ')"
	else
		pass "$name"
	fi
}

# check_rc NAME RC CMD...: only the exit status matters (plus a grep).
check_rc() {
	local name=$1 want_rc=$2 pattern=$3
	shift 3
	local out rc
	out=$("$@" 2>&1)
	rc=$?
	if [ "$rc" != "$want_rc" ]; then
		fail "$name" "exit status $rc, expected $want_rc"
	elif ! printf '%s\n' "$out" | grep -qE -- "$pattern"; then
		fail "$name" "output lacks /$pattern/: $(printf '%s' "$out" | head -n 2)"
	else
		pass "$name"
	fi
}

# --- the command-line contract --------------------------------------------------
check_rc help-top 0 '^Commands:' "$tool" --help
check_rc no-args 2 '^usage: lcm-tool COMMAND' "$tool"
expect unknown-command 2 "$tool" chek demo.json
for cmd in build check show pack; do
	check_rc "help-$cmd" 0 "^usage: lcm-tool $cmd " "$tool" "$cmd" --help
done
check_rc build-without-output 2 '^usage: lcm-tool build' "$tool" build demo.json
check_rc build-not-json 2 'is not a .json configuration' "$tool" build demo.txt -o "$work/x.dtb"
expect check-bad-arch 2 "$tool" check --arch mips demo.json
check_rc check-missing-file 2 'cannot read "nothing.dtb": No such file' "$tool" check nothing.dtb
# A missing input file is a failure of the system (2), JSON as DTB, in every
# command; a missing module file is a problem of the input (1, lcm-fixtures).
for cmd in check show; do
	expect "$cmd-missing-json" 2 "$tool" "$cmd" nothing.json
done
expect build-missing-json 2 "$tool" build nothing.json -o "$work/x.dtb"
expect pack-missing-json 2 "$tool" pack nothing.json -o "$work/x"
expect pack-bad-cpus 2 "$tool" pack --cpus 0 demo.json -o "$work/p"

# --- round trips ------------------------------------------------------------------
expect build-demo 0 "$tool" build demo.json -o "$work/demo.dtb"
expect show-demo-dtb 0 "$tool" show "$work/demo.dtb"
# show of the JSON is the same launch: only the header names another file.
a=$("$tool" show demo.json 2>&1 | tail -n +2)
b=$("$tool" show "$work/demo.dtb" 2>&1 | tail -n +2)
if [ "$a" = "$b" ] && [ -n "$a" ]; then pass show-json-equals-dtb; else fail show-json-equals-dtb "$(diff <(echo "$a") <(echo "$b") | head -n 4 | tr '\n' ' ')"; fi
expect check-demo-dtb 0 "$tool" check "$work/demo.dtb"
"$tool" build demo.json -o "$work/demo2.dtb" >/dev/null 2>&1
if cmp -s "$work/demo.dtb" "$work/demo2.dtb"; then pass build-deterministic; else fail build-deterministic "two builds differ"; fi
# The digest stored is the file's SHA-256, byte for byte.
want=$(sha256sum ../lcm-fixtures/files/ramdisk.img | cut -d' ' -f1)
got=$(printf '%02x' $(fdtget -t bx "$work/demo.dtb" /chosen/hypervisor/dom0/ramdisk/hash value 2>/dev/null | sed 's/[0-9a-f][0-9a-f]*/0x&/g'))
if [ "$got" = "$want" ]; then pass digest-is-sha256; else fail digest-is-sha256 "stored $got, file $want"; fi
# Domain order in the LCM is the configuration's order (it is the launch order).
order=$(fdtget -l "$work/demo.dtb" /chosen/hypervisor | tr '\n' ' ')
if [ "$order" = "config bootdom dom0 app rescue " ]; then pass lcm-keeps-order; else fail lcm-keeps-order "nodes: $order"; fi

expect build-demo-x86 0 "$tool" build --arch x86 demo.json -o "$work/demo-x86.dtb"
expect show-demo-x86 0 "$tool" show --arch x86 "$work/demo-x86.dtb"
expect check-x86-as-arm64 1 "$tool" check --arch arm64 "$work/demo-x86.dtb"
# A JSON configuration with errors: exit status 1, each error at its line
# and column (the first on line 1, where columns are easiest to get wrong),
# and the same for build, which writes nothing.
expect check-json-errors 1 "$tool" check bad-columns.json
expect build-json-errors 1 "$tool" build bad-columns.json -o "$work/bad.dtb"
if [ -e "$work/bad.dtb" ]; then fail build-json-errors-writes-nothing "$work/bad.dtb exists"; else pass build-json-errors-writes-nothing; fi

# --- example configurations --------------------------------------------------------
for f in "$top"/configs/*.json; do
	name=$(basename "$f" .json)
	check_rc "config-$name" 0 "valid: [0-9]+ domains?" "$tool" check --no-files "$f"
done

# --- pack ----------------------------------------------------------------------------
p=$work/pack
expect pack-demo 0 "$tool" pack --hypervisor ../lcm-fixtures/files/kernel.img demo.json -o "$p"
expect check-pack-host-dtb 0 "$tool" check --arch arm64 "$p/host.dtb"
# QEMU's own machine description is kept, the LCM is added.
if fdtget "$p/host.dtb" /chosen/hypervisor compatible 2>/dev/null | grep -qx 'hypervisor,xen' &&
   fdtget "$p/host.dtb" /intc@8000000 compatible 2>/dev/null | grep -q 'arm,gic-v3' &&
   [ "$(fdtget -t x "$p/host.dtb" /memory@40000000 reg 2>/dev/null)" = "0 40000000 0 14000000" ]; then
	pass pack-host-dtb-is-qemu-plus-lcm
else
	fail pack-host-dtb-is-qemu-plus-lcm "missing GICv3, /memory of 320 MiB or /chosen/hypervisor"
fi
# Every module is loaded where the LCM says it is, from an identical copy.
ok=1
while read -r file addr; do
	grep -q "file=\"\$here/modules/$file\",addr=$addr,force-raw=on" "$p/run-qemu" || ok=0
done <<EOF
00-kernel.img 0x48200000
01-ramdisk.img 0x48201000
02-guest.dtb 0x48202000
EOF
cmp -s "$p/modules/01-ramdisk.img" ../lcm-fixtures/files/ramdisk.img || ok=0
if [ $ok = 1 ] && [ -x "$p/run-qemu" ]; then pass pack-run-qemu-loads-modules; else fail pack-run-qemu-loads-modules "$(grep loader "$p/run-qemu" | head -n 3 | tr '\n' ' ')"; fi
grep -q -- '-smp 4 -m 320M -nographic -nic none' "$p/run-qemu" && pass pack-default-machine || fail pack-default-machine "$(grep -- -smp "$p/run-qemu")"
"$tool" pack --cpus 2 --memory 1G --hypervisor ../lcm-fixtures/files/kernel.img demo.json -o "$work/pack2" >/dev/null 2>&1
if grep -q -- '-smp 2 -m 1024M' "$work/pack2/run-qemu" &&
   [ "$(fdtget -t x "$work/pack2/host.dtb" /memory@40000000 reg 2>/dev/null)" = "0 40000000 0 40000000" ]; then
	pass pack-machine-options
else
	fail pack-machine-options "run-qemu or host.dtb does not reflect --cpus 2 --memory 1G"
fi
expect pack-memory-too-small 2 "$tool" pack --memory 64M demo.json -o "$work/pack3"
# run-qemu passes its arguments to QEMU: a fake QEMU shows what it got.
printf '#!/bin/sh\necho "$@"\n' > "$work/fake-qemu"
chmod +x "$work/fake-qemu"
args=$(QEMU="$work/fake-qemu" "$p/run-qemu" -S -d guest_errors)
case "$args" in
	*"-dtb /"*"/tests/tool/pack/host.dtb -device loader"*"force-raw=on -S -d guest_errors") pass run-qemu-passes-arguments ;;
	*) fail run-qemu-passes-arguments "QEMU got: $args" ;;
esac

# --- devices: pack writes the domain's partial device tree from QEMU's DTB --------------
cat > "$work/devices.json" <<'JSON'
{ "domains": [
  { "name": "gpio", "memory": "16M", "kernel": "../../../tests/lcm-fixtures/files/kernel.img",
    "devices": ["/pl061@9030000"] } ] }
JSON
"$tool" pack --hypervisor ../lcm-fixtures/files/kernel.img "$work/devices.json" -o "$work/packd" >/dev/null 2>&1
m=$work/packd/modules/01-devices-gpio.dtb
if [ "$(fdtget "$m" /passthrough/pl061@9030000 xen,path 2>/dev/null)" = /pl061@9030000 ] &&
   [ "$(fdtget -t x "$m" /passthrough/pl061@9030000 xen,reg 2>/dev/null)" = "0 9030000 0 1000 0 9030000" ] &&
   [ "$(fdtget -t x "$m" /passthrough/pl061@9030000 interrupts 2>/dev/null)" = "0 7 4" ] &&
   fdtget "$work/packd/host.dtb" /chosen/hypervisor/gpio/device-tree module-addr >/dev/null 2>&1 &&
   grep -q "01-devices-gpio.dtb" "$work/packd/run-qemu"; then
	pass pack-devices-module
else
	fail pack-devices-module "no /passthrough/pl061@9030000 with xen,path, xen,reg, interrupts in $m"
fi

# --- machine: the devices pack gives QEMU ------------------------------------------------
: >"$work/disk.img"
cat > "$work/machine.json" <<'JSON'
{ "machine": {"disk": "disk.img", "net": "user"},
  "domains": [ { "name": "hw", "permissions": ["hardware"], "memory": "16M",
                 "kernel": "../../../tests/lcm-fixtures/files/kernel.img" } ] }
JSON
"$tool" pack --hypervisor ../lcm-fixtures/files/kernel.img "$work/machine.json" -o "$work/packm" >/dev/null 2>&1
disk=$(cd "$work" && pwd -P)/disk.img
if grep -qF -- "-drive if=none,id=disk0,format=raw,file=\"$disk\" -device virtio-blk-device,drive=disk0" "$work/packm/run-qemu" &&
   grep -qF -- "-netdev user,id=net0 -device virtio-net-device,netdev=net0" "$work/packm/run-qemu"; then
	pass pack-machine-devices
else
	fail pack-machine-devices "run-qemu lacks the virtio-blk drive or the user network"
fi
check_rc pack-machine-net-bad 2 'is not "user"' "$tool" pack --net tap "$work/machine.json" -o "$work/packm2"
check_rc pack-machine-disk-missing 2 'disk ".*nothere.img": No such file' "$tool" pack --disk "$work/nothere.img" "$work/machine.json" -o "$work/packm3"

# --- pinned-cpus: the machine must have the CPUs, and one left for the others ----------------
cat > "$work/pinned.json" <<'JSON'
{ "domains": [
  { "name": "rt", "memory": "16M", "kernel": "../../../tests/lcm-fixtures/files/kernel.img", "pinned-cpus": [1] },
  { "name": "other", "memory": "16M", "kernel": "../../../tests/lcm-fixtures/files/kernel.img" } ] }
JSON
"$tool" pack --hypervisor ../lcm-fixtures/files/kernel.img "$work/pinned.json" -o "$work/packp" >/dev/null 2>&1
if grep -q -- '-smp 2 ' "$work/packp/run-qemu" &&
   [ "$(fdtget -t x "$work/packp/host.dtb" /chosen/hypervisor/rt hyperlaunch,pinned-cpus 2>/dev/null)" = 1 ]; then
	pass pack-pinned-default-cpus
else
	fail pack-pinned-default-cpus "run-qemu: $(grep -o -- '-smp [0-9]*' "$work/packp/run-qemu"), or no hyperlaunch,pinned-cpus in the LCM"
fi
check_rc pack-pinned-cpu-missing 1 'domain "rt": pinned-cpus: CPU 1, but the machine has 1 CPU$' \
	"$tool" pack --cpus 1 "$work/pinned.json" -o "$work/packp2"
cat > "$work/pinned-all.json" <<'JSON'
{ "domains": [
  { "name": "rt", "cpus": 2, "memory": "16M", "kernel": "../../../tests/lcm-fixtures/files/kernel.img", "pinned-cpus": [0, 1] },
  { "name": "other", "memory": "16M", "kernel": "../../../tests/lcm-fixtures/files/kernel.img" } ] }
JSON
check_rc pack-pinned-none-left 1 'domain "other": no CPU left: the machine.s 2 pinned by other domains' \
	"$tool" pack --cpus 2 "$work/pinned-all.json" -o "$work/packp3"
