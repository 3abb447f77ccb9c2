#!/usr/bin/env bash
# A Xen-aware domain whose address space covers Xen's grant-table window
# (0x38000000) and store page (0x39000000) is refused at its build: here a
# domU whose device-tree module places the PL061 at guest address
# 0x38000000 (xen,reg). (A hardware domain, whose address space is the
# machine's, has its window above the machine's RAM instead:
# tests/hv/xen-split-hwdom.sh.) Before this check, a Linux there mapped
# grant-table frame 0 over the device and the hypervisor stopped on a
# stage-2 clash ("panic: stage2: 0x38000000+0x1000 is already mapped").
# The other domain of the launch runs on.
. "$(dirname "$0")/qemu.bash"

linux_parts
make -s build/guests/probe.img || exit 1
mkdir -p "$WORK"
dtc -q -I dts -O dtb -o "$WORK/window.dtb" tests/hv/fixtures/xen-window-device.dts || exit 1
pack tests/hv/configs/xen-window-refused.json
log=$WORK/console.log
boot_pack "$log"
expect_rc 0
expect "$log" "domain 1 gpio: not started: hyperlaunch,xen-interface: its address space has 0x38000000 (a device or RAM) where Xen's grant-table window (0x38000000, 16 MiB) and store page (0x39000000) go"
expect "$log" "launch: FAILED: domain 1 gpio: not built"
expect "$log" "[p1] probe: ready"
expect_none "$log" "^panic"
expect_last "$log" "hyperlaunch: all 2 domains are off (1 powered off, 1 not started); powering off"
finish
