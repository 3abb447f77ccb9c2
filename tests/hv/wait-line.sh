#!/usr/bin/env bash
# qemu.bash's wait_line, without QEMU: a stand-in process writes the console
# log. The race it must survive (seen under load in linux-shell): QEMU prints
# its last line and exits between wait_line's look at the log and its check
# that QEMU still runs. Here that order is forced: `kill -0` (the check) is
# wrapped so that it first lets the stand-in print its line and waits for it
# to exit. wait_line must find the line; an old wait_line reports TIMEOUT.
# Also: a line already there, a line that never comes from a process that
# ended, and the deadline with a process that runs on.
. "$(dirname "$0")/qemu.bash"

BG_LOG=$WORK/console.log
go=$WORK/go
rm -f "$go"
mkfifo "$go"

# stand_in LINE: a background "QEMU" that prints LINE once told to (a line
# on the FIFO $go), then exits.
stand_in() {
	: >"$BG_LOG.raw"
	exec 4<>"$go"
	(read -r _ <&4; printf '%s\r\n' "$1" >>"$BG_LOG.raw") &
	BG_PID=$!
}

# kill -0 (wait_line's "is QEMU still running?") lets the stand-in print and
# exit first: the log had no line when wait_line last looked, and the
# process is gone now.
kill() {
	if [ "$1" = -0 ] && [ -n "${RACE:-}" ]; then
		echo go >&4
		wait "$BG_PID" 2>/dev/null
	fi
	command kill "$@"
}

# ok NAME WANT: wait_line's status was WANT (0 found, 1 not).
ok() {
	if [ "$got" != "$2" ]; then
		echo "WRONG: $1: wait_line returned $got, expected $2"
		bad=$((bad + 1))
	fi
}
bad=0

# The race: the line arrives with the exit, after the look at the log.
stand_in "[sh] linux: ready"
RACE=1 wait_line "[sh] linux: ready" 1 5
got=$?
ok "last line printed as QEMU exits" 0
wait "$BG_PID" 2>/dev/null

# The line is there before the first look.
stand_in "[sh] linux: ready"
echo go >&4
wait "$BG_PID" 2>/dev/null
wait_line "[sh] linux: ready" 1 5
got=$?
ok "line already there" 0

# QEMU ends without the line: false at once, not at the deadline.
stand_in "something else"
t0=$(date +%s)
saved=$failures
RACE=1 wait_line "[sh] linux: ready" 1 10 >/dev/null
got=$?
ok "QEMU ended without the line" 1
[ "$(( $(date +%s) - t0 ))" -lt 5 ] || { echo "WRONG: waited for the deadline after QEMU ended"; bad=$((bad + 1)); }
[ "$failures" = $((saved + 1)) ] || { echo "WRONG: a missing line does not count as a failure"; bad=$((bad + 1)); }
failures=$saved

# QEMU runs on without the line: false at the deadline.
stand_in "[sh] linux: ready"
saved=$failures
wait_line "never printed" 1 1 >/dev/null
got=$?
ok "deadline" 1
failures=$saved
echo go >&4
wait "$BG_PID" 2>/dev/null
exec 4>&-

failures=$((failures + bad))
finish
