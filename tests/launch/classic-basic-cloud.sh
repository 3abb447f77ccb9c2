#!/usr/bin/env bash
# Classic: Basic Cloud (configs/classic-basic-cloud.json): dom0 and three
# guests. dom0 controls them (reads, pauses and unpauses each, destroys
# app3, creates a domain); the guests are denied everything on dom0.
. "$(dirname "$0")/launch.bash"
launch_boot configs/classic-basic-cloud.json
labels "0 dom0 dom0_t SafeVM" \
	"1 app1 domU_t UnsafeVM" \
	"2 app2 domU_t UnsafeVM" \
	"3 app3 domU_t UnsafeVM"
created 4 0
final 4 dom0
control dom0 3 1 2 3
for a in app1 app2 app3; do
	no_role $a 0
done
expect "$LOG" "domain 3 app3: destroyed by dom0"
finish
