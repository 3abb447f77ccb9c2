#!/usr/bin/env bash
# An LCM whose domain node name carries an escape sequence and a line break
# (a DTB made by hand: dtc refuses such names) is rejected by the hypervisor
# like any invalid LCM: the name rule is the LCM library's, the diagnostic
# shows the name's bytes escaped, and no raw control character reaches the
# console; like any rejected LCM, the machine stays on with the hypervisor
# keeping the console (boot-lcm-invalid.sh).
. "$(dirname "$0")/qemu.bash"

dtb_with "$WORK/lcm.dtb" tests/hv/fixtures/lcm-bad-name.dtsi || exit 1
at=$(grep -obUa 'xE.2JCLlaunch' "$WORK/lcm.dtb" | head -n 1 | cut -d: -f1)
printf 'x\033[2J\r\nlaunch' | dd of="$WORK/lcm.dtb" bs=1 seek="$at" conv=notrunc status=none
log=$WORK/console.log
boot_bg_qemu "$log" -kernel "$BIN" -dtb "$WORK/lcm.dtb"
wait_line "console: input to the hypervisor (Ctrl-A three times to switch)"
sleep 1                         # a power-off would have come at once
still_running
stop_bg
expect "$log" "lcm: error: /chosen/hypervisor/x\\x1b[2J\\x0d\\x0alaunch: name: byte 0x1b at 1 is not allowed (a domain's name is its node name: 1-31 letters, digits or \",._+-\", from a letter, \"@unit\" optional)"
expect_booted_on "$log" 4
expect "$log" "launch: FAILED: LCM rejected (1 error); the hypervisor keeps the console"
expect_last "$log" "console: input to the hypervisor (Ctrl-A three times to switch)"
if LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f-\xff]' "$log"; then
	echo "UNEXPECTED control or non-ASCII byte: $(LC_ALL=C grep -m1 $'[\x01-\x08\x0b-\x1f\x7f-\xff]' "$log" | od -c | head -n 3)"
	failures=$((failures + 1))
fi
finish
