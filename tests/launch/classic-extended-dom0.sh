#!/usr/bin/env bash
# Classic: Extended Launch Dom0 (configs/classic-extended-dom0.json): the
# Boot Domain runs alone first, verifies and starts dom0, says done and is
# gone; dom0 gets the console and its CONTROL rights.
. "$(dirname "$0")/launch.bash"
launch_boot configs/classic-extended-dom0.json
labels "32757 bootdom domU_t UnsafeVM" \
	"0 dom0 dom0_t SafeVM"
created 2 0
bootdom_started dom0
final 1 dom0
control dom0 -
finish
