#!/usr/bin/env bash
# A malformed LCM: every diagnostic of lcm_parse() reaches the console as
# "lcm: error: <path>: <property>: <reason>", and the launch falls back.
. "$(dirname "$0")/qemu.bash"

dtb_with "$WORK/lcm.dtb" tests/hv/fixtures/lcm-invalid.dtsi || exit 1
log=$WORK/console.log
boot "$log" -kernel "$BIN" -dtb "$WORK/lcm.dtb"
expect "$log" "lcm: error: /chosen/hypervisor/domain1: memory: 16 KiB is below the minimum of 1024 KiB"
expect "$log" "lcm: error: /chosen/hypervisor/domain1/kernel: no location: give mb-index (multiboot) or module-addr"
expect_booted "$log"
expect "$log" "launch: LCM rejected (2 errors): falling back to the console"
expect_last "$log" "hyperlaunch: no domains; powering off"
finish
