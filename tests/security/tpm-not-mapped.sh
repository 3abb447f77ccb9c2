#!/usr/bin/env bash
# The TPM is the hypervisor's (docs/measured-launch.md): with a TPM in the
# machine (lcm-tool pack --tpm, swtpm with a fresh state), a domain that
# holds every privilege the LCM can give, control, hardware and the
# attestation agent's role, still cannot touch its registers: a load of
# TPM_DID_VID and a store to TPM_ACCESS (a locality request) at
# 0x0c000000 are synchronous external aborts, as where nothing is; the
# hypervisor's own use of the TPM is unchanged (its PCRs read back as the
# log says).
. "$(dirname "$0")/security.bash"

guest_c "$WORK/arch.img" tests/hv/arch-guest.c || exit 1
cat >"$WORK/config.json" <<JSON
{ "domains": [
  { "name": "priv", "permissions": ["control", "hardware"], "attestation-agent": true,
    "memory": "8M", "kernel": { "file": "$WORK/arch.img", "bootargs": "test=tpm" } }
] }
JSON
pack "$WORK/config.json" --tpm
boot_pack "$LOG"
expect_rc 0
expect_re "$LOG" "tpm: TIS at 0x0c000000, vendor 0x1014 device 0x0001, started, [0-9] active banks?"
# As the hardware domain, its RAM (and so its PC) is at its physical address.
pc='at PC 0x[0-9a-f]+'
as='delivered to the guest as a synchronous external abort'
expect_re "$LOG" "domain 1 priv: data abort at IPA 0xc000f00 \(read, no RAM or device\) $pc: $as"
expect_re "$LOG" "domain 1 priv: data abort at IPA 0xc000000 \(write, no RAM or device\) $pc: $as"
expect "$LOG" "[priv] arch: tpm: load: ESR 0x96000010 FAR 0xc000f00"
expect "$LOG" "[priv] arch: tpm: store: ESR 0x96000050 FAR 0xc000000"
expect "$LOG" "[priv] arch: 2 aborts taken"
expect "$LOG" "[priv] arch: tpm done"
expect_count_re "$LOG" "tpm: PCR [89] sha256 [0-9a-f]{64} \(read back: as the log says\)" 2
finish
