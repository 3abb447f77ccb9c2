#!/usr/bin/env bash
# Launch benchmark (not a test): for N = 1, 32 and 128 probe domains (8 MiB
# each, on min(N, 4) CPUs of QEMU virt, cortex-a57, TCG), the wall time from
# starting QEMU to the last "probe: ready" line on the console, median of
# RUNS (3) boots; and the size of the hypervisor image.
#
#   bench/launch.sh [N...]          default: 1 32 128
#
# Needs `make` first (build/hyperlaunch.bin, build/lcm-tool, the probe).
# Times are host wall-clock: they include QEMU's own start (about 0.1-0.2 s)
# and depend on the host's load.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
runs=${RUNS:-3}
out=build/bench
mkdir -p "$out"
counts=("$@")
[ ${#counts[@]} -gt 0 ] || counts=(1 32 128)

for f in build/hyperlaunch.bin build/lcm-tool build/guests/probe.img; do
	[ -f "$f" ] || { echo "bench: $f is missing (run make)" >&2; exit 2; }
done

# config N: a launch of N probes, written next to the packed folders.
config() {
	local n=$1 i
	{
		echo '{ "domains": ['
		for ((i = 1; i <= n; i++)); do
			printf '  {"name": "p%d", "memory": "8M", "kernel": "../guests/probe.img"}%s\n' \
				"$i" "$([ "$i" -lt "$n" ] && echo ,)"
		done
		echo '] }'
	} >"$out/probes-$n.json"
}

# ready_ms DIR N: one boot; milliseconds from QEMU's start to the Nth ready
# line ("-" if it never came within 120 s).
ready_ms() {
	local dir=$1 n=$2 t0
	t0=$(date +%s%N)
	timeout 120 "$dir/run-qemu" </dev/null 2>/dev/null | tr -d '\r' | {
		seen=0
		result=-
		while IFS= read -r line; do
			case $line in
			"["*"] probe: ready")
				seen=$((seen + 1))
				if [ "$seen" -eq "$n" ]; then
					result=$(( ($(date +%s%N) - t0) / 1000000 ))
				fi
				;;
			esac
		done
		echo "$result"
	}
}

median() {
	printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

size=$(stat -c %s build/hyperlaunch.bin)
printf 'hyperlaunch.bin: %d bytes (%d KiB)\n' "$size" $(( (size + 1023) / 1024 ))
printf '%-8s %-28s %s\n' domains "boot to last ready (ms)" median
for n in "${counts[@]}"; do
	config "$n"
	build/lcm-tool pack "$out/probes-$n.json" -o "$out/probes-$n" >/dev/null || exit 1
	times=()
	for ((r = 0; r < runs; r++)); do
		times+=("$(ready_ms "$out/probes-$n" "$n")")
	done
	printf '%-8s %-28s %s ms\n' "$n" "${times[*]}" "$(median "${times[@]}")"
done
