#!/usr/bin/env bash
# A microcode module whose bytes are not the ones the LCM's digest names is
# never offered to the CPU: the loader hands over a file of the same size
# with other bytes, and the launch says so and goes on.
. "$(dirname "$0")/../hv/x86.bash"

head -c 2048 /dev/urandom >"$WORK/ucode.bin"
head -c 2048 /dev/urandom >"$WORK/tampered.bin"
printf '{ "config": { "microcode": "ucode.bin" }, "domains": [ { "name": "p", "memory": "8M", "kernel": "%s" } ] }\n' \
	"$top/build/guests/x86-probe.img" >"$WORK/launch.json"
build/lcm-tool build --arch x86 "$WORK/launch.json" -o "$WORK/lcm.dtb" || exit 1

log=$WORK/console.log
boot "$log" -kernel "$X86_BIN" -initrd "$WORK/lcm.dtb,$WORK/tampered.bin,$top/build/guests/x86-probe.img"
expect "$log" "launch: microcode: 2048 bytes, not applied: SHA-256 mismatch with the LCM"
expect "$log" "[p] probe: ready"
expect "$log" "hyperlaunch: all 1 domain is off (1 powered off); powering off"
expect_rc 0
finish
