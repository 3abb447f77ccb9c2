#!/usr/bin/env bash
# PSCI and hypercalls from a guest (test-guest.S), and SYSTEM_OFF and
# SYSTEM_RESET acting on the calling domain only. Two 2-vCPU domains run
# the checks of test-guest.S (PSCI_VERSION over HVC and SMC, FEATURES and
# CPU_SUSPEND not supported, AFFINITY_INFO, CPU_ON errors and a real
# CPU_ON/CPU_OFF round trip, HL_WHOAMI, HL_CONSOLE_WRITE of a buffer outside
# the caller's RAM, an unknown hypercall); then one calls SYSTEM_OFF, the
# other SYSTEM_RESET (treated as power off). A spinning third domain keeps
# running: the machine stays up and the test ends it.
. "$(dirname "$0")/qemu.bash"

guest_asm "$WORK/off.img" || exit 1
guest_asm "$WORK/reset.img" -DFINAL=0x84000009 || exit 1
pack tests/hv/configs/psci.json
log=$WORK/console.log
boot_bg "$log"
wait_line "domain 1 off: powered off"
wait_line "domain 2 reset: powered off (SYSTEM_RESET: reset is treated as power off)"
wait_line "[spin] spin: spinning forever"
sleep 0.5
still_running
stop_bg
for d in off reset; do
	expect "$log" "[$d] psci: vcpu 1 up"
	expect "$log" "[$d] psci: all checks passed"
done
expect_re "$log" "$(built_re "1 off" "8 MiB, 2 vCPUs, kernel mapped")"
expect_none "$log" 'check [0-9]+ failed'
expect_none "$log" '^hyperlaunch: '
expect_none "$log" '^domain 3 spin: (powered|stopped)'
finish
