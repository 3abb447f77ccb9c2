#!/usr/bin/env bash
# Device-tree modules the hypervisor refuses (hand-written, so lcm-tool's
# "devices" checks never saw them): the PL061 given a second time (thief),
# the interrupt controller (gicgrab), the hypervisor's RAM under a device's
# path (ramgrab), a device that does DMA to a domain that is not the
# hardware domain (dmagrab). Each such domain is not started, with a line naming it,
# the node and the property; the owner of the PL061 still drives it, and
# the probe runs.
. "$(dirname "$0")/qemu.bash"

for f in thief gic ram dma; do
	dtc -q -I dts -O dtb -o "$WORK/$f.dtb" "tests/hv/fixtures/passthrough-$f.dts" || exit 1
done
pack tests/hv/configs/passthrough-refused.json --cpus 2
log=$WORK/console.log
boot_pack "$log"
expect_booted_on "$log" 2
expect_rc 0
expect "$log" "domain 2 thief: not started: its devices: /passthrough/pl061@9030000: xen,reg: host 0x9030000 is domain 1 gpio's"
expect_re "$log" "domain 3 gicgrab: not started: device-tree module 0x[0-9a-f]+\+0x[0-9a-f]+: /passthrough/gic@8000000: xen,path: \"/intc@8000000\" is the interrupt controller"
expect_re "$log" "domain 4 ramgrab: not started: device-tree module 0x[0-9a-f]+\+0x[0-9a-f]+: /passthrough/rtc@9010000: xen,reg: host 0x40200000\+0x1000 is RAM"
expect_re "$log" "domain 5 dmagrab: not started: device-tree module 0x[0-9a-f]+\+0x[0-9a-f]+: /passthrough/virtio_mmio@a003e00: xen,path: \"/virtio_mmio@a003e00\" does DMA and there is no IOMMU: only the hardware domain may have it"
expect "$log" "[gpio] passthrough: 10 interrupts, the level one taken again: ok"
expect "$log" "[p1] probe: ready"
expect_last "$log" "hyperlaunch: all 6 domains are off (2 powered off, 4 not started); powering off"
finish
