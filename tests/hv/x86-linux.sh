#!/usr/bin/env bash
# Unmodified Debian amd64 Linux in one x86 domain (1 vCPU): the bzImage
# entered through the 64-bit boot protocol, its busybox initramfs's init
# prints its ready line on the emulated 16550 (interrupt-driven, IRQ 4 of
# the domain's PIC), then powers off; the domain is powered off and so is
# the machine. The boot tables and the TSC rate come from the hypervisor;
# no unchecked MSR access and no warning on the way.
. "$(dirname "$0")/x86.bash"

x86_linux_parts guests/linux/init-ready
ramdisk=$top/build/guests/linux/x86-ready.cpio.gz
cat >"$WORK/launch.json" <<JSON
{ "domains": [ { "name": "l1", "memory": "128M",
                 "kernel": { "file": "$top/$X86_LINUX", "bootargs": "console=ttyS0 acpi=off" },
                 "ramdisk": "$ramdisk" } ] }
JSON
build/lcm-tool build --arch x86 "$WORK/launch.json" -o "$WORK/lcm.dtb" || exit 1

log=$WORK/console.log
LIMIT=120 boot "$log" -kernel "$X86_BIN" -initrd "$WORK/lcm.dtb,$X86_LINUX,$ramdisk"
expect_re "$log" "\[l1\] \[ *0\.000000\] Linux version 6\.[0-9.]+-[0-9]+-amd64 .*"
expect_re "$log" "\[l1\] \[ *0\.000000\] Command line: console=ttyS0 acpi=off tsc_early_khz=[0-9]+ noapic"
expect_re "$log" "\[l1\] \[ *[0-9.]+\] MPTABLE: Product ID: LINUX DOMAIN"
expect_re "$log" "\[l1\] \[ *[0-9.]+\] APIC: Switch to symmetric I/O mode setup"
expect_re "$log" "\[l1\] \[ *[0-9.]+\] serial8250: ttyS0 at I/O 0x3f8 \(irq = 4, base_baud = 115200\) is a 16550A"
expect_re "$log" "\[l1\] linux: ready \(uptime [0-9]+\.[0-9]+ s\)"
expect "$log" "domain 1 l1: powered off (its last vCPU called CPU_OFF)"
expect_none "$log" "unchecked MSR access|WARNING|Call Trace|stopped"
expect_last "$log" "hyperlaunch: all 1 domain is off (1 powered off); powering off"
expect_rc 0
finish
