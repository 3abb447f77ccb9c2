#!/usr/bin/env bash
# Position independence: the same Image entered at U-Boot's kernel_addr_r
# (0x40400000) and at an address that is only 4 KiB aligned, with the DTB at
# the top of RAM as U-Boot places it. A stub (boot-stub.S) plays the
# bootloader: QEMU's generic loader cannot set x0 itself.
. "$(dirname "$0")/qemu.bash"

machine_dtb "$WORK/machine.dtb"
for addr in 0x40400000 0x5e001000; do
	stub "$WORK/stub-$addr.bin" "$addr" 0x5ff00000 || exit 1
	log=$WORK/console-$addr.log
	boot "$log" \
		-device loader,file="$BIN",addr="$addr",force-raw=on \
		-device loader,file="$WORK/machine.dtb",addr=0x5ff00000,force-raw=on \
		-device loader,file="$WORK/stub-$addr.bin",addr=0x40100000,cpu-num=0,force-raw=on
	expect "$log" "Hyperlaunch 0.1 (arm64) at $addr, DTB 0x5ff00000"
	expect_booted "$log"
	expect "$log" "launch: classic (no /chosen/hypervisor)"
done
finish
