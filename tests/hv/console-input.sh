#!/usr/bin/env bash
# Console input: typed on QEMU's stdin (QEMU's own escape key moved off
# Ctrl-A with -echr), it goes to one domain at a time. The launch gives it
# to the first domain; Ctrl-A three times moves it to the next running
# domain (the probe, off by then, is skipped), then to the hypervisor, then
# round to the first again, each move announced; one or two Ctrl-A in a
# row are input like any other (printed as '.' in the echo's line). The echo domain
# (test-guest.S) reads what it gets through its emulated PL011's DR and
# writes it back: its line shows the input reached that domain only.
. "$(dirname "$0")/qemu.bash"

guest_asm "$WORK/echo.img" -DECHO || exit 1
pack tests/hv/configs/console.json --cpus 2
log=$WORK/console.log
boot_bg "$log" -echr 0x14
wait_line "console: input to spin (Ctrl-A three times to switch)"
wait_line "[echo] echo: ready"
wait_line "domain 2 probe: powered off"
input 'lost\n'                  # to spin, which never reads it
input '\001\001\001'
wait_line "console: input to echo (Ctrl-A three times to switch)"
input 'hello\n'
wait_line "[echo] hello"
input 'a\001b\001\001c\n'       # fewer than three Ctrl-A are input like any other
wait_line "[echo] a.b..c"
input '\001\001\001'
wait_line "console: input to the hypervisor (Ctrl-A three times to switch)"
input 'dropped\n\001\001\001'
wait_line "console: input to spin (Ctrl-A three times to switch)" 2
stop_bg
expect_count "$log" "[echo] hello" 1
expect_none "$log" 'lost|dropped'
finish
