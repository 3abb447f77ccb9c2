#!/usr/bin/env bash
# Aborts on addresses with no RAM and no device are the guest's, as on
# hardware: a bare-metal guest (arch-guest.c, test=aborts) loads past its
# RAM, stores and branches where nothing is, and takes each as a
# synchronous external abort (EC 0x25 data abort or 0x21 instruction
# abort from its own EL, IL, FSC 0x10, WnR for the store) with FAR the
# address and ELR the faulting instruction; the hypervisor says so in one
# line each. Another (test=loop) aborts in a loop for 1.5 s on the same
# CPU as a probe: the lines about it are at most 5 a second, with the
# count of those left out, and the probe still runs to its end.
. "$(dirname "$0")/qemu.bash"

guest_c "$WORK/arch.img" tests/hv/arch-guest.c || exit 1
pack tests/hv/configs/guest-aborts.json --cpus 1
log=$WORK/console.log
boot_pack "$log"
expect_booted_on "$log" 1
expect_rc 0
pc='at PC 0x40[0-9a-f]{6}'
as='delivered to the guest as a synchronous external abort'
expect_re "$log" "domain 1 ab: data abort at IPA 0x40800000 \(read, no RAM or device\) $pc: $as"
expect_re "$log" "domain 1 ab: data abort at IPA 0x30000008 \(write, no RAM or device\) $pc: $as"
expect_re "$log" "domain 1 ab: instruction abort at IPA 0x30000000 \(no RAM\) at PC 0x30000000: $as"
expect "$log" "[ab] arch: load: ESR 0x96000010 FAR 0x40800000 at the load yes"
expect "$log" "[ab] arch: store: ESR 0x96000050 FAR 0x30000008 at the store yes"
expect "$log" "[ab] arch: branch: ESR 0x86000010 FAR 0x30000000 ELR 0x30000000"
expect "$log" "[ab] arch: 3 aborts taken"
expect "$log" "[ab] arch: aborts done"
expect "$log" "[loop] arch: loop: every abort taken"
expect "$log" "[loop] arch: loop done"
# 1.5 s of aborts: 5 lines in the first second, then the count of those
# left out and at most 5 more.
n=$(grep -cE '^domain 2 loop: data abort at IPA 0x30000000 \(read, no RAM or device\)' "$log")
if [ "$n" -lt 5 ] || [ "$n" -gt 10 ]; then
	echo "COUNT: $n delivered lines for the loop domain, expected 5 to 10"
	failures=$((failures + 1))
fi
expect_re "$log" "domain 2 loop: [0-9]+ more faults delivered to the guest, not shown \(at most 5 lines a second\)"
expect "$log" "[p1] probe: ready"
expect_none "$log" 'check [0-9]+ failed|unexpected exception|stopped:'
expect_last "$log" "hyperlaunch: all 3 domains are off (3 powered off); powering off"
finish
