#!/usr/bin/env bash
# A malformed LCM: every diagnostic of lcm_parse() reaches the console as
# "lcm: error: <path>: <property>: <reason>". That is a launch failure with
# no domain, and the hypervisor keeps the console (docs/boot-flow.md): the
# machine stays on with the diagnostics instead of powering off, and its
# console input is served (Ctrl-A three times is announced and, with no
# domain to move to, leaves the input with the hypervisor).
. "$(dirname "$0")/qemu.bash"

dtb_with "$WORK/lcm.dtb" tests/hv/fixtures/lcm-invalid.dtsi || exit 1
log=$WORK/console.log
boot_bg_qemu "$log" -kernel "$BIN" -dtb "$WORK/lcm.dtb" -echr 0x14
wait_line "console: input to the hypervisor (Ctrl-A three times to switch)"
sleep 1                         # a power-off would have come at once
still_running
input 'ignored\n\001\001\001'
wait_line "console: input to the hypervisor (Ctrl-A three times to switch)" 2
still_running
stop_bg
expect "$log" "lcm: error: /chosen/hypervisor/domain1: memory: 16 KiB is below the minimum of 1024 KiB"
expect "$log" "lcm: error: /chosen/hypervisor/domain1/kernel: no location: give mb-index (multiboot) or module-addr"
expect_booted_on "$log" 4
expect "$log" "launch: FAILED: LCM rejected (2 errors); the hypervisor keeps the console"
expect_count "$log" "console: input to the hypervisor (Ctrl-A three times to switch)" 2
expect_last "$log" "console: input to the hypervisor (Ctrl-A three times to switch)"
expect_none "$log" '^hyperlaunch: |ignored'
finish
