#!/usr/bin/env bash
# Faults of Linux domains stay theirs: one kernel panics (sysrq c) and, with
# panic=-1, asks PSCI for a reset, which ends that domain only; another
# reads a guest-physical address where nothing is (busybox devmem): the
# hypervisor gives the kernel a synchronous external abort, with one line,
# the kernel kills devmem with SIGBUS, and that domain runs on to its ready
# line; a 2-vCPU Linux domain and a probe next to them run on to their
# ready lines and power off cleanly, and the summary counts each end.
. "$(dirname "$0")/qemu.bash"

linux_parts tests/hv/linux-init-fault
pack tests/hv/configs/linux-faults.json
log=$WORK/console.log
LIMIT=90 boot_pack "$log"
expect_booted_on "$log" 4
expect_rc 0
expect "$log" "[crash] linux: crashing"
expect "$log" "[crash] Kernel panic - not syncing: sysrq triggered crash"
expect "$log" "domain 1 crash: powered off (SYSTEM_RESET: reset is treated as power off)"
expect "$log" "[devmem] linux: reading 0x0a000000"
expect_re "$log" "domain 2 devmem: data abort at IPA 0xa000000 \(read, no RAM or device\) at PC 0x[0-9a-f]+: delivered to the guest as a synchronous external abort"
expect "$log" "[devmem] linux: devmem exit status 135"
expect "$log" "[devmem] linux: ready"
expect "$log" "domain 2 devmem: powered off"
expect "$log" "[good] linux: ready"
expect "$log" "domain 3 good: powered off"
expect "$log" "[probe] probe: ready"
expect "$log" "domain 4 probe: powered off"
expect_none "$log" '^\[crash\] linux: ready|stopped:'
expect_last "$log" "hyperlaunch: all 4 domains are off (4 powered off); powering off"
finish
