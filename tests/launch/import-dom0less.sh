#!/usr/bin/env bash
# Round trip from Xen dom0less: the device tree bench/xen/run.sh writes for
# Xen 4.17 (what `make bench` boots: here two probe domUs sharing one
# kernel) goes through `lcm-tool import`, `lcm-tool check` accepts the JSON,
# and Hyperlaunch boots the same two domains from it: built, ready, powered
# off.
. "$(dirname "$0")/import.bash"
xen_import 2
build/lcm-tool check "$JSON" >"$WORK/check.log" 2>&1
expect "$WORK/check.log" "$JSON: valid: 2 domains, 2 modules"
launch_boot "$JSON"
created 2 0
for i in 1 2; do
	expect_re "$LOG" "$(built_re "$i domU$i" "8 MiB, 1 vCPU, kernel copied")"
	expect "$LOG" "[domU$i] probe: ready"
	expect "$LOG" "domain $i domU$i: powered off"
done
final 2 domU1
expect_last "$LOG" "hyperlaunch: all 2 domains are off (2 powered off); powering off"
expect_rc 0
finish
