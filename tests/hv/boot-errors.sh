#!/usr/bin/env bash
# Fatal boot errors end in "panic: <reason>" and a power-off, never a hang:
# no DTB at all (x0 = 0), and a DTB that claims RAM the machine lacks, so the
# first page the hypervisor zeroes there raises a synchronous external abort
# at EL2 (the unexpected-exception report: EC, ESR, ELR, FAR).
. "$(dirname "$0")/qemu.bash"

machine_dtb "$WORK/machine.dtb"
stub "$WORK/stub-nodtb.bin" 0x40400000 0 || exit 1
log=$WORK/no-dtb.log
boot "$log" -device loader,file="$BIN",addr=0x40400000,force-raw=on \
	-device loader,file="$WORK/stub-nodtb.bin",addr=0x40100000,cpu-num=0,force-raw=on
expect "$log" "platform: no device tree at 0x0 (x0 from the bootloader)"
expect "$log" "panic: no usable platform description in the DTB at 0x0"
expect_rc 0

cp "$WORK/machine.dtb" "$WORK/bad-ram.dtb"
fdtput -t x "$WORK/bad-ram.dtb" /memory@40000000 reg 0 0x40000000 0 0x40000000
stub "$WORK/stub.bin" 0x40400000 0x5ff00000 || exit 1
log=$WORK/bad-ram.log
boot "$log" -device loader,file="$BIN",addr=0x40400000,force-raw=on \
	-device loader,file="$WORK/bad-ram.dtb",addr=0x5ff00000,force-raw=on \
	-device loader,file="$WORK/stub.bin",addr=0x40100000,cpu-num=0,force-raw=on
expect "$log" "el2: unexpected sync exception from EL2h on cpu0: EC 0x25 (data abort, same EL)"
if ! grep -qE '^el2: ESR_EL2 0x96000050 ELR_EL2 0x404[0-9a-f]{5} \(image\+0x[0-9a-f]+\) FAR_EL2 0x7fffc000$' "$log"; then
	echo "MISSING in $log: the ESR/ELR/FAR line of an external abort at 0x7fffc000"
	failures=$((failures + 1))
fi
expect "$log" "panic: unexpected exception at EL2"
expect_rc 0
finish
