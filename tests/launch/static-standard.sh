#!/usr/bin/env bash
# Static: Standard (configs/static-standard.json): a Boot Domain starts
# hwdom and the guests, then is gone; no CONTROL domain: create is denied.
. "$(dirname "$0")/launch.bash"
launch_boot configs/static-standard.json
labels "32757 bootdom domU_t UnsafeVM" \
	"1 hwdom hwdom_t UnsafeVM" \
	"2 app1 domU_t UnsafeVM" \
	"3 app2 domU_t UnsafeVM" \
	"4 app3 domU_t UnsafeVM"
created 5 0
bootdom_started hwdom app1 app2 app3
final 4 hwdom
role hwdom info 2 ok
role hwdom pause 2 denied
role hwdom launch-status - ok
role hwdom create created denied
role hwdom shutdown - denied
for a in app1 app2 app3; do
	no_role $a 1
done
expect_last "$LOG" "hyperlaunch: all 5 domains are off (4 powered off, 1 destroyed or done); powering off"
expect_rc 0
finish
