#!/usr/bin/env bash
# Every boot module is validated once, when the hypervisor finds it, not
# only kernels and ramdisks when a domain is built: the Boot Domain reads
# every module (HL_BOOT_MODULE_READ), so a device-tree or policy module
# placed past the end of RAM, over the hypervisor or over the interrupt
# controller would make the hypervisor take a data abort at EL2, hand its
# own memory to the Boot Domain, or read device registers.
#
# After packing, three modules are moved in the host DTB: app1's
# device-tree module past the end of RAM, app2's ramdisk onto the GIC
# distributor (0x08000000), and the config node's xsm-policy module onto
# the hypervisor's load address. Each refusal reads like a refused kernel;
# the launch fails (a Boot Domain would have needed them) before any guest
# runs, and the hypervisor goes on: no panic, no EL2 fault.
. "$(dirname "$0")/security.bash"

printf '/dts-v1/;\n/ { compatible = "test,partial"; };\n' | dtc -q -I dts -O dtb -o "$WORK/app1.dtb"
head -c 8192 /dev/urandom >"$WORK/ramdisk.bin"
printf 'type domU_t;\nallow * self:domain info;\n' >"$WORK/policy.te"
cat >"$WORK/config.json" <<JSON
{
  "config": { "xsm-policy": "$WORK/policy.te" },
  "domains": [
    { "name": "bootdom", "functions": ["boot"], "memory": "16M",
      "kernel": "$top/build/guests/bootdom.img" },
    { "name": "app1", "memory": "8M", "kernel": "$top/build/guests/probe.img",
      "device-tree": "$WORK/app1.dtb" },
    { "name": "app2", "memory": "8M", "kernel": "$top/build/guests/probe.img",
      "ramdisk": "$WORK/ramdisk.bin" }
  ]
}
JSON
pack "$WORK/config.json"
dtb=$PACK/host.dtb
hv=/chosen/hypervisor
policy=$(for n in $(fdtget -l "$dtb" $hv/config 2>/dev/null); do
	[ "$(fdtget "$dtb" $hv/config/$n compatible 2>/dev/null | tr ' ' '\n' | grep -c module,xsm-policy)" = 1 ] && echo $n
done)
dt=$(for n in $(fdtget -l "$dtb" $hv/app1); do
	[ "$(fdtget "$dtb" $hv/app1/$n compatible | tr ' ' '\n' | grep -c module,device-tree)" = 1 ] && echo $n
done)
rd=$(for n in $(fdtget -l "$dtb" $hv/app2); do
	[ "$(fdtget "$dtb" $hv/app2/$n compatible | tr ' ' '\n' | grep -c module,ramdisk)" = 1 ] && echo $n
done)
if [ -z "$policy" ] || [ -z "$dt" ] || [ -z "$rd" ]; then
	echo "FAIL: module nodes not found in $dtb (policy '$policy', device-tree '$dt', ramdisk '$rd')"
	exit 1
fi
fdtput -t x "$dtb" $hv/app1/$dt module-addr 0x1 0x0 0x0 0x1000
fdtput -t x "$dtb" $hv/app2/$rd module-addr 0x0 0x08000000 0x0 0x1000
fdtput -t x "$dtb" $hv/config/$policy module-addr 0x0 0x40200000 0x0 0x1000
# lcm-tool sees the machine's RAM in a host DTB, not where the hypervisor
# will be loaded: it reports two of the three.
build/lcm-tool check --arch arm64 "$dtb" >"$WORK/check.log" 2>&1
rc=$?
expect_rc 1
expect "$WORK/check.log" "$dtb: error: $hv/app1/$dt: module-addr: 0x100000000+0x1000 is not inside the machine's RAM"
expect "$WORK/check.log" "$dtb: error: $hv/app2/$rd: module-addr: 0x8000000+0x1000 is not inside the machine's RAM"
expect "$WORK/check.log" "$dtb: invalid: 2 errors"

boot_pack "$LOG"
expect_rc 0
expect "$LOG" "domain 1 app1: not started: device-tree module 0x100000000+0x1000: outside RAM"
expect "$LOG" "domain 2 app2: not started: ramdisk module 0x8000000+0x1000: outside RAM"
expect "$LOG" "launch: FAILED: domain 1 app1: not started: see its build line above"
expect "$LOG" "launch: FAILED: the config node's xsm-policy module 0x40200000+0x1000: overlaps the hypervisor's own image"
expect_none "$LOG" '^(panic|el2|irq):'
expect_none "$LOG" '^\[bootdom\]'
expect_none "$LOG" '^mm: reserved 0x(100000000|08000000|40200000)'
finish
