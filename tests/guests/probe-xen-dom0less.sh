#!/usr/bin/env bash
# The probe guest, unchanged, under Xen 4.17 in dom0less mode (Debian's arm64
# build, no dom0): two domUs of build/guests/probe.img must each print
# "probe: ready" through Xen's vpl011, which they find in the device tree Xen
# writes for them (compatible "arm,sbsa-uart"; no stdout-path there). This
# keeps the promise of guests/probe/probe.c that one image runs on
# Hyperlaunch, on Xen dom0less and on bare QEMU, and checks bench/xen/run.sh.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
[ -f build/guests/probe.img ] || { echo "FAIL: build/guests/probe.img is missing (run make)"; exit 1; }
scripts/fetch-real-parts.sh xen || { echo "FAIL: fetching Xen"; exit 1; }
out=$(bench/xen/run.sh 2 --timeout 60 --out build/tests/guests/probe-xen-dom0less 2>&1)
rc=$?
echo "$out"
[ "$rc" = 0 ] || { echo "FAIL: bench/xen/run.sh exit status $rc"; exit 1; }
for d in 1 2; do
	printf '%s\n' "$out" | grep -q "^d$d ready at .*: probe: ready\$" || { echo "FAIL: no ready line from d$d"; exit 1; }
done
printf '%s\n' "$out" | grep -qx "xen: 2/2 ready in [0-9.]* s" || { echo "FAIL: no summary line"; exit 1; }
echo "PASS probe-xen-dom0less"
