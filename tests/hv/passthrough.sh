#!/usr/bin/env bash
# Device passthrough with a bare-metal guest (guests/passthrough): domain
# gpio is given QEMU's PL061 ("devices" in tests/hv/configs/passthrough.json,
# a partial device tree lcm-tool writes); it finds the device in its device
# tree, drives it, and takes its level-sensitive interrupt 10 times, the
# first one twice (the line left high must come again after its EOI: the
# SPI is forwarded as a hardware interrupt). Domain nosy, not given it,
# reads the same address and gets an external abort; a Debian Linux domain
# boots beside them to userspace and powers off.
. "$(dirname "$0")/qemu.bash"

linux_parts guests/linux/init-ready
pack tests/hv/configs/passthrough.json --cpus 2
log=$WORK/console.log
LIMIT=90 boot_pack "$log"
expect_booted_on "$log" 2
expect_rc 0
expect "$log" "[gpio] passthrough: pl061 at 0x9030000, SPI 7"
expect "$log" "[gpio] passthrough: 10 interrupts, the level one taken again: ok"
expect "$log" "domain 1 gpio: powered off"
expect "$log" "[nosy] passthrough: reading 0x9030000"
expect_re "$log" "domain 2 nosy: data abort at IPA 0x9030000 \\(read, no RAM or device\\) at PC 0x[0-9a-f]+: delivered to the guest as a synchronous external abort"
expect_re "$log" "\[nosy\] guest: unexpected exception: ESR 0x96000010 ELR 0x[0-9a-f]+ FAR 0x9030000"
expect_none "$log" '\[nosy\] passthrough: read '
expect_re "$log" "\[l1\] linux: ready \(uptime [0-9]+\.[0-9]+ s\)"
expect "$log" "domain 3 l1: powered off"
expect_last "$log" "hyperlaunch: all 3 domains are off (3 powered off); powering off"
finish
