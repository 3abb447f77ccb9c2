#!/usr/bin/env bash
# Dynamic: Flexible Disaggregation (configs/dynamic-flexible-disaggregation.json):
# a Boot Domain starts control, hwdom and two guests; control then
# controls them (destroys app2, creates a domain).
. "$(dirname "$0")/launch.bash"
launch_boot configs/dynamic-flexible-disaggregation.json
labels "32757 bootdom domU_t UnsafeVM" \
	"1 control control_t SafeVM" \
	"2 hwdom hwdom_t UnsafeVM" \
	"3 app1 domU_t UnsafeVM" \
	"4 app2 domU_t UnsafeVM"
created 5 0
bootdom_started control hwdom app1 app2
final 4 control
control control 4 2 3 4
for d in hwdom app1 app2; do
	no_role $d 1
done
finish
