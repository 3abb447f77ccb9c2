#!/usr/bin/env bash
# A host DTB whose LCM has a property length that wraps (-12): libfdt
# 1.6.1's own structure check walks such a tag forever. The hypervisor
# checks the blob the LCM library's way (lcm_fdt_check) before any walk,
# so it says why and stops at once instead of hanging at boot.
. "$(dirname "$0")/security.bash"

dtb_with "$WORK/host.dtb" tests/hv/fixtures/lcm-one-domain.dtsi || exit 1
at=$(grep -obUa 'hypervisor,xen' "$WORK/host.dtb" | head -n 1 | cut -d: -f1)
printf '\xff\xff\xff\xf4' | dd of="$WORK/host.dtb" bs=1 seek=$((at - 8)) conv=notrunc status=none
# QEMU's -dtb would walk the blob itself (and hang): a stub plays the
# bootloader, as in tests/hv/boot-relocated.sh.
stub "$WORK/stub.bin" 0x40400000 0x5ff00000 || exit 1
boot "$LOG" \
	-device loader,file="$BIN",addr=0x40400000,force-raw=on \
	-device loader,file="$WORK/host.dtb",addr=0x5ff00000,force-raw=on \
	-device loader,file="$WORK/stub.bin",addr=0x40100000,cpu-num=0,force-raw=on
expect_rc 0
expect "$LOG" "platform: malformed device tree: a property's length runs past the end of the blob"
expect_re "$LOG" "panic: no usable platform description in the DTB at 0x[0-9a-f]+"
finish
