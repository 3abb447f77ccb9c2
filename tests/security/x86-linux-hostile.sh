#!/usr/bin/env bash
# A hostile guest on a Linux domain's PC platform (it carries a bzImage
# setup header: guests/x86-bzimage/hostile.S): MSRs not granted raise #GP in
# it (no stop, no hypervisor fault), every byte to the PIC, PIT and speaker
# ports is taken, absent ports read all ones, a PIT storm at its fastest
# rate leaves it and the machine running, and its ADD from the local APIC
# page (there is none; the MMIO decoder refuses all but MOV and MOVZX)
# stops it with one line naming the instruction's bytes; a second one (bootargs
# "mov") only does a MOV from that page, decoded and named. A probe beside them is
# untouched; the machine powers off.
. "$(dirname "$0")/../hv/x86.bash"

hostile=$top/build/guests/x86-bzimage-hostile.img
probe=$top/build/guests/x86-probe.img
cat >"$WORK/launch.json" <<JSON
{ "domains": [ { "name": "h", "memory": "24M", "kernel": "$hostile" },
               { "name": "h2", "memory": "24M", "kernel": { "file": "$hostile", "bootargs": "mov" } },
               { "name": "p", "memory": "8M", "kernel": "$probe" } ] }
JSON
build/lcm-tool build --arch x86 "$WORK/launch.json" -o "$WORK/lcm.dtb" || exit 1

log=$WORK/console.log
boot "$log" -kernel "$X86_BIN" -initrd "$WORK/lcm.dtb,$hostile,$probe"
expect "$log" "[h] hostile: WRMSR APIC base 0xfec00800, WRMSR PAT 0x0202020202020202"
expect "$log" "[h] hostile: 2 #GP taken"
expect "$log" "[h] hostile: PIC, PIT and port 0x61 survived every byte; absent ports read all ones"
expect "$log" "[h] hostile: PIT storm taken, still running"
expect "$log" "[h] hostile: local APIC took the bad writes (ESR 0x20, ID 0, TPR 0xff)"
expect "$log" "[h] hostile: ADD from the local APIC page"
expect_re "$log" "domain 1 h: stopped: MMIO read at 0xfee00030, instruction not emulated \(not a MOV or MOVZX with memory\): 03 03( [0-9a-f]{2}){13} at RIP 0x[0-9a-f]+"
expect "$log" "[h2] hostile: MOV from the IOAPIC page"
expect_re "$log" "domain 2 h2: stopped: MMIO read of 4 bytes at 0xfec00000: not its RAM nor an emulated device at RIP 0x[0-9a-f]+"
expect_none "$log" "returned from|panic|x86: .*vector"
expect "$log" "[p] probe: ready"
expect "$log" "domain 3 p: powered off (its last vCPU called CPU_OFF)"
expect_rc 0
finish
