#!/usr/bin/env bash
# A tampered module in a measured launch (TPM: swtpm, a fresh state): one
# byte of app2's kernel changed after packing. The launch takes the failure
# path it always took (the digest check refuses app2, the launch fails, the
# Recovery Domain takes over and nothing else starts), and the log says
# exactly what happened: of the predicted measurements of what the launch
# read (PCR 9) only app2's kernel differs, and it is the SHA-256 of the
# tampered file; the only launch parameters measured (PCR 8) are the
# Recovery Domain's, before the separators; the TPM agrees with the log.
. "$(dirname "$0")/measure.bash"
measure_parts
pack "$MEASURE" --tpm
build/lcm-tool predict "$MEASURE" -o "$WORK/predicted.log" >"$WORK/predict.txt" || exit 1
mod=$(ls "$PACK"/modules/*-app2.img)
cp "$mod" "$mod.new" && mv "$mod.new" "$mod"
printf '\x5a' | dd of="$mod" bs=1 seek=4096 conv=notrunc status=none
tampered=$(sha256sum <"$mod" | cut -d' ' -f1)
boot_pack "$LOG"
expect_rc 0
expect_re "$LOG" "domain 2 app2: not started: kernel module 0x[0-9a-f]+\+0x[0-9a-f]+: SHA-256 mismatch: LCM has [0-9a-f]{64}, module has $tampered"
expect "$LOG" "launch: FAILED: domain 2 app2: not started: see its build line above"
expect "$LOG" "launch: starting the Recovery Domain recovery"
expect "$LOG" "[recovery] evlog: end"
expect_none "$LOG" '^\[(bootdom|app1|evlog|nolog)\]'
expect_re "$LOG" "measure: 12 events in [0-9]+ bytes of event log, 12 extended in [0-9]+\.[0-9]{3} ms"
log_of recovery "$WORK/hv.log"
events "$WORK/hv.log" >"$WORK/events.txt"
events "$WORK/predicted.log" >"$WORK/predicted.txt"
cat "$WORK/events.txt"
changed=$(diff <(grep '^9 EV_IPL' "$WORK/predicted.txt") <(grep '^9 EV_IPL' "$WORK/events.txt") |
	grep '^>')
if [ "$changed" != "> 9 EV_IPL $tampered domain 2 app2: kernel" ]; then
	echo "PCR 9 events: expected only app2's kernel to change, to $tampered; got: $changed"
	failures=$((failures + 1))
fi
params=$(grep '^8 ' "$WORK/events.txt" | cut -d' ' -f1,2,4-)
want="8 EV_IPL domain_launch: domid=5 name=recovery permissions=0x0 functions=0x2 label=domU_t memory=8192KiB vcpus=1 bootargs=
8 EV_SEPARATOR separator"
if [ "$params" != "$want" ]; then
	echo "PCR 8 events: expected the Recovery Domain's parameters, then the separator; got:"
	echo "$params"
	failures=$((failures + 1))
fi
for pcr in 8 9; do
	replayed=$(sed -n "s/^pcr $pcr sha256 //p" "$WORK/events.txt")
	predicted=$(sed -n "s/^PCR $pcr sha256 //p" "$WORK/predict.txt")
	[ "$replayed" != "$predicted" ] || { echo "PCR $pcr is the predicted one"; failures=$((failures + 1)); }
	expect "$LOG" "tpm: PCR $pcr sha256 $replayed (read back: as the log says)"
done
finish
