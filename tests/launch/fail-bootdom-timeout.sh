#!/usr/bin/env bash
# A Boot Domain that never says done (it spins): past boot-timeout-ms
# (300 ms here) it is stopped and the launch has failed. Without a Recovery
# Domain the hypervisor keeps the console, prints the report and one line
# per domain, and on-all-off still applies (nothing runs: power off).
. "$(dirname "$0")/launch.bash"
launch_boot tests/launch/configs/bootdom-timeout.json
expect_rc 0
created 2 0
expect "$LOG" "launch: prepare: bootdom alone unpaused, 300 ms to say done"
expect "$LOG" "[bootdom] spin: spinning forever"
expect "$LOG" "domain 32757 bootdom: stopped: did not say done in time"
expect "$LOG" "launch: FAILED: domain 32757 bootdom: the Boot Domain did not say done within 300 ms"
expect "$LOG" "launch: domain 32757 bootdom: stopped"
expect "$LOG" "launch: domain 1 app1: paused"
expect "$LOG" "console: input to the hypervisor (Ctrl-A three times to switch)"
expect_none "$LOG" '^\[app1\]'
expect_last "$LOG" "hyperlaunch: all 2 domains are off (1 stopped by a fault, 1 not started); powering off"
finish
