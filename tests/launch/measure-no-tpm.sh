#!/usr/bin/env bash
# The measured launch without a TPM (packed without --tpm): the launch is
# the same, the hypervisor keeps the same event log (byte for byte the
# predicted one, read by a control domain), prints the PCR values the log
# implies, and says once that nothing was extended. With
# hyperlaunch,event-log in the host DTB's /chosen (not part of the LCM: the
# prediction is the same) it also prints the log itself, for a verifier
# without a domain that reads it: the same bytes again.
. "$(dirname "$0")/measure.bash"
measure_parts
pack "$MEASURE"
fdtput -t s "$PACK/host.dtb" /chosen hyperlaunch,event-log ""
build/lcm-tool predict "$MEASURE" -o "$WORK/predicted.log" >"$WORK/predict.txt" || exit 1
boot_pack "$LOG"
expect_rc 0
expect_count_re "$LOG" "measure: 16 events in [0-9]+ bytes of event log; no TPM: nothing was extended" 1
expect_none "$LOG" '^tpm:'
expect "$LOG" "[evlog] evlog: end"
expect_re "$LOG" "launch: final: 4 domains started, console to evlog, in [0-9.]+ ms total"
log_of evlog "$WORK/hv.log"
if ! cmp "$WORK/predicted.log" "$WORK/hv.log"; then
	echo "the hypervisor's event log differs from the prediction"
	failures=$((failures + 1))
fi
sed -n 's/^event-log: \([0-9a-f]*\)$/\1/p' "$LOG" | tr -d '\n' |
	python3 -c 'import sys; sys.stdout.buffer.write(bytes.fromhex(sys.stdin.read()))' >"$WORK/console.evlog"
expect_re "$LOG" "event-log: end \($(stat -c %s "$WORK/predicted.log") bytes\)"
if ! cmp "$WORK/predicted.log" "$WORK/console.evlog"; then
	echo "the log the console shows differs from the prediction"
	failures=$((failures + 1))
fi
for pcr in 8 9; do
	expect "$LOG" "measure: PCR $pcr sha256 $(sed -n "s/^PCR $pcr sha256 //p" "$WORK/predict.txt") (the log's)"
done
expect_last "$LOG" "hyperlaunch: all 6 domains are off (4 powered off, 1 not started, 1 destroyed or done); powering off"
finish
