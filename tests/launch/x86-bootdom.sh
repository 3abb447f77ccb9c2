#!/usr/bin/env bash
# The reference Boot Domain on x86 (the same guests/bootdom source, built
# for the x86 runtime): it reads the LCM and every module by mb-index
# through the hypervisor, checks their digests, then follows its
# configuration: app2 first and waited for (the probe reports ready), app1
# second with new bootargs; then done, and the launch is final.
. "$(dirname "$0")/../hv/x86.bash"

bootdom=$top/build/guests/x86-bootdom.img
probe=$top/build/guests/x86-probe.img
cat >"$WORK/order.cfg" <<'CFG'
# start app2 first and wait for it; app1 gets new bootargs
order app2 app1
wait app2
wait-timeout-ms 3000
bootargs app1 x=1
CFG
cat >"$WORK/launch.json" <<JSON
{
  "config": { "boot-timeout-ms": 5000 },
  "domains": [
    { "name": "bootdom", "functions": ["boot"], "memory": "16M",
      "kernel": "$bootdom", "config": "order.cfg" },
    { "name": "app1", "memory": "8M", "kernel": "$probe" },
    { "name": "app2", "memory": "8M", "kernel": "$probe" }
  ]
}
JSON
build/lcm-tool build --arch x86 "$WORK/launch.json" -o "$WORK/lcm.dtb" || exit 1

log=$WORK/console.log
boot "$log" -kernel "$X86_BIN" -initrd "$WORK/lcm.dtb,$bootdom,$WORK/order.cfg,$probe"
expect "$log" "launch: prepare: bootdom alone unpaused, 5000 ms to say done"
expect "$log" "[bootdom] bootdom: LCM: 3 domains, 4 modules"
expect "$log" "[bootdom] bootdom: verified 4 modules (SHA-256)"
expect_re "$log" "\[bootdom\] bootdom: config: [0-9]+ bytes"
expect "$log" 'launch: prepare: bootdom configures app1: bootargs "x=1"'
expect "$log" "[bootdom] bootdom: bootargs app1: ok"
got=$(grep -oE '^\[bootdom\] bootdom: (start [a-z0-9]+|[a-z0-9]+ ready)' "$log" | sed 's/^\[bootdom\] bootdom: //' | tr '\n' ',')
if [ "$got" != "start app2,app2 ready,start app1," ]; then
	echo "ORDER '$got', expected 'start app2,app2 ready,start app1,'"
	failures=$((failures + 1))
fi
expect "$log" "[app2] probe: ready"
expect "$log" "[app1] probe: ready"
expect "$log" "[bootdom] bootdom: done"
expect "$log" "domain 32757 bootdom: done (status 0)"
expect_re "$log" "launch: final: 2 domains started, console to app1, in [0-9]+\.[0-9] ms total"
expect_rc 0
finish
