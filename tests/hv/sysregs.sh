#!/usr/bin/env bash
# System registers a guest was told do not exist are UNDEFINED, as on
# hardware, and the ID registers tell the truth: a bare-metal guest
# (arch-guest.c, test=sysregs) reads ID_AA64DFR0_EL1 (no PMU: PMUVer 0; the
# smallest debug unit: 2 breakpoints, 2 watchpoints), then writes
# PMCNTENCLR_EL0 and reads PMCCNTR_EL0, and takes an undefined-instruction
# exception (ESR 0x2000000: EC 0, IL) at each; the hypervisor says so, and
# the domain goes on to power off.
. "$(dirname "$0")/qemu.bash"

guest_c "$WORK/arch.img" tests/hv/arch-guest.c || exit 1
pack tests/hv/configs/sysregs.json --cpus 1
log=$WORK/console.log
boot_pack "$log"
expect_booted_on "$log" 1
expect_rc 0
as='delivered to the guest as an undefined instruction'
expect "$log" "[sr] arch: ID_AA64DFR0_EL1 PMUVer 0 BRPs 1 WRPs 1"
expect_re "$log" "domain 1 sr: system register write S3_3_C9_C12_2 \(not emulated\) at PC 0x40[0-9a-f]{6}: $as"
expect_re "$log" "domain 1 sr: system register read S3_3_C9_C13_0 \(not emulated\) at PC 0x40[0-9a-f]{6}: $as"
expect "$log" "[sr] arch: PMCNTENCLR_EL0 write: ESR 0x2000000 at the write yes"
expect "$log" "[sr] arch: PMCCNTR_EL0 read: ESR 0x2000000 at the read yes"
expect "$log" "[sr] arch: 2 undefined instructions taken"
expect "$log" "[sr] arch: sysregs done"
expect_none "$log" 'check [0-9]+ failed|unexpected exception|stopped:'
expect_last "$log" "hyperlaunch: all 1 domain is off (1 powered off); powering off"
finish
