#!/usr/bin/env bash
# Two x86 TLB probes on one CPU (guests/x86/tlb): the same guest-virtual
# and guest-physical pages, different memory behind them, 60 turns each;
# each must only ever see its own values ("tlb: ... is 0x..., not 0x..."
# otherwise). Every vCPU has its own ASID (hypervisor/arch/x86_64/asid.c).
# QEMU's SVM tags nothing with ASIDs and flushes its TLB on every VMRUN and
# #VMEXIT, so this boot checks isolation end to end, not the ASID rules
# (unit-lcm's "x86 asid" group does that).
. "$(dirname "$0")/x86.bash"

tlb=build/guests/x86-tlb.img
cat >"$WORK/launch.json" <<JSON
{ "domains": [ { "name": "t1", "memory": "8M", "kernel": "$top/$tlb" },
               { "name": "t2", "memory": "8M", "kernel": "$top/$tlb" } ] }
JSON
build/lcm-tool build --arch x86 "$WORK/launch.json" -o "$WORK/lcm.dtb" || exit 1

log=$WORK/console.log
LIMIT=60 boot "$log" -smp 1 -kernel "$X86_BIN" -initrd "$WORK/lcm.dtb,$tlb"
expect "$log" "launch: LCM with 2 domains"
for name in t1 t2; do
	expect "$log" "[$name] tlb: 8 pages kept over 60 turns"
done
expect_none "$log" "tlb: page"
expect_last "$log" "hyperlaunch: all 2 domains are off (2 powered off); powering off"
expect_rc 0
finish
