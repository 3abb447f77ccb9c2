#!/usr/bin/env bash
# A launch failure at creation: one module no longer matches its digest.
# The domain is not built, the launch has failed: the Boot Domain never
# runs, nothing is unpaused by the launch, and the Recovery Domain is
# started with the console. It reads the report (HL_LAUNCH_STATUS), may
# start the good domain (unpause is allowed after a failed launch) and
# destroy it.
. "$(dirname "$0")/launch.bash"
cp build/guests/probe.img build/tests/bad-probe.img
pack tests/launch/configs/bad-digest.json
mod=$(ls "$PACK"/modules/*-bad-probe.img)
cp "$mod" "$mod.new" && mv "$mod.new" "$mod"
printf '\x5a' | dd of="$mod" bs=1 seek=4096 conv=notrunc status=none
boot_pack "$LOG"
expect_rc 0
expect_re "$LOG" "domain 2 bad: not started: kernel module 0x[0-9a-f]+\+0x[0-9a-f]+: SHA-256 mismatch: LCM has [0-9a-f]{64}, module has [0-9a-f]{64}"
created 3 1
expect "$LOG" "launch: FAILED: domain 2 bad: not started: see its build line above"
expect "$LOG" "launch: starting the Recovery Domain recovery"
expect "$LOG" "console: input to recovery (Ctrl-A three times to switch)"
role recovery launch-status - ok
expect "$LOG" "[recovery] roles: launch failed: domain 2 bad: not started: see its build line above"
role recovery info 1 ok
role recovery pause 1 denied
role recovery unpause 1 ok
role recovery configure 1 denied
role recovery create created denied
role recovery destroy 1 ok
role recovery shutdown - denied
expect "$LOG" "domain 1 good: unpaused by recovery"
expect "$LOG" "domain 1 good: destroyed by recovery"
expect_none "$LOG" '^\[bootdom\]'
expect_none "$LOG" '^launch: final'
expect_last "$LOG" "hyperlaunch: all 4 domains are off (1 powered off, 2 not started, 1 destroyed or done); powering off"
finish
