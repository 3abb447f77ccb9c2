#!/usr/bin/env bash
# Console forgery: a domain (console-forgery-guest.c) writes C1 control bytes,
# C1 and bidi controls in UTF-8, escape sequences, a fake "[other] ..." line
# after a CR without LF or after NEL or LINE SEPARATOR, other C0 controls,
# ill-formed UTF-8, and UTF-8 sequences split between two writes. The
# console shows each case as one "[forge] ..." line with every refused
# character as '.' (escape sequences and CR dropped), valid UTF-8 unchanged,
# and nothing of it raw: no C1 byte, no bidi control, no ESC, no line that
# starts with another domain's name. A created domain whose name carries an
# escape and a line break is refused, its name shown escaped.
. "$(dirname "$0")/qemu.bash"

guest_c "$WORK/forge.img" tests/hv/console-forgery-guest.c || exit 1
pack tests/hv/configs/console-forgery.json --cpus 1
log=$WORK/console.log
boot_pack "$log"
expect_booted_on "$log" 1
expect_rc 0
expect "$log" "[forge] c1: A.B.C.D.E.F.G"
expect "$log" "[forge] utf8-c1: A.B.31mC.D.E.F"
expect "$log" "[forge] bidi: A.B.C.D.E.F.G.H.I"
expect "$log" "[forge] esc: ABC0;title.DE"
expect "$log" "[forge] cr: x[other] fake"
expect "$log" "[forge] cr-clear: x[other] fake"
expect "$log" "[forge] nel: x.[other] fake"
expect "$log" "[forge] ls: x.[other] fake"
expect "$log" "$(printf '[forge] controls: A.B.C.D.E.F.G\tH')"
expect "$log" "[forge] bad: A..B...C....D.E.F.....G"
expect "$log" "$(printf '[forge] ok: caf\xc3\xa9 \xe2\x9c\x93 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80')"
expect "$log" "$(printf '[forge] split: A.B.C.D\xc3\xa9E\xf0\x9f\x98\x80F')"
expect "$log" "[forge] end: A."
expect "$log" "create: forge: /chosen/hypervisor/evil\\x1b[2J\\x0d\\x0a[other] fake: name: byte 0x1b at 4 is not allowed (a domain's name is its node name: 1-31 letters, digits or \",._+-\", from a letter, \"@unit\" optional)"
expect "$log" "[forge] forge: create: EINVAL"
expect "$log" "[forge] forge: done"
expect "$log" "domain 1 forge: powered off"
# Nothing raw: outside the one line of valid UTF-8, no byte above 0x7f;
# nowhere a C1 control in UTF-8 or a bidi control, an ESC, another C0
# control than tab, nor a line of "other".
if LC_ALL=C grep -v '^\[forge\] \(ok\|split\): ' "$log" | LC_ALL=C grep -q $'[\x80-\xff]'; then
	echo "UNEXPECTED byte above 0x7f: $(LC_ALL=C grep -v '^\[forge\] \(ok\|split\): ' "$log" | LC_ALL=C grep -m1 $'[\x80-\xff]' | od -c | head -n 3)"
	failures=$((failures + 1))
fi
if LC_ALL=C grep -qE $'\xc2[\x80-\x9f]|\xd8\x9c|\xe2\x80[\x8e\x8f\xa8-\xae]|\xe2\x81[\xa6-\xa9]' "$log"; then
	echo "UNEXPECTED C1, bidi or separator character in UTF-8"
	failures=$((failures + 1))
fi
if LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]' "$log"; then
	echo "UNEXPECTED control character: $(LC_ALL=C grep -m1 $'[\x01-\x08\x0b-\x1f\x7f]' "$log" | od -c | head -n 3)"
	failures=$((failures + 1))
fi
expect_none "$log" '^\[other\]'
finish
