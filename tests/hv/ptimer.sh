#!/usr/bin/env bash
# The EL1 physical timer is emulated per vCPU: two bare-metal guests
# (arch-guest.c, test=ptimer) on one CPU read back CNTP_CVAL/CTL/TVAL_EL0
# as written, see ISTATUS and INTID 30 follow the counter and IMASK, and
# take its interrupt 10 times while running and 10 times while sleeping in
# WFI (the deadline of a blocked vCPU wakes it, as its virtual timer's
# does), each vCPU its own timer.
. "$(dirname "$0")/qemu.bash"

guest_c "$WORK/arch.img" tests/hv/arch-guest.c || exit 1
pack tests/hv/configs/ptimer.json --cpus 1
log=$WORK/console.log
boot_pack "$log"
expect_booted_on "$log" 1
expect_rc 0
for d in pt1 pt2; do
	expect "$log" "[$d] arch: ptimer CVAL reads back yes, CTL 0x1, TVAL counts down yes, pending no"
	expect "$log" "[$d] arch: ptimer condition met: CTL 0x5, pending yes"
	expect "$log" "[$d] arch: ptimer masked: CTL 0x7, pending no"
	expect "$log" "[$d] arch: ptimer interrupts while off: 0"
	expect "$log" "[$d] arch: ptimer 10 of 10 interrupts while running"
	expect "$log" "[$d] arch: ptimer 10 of 10 interrupts in WFI"
	expect "$log" "[$d] arch: ptimer handler saw CTL 0x5, pending after no"
	expect "$log" "[$d] arch: ptimer done"
done
expect_none "$log" 'check [0-9]+ failed|unexpected exception|stopped:'
expect_last "$log" "hyperlaunch: all 2 domains are off (2 powered off); powering off"
finish
