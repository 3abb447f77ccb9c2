#!/usr/bin/env bash
# A Hyperlaunch boot: the host DTB carries an LCM (/chosen/hypervisor) with
# one domain whose kernel and ramdisk sit at module-addr ranges; both ranges
# are kept out of the page allocator. The kernel is zeros, not an Image: the
# domain is not started, and with nothing left to run the machine powers off.
. "$(dirname "$0")/qemu.bash"

dtb_with "$WORK/lcm.dtb" tests/hv/fixtures/lcm-one-domain.dtsi || exit 1
head -c 1048576 /dev/zero >"$WORK/kernel.bin"
head -c 524288 /dev/zero >"$WORK/ramdisk.bin"
log=$WORK/console.log
boot "$log" -kernel "$BIN" -dtb "$WORK/lcm.dtb" \
	-device loader,file="$WORK/kernel.bin",addr=0x50000000,force-raw=on \
	-device loader,file="$WORK/ramdisk.bin",addr=0x50200000,force-raw=on
expect "$log" "mm: reserved 0x50000000-0x50100000 for the kernel module of domain1"
expect "$log" "mm: reserved 0x50200000-0x50280000 for the ramdisk module of domain1"
expect "$log" "mm: 509 MiB free after reserving hypervisor, DTB and 2 modules"
expect_booted "$log"
expect "$log" "launch: LCM with 1 domains"
expect "$log" 'domain 1 domain1: not started: kernel module 0x50000000+0x100000: not an arm64 Image (no "ARM\x64" magic at offset 56)'
expect_last "$log" "hyperlaunch: all 1 domain is off (1 not started); powering off"
finish
