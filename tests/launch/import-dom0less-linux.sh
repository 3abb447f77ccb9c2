#!/usr/bin/env bash
# Round trip from Xen dom0less with Linux: the device tree bench/xen/run.sh
# writes for a Debian Linux domU (kernel with bootargs, busybox ramdisk,
# 128 MiB; `make bench`'s Linux row) goes through `lcm-tool import`; the
# JSON keeps the bootargs and the ramdisk, and Hyperlaunch boots the domain
# to its ready line.
. "$(dirname "$0")/import.bash"
linux_parts guests/linux/init-ready
xen_import 1 --guest build/deps/linux/Image --ramdisk build/guests/linux/ready.cpio.gz
expect "$JSON" '        "bootargs": "console=ttyAMA0 quiet"'
build/lcm-tool check "$JSON" >"$WORK/check.log" 2>&1
expect "$WORK/check.log" "$JSON: valid: 1 domain, 2 modules"
LIMIT=90 launch_boot "$JSON"
created 1 0
expect_re "$LOG" "$(built_re "1 domU1" "128 MiB, 1 vCPU, kernel (mapped|copied), ramdisk (mapped|copied)")"
expect_re "$LOG" "\[domU1\] linux: ready \(uptime [0-9]+\.[0-9]+ s\)"
expect "$LOG" "domain 1 domU1: powered off"
final 1 domU1
expect_rc 0
finish
