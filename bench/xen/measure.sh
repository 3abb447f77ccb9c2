#!/usr/bin/env bash
# The Xen dom0less reference numbers: bench/xen/run.sh for N = 1, 32, 128
# probes and N = 1, 4 Linux domUs (Debian's kernel + the busybox "ready"
# initramfs), each RUNS times (default 5). Prints, per configuration, the
# host wall time until the last ready line (min / median / max) and Xen's own
# clock at that line (median), plus how many runs failed. Other QEMU processes
# on the host inflate the numbers; run it on a quiet machine.
#
# Usage: bench/xen/measure.sh [RUNS] [-- run.sh options...]
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
runs=5
if [ $# -gt 0 ] && [ "$1" != -- ]; then runs=$1; shift; fi
[ "${1:-}" != -- ] || shift
extra=("$@")

scripts/fetch-real-parts.sh >/dev/null || exit 1
[ -f build/guests/probe.img ] || make -s build/guests/probe.img || exit 1
initrd=build/guests/linux/ready.cpio.gz
guests/linux/mkinitramfs.sh "$initrd" --init guests/linux/init-ready >/dev/null || exit 1
linux=(--guest build/deps/linux/Image --ramdisk "$initrd")

# stats VALUES...: "min / median / max"
stats() {
	printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END {
		if (NR == 0) { print "-"; exit }
		m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		printf "%.3f / %.3f / %.3f", v[1], m, v[NR] }'
}
median() { stats "$@" | awk -F' / ' '{ print $2 }'; }

echo "Xen dom0less on QEMU: $runs runs each, host $(nproc) CPUs; wall s (min / median / max), Xen clock s (median)"
row() {
	local label=$1 n=$2
	shift 2
	local walls=() xens=() fails=0 busy=0 out rc
	for _ in $(seq 1 "$runs"); do
		out=$(bench/xen/run.sh "$n" -q --out "build/bench/xen/measure" "$@" "${extra[@]}" 2>&1)
		rc=$?
		if printf '%s\n' "$out" | grep -q '^note: .* other QEMU'; then busy=$((busy + 1)); fi
		if [ $rc = 0 ]; then
			walls+=("$(printf '%s\n' "$out" | sed -n 's/^xen: .* ready in \([0-9.]*\) s$/\1/p')")
			xens+=("$(printf '%s\n' "$out" | sed -n 's/.*last ready line at \([0-9.]*\) s$/\1/p')")
		else
			fails=$((fails + 1))
			printf '%s\n' "$out" | grep -E '^(xen|note):' | tail -2 | sed 's/^/    /'
		fi
	done
	printf '%-12s wall %-23s  Xen clock %-6s  failed %d/%d%s\n' "$label" "$(stats "${walls[@]}")" \
		"$(median "${xens[@]}")" "$fails" "$runs" ""
	[ "$busy" = 0 ] || printf '%12s (%d of the runs shared the host with other QEMU processes)\n' "" "$busy"
}
row "probe x1" 1
row "probe x32" 32
row "probe x128" 128
row "linux x1" 1 "${linux[@]}"
row "linux x4" 4 "${linux[@]}"
