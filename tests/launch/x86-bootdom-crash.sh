#!/usr/bin/env bash
# x86: a Boot Domain that crashes (a load outside its RAM) before saying
# done: the launch has failed, app1 is never started, and the Recovery
# Domain (here the probe) runs instead.
. "$(dirname "$0")/../hv/x86.bash"

fault=$top/build/guests/x86-fault.img
probe=$top/build/guests/x86-probe.img
cat >"$WORK/launch.json" <<JSON
{
  "domains": [
    { "name": "bootdom", "functions": ["boot"], "memory": "8M",
      "kernel": { "file": "$fault", "bootargs": "fault=npf" } },
    { "name": "app1", "memory": "8M", "kernel": "$probe" },
    { "name": "recovery", "functions": ["recovery"], "memory": "8M", "kernel": "$probe" }
  ]
}
JSON
build/lcm-tool build --arch x86 "$WORK/launch.json" -o "$WORK/lcm.dtb" || exit 1

log=$WORK/console.log
boot "$log" -kernel "$X86_BIN" -initrd "$WORK/lcm.dtb,$fault,$probe"
expect "$log" "[bootdom] fault: load from 0x20000000"
expect_re "$log" "domain 32757 bootdom: stopped: nested page fault at 0x20000000 \(read, error 0x[0-9a-f]+\): not its RAM at RIP 0x[0-9a-f]+"
expect "$log" "launch: FAILED: domain 32757 bootdom: the Boot Domain was stopped by a fault before saying done"
expect "$log" "launch: starting the Recovery Domain recovery"
expect "$log" "[recovery] probe: ready"
expect "$log" "hyperlaunch: all 3 domains are off (1 powered off, 1 stopped by a fault, 1 not started); powering off"
expect_rc 0
expect_none "$log" '^\[app1\]|^domain 1 app1: unpaused|^launch: final'
finish
