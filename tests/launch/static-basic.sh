#!/usr/bin/env bash
# Static: Basic (configs/static-basic.json): no CONTROL domain, so no
# domain can ever be created, paused or destroyed. hwdom (hardware,
# recovery, console, xenstore) holds the console and may read states and
# the launch report; the guests may do nothing to it.
. "$(dirname "$0")/launch.bash"
launch_boot configs/static-basic.json
labels "1 hwdom hwdom_t UnsafeVM" \
	"2 app1 domU_t UnsafeVM" \
	"3 app2 domU_t UnsafeVM" \
	"4 app3 domU_t UnsafeVM"
created 4 0
final 4 hwdom
role hwdom lcm-read self denied
role hwdom module-read 0 denied
role hwdom info 2 ok
role hwdom pause 2 denied
role hwdom unpause 2 denied
role hwdom configure 2 denied
role hwdom launch-status - ok
expect "$LOG" "[hwdom] roles: launch final: no failure"
role hwdom create created denied
role hwdom shutdown - denied
for a in app1 app2 app3; do
	no_role $a 1
done
expect "$LOG" "policy: denied: hwdom (hwdom_t) may not create domains [role]"
expect_last "$LOG" "hyperlaunch: all 4 domains are off (4 powered off); powering off"
expect_rc 0
finish
