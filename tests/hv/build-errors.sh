#!/usr/bin/env bash
# Domains that cannot be built are not started, each with a line naming it
# and the reason, and the others still run: more RAM than the machine has,
# a kernel module outside RAM, a kernel whose Image header asks for more
# room (image_size) than the domain's memory. The last domain shares its
# kernel with the first and runs.
. "$(dirname "$0")/qemu.bash"

cp build/guests/probe.img "$WORK/huge.img"
# image_size (u64 at offset 16) = 2 MiB: more than the 1 MiB domain holds.
printf '\x00\x00\x20\x00\x00\x00\x00\x00' | dd of="$WORK/huge.img" bs=1 seek=16 conv=notrunc status=none
hex_size() { printf '0x%x' "$(stat -c %s "$1")"; }
sed -e "s/@PROBE_SIZE@/$(hex_size build/guests/probe.img)/" \
    -e "s/@HUGE_SIZE@/$(hex_size "$WORK/huge.img")/" \
    tests/hv/fixtures/lcm-build-errors.dtsi >"$WORK/lcm.dtsi"
dtb_with "$WORK/lcm.dtb" "$WORK/lcm.dtsi" || exit 1
log=$WORK/console.log
boot "$log" -kernel "$BIN" -dtb "$WORK/lcm.dtb" \
	-device loader,file=build/guests/probe.img,addr=0x50000000,force-raw=on \
	-device loader,file="$WORK/huge.img",addr=0x50200000,force-raw=on
expect_booted "$log"
expect "$log" "launch: LCM with 4 domains"
expect_re "$log" "domain 1 big: not started: not enough memory: 1048576 KiB of RAM to allocate, [0-9]+ KiB free"
expect "$log" "domain 2 outside: not started: kernel module 0x7fe00000+0x10000: outside RAM"
expect "$log" "domain 3 huge: not started: kernel (0x200000 bytes at +0x0) and device tree do not fit in 1024 KiB"
expect_re "$log" "$(built_re "4 ok" "8 MiB, 1 vCPU, kernel copied")"
expect "$log" "[ok] probe: ready"
expect_none "$log" '^\[(big|outside|huge)\]'
expect_last "$log" "hyperlaunch: all 4 domains are off (1 powered off, 3 not started); powering off"
finish
