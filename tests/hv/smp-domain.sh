#!/usr/bin/env bash
# A domain with 4 vCPUs on 2 CPUs: vCPU 0 starts the others with PSCI
# CPU_ON (MPIDR affinity = vCPU index, as the device tree's cpu nodes say),
# each reports in; vCPU 0 spins until all are online, which only ends if
# the scheduler time-slices vCPUs of one domain on one CPU.
. "$(dirname "$0")/qemu.bash"

pack tests/hv/configs/smp.json --cpus 2
log=$WORK/console.log
boot_pack "$log"
expect_booted_on "$log" 2
expect_rc 0
expect_re "$log" "$(built_re "1 smp" "8 MiB, 4 vCPUs, kernel mapped")"
expect "$log" "[smp] smp: 4 vcpus, psci 0x2"
for i in 1 2 3; do
	expect "$log" "[smp] smp: vcpu $i up"
done
expect_none "$log" 'CPU_ON .* failed'
expect "$log" "[smp] smp: all 4 vcpus online"
expect_last "$log" "hyperlaunch: all 1 domain is off (1 powered off); powering off"
finish
