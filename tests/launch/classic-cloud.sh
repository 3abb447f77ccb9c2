#!/usr/bin/env bash
# Classic: Cloud (configs/classic-cloud.json): as Basic Cloud, with a Boot
# Domain that starts dom0 and the guests in LCM order first.
. "$(dirname "$0")/launch.bash"
launch_boot configs/classic-cloud.json
labels "32757 bootdom domU_t UnsafeVM" \
	"0 dom0 dom0_t SafeVM" \
	"1 app1 domU_t UnsafeVM" \
	"2 app2 domU_t UnsafeVM" \
	"3 app3 domU_t UnsafeVM"
created 5 0
bootdom_started dom0 app1 app2 app3
final 4 dom0
control dom0 3 1 2 3
for a in app1 app2 app3; do
	no_role $a 0
done
finish
