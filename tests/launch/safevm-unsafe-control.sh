#!/usr/bin/env bash
# Seed 004 at launch (docs/policy.md, "SafeVM"): a control domain must be a
# SafeVM, and under hyperlaunch,control-domains = "one" there is one. The
# LCM passed `lcm-tool check`; then, in the host DTB, ctl was made an
# UnsafeVM and app1 a second control domain. The hypervisor's LCM library
# rejects the LCM: nothing is built, the hypervisor keeps the console and
# the machine stays on.
. "$(dirname "$0")/launch.bash"
WORK=$top/build/tests/launch/safevm-unsafe-control
mkdir -p "$WORK"
LOG=$WORK/console.log
cat >"$WORK/config.json" <<JSON
{
  "config": { "control-domains": "one" },
  "domains": [
    { "name": "ctl", "domid": 1, "permissions": ["control"], "memory": "8M",
      "kernel": "$top/build/guests/probe.img" },
    { "name": "app1", "domid": 2, "memory": "8M", "kernel": "$top/build/guests/probe.img" }
  ]
}
JSON
pack "$WORK/config.json"
hv=/chosen/hypervisor
fdtput -t s "$PACK/host.dtb" $hv/ctl hyperlaunch,safety unsafe
fdtput -t x "$PACK/host.dtb" $hv/app1 permissions 1
build/lcm-tool check --arch arm64 "$PACK/host.dtb" >"$WORK/check.log" 2>&1
rc=$?
expect_rc 1
expect "$WORK/check.log" "$PACK/host.dtb: error: $hv/ctl: hyperlaunch,safety: a control domain must be a SafeVM (it can affect every domain)"
boot_bg "$LOG"
wait_line "console: input to the hypervisor (Ctrl-A three times to switch)"
sleep 1 # a power-off would have come at once
still_running
stop_bg
expect "$LOG" "lcm: error: $hv/ctl: hyperlaunch,safety: a control domain must be a SafeVM (it can affect every domain)"
expect "$LOG" "lcm: error: $hv/app1: permissions: a second control domain (the first is ctl), and the config node says hyperlaunch,control-domains = \"one\""
expect "$LOG" "launch: FAILED: LCM rejected (2 errors); the hypervisor keeps the console"
expect_none "$LOG" '^(domain [0-9]+|\[ctl\]|\[app1\])'
finish
