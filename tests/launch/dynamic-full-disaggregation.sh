#!/usr/bin/env bash
# Dynamic: Full Disaggregation (configs/dynamic-full-disaggregation.json):
# every role in its own domain. The Boot Domain starts all but the
# Recovery Domain, which stands by; the console domain holds the console;
# control controls the others.
. "$(dirname "$0")/launch.bash"
launch_boot configs/dynamic-full-disaggregation.json
created 8 0
bootdom_started xenstore control hwdom console app1 app2
final 6 console
control control 7 1 3 5 6 7
for d in xenstore hwdom console app1 app2; do
	no_role $d 2
done
expect_none "$LOG" '^\[recovery\]'
finish
