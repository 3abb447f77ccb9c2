#!/usr/bin/env bash
# Each domain's virtual counter starts near 0 when the domain is created
# (one CNTVOFF_EL2 per domain, set at its creation; Linux's booting.rst
# asks for one per guest): a control domain (roles.img, create=clock)
# lets one second of its own life pass, then creates a probe, which prints
# its CNTVCT_EL0 at entry. The probe's counter must not contain that
# second (nor the launch before it): with the control domain's offset, or
# none, it would read more than 1000 ms.
. "$(dirname "$0")/qemu.bash"

pack tests/hv/configs/vtimer-offset.json --cpus 1
log=$WORK/console.log
boot_pack "$log"
expect_rc 0
expect_re "$log" '\[control\] roles: creating created at 1[0-9]{3} ms'
expect "$log" "[control] roles: create created: ok"
expect "$log" "[created] probe: ready"
ms=$(sed -n 's/^\[created\] probe: counter at entry: \([0-9]*\) ms$/\1/p' "$log")
if [ -z "$ms" ]; then
	echo "MISSING in $log: [created] probe: counter at entry: N ms"
	failures=$((failures + 1))
elif [ "$ms" -ge 500 ]; then
	echo "WRONG: the created domain's counter read $ms ms at its entry (expected < 500)"
	failures=$((failures + 1))
fi
expect "$log" "[control] roles: created is off"
finish
