#!/usr/bin/env bash
# A control domain may destroy any domain, the Boot Domain too; destroyed
# before it said done, the launch fails (docs/boot-flow.md: the Boot Domain
# ended before done), instead of waiting for a done that cannot come.
#
# The Boot Domain starts "ctl" early and waits; ctl destroys it at once,
# then waits and powers the platform off. "app", an initial domain the Boot
# Domain never started, never runs.
. "$(dirname "$0")/security.bash"

roles=$top/build/guests/roles.img
cat >"$WORK/config.json" <<JSON
{
  "domains": [
    { "name": "bootdom", "functions": ["boot"], "memory": "8M",
      "kernel": { "file": "$roles", "bootargs": "start=1 delay=3000 done=1" } },
    { "name": "ctl", "domid": 1, "permissions": ["control"], "memory": "8M",
      "kernel": { "file": "$roles", "bootargs": "kill=32757 delay=500 shutdown=1" } },
    { "name": "app", "domid": 2, "memory": "8M", "kernel": "$top/build/guests/probe.img" }
  ]
}
JSON
launch_boot "$WORK/config.json"
expect_rc 0
expect "$LOG" "domain 1 ctl: unpaused by bootdom"
role ctl kill 32757 ok
expect "$LOG" "domain 32757 bootdom: destroyed by ctl"
expect "$LOG" "launch: FAILED: domain 32757 bootdom: the Boot Domain was destroyed before saying done"
expect "$LOG" "launch: domain 2 app: paused"
expect "$LOG" "launch: reclaim: bootdom's 8 MiB scrubbed and returned"
expect_none "$LOG" '^\[app\]|^launch: final'
expect "$LOG" "hyperlaunch: ctl asks to power off the platform"
finish
