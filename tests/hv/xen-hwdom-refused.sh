#!/usr/bin/env bash
# A Xen-aware hardware domain is refused at its build: its address space
# is the machine's, and on QEMU virt the PCIe MMIO window it is given
# covers Xen's grant-table window (0x38000000) and store page (0x39000000).
# Before this check, its Linux mapped grant-table frame 0 there and the
# hypervisor stopped on a stage-2 clash ("panic: stage2: 0x38000000+0x1000
# is already mapped"). The other domain of the launch runs on.
. "$(dirname "$0")/qemu.bash"

linux_parts
pack tests/hv/configs/xen-hwdom-refused.json
log=$WORK/console.log
boot_pack "$log"
expect_rc 0
expect "$log" "domain 1 hwdom: not started: hyperlaunch,xen-interface: its address space has 0x38000000 (a device or RAM) where Xen's grant-table window (0x38000000, 16 MiB) and store page (0x39000000) go"
expect "$log" "launch: FAILED: domain 1 hwdom: not built"
expect "$log" "[gpio] passthrough: 10 interrupts, the level one taken again: ok"
expect_none "$log" "^panic"
expect_last "$log" "hyperlaunch: all 2 domains are off (1 powered off, 1 not started); powering off"
finish
