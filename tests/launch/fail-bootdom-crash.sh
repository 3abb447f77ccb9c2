#!/usr/bin/env bash
# A Boot Domain that crashes (a write where there is no RAM, with its
# exception vector where there is no RAM either, so that it cannot take the
# abort and is stopped) before saying done: the launch has failed, app1 is
# never started, the Recovery Domain runs with the console, reads the
# report and starts app1 itself.
. "$(dirname "$0")/launch.bash"
launch_boot tests/launch/configs/bootdom-crash.json
expect_rc 0
created 3 0
expect "$LOG" "[bootdom] fault: about to fault (vbar)"
expect_re "$LOG" "domain 32757 bootdom: stopped: data abort .* at PC 0x[0-9a-f]+, which the guest cannot take: .*"
expect "$LOG" "launch: FAILED: domain 32757 bootdom: the Boot Domain was stopped by a fault before saying done"
expect "$LOG" "launch: starting the Recovery Domain recovery"
expect "$LOG" "console: input to recovery (Ctrl-A three times to switch)"
role recovery launch-status - ok
expect "$LOG" "[recovery] roles: launch failed: domain 32757 bootdom: the Boot Domain was stopped by a fault before saying done"
role recovery info 1 ok
# The launch started nothing: app1 runs only once the Recovery Domain,
# allowed to after a failed launch, unpauses it.
role recovery unpause 1 ok
expect "$LOG" "domain 1 app1: unpaused by recovery"
expect_none "$LOG" '^domain 1 app1: unpaused by bootdom'
expect_none "$LOG" '^launch: final'
finish
