#!/usr/bin/env bash
# A module over the hypervisor's own memory. The LCM cannot know where the
# hypervisor was loaded, so lcm-tool accepts it; the hypervisor must refuse
# it, or a domain using it alone would get the hypervisor's pages mapped in
# place, writable. After packing, the ramdisk of "sneaky" is moved (in the
# host DTB) onto the hypervisor's load address (QEMU -kernel: 0x40200000) and
# its digest node removed. That domain is not started, with the reason; the
# others run.
. "$(dirname "$0")/qemu.bash"

pack tests/hv/configs/module-overlap.json
dtb=$PACK/host.dtb
fdtput -t x "$dtb" /chosen/hypervisor/sneaky/ramdisk module-addr 0 0x40200000 0 0x1000
fdtput -d "$dtb" /chosen/hypervisor/sneaky/ramdisk/hash 2>/dev/null || fdtput -r "$dtb" /chosen/hypervisor/sneaky/ramdisk/hash
build/lcm-tool check --arch arm64 "$dtb" >/dev/null || { echo "FAIL: lcm-tool should accept the LCM (only the hypervisor knows where it is)"; exit 1; }

log=$WORK/console.log
boot_pack "$log"
expect_rc 0
expect "$log" "domain 2 sneaky: not started: ramdisk module 0x40200000+0x1000: overlaps the hypervisor's own image"
expect "$log" "[good1] probe: ready"
expect "$log" "[good2] probe: ready"
expect_none "$log" '^\[sneaky\]'
expect_last "$log" "hyperlaunch: all 3 domains are off (2 powered off, 1 not started); powering off"
finish
