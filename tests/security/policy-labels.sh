#!/usr/bin/env bash
# The label policy (docs/policy.md) on the real machine: a text policy in
# the JSON, compiled by lcm-tool pack, loaded from the LCM's xsm-policy
# module; every domain's label on the console; two gates:
#  - ctl (CONTROL, ctl_t) may pause app1 (app_t: both gates allow) but not
#    ops (ops_t: its role allows, the labels do not: [label]);
#  - ops (no role, ops_t) may not pause or read app1 although the labels
#    allow it ([role]), nor shut the platform down (likewise);
#  - creation (seed 002): ctl may create a domain labelled new_t, not one
#    labelled ctl_t (no domain:create on it), and never one holding a
#    permission it does not hold.
. "$(dirname "$0")/security.bash"

roles=$top/build/guests/roles.img
cat >"$WORK/labels.te" <<'TE'
attribute guests;
type ctl_t;
type app_t, guests;
type ops_t;
type new_t;
allow * self:domain info;
allow * xen_t:console write;
allow ctl_t guests:domain { info pause unpause destroy };
allow ctl_t new_t:domain { create info };
allow ctl_t xen_t:launch status;
allow { ctl_t ops_t } xen_t:platform shutdown;
allow ops_t app_t:domain { info pause };
TE
cat >"$WORK/config.json" <<JSON
{
  "config": { "xsm-policy": "labels.te" },
  "domains": [
    { "name": "ctl", "domid": 1, "permissions": ["control"], "security-id": "ctl_t",
      "memory": "8M", "kernel": { "file": "$roles", "bootargs":
      "targets=2,3 mk=n1.110.0.0.new_t,n2.111.0.0.ctl_t,n3.112.2.0.new_t delay=300 shutdown=1" } },
    { "name": "app1", "domid": 2, "security-id": "app_t", "memory": "8M",
      "kernel": { "file": "$roles", "bootargs": "stay=1" } },
    { "name": "ops", "domid": 3, "security-id": "system_u:system_r:ops_t", "memory": "8M",
      "kernel": { "file": "$roles", "bootargs": "targets=2 shutdown=1" } }
  ]
}
JSON
launch_boot "$WORK/config.json"
expect_rc 0
expect "$LOG" "policy: xsm-policy: 4 types, 8 rules; the roles' and the labels' gates apply"
expect "$LOG" "policy: domain 1 ctl: label ctl_t, SafeVM"
expect "$LOG" "policy: domain 2 app1: label app_t, UnsafeVM"
expect "$LOG" "policy: domain 3 ops: label system_u:system_r:ops_t, UnsafeVM"
# The label gate denies what the role allows.
role ctl pause 2 ok
role ctl unpause 2 ok
role ctl info 3 denied
role ctl pause 3 denied
expect "$LOG" "policy: denied: ctl (ctl_t) may not pause ops (system_u:system_r:ops_t) [label]"
# The role gate denies what the labels allow.
role ops info 2 denied
role ops pause 2 denied
expect "$LOG" "policy: denied: ops (system_u:system_r:ops_t) may not pause app1 (app_t) [role]"
role ops shutdown - denied
expect "$LOG" "policy: denied: ops (system_u:system_r:ops_t) may not shut the platform down [role]"
# Delegation: the new domain's label and roles.
expect "$LOG" "[ctl] roles: mk n1: ok, domid 110"
expect "$LOG" "policy: domain 110 n1: label new_t, UnsafeVM"
expect "$LOG" "[ctl] roles: mk n2: denied"
expect "$LOG" "policy: denied: ctl (ctl_t) may not create a domain labelled ctl_t [label]"
expect "$LOG" "create: ctl: n2: the policy does not let ctl_t create a domain labelled ctl_t"
expect "$LOG" "[ctl] roles: mk n3: denied"
expect "$LOG" "create: ctl: n3: may not give what it does not hold (permissions hardware, functions none)"
expect_none "$LOG" '^domain (111 n2|112 n3):'
expect "$LOG" "hyperlaunch: ctl asks to power off the platform"
finish
