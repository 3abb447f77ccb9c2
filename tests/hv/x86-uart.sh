#!/usr/bin/env bash
# The 16550 every x86 domain has at COM1: a guest sets it up as a driver
# does, reads back its divisor and scratch registers, writes its lines by
# polling LSR and OUT to the data port, and they reach the console as its
# own; a string OUT (rep outsb), which is not emulated, stops it. A probe
# beside it (writing by hypercall) is untouched.
. "$(dirname "$0")/x86.bash"

uart=$top/build/guests/x86-uart.img
probe=$top/build/guests/x86-probe.img
cat >"$WORK/launch.json" <<JSON
{ "domains": [ { "name": "u", "memory": "8M",
                 "kernel": { "file": "$uart", "bootargs": "outs=1" } },
               { "name": "p", "memory": "8M", "kernel": "$probe" } ] }
JSON
build/lcm-tool build --arch x86 "$WORK/launch.json" -o "$WORK/lcm.dtb" || exit 1

log=$WORK/console.log
boot "$log" -kernel "$X86_BIN" -initrd "$WORK/lcm.dtb,$uart,$probe"
expect "$log" "[u] uart: hello through COM1"
expect "$log" "[u] uart: registers ok"
expect_re "$log" "domain 1 u: stopped: OUT of I/O port 0x3f8: only byte-wide IN and OUT are emulated at RIP 0x[0-9a-f]+"
expect_none "$log" "went through"
expect "$log" "[p] probe: ready"
expect_rc 0
finish
