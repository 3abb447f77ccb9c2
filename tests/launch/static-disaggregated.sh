#!/usr/bin/env bash
# Static: Disaggregated (configs/static-disaggregated.json): every role in
# its own domain, no CONTROL. The console domain holds the console; the
# Recovery Domain stands by, paused, through the successful launch.
. "$(dirname "$0")/launch.bash"
launch_boot configs/static-disaggregated.json
labels "32757 bootdom domU_t UnsafeVM" \
	"1 xenstore xenstore_t UnsafeVM" \
	"2 hwdom hwdom_t UnsafeVM" \
	"3 recovery recovery_t UnsafeVM" \
	"4 console console_t UnsafeVM" \
	"5 app1 domU_t UnsafeVM" \
	"6 app2 domU_t UnsafeVM"
created 7 0
bootdom_started xenstore hwdom console app1 app2
final 5 console
no_role xenstore 2
for d in hwdom console app1 app2; do
	no_role $d 1
done
expect_none "$LOG" '^\[recovery\]'
expect_last "$LOG" "hyperlaunch: all 7 domains are off (5 powered off, 1 not started, 1 destroyed or done); powering off"
expect_rc 0
finish
