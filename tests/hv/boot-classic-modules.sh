#!/usr/bin/env bash
# A classic boot (no LCM) still keeps its boot modules, the /chosen nodes
# compatible with "multiboot,module", out of the page allocator. The kernel
# module is zeros: dom0 is not started, with the reason.
. "$(dirname "$0")/qemu.bash"

dtb_with "$WORK/host.dtb" tests/hv/fixtures/classic-modules.dtsi || exit 1
log=$WORK/console.log
boot "$log" -kernel "$BIN" -dtb "$WORK/host.dtb"
expect "$log" "mm: reserved 0x50000000-0x50200000 for /chosen/module@50000000"
expect "$log" "mm: reserved 0x51000000-0x51100000 for /chosen/module@51000000"
expect "$log" "mm: 508 MiB free after reserving hypervisor, DTB and 2 modules"
expect_booted "$log"
expect "$log" "launch: classic (no /chosen/hypervisor)"
expect "$log" 'domain 0 dom0: not started: kernel module 0x50000000+0x200000: not an arm64 Image (no "ARM\x64" magic at offset 56)'
expect_last "$log" "hyperlaunch: all 1 domain is off (1 not started); powering off"
finish
