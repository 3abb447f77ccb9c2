#!/usr/bin/env bash
# SMP Debian amd64 Linux domains (2 and 4 vCPUs on a 2-CPU machine): the MP
# table lists its vCPUs, vCPU 0 starts the others with INIT and STARTUP IPIs
# through its virtual local APIC (real mode at the SIPI vector), both take
# their local APIC timer and IPIs (the rescheduling and function-call IPIs
# cross physical CPUs and wake a vCPU blocked in HLT), a process pinned to
# each CPU runs there; the domains power off.
. "$(dirname "$0")/x86.bash"

x86_linux_parts guests/linux/init-smp
ramdisk=$top/build/guests/linux/x86-smp.cpio.gz
cat >"$WORK/launch.json" <<JSON
{ "domains": [ { "name": "s", "memory": "128M", "cpus": 2,
                 "kernel": { "file": "$top/$X86_LINUX", "bootargs": "console=ttyS0 acpi=off" },
                 "ramdisk": "$ramdisk" },
               { "name": "q", "memory": "128M", "cpus": 4,
                 "kernel": { "file": "$top/$X86_LINUX", "bootargs": "console=ttyS0 acpi=off" },
                 "ramdisk": "$ramdisk" } ] }
JSON
build/lcm-tool build --arch x86 "$WORK/launch.json" -o "$WORK/lcm.dtb" || exit 1

log=$WORK/console.log
LIMIT=300 boot "$log" -m 512M -smp 2 -kernel "$X86_BIN" -initrd "$WORK/lcm.dtb,$X86_LINUX,$ramdisk"
# d: the domain's name; n: its vCPUs.
for dn in s:2 q:4; do
	d=${dn%:*} n=${dn#*:}
	expect_re "$log" "\[$d\] \[ *[0-9.]+\] smpboot: Allowing $n CPUs, 0 hotplug CPUs"
	expect_re "$log" "\[$d\] \[ *[0-9.]+\] smp: Brought up 1 node, $n CPUs"
	expect "$log" "[$d] linux: nproc $n"
	for ((i = 0; i < n; i++)); do
		expect "$log" "[$d] linux: pinned to $i, ran on $i"
	done
	counts=$(printf ' [0-9]+%.0s' $(seq "$n"))
	nonzero=$(printf ' [1-9][0-9]*%.0s' $(seq "$n"))
	expect_re "$log" "\[$d\] linux: irq LOC:$nonzero Local timer interrupts"
	# IPIs were taken: one count per CPU, not all zero.
	for irq in "RES:$counts Rescheduling" "CAL:$counts Function call"; do
		expect_re "$log" "\[$d\] linux: irq $irq interrupts"
		line=$(grep -E "^\[$d\] linux: irq ${irq%%:*}:" "$log")
		if [ -n "$line" ] && ! printf '%s\n' "$line" | grep -qE ': ([0-9 ]* )?[1-9]'; then
			echo "WRONG in $log: no ${irq%%:*} IPI taken: $line"
			failures=$((failures + 1))
		fi
	done
done
expect "$log" "domain 1 s: powered off (its last vCPU called CPU_OFF)"
expect "$log" "domain 2 q: powered off (its last vCPU called CPU_OFF)"
expect_none "$log" "unchecked MSR access|WARNING|Call Trace|stopped|failed to boot"
expect_rc 0
finish
