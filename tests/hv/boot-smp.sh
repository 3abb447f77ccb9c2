#!/usr/bin/env bash
# The plain boot: QEMU's -kernel loads the Image at 0x40200000 with its DTB
# at 0x48000000; all four CPUs come up, tick, and with no dom0 kernel to
# run the machine powers off.
. "$(dirname "$0")/qemu.bash"

boot "$WORK/console.log" -kernel "$BIN"
log=$WORK/console.log
expect "$log" "Hyperlaunch 0.1 (arm64) at 0x40200000, DTB 0x48000000"
expect "$log" "platform: 4 CPUs, RAM 0x40000000-0x60000000 (512 MiB), GICv3 dist 0x08000000 redist 0x080a0000, uart 0x09000000"
expect "$log" "mm: 510 MiB free after reserving hypervisor, DTB and 0 modules"
expect_booted "$log"
expect "$log" "launch: classic (no /chosen/hypervisor)"
expect "$log" 'launch: classic: no /chosen node compatible with "multiboot,kernel": no dom0'
expect_last "$log" "hyperlaunch: no domains; powering off"
finish
