#!/usr/bin/env bash
# Dynamic: Hardware Domain (configs/dynamic-hardware-domain.json): the
# control domain (control, recovery, console, xenstore) and a hardware
# domain. control creates a domain from the probe image it carries, starts
# it, destroys it; hwdom may do nothing to control.
. "$(dirname "$0")/launch.bash"
launch_boot configs/dynamic-hardware-domain.json
labels "1 control control_t SafeVM" \
	"2 hwdom hwdom_t UnsafeVM"
created 2 0
final 2 control
control control - 2
no_role hwdom 1
finish
