#!/usr/bin/env bash
# Dynamic: Full Disaggregation (configs/dynamic-full-disaggregation.json):
# every role in its own domain. The Boot Domain starts all but the
# Recovery Domain, which stands by; the console domain holds the console;
# control controls the others.
. "$(dirname "$0")/launch.bash"
launch_boot configs/dynamic-full-disaggregation.json
labels "32757 bootdom domU_t UnsafeVM" \
	"1 xenstore xenstore_t UnsafeVM" \
	"2 control control_t SafeVM" \
	"3 hwdom hwdom_t UnsafeVM" \
	"4 recovery recovery_t UnsafeVM" \
	"5 console console_t UnsafeVM" \
	"6 app1 domU_t UnsafeVM" \
	"7 app2 domU_t UnsafeVM"
created 8 0
bootdom_started xenstore control hwdom console app1 app2
final 6 console
control control 7 1 3 5 6 7
for d in xenstore hwdom console app1 app2; do
	no_role $d 2
done
expect_none "$LOG" '^\[recovery\]'
finish
