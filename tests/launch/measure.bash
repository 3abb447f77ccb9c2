# Shared by tests/launch/measure-*.sh (sourced, not a test itself): the
# measured launch of tests/launch/configs/measure.json, packed with a TPM
# (lcm-tool pack --tpm: run-qemu starts swtpm with a fresh state in a
# temporary folder and ends it with QEMU), its prediction, and the event
# log a domain printed, put back together and parsed by Debian's
# tpm2_eventlog (tpm2-tools).
. "$(dirname "${BASH_SOURCE[0]}")/launch.bash"
MEASURE=tests/launch/configs/measure.json
PARTS=build/tests/measure

for t in swtpm tpm2_eventlog; do
	if ! command -v "$t" >/dev/null; then
		echo "FAIL: $t is missing (scripts/setup.sh installs swtpm and tpm2-tools)"
		exit 1
	fi
done

# measure_parts: the event-log guest and the files the configuration names.
measure_parts() {
	mkdir -p "$PARTS"
	guest_c "$PARTS/evlog.img" tests/hv/evlog-guest.c || exit 1
	cp build/guests/probe.img "$PARTS/app2.img"
	printf 'not really microcode\n' >"$PARTS/ucode.bin"
}

# log_of DOMAIN OUT: the event log DOMAIN printed (evlog-guest.c), as bytes.
log_of() {
	grep -E "^\[$1\] evlog: x [0-9a-f]+$" "$LOG" | sed 's/.* x //' | tr -d '\n' |
		python3 -c 'import sys; sys.stdout.buffer.write(bytes.fromhex(sys.stdin.read()))' >"$2"
}

# events LOG: one line per event of LOG as tpm2_eventlog reads it:
# "PCR TYPE DIGEST TEXT"; the replayed PCRs as "pcr N sha256 HEX". Its
# warnings (a digest that does not match the event's text, a malformed
# event) are failures.
events() {
	tpm2_eventlog "$1" 2>"$1.warnings" | awk '
		/^  PCRIndex:/ { pcr = $2 }
		/^  EventType:/ { type = $2 }
		/^    Digest:/ { gsub(/"/, "", $2); digest = $2 }
		/^    String: \|-/ { getline; sub(/^ +/, ""); gsub(/"/, ""); sub(/\\0$/, ""); print pcr, type, digest, $0 }
		/^  Event: "00000000"/ { print pcr, type, digest, "separator" }
		/^    [0-9]+ +: 0x/ { print "pcr", $1, "sha256", substr($3, 3) }'
	if [ -s "$1.warnings" ]; then
		echo "tpm2_eventlog $1: $(cat "$1.warnings")"
		failures=$((failures + 1))
	fi
}
