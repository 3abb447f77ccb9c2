#!/usr/bin/env bash
# The reference Boot Domain's configuration (tests/launch/files/
# bootdom-order.cfg): app2 is started first and waited for (the probe
# reports ready), app1 second with new bootargs (the role guest, which has
# none of its own, acts on them) and its vCPU on CPU 2; then done.
. "$(dirname "$0")/launch.bash"
launch_boot tests/launch/configs/bootdom-order.json
expect_rc 0
created 3 0
expect "$LOG" "launch: prepare: bootdom alone unpaused, 5000 ms to say done"
expect "$LOG" "[bootdom] bootdom: LCM: 3 domains, 4 modules"
expect "$LOG" "[bootdom] bootdom: verified 4 modules (SHA-256)"
expect_re "$LOG" "\[bootdom\] bootdom: config: [0-9]+ bytes"
expect "$LOG" 'launch: prepare: bootdom configures app1: bootargs "targets=2 report=1"'
expect "$LOG" "[bootdom] bootdom: bootargs app1: ok"
expect "$LOG" "launch: prepare: bootdom configures app1: vCPU 0 on CPU 2"
expect "$LOG" "[bootdom] bootdom: affinity app1: ok"
got=$(grep -oE '^\[bootdom\] bootdom: (start [a-z0-9]+|[a-z0-9]+ ready)' "$LOG" | sed 's/^\[bootdom\] bootdom: //' | tr '\n' ',')
if [ "$got" != "start app2,app2 ready,start app1," ]; then
	echo "ORDER '$got', expected 'start app2,app2 ready,start app1,'"
	failures=$((failures + 1))
fi
expect "$LOG" "[app2] probe: ready"
role app1 info 2 denied
role app1 launch-status - denied
expect "$LOG" "[bootdom] bootdom: done"
expect "$LOG" "domain 32757 bootdom: done (status 0)"
expect_re "$LOG" "launch: final: 2 domains started, console to app1, in [0-9]+\.[0-9] ms total"
finish
