#!/usr/bin/env bash
# HL_DOMAIN_CREATE refuses what a valid fragment may still ask wrongly, and
# a destroyed domain is reclaimed even when its vCPU sleeps on a far timer.
#
# The control domain "ctl" (which also holds the console function):
#  - creates domains that would take a name in use, a domid in use, a
#    permission it does not hold (hardware), a function it does not hold
#    (recovery, legacy dom0, all of hardware, console, recovery and legacy
#    dom0 at once: seed 002's delegation rule), a one-per-system function
#    already held (console, by ctl itself), the Boot Domain's domid: each
#    refused with a line saying why; a control domain (delegated: ctl holds
#    control) and one without a domid (the lowest never used) are created;
#  - creates "c1" from the probe with its SHA-256, then "c2" of the same
#    size from a changed copy claiming the same digest: c2 is refused
#    (its copy sits where c1's did; no remembered digest may answer);
#  - asks about domid 999, which does not exist: "no such domain" for it
#    (it may act on domains), "denied" for a plain domain;
#  - destroys "sleeper", whose only vCPU waits in WFI for a timer an hour
#    away: its memory is still scrubbed and returned.
. "$(dirname "$0")/security.bash"

roles=$top/build/guests/roles.img
probe=$top/build/guests/probe.img
cat >"$WORK/config.json" <<JSON
{
  "domains": [
    { "name": "ctl", "domid": 1, "permissions": ["control"], "functions": ["console"],
      "memory": "8M", "kernel": { "file": "$roles", "bootargs":
      "targets=5 mk=app1.110.0.0,dupid.2.0.0,hw.111.2.0,ctl2.112.1.0,auto.0.0.0,con.113.0.4,rec.114.0.2,bad.32757.0.0,l0.115.0.2147483648,all.116.3.2147483654 digest=1 unknown=999 destroy=5 delay=300 shutdown=1" } },
    { "name": "app1", "domid": 2, "memory": "8M", "kernel": "$probe" },
    { "name": "hw", "domid": 3, "permissions": ["hardware"], "memory": "8M", "kernel": "$probe" },
    { "name": "plain", "domid": 4, "memory": "8M",
      "kernel": { "file": "$roles", "bootargs": "unknown=999" } },
    { "name": "sleeper", "domid": 5, "memory": "8M",
      "kernel": { "file": "$roles", "bootargs": "sleep=1" } }
  ]
}
JSON
launch_boot "$WORK/config.json"
expect_rc 0
expect "$LOG" "[ctl] roles: mk app1: EBUSY"
expect "$LOG" "create: ctl: app1: the name is domain 2's"
expect "$LOG" "[ctl] roles: mk dupid: EBUSY"
expect "$LOG" "create: ctl: dupid: domid 2 is app1's (ids are never reused in a boot)"
expect "$LOG" "[ctl] roles: mk hw: denied"
expect "$LOG" "create: ctl: hw: may not give what it does not hold (permissions hardware, functions none)"
expect "$LOG" "[ctl] roles: mk ctl2: ok, domid 112"
expect "$LOG" "[ctl] roles: mk auto: ok, domid 6"
expect "$LOG" "[ctl] roles: mk con: EBUSY"
expect "$LOG" "create: ctl: con: console is one per system and ctl holds it"
expect "$LOG" "[ctl] roles: mk rec: denied"
expect "$LOG" "create: ctl: rec: may not give what it does not hold (permissions none, functions recovery)"
expect "$LOG" "[ctl] roles: mk bad: EINVAL"
expect "$LOG" "[ctl] roles: mk l0: denied"
expect "$LOG" "create: ctl: l0: may not give what it does not hold (permissions none, functions legacy-dom0)"
expect "$LOG" "[ctl] roles: mk all: denied"
expect "$LOG" "create: ctl: all: may not give what it does not hold (permissions hardware, functions recovery,legacy-dom0)"
expect_none "$LOG" '^domain (110 app1|2 dupid|111 hw|113 con|114 rec|32757 bad|115 l0|116 all):'
expect "$LOG" "[ctl] roles: digest create c1: ok"
expect_re "$LOG" "domain 102 c2: not started: kernel module 0x[0-9a-f]+\+0x[0-9a-f]+: SHA-256 mismatch: LCM has [0-9a-f]{64}, module has [0-9a-f]{64}"
expect "$LOG" "[ctl] roles: digest create c2: ENOMEM"
for op in pause unpause destroy info; do
	role ctl "$op" 999 ENOENT
	role plain "$op" 999 denied
done
role ctl configure 999 denied
role plain configure 999 denied
expect "$LOG" "[sleeper] roles: sleeping"
role ctl destroy 5 ok
expect "$LOG" "domain 5 sleeper: destroyed by ctl"
expect "$LOG" "launch: reclaim: sleeper's 8 MiB scrubbed and returned"
expect "$LOG" "hyperlaunch: ctl asks to power off the platform"
finish
