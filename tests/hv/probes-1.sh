#!/usr/bin/env bash
# One probe domain, alone on one CPU. Its kernel is the probe padded to
# whole pages, used by this domain only: the builder maps it in place
# instead of copying it. The probe finds its PL011 in the device tree the
# hypervisor wrote, prints through the emulated UART and powers off; the
# machine then powers off with the summary.
. "$(dirname "$0")/qemu.bash"

cp build/guests/probe.img "$WORK/probe-padded.img"
truncate -s %4096 "$WORK/probe-padded.img"     # the tail is BSS: zeros anyway
pack tests/hv/configs/probes-1.json
log=$WORK/console.log
boot_pack "$log"
expect_booted_on "$log" 1
expect_rc 0
expect "$log" "launch: LCM with 1 domains"
expect_re "$log" "$(built_re "1 probe" "8 MiB, 1 vCPU, kernel mapped")"
expect "$log" "console: input to probe (Ctrl-A three times to switch)"
expect_count "$log" "[probe] probe: ready" 1
expect "$log" "domain 1 probe: powered off"
expect_last "$log" "hyperlaunch: all 1 domain is off (1 powered off); powering off"
finish
