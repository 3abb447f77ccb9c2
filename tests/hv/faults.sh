#!/usr/bin/env bash
# Fault containment: one domain per kind of misbehaviour of the fault guest
# (guests/fault/fault.c). Each of ram, write, smc and undef is stopped with
# one line naming it, the fault, the address and the PC (the PC changes
# with the guest build, so it is matched as an address in its image); the
# unknown hypercall fails with HL_ENOSYS and that domain goes on and powers
# off normally; a probe next to them all reaches its ready line; and the
# machine powers off with the summary.
. "$(dirname "$0")/qemu.bash"

pack tests/hv/configs/faults.json
log=$WORK/console.log
boot_pack "$log"
expect_booted_on "$log" 4
expect_rc 0
pc='at PC 0x400[0-9a-f]{5}'
expect_re "$log" "domain 1 ram: stopped: data abort at IPA 0x40800000 \(read, no RAM or device\) $pc"
expect_re "$log" "domain 2 write: stopped: data abort at IPA 0x0 \(write, no RAM or device\) $pc"
expect_re "$log" "domain 3 smc: stopped: SMC 0xc2000000 \(not PSCI: firmware is not the guest's\) $pc"
expect_re "$log" "domain 4 undef: stopped: system register read S3_3_C9_C13_0 \(not emulated\) $pc"
for k in ram write smc undef; do
	expect "$log" "[$k] fault: about to fault ($k)"
done
expect_none "$log" 'still running after the fault|fault: read 0x|fault: pmccntr'
expect "$log" "[hvc] fault: unknown hypercall returned -1"
expect "$log" "domain 5 hvc: powered off"
expect "$log" "[probe] probe: ready"
expect "$log" "domain 6 probe: powered off"
expect_last "$log" "hyperlaunch: all 6 domains are off (2 powered off, 4 stopped by a fault); powering off"
finish
