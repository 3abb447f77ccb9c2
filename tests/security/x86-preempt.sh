#!/usr/bin/env bash
# x86 guests cannot hold the CPU or the hypervisor hostage: on one physical
# CPU, a domain that spins for about 1.5 s without an exit comes first, yet
# the probe after it prints its ready line before the spinner finishes (the
# APIC tick makes the spinner exit and the scheduler runs the probe); a
# domain that hands the hypervisor a buffer outside its RAM gets HL_EFAULT
# (-4) and runs on.
. "$(dirname "$0")/../hv/x86.bash"

fault=$top/build/guests/x86-fault.img
probe=$top/build/guests/x86-probe.img
cat >"$WORK/preempt.json" <<JSON
{
  "domains": [
    { "name": "spin", "memory": "8M", "kernel": { "file": "$fault", "bootargs": "fault=spin" } },
    { "name": "ptr", "memory": "8M", "kernel": { "file": "$fault", "bootargs": "fault=ptr" } },
    { "name": "probe", "memory": "8M", "kernel": "$probe" }
  ]
}
JSON
build/lcm-tool build --arch x86 "$WORK/preempt.json" -o "$WORK/lcm.dtb" || exit 1

log=$WORK/console.log
boot "$log" -kernel "$X86_BIN" -initrd "$WORK/lcm.dtb,$fault,$probe"
expect "$log" "[ptr] fault: console write from 0x20000000: -4"
expect "$log" "domain 2 ptr: powered off (its last vCPU called CPU_OFF)"
expect "$log" "[probe] probe: ready"
expect "$log" "[spin] fault: spun"
ready=$(grep -nxF "[probe] probe: ready" "$log" | cut -d: -f1)
spun=$(grep -nxF "[spin] fault: spun" "$log" | cut -d: -f1)
if [ -z "$ready" ] || [ -z "$spun" ] || [ "$ready" -gt "$spun" ]; then
	echo "ORDER: the probe's ready line (line ${ready:-none}) must come before the spinner's end (line ${spun:-none})"
	failures=$((failures + 1))
fi
expect "$log" "hyperlaunch: all 3 domains are off (3 powered off); powering off"
expect_rc 0
finish
