#!/usr/bin/env bash
# What happens when every domain is off is the LCM's choice (config node,
# on-all-off): "stay" keeps the hypervisor running after the summary;
# "reboot" resets the machine through PSCI SYSTEM_RESET (QEMU exits on a
# reset with -no-reboot). The default, "poweroff", is in every probes test.
. "$(dirname "$0")/qemu.bash"

pack tests/hv/configs/all-off-stay.json
log=$WORK/stay.log
boot_bg "$log"
wait_line "hyperlaunch: all 2 domains are off (2 powered off); staying on (on-all-off = stay)"
sleep 0.5
still_running
stop_bg
expect_count "$log" "[p1] probe: ready" 1
expect_count "$log" "[p2] probe: ready" 1

pack tests/hv/configs/all-off-reboot.json
log=$WORK/reboot.log
boot_pack "$log" -no-reboot
expect_rc 0
expect_count "$log" "Hyperlaunch 0.1 (arm64) at 0x40200000, DTB 0x48000000" 1
expect_last "$log" "hyperlaunch: all 2 domains are off (2 powered off); rebooting"
finish
