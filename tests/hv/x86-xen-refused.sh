#!/usr/bin/env bash
# A Xen-aware domain (hyperlaunch,xen-interface) on x86, which has no Xen
# guest interface yet (hypervisor/arch/x86_64/xen.c): that domain alone is
# refused, with the property and the reason; the two probe domains beside
# it are built, print ready and power off.
. "$(dirname "$0")/x86.bash"

probe=build/guests/x86-probe.img
cat >"$WORK/launch.json" <<JSON
{ "domains": [ { "name": "p1", "memory": "8M", "kernel": "$top/$probe" },
               { "name": "xa", "memory": "8M", "xen-interface": true, "kernel": "$top/$probe" },
               { "name": "p2", "memory": "8M", "kernel": "$top/$probe" } ] }
JSON
build/lcm-tool build --arch x86 "$WORK/launch.json" -o "$WORK/lcm.dtb" || exit 1

log=$WORK/console.log
LIMIT=60 boot "$log" -smp 1 -kernel "$X86_BIN" -initrd "$WORK/lcm.dtb,$probe"
expect "$log" "launch: LCM with 3 domains"
expect "$log" "domain 2 xa: not started: hyperlaunch,xen-interface: this architecture has no Xen guest interface"
for name in p1 p2; do
	expect "$log" "[$name] probe: ready"
done
expect "$log" "domain 1 p1: powered off (its last vCPU called CPU_OFF)"
expect "$log" "domain 3 p2: powered off (its last vCPU called CPU_OFF)"
expect_none "$log" "\[xa\]"
expect_last "$log" "hyperlaunch: all 3 domains are off (2 powered off, 1 not started); powering off"
expect_rc 0
finish
