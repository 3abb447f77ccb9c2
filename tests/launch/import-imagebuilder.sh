#!/usr/bin/env bash
# Round trip from ImageBuilder: a configuration as Xen's dom0less users
# write it for uboot-script-gen (a dom0 and two domUs, here all the probe)
# goes through `lcm-tool import`, `lcm-tool check` accepts the JSON, and
# Hyperlaunch boots the three domains from it: dom0 as domid 0 with the
# console, domU0 and domU1 as 1 and 2, each ready and powered off.
. "$(dirname "$0")/launch.bash"
cat >"$WORK/config" <<'CFG'
MEMORY_START="0x40000000"
MEMORY_END="0x60000000"
DEVICE_TREE="virt.dtb"
XEN="xen"
XEN_CMD="console=dtuart dom0_mem=8M"
DOM0_KERNEL="build/guests/probe.img"
DOM0_CMD="console=ttyAMA0"
NUM_DOMUS=2
DOMU_KERNEL[0]="build/guests/probe.img"
DOMU_MEM[0]=8
DOMU_KERNEL[1]="build/guests/probe.img"
DOMU_MEM[1]=16
CFG
json=$WORK/imported.json
build/lcm-tool import -d . "$WORK/config" -o "$json" >"$WORK/import.log" 2>&1
echo "lcm-tool import: exit status $?"
cat "$WORK/import.log" "$json"
expect "$WORK/import.log" "$json: 3 domains from $WORK/config, 5 warnings"
build/lcm-tool check "$json" >"$WORK/check.log" 2>&1
expect "$WORK/check.log" "$json: valid: 3 domains, 3 modules"
launch_boot "$json"
created 3 0
id=0
for d in "dom0 8" "domU0 8" "domU1 16"; do
	set -- $d
	expect_re "$LOG" "$(built_re "$id $1" "$2 MiB, 1 vCPU, kernel copied")"
	expect "$LOG" "[$1] probe: ready"
	expect "$LOG" "domain $id $1: powered off"
	id=$((id + 1))
done
final 3 dom0
expect_last "$LOG" "hyperlaunch: all 3 domains are off (3 powered off); powering off"
expect_rc 0
finish
