#!/usr/bin/env bash
# Four Debian Linux 6.1 domains (l1 and l3 with 2 vCPUs) next to two
# bare-metal probes, on 4 CPUs: every Linux domain reaches userspace
# (init-ready prints its ready line), every domain powers itself off (a
# 2-vCPU Linux stops its other CPU with an IPI first), and the summary is
# the last line. Each domain's lines come whole, with its own prefix.
. "$(dirname "$0")/qemu.bash"

linux_parts guests/linux/init-ready
pack tests/hv/configs/linux-domains.json
log=$WORK/console.log
LIMIT=90 boot_pack "$log"
expect_booted_on "$log" 4
expect_rc 0
expect "$log" "launch: LCM with 6 domains"
id=0
for d in "l1 2" "p1 1" "l2 1" "l3 2" "p2 1" "l4 1"; do
	set -- $d
	id=$((id + 1))
	vcpus="$2 vCPU"
	[ "$2" = 1 ] || vcpus="${vcpus}s"
	case $1 in
	l*)
		expect_re "$log" "$(built_re "$id $1" "128 MiB, $vcpus, kernel copied, ramdisk copied")"
		expect_re "$log" "\[$1\] linux: ready \(uptime [0-9]+\.[0-9]+ s\)"
		expect_count_re "$log" "\[$1\] \[ *[0-9]+\.[0-9]+\] reboot: Power down" 1
		;;
	p*)
		expect_re "$log" "$(built_re "$id $1" "8 MiB, 1 vCPU, kernel copied")"
		expect "$log" "[$1] probe: ready"
		;;
	esac
	expect "$log" "domain $id $1: powered off"
done
# Nothing but whole lines of a domain, the hypervisor's, or QEMU's.
expect_none "$log" '^\[(l[0-9]|p[0-9])\] .*\[(l[0-9]|p[0-9])\] '
expect_last "$log" "hyperlaunch: all 6 domains are off (6 powered off); powering off"
finish
