#!/usr/bin/env bash
# Bootargs a Boot Domain sets (HL_BOOT_CONFIGURE) are guest-supplied text:
# the hypervisor's "configures ... bootargs" line shows them through
# console_sanitize, so an escape sequence, a C1 control in UTF-8, a bidi
# override and a CR that would let the rest pose as a hypervisor line are
# each one '.'. The reference Boot Domain reads them from its config module
# (written here: the repository keeps no raw control bytes).
. "$(dirname "$0")/launch.bash"
printf '# bootargs with controls\nbootargs app1 a\033[31mred\302\233x\342\200\256y\rlaunch: final\n' \
	>"$WORK/forgery.cfg"
launch_boot tests/launch/configs/bootargs-forgery.json
expect_rc 0
expect "$LOG" 'launch: prepare: bootdom configures app1: bootargs "a.[31mred.x.y.launch: final"'
expect "$LOG" "[bootdom] bootdom: bootargs app1: ok"
expect "$LOG" "[app1] probe: ready"
if LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f-\xff]' "$LOG"; then
	echo "UNEXPECTED control or non-ASCII byte: $(LC_ALL=C grep -m1 $'[\x01-\x08\x0b-\x1f\x7f-\xff]' "$LOG" | od -c | head -n 3)"
	failures=$((failures + 1))
fi
finish
