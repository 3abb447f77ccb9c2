#!/usr/bin/env bash
# Hostile x86 guests on AMD SVM: six domains each do one thing no domain
# is granted (OUT to a port, RDMSR of an MSR other than EFER, a load outside
# its RAM, a triple fault, VMLOAD, INVLPGA of another ASID), and each is
# stopped with one line naming it, the reason and its RIP; a probe domain
# among them still prints its ready line and powers off, and so does the
# machine.
. "$(dirname "$0")/../hv/x86.bash"

fault=$top/build/guests/x86-fault.img
probe=$top/build/guests/x86-probe.img
cat >"$WORK/hostile.json" <<JSON
{
  "domains": [
    { "name": "io", "memory": "8M", "kernel": { "file": "$fault", "bootargs": "fault=io" } },
    { "name": "msr", "memory": "8M", "kernel": { "file": "$fault", "bootargs": "fault=msr" } },
    { "name": "npf", "memory": "8M", "kernel": { "file": "$fault", "bootargs": "fault=npf" } },
    { "name": "triple", "memory": "8M", "kernel": { "file": "$fault", "bootargs": "fault=triple" } },
    { "name": "svm", "memory": "8M", "kernel": { "file": "$fault", "bootargs": "fault=svm" } },
    { "name": "survivor", "memory": "8M", "kernel": "$probe" },
    { "name": "invlpga", "memory": "8M", "kernel": { "file": "$fault", "bootargs": "fault=invlpga" } }
  ]
}
JSON
build/lcm-tool build --arch x86 "$WORK/hostile.json" -o "$WORK/lcm.dtb" || exit 1

log=$WORK/console.log
boot "$log" -kernel "$X86_BIN" -initrd "$WORK/lcm.dtb,$fault,$probe"
rip='at RIP 0x[0-9a-f]+'
expect "$log" "[io] fault: OUT to port 0x80"
expect_re "$log" "domain 1 io: stopped: OUT of I/O port 0x80, not granted $rip"
expect "$log" "[msr] fault: RDMSR 0x1b"
expect_re "$log" "domain 2 msr: stopped: RDMSR of MSR 0x1b, not granted $rip"
expect "$log" "[npf] fault: load from 0x20000000"
expect_re "$log" "domain 3 npf: stopped: nested page fault at 0x20000000 \(read, error 0x[0-9a-f]+\): not its RAM $rip"
expect "$log" "[triple] fault: int3 with no IDT"
expect_re "$log" "domain 4 triple: stopped: triple fault \(shutdown\) $rip"
expect "$log" "[svm] fault: VMLOAD"
expect_re "$log" "domain 5 svm: stopped: SVM instruction \(exit 0x82\) $rip"
expect "$log" "[invlpga] fault: INVLPGA"
expect_re "$log" "domain 7 invlpga: stopped: SVM instruction \(exit 0x7a\) $rip"
expect_none "$log" "returned from"
expect "$log" "[survivor] probe: ready"
expect "$log" "domain 6 survivor: powered off (its last vCPU called CPU_OFF)"
expect_none "$log" "panic|x86: .*vector"
expect_rc 0
finish
