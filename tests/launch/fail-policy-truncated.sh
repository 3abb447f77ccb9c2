#!/usr/bin/env bash
# A truncated policy module, its LCM entry (size, SHA-256) made to match:
# the hypervisor's loader refuses it before any domain is built, with the
# reason; without a Recovery Domain the launch starts nothing, the
# hypervisor prints each domain's state and keeps the console, and with
# every domain off on-all-off powers the machine off.
. "$(dirname "$0")/launch.bash"
WORK=$top/build/tests/launch/fail-policy-truncated
mkdir -p "$WORK"
LOG=$WORK/console.log
printf 'type domU_t;\nallow * self:domain info;\nallow * xen_t:console write;\n' >"$WORK/policy.te"
cat >"$WORK/config.json" <<JSON
{
  "config": { "xsm-policy": "policy.te" },
  "domains": [
    { "name": "app1", "domid": 1, "memory": "8M", "kernel": "$top/build/guests/probe.img" }
  ]
}
JSON
pack "$WORK/config.json"
mod=$(ls "$PACK"/modules/*-policy.te)
size=$(stat -c %s "$mod")
head -c $((size - 4)) "$mod" >"$mod.new" && mv "$mod.new" "$mod"
hv=/chosen/hypervisor
addr=$(fdtget -t x "$PACK/host.dtb" $hv/config/xsm-policy module-addr | awk '{print $2}')
fdtput -t x "$PACK/host.dtb" $hv/config/xsm-policy module-addr 0x0 "0x$addr" 0x0 "$(printf 0x%x $((size - 4)))"
fdtput -t bx "$PACK/host.dtb" $hv/config/xsm-policy/hash value $(sha256sum "$mod" | cut -c1-64 | sed 's/../& /g')
boot_pack "$LOG"
expect_rc 0
expect "$LOG" "launch: FAILED: xsm-policy module 0x$addr+0x$(printf %x $((size - 4))): truncated: $((size - 4)) bytes, the header says $size"
expect "$LOG" "launch: domain 1 app1: paused"
expect "$LOG" "console: input to the hypervisor (Ctrl-A three times to switch)"
expect_none "$LOG" '^\[app1\]'
expect_last "$LOG" "hyperlaunch: all 1 domain is off (1 not started); powering off"
finish
