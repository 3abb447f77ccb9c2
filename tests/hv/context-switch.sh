#!/usr/bin/env bash
# The full vCPU context survives sharing a CPU: four domains on one CPU
# (test-guest.S -DCONTEXT) each put values of their own in V0-V31, FPCR,
# TPIDR_EL0/EL1, TPIDRRO_EL0 and CONTEXTIDR_EL1, then 64 times wait with
# WFI (the scheduler runs another vCPU) and check every one of them.
. "$(dirname "$0")/qemu.bash"

guest_asm "$WORK/context.img" -DCONTEXT || exit 1
pack tests/hv/configs/context.json --cpus 1
log=$WORK/console.log
boot_pack "$log"
expect_booted_on "$log" 1
expect_rc 0
for i in 1 2 3 4; do
	expect "$log" "[c$i] context: ok"
done
expect_none "$log" 'check [0-9]+ failed'
expect_last "$log" "hyperlaunch: all 4 domains are off (4 powered off); powering off"
finish
