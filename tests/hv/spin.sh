#!/usr/bin/env bash
# A domain that spins forever without WFI shares CPU 0 with three of six
# probes (2 CPUs, round-robin placement): the tick's time slices still run
# every probe to its ready line and power-off. The spin domain is then the
# only one left: the hypervisor must keep running it (no summary, no
# power-off), so the test ends the boot itself.
. "$(dirname "$0")/qemu.bash"

pack tests/hv/configs/spin.json --cpus 2
log=$WORK/console.log
boot_bg "$log"
wait_line "[spin] spin: spinning forever"
for i in 1 2 3 4 5 6; do
	wait_line "domain $((i + 1)) p$i: powered off"
done
sleep 1
still_running
stop_bg
expect_booted_on "$log" 2
expect_re "$log" "$(built_re "1 spin" "8 MiB, 1 vCPU, kernel mapped")"
for i in 1 2 3 4 5 6; do
	expect_count "$log" "[p$i] probe: ready" 1
	expect "$log" "domain $((i + 1)) p$i: powered off"
done
expect_none "$log" '^hyperlaunch: '
expect_none "$log" '^domain 1 spin: (powered|stopped)'
finish
