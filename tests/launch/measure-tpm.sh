#!/usr/bin/env bash
# The measured launch with a TPM, checked three ways: lcm-tool predict's
# event log and PCRs, the hypervisor's own event log (read by a control
# domain with HL_EVENT_LOG_READ, parsed and replayed by Debian's
# tpm2_eventlog) and the PCRs the hypervisor reads back from the TPM
# (swtpm, a fresh state for this boot) all agree, byte for byte for the
# logs. The order is the documented one: the LCM, the config module, every
# domain's modules, then each domain's launch parameters as it starts, the
# Boot Domain's bootargs change included, then the separators. The other
# banks of swtpm (sha1, sha384, sha512) are capped; a domain without a role
# may not read the log.
. "$(dirname "$0")/measure.bash"
measure_parts
pack "$MEASURE" --tpm
build/lcm-tool predict "$MEASURE" -o "$WORK/predicted.log" >"$WORK/predict.txt" || exit 1
cat "$WORK/predict.txt"
boot_pack "$LOG"
expect_rc 0
expect "$LOG" "tpm: TIS at 0x0c000000, vendor 0x1014 device 0x0001, started, 4 active banks"
expect "$LOG" "tpm: banks sha1, sha384, sha512 are not computed by the hypervisor: PCRs 8 and 9 capped in them"
expect "$LOG" "[bootdom] bootdom: bootargs app1: ok"
expect "$LOG" "[evlog] evlog: end"
expect "$LOG" "[nolog] evlog: read: EPERM"
expect "$LOG" "policy: denied: nolog (domU_t) may not read the event log [role]"
expect_re "$LOG" "measure: 16 events in [0-9]+ bytes of event log, 16 extended in [0-9]+\.[0-9]{3} ms"
log_of evlog "$WORK/hv.log"
if ! cmp "$WORK/predicted.log" "$WORK/hv.log"; then
	echo "the hypervisor's event log differs from the prediction"
	failures=$((failures + 1))
fi
events "$WORK/hv.log" >"$WORK/events.txt"
cat "$WORK/events.txt"
want=(
	"9 EV_IPL lcm: /chosen/hypervisor"
	"9 EV_IPL config: microcode"
	"9 EV_IPL domain 32757 bootdom: kernel"
	"9 EV_IPL domain 32757 bootdom: config"
	"9 EV_IPL domain 1 app1: kernel"
	"9 EV_IPL domain 2 app2: kernel"
	"9 EV_IPL domain 3 evlog: kernel"
	"9 EV_IPL domain 4 nolog: kernel"
	"9 EV_IPL domain 5 recovery: kernel"
	"8 EV_IPL domain_launch: domid=32757 name=bootdom permissions=0x0 functions=0x1 label=domU_t memory=16384KiB vcpus=1 bootargs="
	"8 EV_IPL domain_launch: domid=2 name=app2 permissions=0x0 functions=0x0 label=domU_t memory=8192KiB vcpus=1 bootargs="
	"8 EV_IPL domain_launch: domid=1 name=app1 permissions=0x0 functions=0x0 label=domU_t memory=8192KiB vcpus=1 bootargs=from=bootdom measured=1"
	"8 EV_IPL domain_launch: domid=3 name=evlog permissions=0x1 functions=0x0 label=domU_t memory=8192KiB vcpus=1 bootargs=chunk=1000"
	"8 EV_IPL domain_launch: domid=4 name=nolog permissions=0x0 functions=0x0 label=domU_t memory=8192KiB vcpus=1 bootargs="
	"8 EV_SEPARATOR separator"
	"9 EV_SEPARATOR separator"
)
got=$(grep -v '^pcr ' "$WORK/events.txt" | cut -d' ' -f1,2,4-)
if [ "$got" != "$(printf '%s\n' "${want[@]}")" ]; then
	echo "the events are not the expected ones, in the expected order:"
	diff <(printf '%s\n' "${want[@]}") <(printf '%s\n' "$got")
	failures=$((failures + 1))
fi
# The sha256 of each module event is the file's.
kernel=$(sha256sum <"$PARTS/app2.img" | cut -d' ' -f1)
grep -qxF "9 EV_IPL $kernel domain 2 app2: kernel" "$WORK/events.txt" ||
	{ echo "app2's kernel event is not its SHA-256 $kernel"; failures=$((failures + 1)); }
for pcr in 8 9; do
	predicted=$(sed -n "s/^PCR $pcr sha256 //p" "$WORK/predict.txt")
	replayed=$(sed -n "s/^pcr $pcr sha256 //p" "$WORK/events.txt")
	if [ -z "$predicted" ] || [ "$predicted" != "$replayed" ]; then
		echo "PCR $pcr: predicted '$predicted', tpm2_eventlog replays '$replayed'"
		failures=$((failures + 1))
	fi
	expect "$LOG" "tpm: PCR $pcr sha256 $predicted (read back: as the log says)"
	expect "$LOG" "measure: PCR $pcr sha256 $predicted (the log's)"
done
expect_last "$LOG" "hyperlaunch: all 6 domains are off (4 powered off, 1 not started, 1 destroyed or done); powering off"
finish
