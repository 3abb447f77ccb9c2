#!/usr/bin/env bash
# A config line the reference Boot Domain refuses, in a measured launch
# (no TPM): the Boot Domain applies the lines before it (the Recovery
# Domain's new bootargs), reports the line and says done with status 4;
# the launch fails and the Recovery Domain takes over. lcm-tool predict,
# reading the config with the Boot Domain's own parser (lib/bootcfg),
# predicts that failed launch, byte for byte the event log the hypervisor
# keeps (read by the Recovery Domain): the Boot Domain's parameters, the
# Recovery Domain's with the bootargs of line 5, never line 7's, then the
# separators; and says so.
. "$(dirname "$0")/measure.bash"
MEASURE=tests/launch/configs/measure-bad-config.json
measure_parts
pack "$MEASURE"
build/lcm-tool predict "$MEASURE" -o "$WORK/predicted.log" >"$WORK/predict.txt" 2>"$WORK/predict.err" || exit 1
cat "$WORK/predict.txt" "$WORK/predict.err"
expect "$WORK/predict.err" "lcm-tool: note: the Boot Domain refuses ../files/measure-bad.cfg: config line 6: unknown domain: order app1 nobody: predicted the failed launch that follows (the bootargs of the lines before it applied; the Recovery Domain recovery started)"
boot_pack "$LOG"
expect_rc 0
expect "$LOG" "[bootdom] bootdom: bootargs app1: ok"
expect "$LOG" "[bootdom] bootdom: bootargs recovery: ok"
expect "$LOG" "[bootdom] bootdom: config line 6: unknown domain: order app1 nobody"
expect "$LOG" "[bootdom] bootdom: failed, saying done with status 4"
expect "$LOG" "launch: FAILED: domain 32757 bootdom: the Boot Domain said done with status 4"
expect "$LOG" "launch: starting the Recovery Domain recovery"
expect "$LOG" "[recovery] evlog: end"
expect_count_re "$LOG" "\[bootdom\] bootdom: bootargs [a-z0-9]+: ok" 2
expect_none "$LOG" '^\[app1\]'
log_of recovery "$WORK/hv.log"
if ! cmp "$WORK/predicted.log" "$WORK/hv.log"; then
	echo "the hypervisor's event log differs from the prediction"
	failures=$((failures + 1))
fi
events "$WORK/hv.log" >"$WORK/events.txt"
cat "$WORK/events.txt"
params=$(grep '^8 ' "$WORK/events.txt" | cut -d' ' -f1,2,4-)
want="8 EV_IPL domain_launch: domid=32757 name=bootdom permissions=0x0 functions=0x1 label=domU_t memory=16384KiB vcpus=1 bootargs=
8 EV_IPL domain_launch: domid=2 name=recovery permissions=0x0 functions=0x2 label=domU_t memory=8192KiB vcpus=1 bootargs=chunk=700
8 EV_SEPARATOR separator"
if [ "$params" != "$want" ]; then
	echo "PCR 8 events: expected the Boot Domain's and the Recovery Domain's parameters, then the separator; got:"
	echo "$params"
	failures=$((failures + 1))
fi
finish
