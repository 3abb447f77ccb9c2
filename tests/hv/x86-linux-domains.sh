#!/usr/bin/env bash
# Three Debian amd64 Linux domains at once next to a bare-metal probe, on 2
# CPUs: each Linux has its own PIC, PIT and 16550, reaches its busybox init
# (its ready line, whole and with its own prefix) and powers off; the probe
# too; the summary is the last line.
. "$(dirname "$0")/x86.bash"

x86_linux_parts guests/linux/init-ready
ramdisk=$top/build/guests/linux/x86-ready.cpio.gz
probe=$top/build/guests/x86-probe.img
linux() {
	printf '{ "name": "%s", "memory": "96M", "kernel": { "file": "%s", "bootargs": "%s" }, "ramdisk": "%s" }' \
		"$1" "$top/$X86_LINUX" "console=ttyS0 acpi=off quiet" "$ramdisk"
}
cat >"$WORK/launch.json" <<JSON
{ "domains": [ $(linux l1), $(linux l2),
               { "name": "p1", "memory": "8M", "kernel": "$probe" },
               $(linux l3) ] }
JSON
build/lcm-tool build --arch x86 "$WORK/launch.json" -o "$WORK/lcm.dtb" || exit 1

log=$WORK/console.log
LIMIT=180 boot "$log" -m 512M -smp 2 -kernel "$X86_BIN" \
	-initrd "$WORK/lcm.dtb,$X86_LINUX,$ramdisk,$probe"
expect "$log" "launch: LCM with 4 domains"
id=0
for name in l1 l2 p1 l3; do
	id=$((id + 1))
	case $name in
	l*)
		expect_re "$log" "\[$name\] linux: ready \(uptime [0-9]+\.[0-9]+ s\)"
		expect "$log" "domain $id $name: powered off (its last vCPU called CPU_OFF)"
		;;
	p*)
		expect "$log" "[$name] probe: ready"
		expect_re "$log" "domain $id $name: powered off.*"
		;;
	esac
done
expect_none "$log" '^\[(l[0-9]|p[0-9])\] .*\[(l[0-9]|p[0-9])\] '
expect_none "$log" "unchecked MSR access|WARNING|Call Trace|stopped"
expect_last "$log" "hyperlaunch: all 4 domains are off (4 powered off); powering off"
expect_rc 0
finish
