#!/usr/bin/env bash
# Guest RAM is zeroed before a guest gets it, whatever the memory held
# (docs/architecture.md, "Building a domain": fresh RAM is zeroed and
# cleaned). Under QEMU free memory is zeros anyway, and memory an ended
# domain gave back was scrubbed then: neither would show a builder that
# skips the zeroing. So the test dirties free memory itself: QEMU loads
# 64 MiB of 0xa5 bytes at the top of RAM (0x4c000000-0x50000000), a blob no
# LCM node names (bootloader leftovers), where the allocator, top-down,
# places guest RAM. Three domains of the scrub guest read every word of
# their RAM between their image and their device tree: all zero.
#
# Their kernels cover whole pages: z3's, its own, is mapped in place (its
# pages become its RAM); z1 and z2 share one, which is copied into each
# (mapped into both, one could write into the other).
#
# Then z3 tries the first bytes past the end of its RAM (16 MiB, not the
# 8 MiB of hv/faults' domain): a console write of 8 bytes of which 4 are
# past it fails (HL_EFAULT), a read of the first word past it faults.
. "$(dirname "$0")/security.bash"

shared=$(padded shared.img build/guests/scrub.img)
own=$(padded own.img build/guests/scrub.img 1)
cat >"$WORK/config.json" <<JSON
{
  "domains": [
    { "name": "z1", "memory": "8M", "kernel": { "file": "$shared", "bootargs": "check=1" } },
    { "name": "z2", "memory": "8M", "kernel": { "file": "$shared", "bootargs": "check=1" } },
    { "name": "z3", "memory": "16M", "kernel": { "file": "$own", "bootargs": "check=1 past=1" } }
  ]
}
JSON
head -c $((64 << 20)) /dev/zero | tr '\0' '\245' >"$WORK/dirt.bin"
pack "$WORK/config.json" --memory 256M
boot_pack "$LOG" -device loader,file="$WORK/dirt.bin",addr=0x4c000000,force-raw=on
expect_rc 0
created 3 0
expect_re "$LOG" "$(built_re "1 z1" "8 MiB, 1 vCPU, kernel copied")"
expect_re "$LOG" "$(built_re "2 z2" "8 MiB, 1 vCPU, kernel copied")"
expect_re "$LOG" "$(built_re "3 z3" "16 MiB, 1 vCPU, kernel mapped")"
for d in z1 z2 z3; do
	expect_re "$LOG" "\[$d\] scrub: [0-9]+ KiB read zero"
done
expect "$LOG" "[z3] scrub: console write across the end of RAM: EFAULT"
expect "$LOG" "[z3] scrub: reading 0x41000000, past the end of RAM"
expect_re "$LOG" "domain 3 z3: data abort at IPA 0x41000000 \(read, no RAM or device\) at PC 0x[0-9a-f]+: .*"
expect_re "$LOG" "\[z3\] guest: unexpected exception: ESR 0x96000010 ELR 0x[0-9a-f]+ FAR 0x41000000"
expect_none "$LOG" 'scrub: FAIL'
expect_last "$LOG" "hyperlaunch: all 3 domains are off (3 powered off); powering off"
finish
