#!/usr/bin/env bash
# A module that no longer matches its digest: after packing, one byte of
# the bad domain's kernel file (past the Image header, so it is still an
# Image) is changed. The hypervisor checks the SHA-256 before using the
# module: that domain is not started, with a line naming it, the module and
# both digests; the domains before and after it run.
. "$(dirname "$0")/qemu.bash"

cp build/guests/probe.img "$WORK/bad-probe.img"
pack tests/hv/configs/digest.json
mod=$(ls "$PACK"/modules/*-bad-probe.img)
want=$(sha256sum <"$mod" | cut -d' ' -f1)
cp "$mod" "$mod.new" && mv "$mod.new" "$mod"    # pack may have hard-linked it
printf '\x5a' | dd of="$mod" bs=1 seek=4096 conv=notrunc status=none
got=$(sha256sum <"$mod" | cut -d' ' -f1)
addr=$(sed -n 's/.*-bad-probe.img",addr=\(0x[0-9a-f]*\),.*/\1/p' "$PACK/run-qemu")
size=$(printf '0x%x' "$(stat -c %s "$mod")")

log=$WORK/console.log
boot_pack "$log"
expect_rc 0
expect_re "$log" "$(built_re "1 good1" "8 MiB, 1 vCPU, kernel copied")"
expect "$log" "domain 2 bad: not started: kernel module $addr+$size: SHA-256 mismatch: LCM has $want, module has $got"
expect_re "$log" "$(built_re "3 good2" "8 MiB, 1 vCPU, kernel copied")"
expect "$log" "[good1] probe: ready"
expect "$log" "[good2] probe: ready"
expect_none "$log" '^\[bad\]'
expect_last "$log" "hyperlaunch: all 3 domains are off (2 powered off, 1 not started); powering off"
finish
