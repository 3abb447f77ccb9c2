#!/usr/bin/env bash
# A module replaced on the U-Boot disk after packing (mtools' mcopy -o, the
# file's size unchanged, one byte different): U-Boot loads it as it loads
# any file, and the hypervisor's digest check refuses it. The launch fails
# at creation as in fail-bad-digest: the Boot Domain never runs and the
# Recovery Domain is started with the console. What boots is the disk: the
# digest the hypervisor finds is the replaced file's.
. "$(dirname "$0")/launch.bash"
cp build/guests/probe.img build/tests/bad-probe.img
pack tests/launch/configs/bad-digest.json --boot uboot
mod=$(cd "$PACK/modules" && ls ./*-bad-probe.img)
mod=${mod#./}
cp "$PACK/modules/$mod" "$WORK/$mod"
printf '\x5a' | dd of="$WORK/$mod" bs=1 seek=4096 conv=notrunc status=none
# The partition's first sector, from its table.
start=$(sfdisk --dump "$PACK/disk.img" | sed -n 's/.*start= *\([0-9]*\),.*/\1/p')
MTOOLS_SKIP_CHECK=1 mcopy -o -i "$PACK/disk.img@@$((start * 512))" "$WORK/$mod" "::modules/$mod"
boot_pack "$LOG"
expect_rc 0
expect "$LOG" "Found U-Boot script /boot.scr"
expect_none "$LOG" '^hyperlaunch: (not booted|booti failed)'
expect "$LOG" "Hyperlaunch 0.1 (arm64) at 0x40200000, DTB 0x48000000"
expect_re "$LOG" "domain 2 bad: not started: kernel module 0x[0-9a-f]+\+0x[0-9a-f]+: SHA-256 mismatch: LCM has [0-9a-f]{64}, module has [0-9a-f]{64}"
want=$(sha256sum "$WORK/$mod" | cut -d' ' -f1)
expect_re "$LOG" "domain 2 bad: not started: .*, module has $want"
created 3 1
expect "$LOG" "launch: FAILED: domain 2 bad: not started: see its build line above"
expect "$LOG" "launch: starting the Recovery Domain recovery"
expect "$LOG" "console: input to recovery (Ctrl-A three times to switch)"
expect "$LOG" "[recovery] roles: launch failed: domain 2 bad: not started: see its build line above"
role recovery unpause 1 ok
role recovery destroy 1 ok
expect "$LOG" "domain 1 good: destroyed by recovery"
expect_none "$LOG" '^\[bootdom\]'
expect_none "$LOG" '^launch: final'
expect_last "$LOG" "hyperlaunch: all 4 domains are off (1 powered off, 2 not started, 1 destroyed or done); powering off"
finish
