#!/usr/bin/env bash
# Two x86 FPU probes on one CPU: each keeps its own value in XMM0 while it
# and the other give their turns away 40 times; VMRUN switches no x87/SSE
# state, so without the hypervisor switching it each would find the
# other's value ("fpu: xmm0 ... after turn N, not ...").
. "$(dirname "$0")/x86.bash"

fpu=build/guests/x86-fpu.img
cat >"$WORK/launch.json" <<JSON
{ "domains": [ { "name": "f1", "memory": "8M", "kernel": "$top/$fpu" },
               { "name": "f2", "memory": "8M", "kernel": "$top/$fpu" } ] }
JSON
build/lcm-tool build --arch x86 "$WORK/launch.json" -o "$WORK/lcm.dtb" || exit 1

log=$WORK/console.log
LIMIT=60 boot "$log" -smp 1 -kernel "$X86_BIN" -initrd "$WORK/lcm.dtb,$fpu"
expect "$log" "launch: LCM with 2 domains"
for name in f1 f2; do
	expect "$log" "[$name] fpu: xmm0 kept over 40 turns"
done
expect_none "$log" "fpu: xmm0 0x"
expect_last "$log" "hyperlaunch: all 2 domains are off (2 powered off); powering off"
expect_rc 0
finish
