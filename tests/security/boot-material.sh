#!/usr/bin/env bash
# Boot material has one owner at a time (issue: a module range reclaimed
# twice, a Boot Domain reading a running domain's RAM, finalization starting
# a domain a control domain created paused).
#
# The Boot Domain (the role-test guest) starts the control domain "ctl"
# early. ctl destroys "victim", which never ran and whose kernel is mapped
# in place, creates "late" and leaves it paused, and reports ready. The Boot
# Domain then waits a while (the victim's memory is reclaimed meanwhile),
# reads ctl's kernel module (now ctl's running RAM), tries to act on
# "late", and says done.
#  - The victim's kernel was its RAM: reclaimed once, with the victim, and
#    not again at finalization, which returns only the ramdisk ctl and the
#    victim share (copied, so still boot material: a 5000-byte module, its
#    one whole page). Freed twice, those pages would back two
#    later domains at once.
#  - Reading a module that is a started domain's RAM is refused (EBUSY).
#  - Finalization starts initial domains only: "late" never runs; nor may
#    the Boot Domain start it, pause or destroy it (it may only read its
#    state; configure is for initial domains).
. "$(dirname "$0")/security.bash"

boot=$(padded boot.img build/guests/roles.img 1)
ctl=$(padded ctl.img build/guests/roles.img)
victim=$(padded victim.img build/guests/probe.img)
head -c 5000 /dev/urandom >"$WORK/ctl-ramdisk.bin"
cat >"$WORK/config.json" <<JSON
{
  "domains": [
    { "name": "bootdom", "functions": ["boot"], "memory": "8M",
      "kernel": { "file": "$boot", "bootargs": "start=1 readafter=1 unknown=100 delay=200 done=1" } },
    { "name": "ctl", "domid": 1, "permissions": ["control"], "memory": "8M",
      "kernel": { "file": "$ctl",
                  "bootargs": "kill=2 createpaused=1 earlyready=1 report=1 delay=200 shutdown=1" },
      "ramdisk": "$WORK/ctl-ramdisk.bin" },
    { "name": "victim", "domid": 2, "memory": "8M", "kernel": "$victim",
      "ramdisk": "$WORK/ctl-ramdisk.bin" }
  ]
}
JSON
launch_boot "$WORK/config.json"
expect_rc 0
expect_re "$LOG" "$(built_re "2 victim" "8 MiB, 1 vCPU, kernel mapped, ramdisk copied")"
role bootdom start 1 ok
role ctl kill 2 ok
expect "$LOG" "domain 2 victim: destroyed by ctl"
expect "$LOG" "launch: reclaim: victim's 8 MiB scrubbed and returned"
role bootdom module-read-after 1 EBUSY
for op in pause unpause destroy configure; do
	role bootdom "$op" 100 denied
done
role bootdom info 100 ok
expect "$LOG" "domain 32757 bootdom: done (status 0)"
expect "$LOG" "launch: reclaim: 4 KiB of boot modules scrubbed and returned"
expect_none "$LOG" '^mm: BUG'
role ctl create late ok
expect "$LOG" "[ctl] roles: launch final: no failure"
expect "$LOG" "[ctl] roles: late has run: no"
expect_none "$LOG" '^\[late\]'
expect "$LOG" "hyperlaunch: ctl asks to power off the platform"
finish
