#!/usr/bin/env bash
# A configuration line the Boot Domain does not know: it reports the line,
# says done with a failure status, and the launch has failed. Without a
# Recovery Domain the hypervisor reports and keeps the console; app2 is
# never started (app1 neither: the plan is checked line by line before
# anything starts).
. "$(dirname "$0")/launch.bash"
launch_boot tests/launch/configs/bootdom-bad-config.json
expect_rc 0
expect "$LOG" "[bootdom] bootdom: config line 2: unknown directive: start app2"
expect "$LOG" "[bootdom] bootdom: failed, saying done with status 4"
expect "$LOG" "domain 32757 bootdom: done (status 4)"
expect "$LOG" "launch: FAILED: domain 32757 bootdom: the Boot Domain said done with status 4"
expect "$LOG" "launch: domain 1 app1: paused"
expect "$LOG" "launch: domain 2 app2: paused"
expect "$LOG" "console: input to the hypervisor (Ctrl-A three times to switch)"
expect_none "$LOG" '^\[app[12]\]'
expect_last "$LOG" "hyperlaunch: all 3 domains are off (2 not started, 1 destroyed or done); powering off"
finish
