#!/usr/bin/env bash
# 16 x86 probe domains on AMD SVM, more than the 15 ASIDs QEMU offers
# guests (each CPU recycles its ASIDs by generation: asid.c), from the packed
# GRUB ISO (one probe image, one mb-index shared by all), on 4 CPUs (the
# others started from the ACPI MADT with INIT and STARTUP IPIs; the vCPUs
# placed round-robin): each is built (nested page tables over its 8 MiB),
# enters in 32-bit protected mode, turns long mode on through the emulated
# EFER, prints its ready line by VMMCALL (HL_CONSOLE_WRITE), reports ready
# (HL_READY) and halts with interrupts masked, which powers its domain off;
# then the machine powers off.
. "$(dirname "$0")/x86.bash"

n=16
probe=build/guests/x86-probe.img
{
	echo '{ "domains": ['
	for ((i = 1; i <= n; i++)); do
		printf '  { "name": "p%d", "memory": "8M", "kernel": "%s" }%s\n' "$i" "$top/$probe" \
			"$([ $i -lt $n ] && echo ,)"
	done
	echo '] }'
} >"$WORK/probes.json"
build/lcm-tool pack --arch x86 --hypervisor "$X86_BIN" "$WORK/probes.json" -o "$WORK/pack" || exit 1
QEMU=("$WORK/pack/run-qemu")

log=$WORK/console.log
boot "$log"
expect "$log" "platform: multiboot2, 2 modules"
expect "$log" "svm: revision 1, 16 ASIDs, nested paging; no NRIP save, no decode assists"
for ((i = 1; i < 4; i++)); do
	expect "$log" "cpu$i up (mpidr 0x$i)"
done
expect "$log" "smp: 4 CPUs online"
expect "$log" "launch: LCM with $n domains"
for ((i = 1; i <= n; i++)); do
	expect_re "$log" "domain $i p$i: 8 MiB, 1 vCPU, kernel copied, built in [0-9.]+ ms"
	expect "$log" "[p$i] probe: ready"
	expect "$log" "domain $i p$i: powered off (its last vCPU called CPU_OFF)"
done
expect_count_re "$log" '\[p[0-9]+\] probe: ready' "$n"
expect_last "$log" "hyperlaunch: all $n domains are off ($n powered off); powering off"
expect_rc 0
finish
