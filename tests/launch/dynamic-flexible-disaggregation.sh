#!/usr/bin/env bash
# Dynamic: Flexible Disaggregation (configs/dynamic-flexible-disaggregation.json):
# a Boot Domain starts control, hwdom and two guests; control then
# controls them (destroys app2, creates a domain).
. "$(dirname "$0")/launch.bash"
launch_boot configs/dynamic-flexible-disaggregation.json
created 5 0
bootdom_started control hwdom app1 app2
final 4 control
control control 4 2 3 4
for d in hwdom app1 app2; do
	no_role $d 1
done
finish
