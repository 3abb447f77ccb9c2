#!/usr/bin/env bash
# An LCM whose domain node name carries an escape sequence and a line break
# (a DTB made by hand: dtc refuses such names) is rejected by the hypervisor
# like any invalid LCM: the name rule is the LCM library's, the diagnostic
# shows the name's bytes escaped, and no raw control character reaches the
# console; the launch falls back.
. "$(dirname "$0")/qemu.bash"

dtb_with "$WORK/lcm.dtb" tests/hv/fixtures/lcm-bad-name.dtsi || exit 1
at=$(grep -obUa 'xE.2JCLlaunch' "$WORK/lcm.dtb" | head -n 1 | cut -d: -f1)
printf 'x\033[2J\r\nlaunch' | dd of="$WORK/lcm.dtb" bs=1 seek="$at" conv=notrunc status=none
log=$WORK/console.log
boot "$log" -kernel "$BIN" -dtb "$WORK/lcm.dtb"
expect "$log" "lcm: error: /chosen/hypervisor/x\\x1b[2J\\x0d\\x0alaunch: name: byte 0x1b at 1 is not allowed (a domain's name is its node name: 1-31 letters, digits or \",._+-\", from a letter, \"@unit\" optional)"
expect_booted "$log"
expect "$log" "launch: LCM rejected (1 errors): falling back to the console"
expect_last "$log" "hyperlaunch: no domains; powering off"
if LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f-\xff]' "$log"; then
	echo "UNEXPECTED control or non-ASCII byte: $(LC_ALL=C grep -m1 $'[\x01-\x08\x0b-\x1f\x7f-\xff]' "$log" | od -c | head -n 3)"
	failures=$((failures + 1))
fi
finish
