#!/usr/bin/env bash
# Memory isolation: six memtest domains, three per CPU, each fills all of
# its RAM past its image with a pattern seeded by its domain id (from
# HL_WHOAMI), lets the others run, and verifies every word. Two domains
# sharing a page, or a context switch losing registers, shows up as a
# mismatch.
. "$(dirname "$0")/qemu.bash"

pack tests/hv/configs/memtest.json --cpus 2
log=$WORK/console.log
boot_pack "$log"
expect_booted_on "$log" 2
expect_rc 0
for i in 1 2 3 4 5 6; do
	expect "$log" "[m$i] memtest: filling 0x40029000-0x40800000 (seed $((i + 1)))"
	expect "$log" "[m$i] memtest: ok, 8028 KiB verified"
done
expect_none "$log" 'memtest: FAIL'
expect_last "$log" "hyperlaunch: all 6 domains are off (6 powered off); powering off"
finish
