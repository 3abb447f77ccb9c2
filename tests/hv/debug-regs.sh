#!/usr/bin/env bash
# Hardware debug registers are per physical CPU: a guest's breakpoint would
# stay behind for the next domain on that CPU (which could read it, or hit
# it). The hypervisor traps them: a write is ignored, a read gives 0, and the
# guest is not stopped for trying. And a console hypercall takes one line
# per call (a call holds its CPU while lines go out).
. "$(dirname "$0")/qemu.bash"

pack tests/hv/configs/debug-regs.json
log=$WORK/console.log
boot_pack "$log"
expect_rc 0
expect "$log" "[dbg] fault: DBGBVR0_EL1 reads 0x0 after writing 0x40001234"
expect "$log" "[lines] first line"
expect "$log" "[lines] fault: a write of two lines took 11 bytes"
expect_none "$log" '^\[lines\] second line'
expect "$log" "[p1] probe: ready"
expect_last "$log" "hyperlaunch: all 3 domains are off (3 powered off); powering off"
finish
