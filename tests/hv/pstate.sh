#!/usr/bin/env bash
# PSTATE as an exception injected into the guest leaves it (Arm ARM D1.3.4,
# exception entry), on a CPU with FEAT_PAN, FEAT_DIT and FEAT_SSBS (-cpu
# max): a bare-metal guest (arch-guest.c, test=pstate) takes an abort
# where nothing is mapped and reads PAN, DIT and SSBS in its handler. PAN
# is kept with SCTLR_EL1.SPAN = 1 and set with SPAN = 0, DIT is kept, SSBS
# is SCTLR_EL1.DSSBS.
. "$(dirname "$0")/qemu.bash"

guest_c "$WORK/arch.img" tests/hv/arch-guest.c || exit 1
pack tests/hv/configs/pstate.json --cpus 1
log=$WORK/console.log
boot_pack "$log" -cpu max
expect_rc 0
expect "$log" "[ps] arch: pstate: SPAN=1 DSSBS=1 from PAN|DIT|SSBS: 0x1401000"
expect "$log" "[ps] arch: pstate: SPAN=1 DSSBS=0 from none: 0x0"
expect "$log" "[ps] arch: pstate: SPAN=0 DSSBS=0 from PAN|DIT|SSBS: 0x1400000"
expect "$log" "[ps] arch: pstate done"
expect_none "$log" 'check [0-9]+ failed|unexpected exception|stopped:'
finish
