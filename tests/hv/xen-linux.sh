#!/usr/bin/env bash
# A Xen-aware Debian Linux 6.1 domain (LCM hyperlaunch,xen-interface, 2
# vCPUs) next to a bare-metal probe without it: Linux finds Xen 4.17 in
# its device tree, places shared_info and each vCPU's vcpu_info, maps its
# grant table, takes the 2-level event-channel ABI, reads "xen" in
# /sys/hypervisor/type, reaches its ready line and powers off through
# SCHEDOP_shutdown; the probe, which has no /hypervisor node, boots as
# always.
. "$(dirname "$0")/qemu.bash"

linux_parts tests/hv/linux-init-xen
pack tests/hv/configs/xen-linux.json
log=$WORK/console.log
LIMIT=90 boot_pack "$log"
expect_rc 0
expect_re "$log" "$(built_re "1 xl" "128 MiB, 2 vCPUs, kernel mapped, ramdisk mapped")"
expect "$log" "[xl] xen-log: Xen 4.17 support found"
expect "$log" "[xl] xen-log: xen:grant_table: Grant tables using version 1 layout"
expect "$log" "[xl] xen-log: xen:events: Using 2-level ABI"
expect "$log" "[xl] xen-log: Xen: initializing cpu0"
expect "$log" "[xl] xen-log: Xen: initializing cpu1"
expect "$log" "[xl] xen: /sys/hypervisor/type: xen"
expect_re "$log" "\[xl\] linux: ready \(uptime [0-9]+\.[0-9]+ s\)"
expect "$log" "domain 1 xl: powered off"
expect "$log" "[p1] probe: ready"
expect "$log" "domain 2 p1: powered off"
expect_none "$log" "Xen event channel interrupt not found"
expect_last "$log" "hyperlaunch: all 2 domains are off (2 powered off); powering off"
finish
