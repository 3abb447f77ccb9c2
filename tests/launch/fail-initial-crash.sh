#!/usr/bin/env bash
# An initial domain that crashes during the launch: the Boot Domain starts
# app1 (waits for it: ready), then the crasher, which faults before it is
# ready (an abort it cannot take: its vector is not in RAM, so it is
# stopped). The launch has failed: the Boot Domain is stopped, app2 is
# never started by it, app1 keeps running; the Recovery Domain reads the
# report and starts app2 itself.
. "$(dirname "$0")/launch.bash"
launch_boot tests/launch/configs/initial-crash.json
expect_rc 0
created 5 0
expect "$LOG" "[bootdom] bootdom: start app1: ok"
expect "$LOG" "[bootdom] bootdom: app1 ready"
expect "$LOG" "[app1] probe: ready"
expect "$LOG" "domain 2 crasher: unpaused by bootdom"
expect_re "$LOG" "domain 2 crasher: stopped: data abort .* at PC 0x[0-9a-f]+, which the guest cannot take: .*"
expect "$LOG" "launch: FAILED: domain 2 crasher: stopped by a fault before the launch was final"
expect "$LOG" "domain 32757 bootdom: stopped: the launch failed"
expect "$LOG" "launch: starting the Recovery Domain recovery"
role recovery launch-status - ok
expect "$LOG" "[recovery] roles: launch failed: domain 2 crasher: stopped by a fault before the launch was final"
role recovery info 3 ok
# app2 was never started by the launch; the Recovery Domain may start it.
role recovery unpause 3 ok
expect "$LOG" "domain 3 app2: unpaused by recovery"
expect_none "$LOG" '^domain 3 app2: unpaused by bootdom'
expect_none "$LOG" '^\[bootdom\] bootdom: done'
finish
