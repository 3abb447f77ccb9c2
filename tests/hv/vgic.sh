#!/usr/bin/env bash
# The virtual GICv3 and virtual timers with a bare-metal guest
# (vgic-guest.c), without Linux's boot time: two domains of 2 and 3 vCPUs on
# 2 CPUs (placed round-robin: g1 0/1, g2 0/1/0, so two vCPUs of g2 share
# CPU 0, and every domain's vCPUs sit on both CPUs). Each checks its
# distributor and redistributors at the access sizes Linux uses, takes 20
# virtual timer interrupts on every vCPU (sleeping in WFI between them),
# plays SGI ping-pong between vCPU 0 and each other vCPU (across CPUs and on
# one CPU), broadcasts an SGI, takes 8 SGIs pending at once in priority
# order through 4 list registers, and counts nothing it did not ask for:
# the other domain's interrupts never reach it.
. "$(dirname "$0")/qemu.bash"

guest_c "$WORK/vgic.img" tests/hv/vgic-guest.c || exit 1
pack tests/hv/configs/vgic.json --cpus 2
log=$WORK/console.log
boot_pack "$log"
expect_booted_on "$log" 2
expect_rc 0
for d in "1 g1 2" "2 g2 3"; do
	set -- $d
	expect_re "$log" "$(built_re "$1 $2" "8 MiB, $3 vCPUs, kernel copied")"
	expect "$log" "[$2] vgic: counter below 5 s"
	expect "$log" "[$2] vgic: distributor and $3 redistributors ok"
	expect "$log" "[$2] vgic: 20 timer interrupts on each of $3 vcpus"
	expect "$log" "[$2] vgic: 50 sgi round trips with each of $(($3 - 1)) other vcpus"
	expect "$log" "[$2] vgic: broadcast sgi reached $(($3 - 1)) other vcpus once each"
	expect "$log" "[$2] vgic: priority order 11 10 9 8 7 6 5 4"
	expect "$log" "[$2] vgic: no unexpected interrupts"
	expect "$log" "domain $1 $2: powered off"
done
expect_none "$log" 'check [0-9]+ failed|unexpected exception'
expect_last "$log" "hyperlaunch: all 2 domains are off (2 powered off); powering off"
finish
