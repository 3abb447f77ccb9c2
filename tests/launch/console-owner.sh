#!/usr/bin/env bash
# Who gets the console when no domain holds the console (or legacy-dom0)
# function (docs/boot-flow.md, phase 3): the first control domain, else the
# first hardware domain, else the first domain. Here the plain domain comes
# first and the hardware domain before the control domain: ctl gets it.
. "$(dirname "$0")/launch.bash"

probe=$top/build/guests/probe.img
cat >"$WORK/config.json" <<JSON
{
  "domains": [
    { "name": "app1", "memory": "8M", "kernel": "$probe" },
    { "name": "hw", "permissions": ["hardware"], "memory": "8M", "kernel": "$probe" },
    { "name": "ctl", "permissions": ["control"], "memory": "8M", "kernel": "$probe" }
  ]
}
JSON
launch_boot "$WORK/config.json"
created 3 0
final 3 ctl
expect_count_re "$LOG" "console: input to .*" 1
for d in app1 hw ctl; do
	expect "$LOG" "[$d] probe: ready"
done
expect_last "$LOG" "hyperlaunch: all 3 domains are off (3 powered off); powering off"
expect_rc 0
finish
