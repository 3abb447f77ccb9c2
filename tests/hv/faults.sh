#!/usr/bin/env bash
# Fault containment: one domain per kind of misbehaviour of the fault guest
# (guests/fault/fault.c). What hardware would give the guest, the guest
# gets: ram and write take a synchronous external abort, undef an undefined
# instruction (a PMU register), each with a line of the hypervisor naming
# the domain, the fault, the address and the PC (the PC changes with the
# guest build, so it is matched as an address in its image), and the
# runtime's vectors report it and power off. What still stops a domain:
# an abort the guest cannot take (vbar: its vector is not in RAM; vecloop:
# the abort happens again at the vector entry it was delivered to) and an
# SMC that is not PSCI, each with one line. The unknown hypercall fails
# with HL_ENOSYS and that domain goes on and powers off normally; a probe
# next to them all reaches its ready line; and the machine powers off with
# the summary.
. "$(dirname "$0")/qemu.bash"

pack tests/hv/configs/faults.json
log=$WORK/console.log
boot_pack "$log"
expect_booted_on "$log" 4
expect_rc 0
pc='at PC 0x400[0-9a-f]{5}'
sea='delivered to the guest as a synchronous external abort'
expect_re "$log" "domain 1 ram: data abort at IPA 0x40800000 \(read, no RAM or device\) $pc: $sea"
expect_re "$log" "\[ram\] guest: unexpected exception: ESR 0x96000010 ELR 0x400[0-9a-f]{5} FAR 0x40800000"
expect "$log" "domain 1 ram: powered off"
expect_re "$log" "domain 2 write: data abort at IPA 0x0 \(write, no RAM or device\) $pc: $sea"
expect_re "$log" "\[write\] guest: unexpected exception: ESR 0x96000050 ELR 0x400[0-9a-f]{5} FAR 0x0"
expect "$log" "domain 2 write: powered off"
expect_re "$log" "domain 3 smc: stopped: SMC 0xc2000000 \(not PSCI: firmware is not the guest's\) $pc"
expect_re "$log" "domain 4 undef: system register read S3_3_C9_C13_0 \(not emulated\) $pc: delivered to the guest as an undefined instruction"
expect_re "$log" "\[undef\] guest: unexpected exception: ESR 0x2000000 ELR 0x400[0-9a-f]{5} FAR 0x[0-9a-f]+"
expect "$log" "domain 4 undef: powered off"
expect_re "$log" "domain 7 vbar: stopped: data abort at IPA 0x0 \(write, no RAM or device\) $pc, which the guest cannot take: its vector 0x1200 is not in RAM"
expect_re "$log" "domain 8 vecloop: data abort at IPA 0x30000000 \(read, no RAM or device\) $pc: $sea"
expect_re "$log" "domain 8 vecloop: stopped: data abort at IPA 0x30000000 \(read, no RAM or device\) at PC 0x400[0-9a-f]{2}[2a]00, which the guest cannot take: it faulted at that vector entry"
for k in ram write smc undef vbar vecloop; do
	expect "$log" "[$k] fault: about to fault ($k)"
done
expect_none "$log" 'still running after the fault|fault: read 0x|fault: pmccntr'
expect "$log" "[hvc] fault: unknown hypercall returned -1"
expect "$log" "domain 5 hvc: powered off"
expect "$log" "[probe] probe: ready"
expect "$log" "domain 6 probe: powered off"
expect_last "$log" "hyperlaunch: all 8 domains are off (5 powered off, 3 stopped by a fault); powering off"
finish
