#!/usr/bin/env bash
# A label the policy does not know, found at launch (docs/policy.md): the
# LCM passed `lcm-tool check`, then app1's security-id was changed in the
# host DTB. The hypervisor checks every label against the xsm-policy
# module's types before building anything: the launch fails, app1 is never
# started, and the Recovery Domain takes over under the role policy (the
# broken configuration's policy is never used): it reads the report and
# abandons the launch (destroys app1).
. "$(dirname "$0")/launch.bash"
WORK=$top/build/tests/launch/fail-policy-label
mkdir -p "$WORK"
LOG=$WORK/console.log
cat >"$WORK/policy.te" <<'TE'
type app_t;
type rescue_t;
allow * self:domain info;
allow * xen_t:console write;
TE
cat >"$WORK/config.json" <<JSON
{
  "config": { "xsm-policy": "policy.te" },
  "domains": [
    { "name": "app1", "domid": 1, "security-id": "app_t", "memory": "8M",
      "kernel": "$top/build/guests/probe.img" },
    { "name": "recovery", "domid": 2, "functions": ["recovery"], "security-id": "rescue_t",
      "memory": "8M", "kernel": { "file": "$top/build/guests/roles.img",
      "bootargs": "report=1 destroy=1" } }
  ]
}
JSON
pack "$WORK/config.json"
fdtput -t s "$PACK/host.dtb" /chosen/hypervisor/app1 security-id nope_t
boot_pack "$LOG"
expect_rc 0
expect "$LOG" "launch: FAILED: xsm-policy: domain app1: security-id \"nope_t\" is not a type of the policy"
expect "$LOG" "launch: starting the Recovery Domain recovery"
expect "$LOG" "[recovery] roles: launch failed: xsm-policy: domain app1: security-id \"nope_t\" is not a type of the policy"
role recovery destroy 1 ok
expect "$LOG" "domain 1 app1: destroyed by recovery"
expect_none "$LOG" '^\[app1\]'
expect_none "$LOG" '^policy: xsm-policy:'
finish
