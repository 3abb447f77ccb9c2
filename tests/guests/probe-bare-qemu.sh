#!/usr/bin/env bash
# The probe guest is an ordinary arm64 Image: QEMU boots it directly at EL1
# (no hypervisor), it finds the PL011 in QEMU's device tree, prints its ready
# line and powers the machine off through PSCI. This is the baseline the
# hypervisor tests and the benchmark build on.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
out=$(timeout 20 qemu-system-aarch64 -machine virt,gic-version=3 -cpu cortex-a57 \
	-nographic -nic none -m 128M -kernel "$top/build/guests/probe.img" 2>&1)
rc=$?
echo "$out"
[ "$rc" = 0 ] || { echo "FAIL: QEMU exit status $rc (124: timeout; the probe did not power off)"; exit 1; }
[ "$(printf '%s\n' "$out" | tr -d '\r')" = "probe: ready" ] || { echo "FAIL: expected exactly 'probe: ready'"; exit 1; }
