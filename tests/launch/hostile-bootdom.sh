#!/usr/bin/env bash
# A hostile Boot Domain (the role-test guest in its place) tries every
# operation. Before done it may read the LCM and the modules, read states,
# configure and unpause never-run domains (app1, app2); it
# may not pause, destroy, create, read the report or shut down. After done
# it is gone: its vCPU never runs again (no line of it after done), its
# memory is returned, and the launch finishes.
. "$(dirname "$0")/launch.bash"
launch_boot tests/launch/configs/hostile-bootdom.json
expect_rc 0
role bootdom lcm-read self ok
# Module 0 is its own kernel, mapped in place: its RAM now, no longer a
# module to read. app1's kernel (shared with app2, so copied) still is,
# also after app1 ran.
role bootdom module-read 0 EBUSY
role bootdom module-read-after 1 ok
role bootdom info 1 ok
role bootdom pause 1 denied
role bootdom unpause 1 ok
role bootdom configure 1 ok
role bootdom affinity-2^32 1 EINVAL
role bootdom info 2 ok
role bootdom pause 2 denied
role bootdom configure 2 ok
role bootdom unpause 2 ok
role bootdom launch-status - denied
role bootdom create created denied
role bootdom destroy 2 denied
expect "$LOG" "policy: denied: bootdom (domU_t) may not pause app1 (domU_t) [role]"
expect "$LOG" "policy: denied: bootdom (domU_t) may not destroy app2 (domU_t) [role]"
expect "$LOG" "policy: denied: bootdom (domU_t) may not create domains [role]"
expect "$LOG" "domain 32757 bootdom: done (status 0)"
if sed -n '/^domain 32757 bootdom: done/,$p' "$LOG" | grep -q '^\[bootdom\]'; then
	echo "UNEXPECTED: bootdom ran after it said done"
	failures=$((failures + 1))
fi
expect_count "$LOG" "[bootdom] roles: lcm-read self: ok" 1
expect_re "$LOG" "launch: final: [0-9] domains? started, console to app1, in [0-9]+\.[0-9] ms total"
expect "$LOG" "[app1] probe: ready"
expect "$LOG" "[app2] probe: ready"
finish
