#!/usr/bin/env bash
# Remote attestation of a measured launch: an attestation key (AK) is made
# in this test's own swtpm state with tpm2-tools (EK, AK under it, made
# persistent at 0x81010002); the launch boots on that state; the domain the
# LCM names as the attestation agent (also a control domain, so that it may
# read the event log) asks for a quote of PCRs 8 and 9 with a fresh nonce
# (HL_TPM_QUOTE), first before the launch is final (HL_EBUSY), then after and sends it out with the log; the verifier on the host
# checks it with tpm2_checkquote against the PCR values lcm-tool predict
# gives for the same configuration, the log replaying to them. A wrong
# nonce or a PCR value off by one bit fails the check; a domain that is not
# the agent is denied; an edited log does not replay.
. "$(dirname "$0")/measure.bash"
for t in tpm2_createek tpm2_createak tpm2_evictcontrol tpm2_flushcontext tpm2_checkquote; do
	command -v "$t" >/dev/null || { echo "FAIL: $t is missing (tpm2-tools)"; exit 1; }
done
mkdir -p "$PARTS"
guest_c "$PARTS/quote.img" tests/hv/quote-guest.c || exit 1
state=$(cd "$WORK" && pwd)/tpm
swtpm_pid=
cleanup() {
	[ -z "$swtpm_pid" ] || { kill "$swtpm_pid" 2>/dev/null; wait "$swtpm_pid" 2>/dev/null; }
	rm -rf "$state"
}
trap cleanup EXIT
rm -rf "$state" && mkdir -p "$state"

# The AK, in a fresh TPM state (tpm2-tools talk to swtpm over its socket).
swtpm socket --tpm2 --tpmstate dir="$state" --server type=unixio,path="$state/tools" \
	--ctrl type=unixio,path="$state/tools.ctrl" --flags not-need-init,startup-clear \
	>"$WORK/swtpm-tools.log" 2>&1 &
swtpm_pid=$!
for _ in $(seq 100); do [ -S "$state/tools.ctrl" ] && break; sleep 0.05; done
export TPM2TOOLS_TCTI="swtpm:path=$state/tools"
(
	set -e
	cd "$WORK"
	tpm2_createek -c ek.ctx -G rsa -u ek.pub
	tpm2_createak -C ek.ctx -c ak.ctx -G rsa -g sha256 -s rsassa -u ak.pem -f pem -n ak.name
	tpm2_flushcontext -t
	tpm2_flushcontext -s
	tpm2_evictcontrol -C o -c ak.ctx 0x81010002
) >"$WORK/ak.log" 2>&1 || { echo "FAIL: making the AK"; cat "$WORK/ak.log"; exit 1; }
kill "$swtpm_pid" && wait "$swtpm_pid" 2>/dev/null
swtpm_pid=
rm -f "$state/tools" "$state/tools.ctrl"
unset TPM2TOOLS_TCTI

# The launch: a Boot Domain that starts the agent first and waits for it,
# an application, the agent, and a domain that is not the agent. The
# agent's first quote comes before the launch is final: HL_EBUSY, then it
# reports ready, the Boot Domain ends the launch and the agent's next try
# is answered.
nonce=$(od -An -tx1 -N20 /dev/urandom | tr -d ' \n')
top_abs=$(pwd)
printf 'order agent\nwait agent\n' >"$WORK/bootdom.cfg"
cat >"$WORK/quote.json" <<JSON
{
  "domains": [
    { "name": "bootdom", "functions": ["boot"], "memory": "16M",
      "kernel": "$top_abs/build/guests/bootdom.img", "config": "$top_abs/$WORK/bootdom.cfg" },
    { "name": "app1", "memory": "8M", "kernel": "$top_abs/build/guests/probe.img" },
    { "name": "agent", "attestation-agent": true, "permissions": ["control"], "memory": "8M",
      "kernel": { "file": "$top_abs/$PARTS/quote.img", "bootargs": "ak=0x81010002 nonce=$nonce" } },
    { "name": "other", "memory": "8M",
      "kernel": { "file": "$top_abs/$PARTS/quote.img", "bootargs": "ak=0x81010002 nonce=$nonce" } }
  ]
}
JSON
pack "$WORK/quote.json" --tpm
build/lcm-tool predict "$WORK/quote.json" >"$WORK/predict.txt" || exit 1
TPM_STATE=$state boot_pack "$LOG"
expect_rc 0
expect "$LOG" "[other] quote: EPERM"
expect "$LOG" "[agent] quote: EBUSY: the launch is not final yet"
expect "$LOG" "[bootdom] bootdom: agent ready"
expect "$LOG" "policy: denied: other (domU_t) may not ask for a TPM quote [role]"
expect_re "$LOG" "\[agent\] quote: end [0-9]+ bytes"
expect_re "$LOG" "\[agent\] quote: log end [0-9]+ bytes"
for pcr in 8 9; do
	expect "$LOG" "tpm: PCR $pcr sha256 $(sed -n "s/^PCR $pcr sha256 //p" "$WORK/predict.txt") (read back: as the log says)"
done

# The verifier: the quote (TPM2B_ATTEST: its size, the TPMS_ATTEST; then the
# TPMT_SIGNATURE), the predicted PCRs, the nonce it chose.
grep -E '^\[agent\] quote: x [0-9a-f]+$' "$LOG" | sed 's/.* x //' | tr -d '\n' | python3 -c '
import sys
b = bytes.fromhex(sys.stdin.read())
n = int.from_bytes(b[:2], "big")
open(sys.argv[1], "wb").write(b[2:2 + n])
open(sys.argv[2], "wb").write(b[2 + n:])' "$WORK/quote.msg" "$WORK/quote.sig"
pcrs() { sed -n 's/^PCR [89] sha256 //p' "$WORK/predict.txt" | tr -d '\n'; }
pcrs | python3 -c 'import sys; sys.stdout.buffer.write(bytes.fromhex(sys.stdin.read()))' >"$WORK/pcrs.bin"
grep -E '^\[agent\] quote: log [0-9a-f]+$' "$LOG" | sed 's/.* log //' | tr -d '\n' |
	python3 -c 'import sys; sys.stdout.buffer.write(bytes.fromhex(sys.stdin.read()))' >"$WORK/hv.log"
checkquote() {
	tpm2_checkquote -u "$WORK/ak.pem" -m "$WORK/quote.msg" -s "$WORK/quote.sig" \
		-f "$1" -l sha256:8,9 -g sha256 -q "$2" -e "$WORK/hv.log"
}
if checkquote "$WORK/pcrs.bin" "$nonce" >"$WORK/checkquote.log" 2>&1; then
	cat "$WORK/checkquote.log"
else
	echo "tpm2_checkquote refused the quote against the prediction:"
	cat "$WORK/checkquote.log"
	failures=$((failures + 1))
fi
other_nonce=$(od -An -tx1 -N20 /dev/urandom | tr -d ' \n')
if checkquote "$WORK/pcrs.bin" "$other_nonce" >/dev/null 2>&1; then
	echo "tpm2_checkquote accepted another nonce"
	failures=$((failures + 1))
fi
python3 -c 'import sys; b = bytearray(open(sys.argv[1], "rb").read()); b[40] ^= 1; open(sys.argv[2], "wb").write(b)' \
	"$WORK/pcrs.bin" "$WORK/pcrs-wrong.bin"
if checkquote "$WORK/pcrs-wrong.bin" "$nonce" >/dev/null 2>&1; then
	echo "tpm2_checkquote accepted PCR 9 off by one bit"
	failures=$((failures + 1))
fi
# A log whose first measurement (the LCM's) was edited no longer replays.
python3 -c 'import sys; b = bytearray(open(sys.argv[1], "rb").read()); b[65 + 14] ^= 1; open(sys.argv[2], "wb").write(b)' \
	"$WORK/hv.log" "$WORK/hv-edited.log"
if tpm2_checkquote -u "$WORK/ak.pem" -m "$WORK/quote.msg" -s "$WORK/quote.sig" -f "$WORK/pcrs.bin" \
	-l sha256:8,9 -g sha256 -q "$nonce" -e "$WORK/hv-edited.log" >/dev/null 2>&1; then
	echo "tpm2_checkquote accepted an edited event log"
	failures=$((failures + 1))
fi
finish
