#!/usr/bin/env bash
# configs/x86-launch.json as the README packs it (lcm-tool pack --arch x86:
# a GRUB ISO, multiboot2, the LCM as module 0): the x86 Boot Domain starts
# the probe, waits for its ready report, starts the UART guest, says done;
# the Recovery Domain stands by; the UART guest writes through COM1 and
# powers off, and so does the machine when all are off.
. "$(dirname "$0")/../hv/x86.bash"

build/lcm-tool pack --arch x86 --hypervisor "$X86_BIN" configs/x86-launch.json -o "$WORK/pack" || exit 1
QEMU=("$WORK/pack/run-qemu")
log=$WORK/console.log
boot "$log"
expect "$log" "platform: multiboot2, 5 modules"
expect "$log" "[bootdom] bootdom: verified 5 modules (SHA-256)"
got=$(grep -oE '^\[bootdom\] bootdom: (start [a-z0-9]+|[a-z0-9]+ ready)' "$log" | sed 's/^\[bootdom\] bootdom: //' | tr '\n' ',')
if [ "$got" != "start probe,probe ready,start uart," ]; then
	echo "ORDER '$got', expected 'start probe,probe ready,start uart,'"
	failures=$((failures + 1))
fi
expect "$log" "[bootdom] bootdom: done"
expect "$log" "[probe] probe: ready"
expect "$log" "[uart] uart: hello through COM1"
expect "$log" "[uart] uart: registers ok"
expect "$log" "domain 1 uart: powered off (its last vCPU called CPU_OFF)"
expect_none "$log" 'stopped|FAILED'
expect_none "$log" '^\[recovery\]'
finish
