#!/usr/bin/env bash
# The virtual timer's interrupt follows its output, as on hardware (Arm ARM
# D11.2.4: the output is ENABLE, not IMASK, ISTATUS; INTID 27 is a
# level-sensitive PPI): a bare-metal guest (arch-guest.c, test=vtimer)
# fires its timer with IRQs masked and sees INTID 27 pending in its
# redistributor, then not pending once it disabled the timer, masked it or
# moved its deadline to the future, and takes no interrupt for it when it
# unmasks IRQs (also when INTID 27 was already in a list register: the
# hypervisor takes it back at the next exit); CNTV_CTL_EL0 reads back what it wrote (never an IMASK it
# did not set); a real interrupt comes once. A probe runs beside it.
. "$(dirname "$0")/qemu.bash"

guest_c "$WORK/arch.img" tests/hv/arch-guest.c || exit 1
pack tests/hv/configs/vtimer-state.json --cpus 1
log=$WORK/console.log
boot_pack "$log"
expect_booted_on "$log" 1
expect_rc 0
expect "$log" "[vt] arch: vtimer pending while its output is high: yes"
expect "$log" "[vt] arch: vtimer CTL reads 0x5 while firing"
expect "$log" "[vt] arch: vtimer disabled: pending no"
expect "$log" "[vt] arch: vtimer masked: CTL reads 0x7, pending no"
expect "$log" "[vt] arch: vtimer moved to the future: pending no"
expect "$log" "[vt] arch: vtimer in a list register: highest pending 27, masked: pending no, highest pending 1023"
expect "$log" "[vt] arch: vtimer interrupts after disable, mask and move: 0"
expect "$log" "[vt] arch: vtimer interrupt taken with CTL 0x5, 1 in all, pending no"
expect "$log" "[vt] arch: vtimer done"
expect "$log" "[p1] probe: ready"
expect_none "$log" 'check [0-9]+ failed|unexpected exception|stopped:'
expect_last "$log" "hyperlaunch: all 2 domains are off (2 powered off); powering off"
finish
