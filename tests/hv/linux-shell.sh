#!/usr/bin/env bash
# An interactive busybox shell in a 2-vCPU Linux domain, typed into through
# QEMU's stdin: the domain with the console function gets the input first
# (not the probe before it); its emulated PL011 raises its receive
# interrupt (SPI 33) as the input arrives; the prompt, an unfinished line,
# shows once the domain is quiet; the shell computes, Linux sees both
# vCPUs, and `poweroff -f` (an IPI stops the other vCPU first) ends the
# domain and then the machine.
. "$(dirname "$0")/qemu.bash"

linux_parts guests/linux/init-shell
pack tests/hv/configs/linux-shell.json
log=$WORK/console.log
LIMIT=90 boot_bg "$log"
wait_line "console: input to con (Ctrl-A three times to switch)" 1 60
wait_line "[con] linux: ready" 1 60
wait_line "[con] / # " 1 30
input 'echo $((6*7))\n'
wait_line "[con] 42"
input 'grep -c processor /proc/cpuinfo\n'
wait_line "[con] 2"
input 'poweroff -f\n'
wait_line "hyperlaunch: all 2 domains are off (2 powered off); powering off"
stop_bg
expect "$log" "[probe] probe: ready"
expect "$log" "[con] / # echo \$((6*7))"
expect_count "$log" "[con] 42" 1
expect "$log" "[con] / # grep -c processor /proc/cpuinfo"
expect_count "$log" "[con] 2" 1
expect "$log" "domain 2 con: powered off"
expect_last "$log" "hyperlaunch: all 2 domains are off (2 powered off); powering off"
finish
