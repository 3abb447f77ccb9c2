#!/usr/bin/env bash
# Classic launch (no LCM): the host DTB's /chosen carries the multiboot
# nodes of Xen on Arm (added here with fdtput), a multiboot,kernel (the
# probe, with bootargs) and a multiboot,ramdisk. The hypervisor builds one
# domain, dom0 (domid 0, every permission), with a vCPU per CPU and half
# the free RAM (at most 256 MiB and the longest free run: as the hardware
# domain its RAM is at its physical address, its modules copied there), with
# every device the hypervisor does not keep, and dom0 runs: the probe
# reaches its ready line and powers off.
. "$(dirname "$0")/qemu.bash"

QEMU=("${QEMU[@]/512M/128M}")           # DTB at 0x44000000, modules above it
kernel=0x46000000
ramdisk=0x46200000
head -c 8192 /dev/urandom >"$WORK/ramdisk.img"
machine_dtb "$WORK/host.dtb"
dtb=$WORK/host.dtb
fdtput -t x "$dtb" /chosen '#address-cells' 2
fdtput -t x "$dtb" /chosen '#size-cells' 2
fdtput -c "$dtb" /chosen/module@46000000 /chosen/module@46200000
fdtput -t s "$dtb" /chosen/module@46000000 compatible multiboot,kernel multiboot,module
fdtput -t x "$dtb" /chosen/module@46000000 reg 0 $kernel 0 "$(printf '0x%x' "$(stat -c %s build/guests/probe.img)")"
fdtput -t s "$dtb" /chosen/module@46000000 bootargs "console=ttyAMA0 classic"
fdtput -t s "$dtb" /chosen/module@46200000 compatible multiboot,ramdisk multiboot,module
fdtput -t x "$dtb" /chosen/module@46200000 reg 0 $ramdisk 0 0x2000

log=$WORK/console.log
boot "$log" -kernel "$BIN" -dtb "$dtb" \
	-device loader,file=build/guests/probe.img,addr=$kernel,force-raw=on \
	-device loader,file="$WORK/ramdisk.img",addr=$ramdisk,force-raw=on
expect_booted "$log"
expect "$log" "mm: reserved 0x46000000-$(printf '0x%x' $((kernel + $(stat -c %s build/guests/probe.img)))) for /chosen/module@46000000"
expect "$log" "mm: reserved 0x46200000-0x46202000 for /chosen/module@46200000"
expect "$log" "launch: classic (no /chosen/hypervisor)"
expect_re "$log" "$(built_re "0 dom0" "60 MiB, 4 vCPUs, kernel copied, ramdisk copied")"
expect "$log" "domain 0 dom0: 37 devices passed through, RAM at its physical address"
expect "$log" "console: input to dom0 (Ctrl-A three times to switch)"
expect_count "$log" "[dom0] probe: ready" 1
expect "$log" "domain 0 dom0: powered off"
expect_last "$log" "hyperlaunch: all 1 domain is off (1 powered off); powering off"
finish
