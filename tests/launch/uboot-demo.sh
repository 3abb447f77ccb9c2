#!/usr/bin/env bash
# The demo's kind of launch booted the way boards boot: Debian's U-Boot
# (qemu_arm64, at EL2) finds boot.scr on the disk lcm-tool pack --boot uboot
# wrote, loads the hypervisor, host.dtb and every module from its FAT
# partition at the layout's addresses and runs booti. Then the same launch
# as with QEMU loading the files: the Boot Domain verifies every module and
# starts the probe (waited for), two Linux domains and the control domain,
# which creates and destroys a domain; every Linux domain reaches its ready
# line; the Recovery Domain stands by.
. "$(dirname "$0")/launch.bash"
linux_parts guests/linux/init-ready
LIMIT=120 launch_boot tests/launch/configs/uboot-demo.json --boot uboot
expect_rc 0
# U-Boot ran the script from the disk and loaded each file whole.
expect "$LOG" "Found U-Boot script /boot.scr"
for f in "$PACK"/host.dtb "$PACK"/hyperlaunch.bin "$PACK"/modules/*; do
	expect_re "$LOG" "$(stat -c %s "$f") bytes read in [0-9]+ ms.*"
done
expect_none "$LOG" '^hyperlaunch: (not booted|booti failed)'
# host.dtb is handed over where it was loaded (the layout's DTB slot), and
# the hypervisor runs at EL2 (it stops silently anywhere else).
expect_re "$LOG" "   Using Device Tree in place at 0000000048000000, end [0-9a-f]+"
expect "$LOG" "Hyperlaunch 0.1 (arm64) at 0x40200000, DTB 0x48000000"
expect_booted_on "$LOG" 4
expect "$LOG" "launch: LCM with 6 domains"
created 6 0
expect "$LOG" "launch: prepare: bootdom alone unpaused, 30000 ms to say done"
expect "$LOG" "[bootdom] bootdom: verified 9 modules (SHA-256)"
got=$(grep -oE '^\[bootdom\] bootdom: (start [a-z0-9]+|[a-z0-9]+ ready)' "$LOG" | sed 's/^\[bootdom\] bootdom: //' | tr '\n' ',')
if [ "$got" != "start probe,probe ready,start linux1,start linux2,start control," ]; then
	echo "ORDER '$got', expected 'start probe,probe ready,start linux1,start linux2,start control,'"
	failures=$((failures + 1))
fi
expect "$LOG" "domain 32757 bootdom: done (status 0)"
# 4 initial domains, and 5 when control's created domain (create=1, it
# runs from control's start) is already started as the launch finalizes.
final "[45]" control
expect "$LOG" "[probe] probe: ready"
for l in linux1 linux2; do
	expect_re "$LOG" "\[$l\] linux: ready \(uptime [0-9]+\.[0-9]+ s\)"
done
expect "$LOG" "[control] roles: launch final: no failure"
expect "$LOG" "[created] probe: ready"
expect "$LOG" "domain 100 created: destroyed by control"
expect "$LOG" "[control] roles: finished"
expect_none "$LOG" '^\[recovery\]'
expect_last "$LOG" "hyperlaunch: all 7 domains are off (4 powered off, 1 not started, 2 destroyed or done); powering off"
finish
