#!/usr/bin/env bash
# Linux benchmark (not a test): for N = 1, 4 and 8 Debian Linux 6.1 domains
# (128 MiB, 1 vCPU each, the busybox "ready" initramfs: its /init prints
# "linux: ready (uptime U s)" and powers off), the wall time from starting
# QEMU to the last "linux: ready" line, median of RUNS (3) boots; and the
# same kernel and initramfs booted on bare QEMU (no hypervisor, -smp 1,
# 128 MiB) for comparison. One domain runs on 1 CPU, like the bare boot;
# 4 and 8 domains on 4 CPUs of QEMU virt (cortex-a57, TCG).
#
#   bench/linux.sh [N...]          default: 1 4 8
#
# Needs `make` first; fetches the kernel and busybox (scripts/
# fetch-real-parts.sh) and builds the initramfs when missing. Times are
# host wall-clock: they include QEMU's own start, the hypervisor's domain
# builds (module digests, zeroing and copying guest RAM) and depend on the
# host's load; the guest's own uptime at its ready line (the largest of the
# boot) is shown too, median of the runs.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
runs=${RUNS:-3}
out=build/bench/linux
mkdir -p "$out"
counts=("$@")
[ ${#counts[@]} -gt 0 ] || counts=(1 4 8)

for f in build/hyperlaunch.bin build/lcm-tool; do
	[ -f "$f" ] || { echo "bench: $f is missing (run make)" >&2; exit 2; }
done
scripts/fetch-real-parts.sh linux busybox >/dev/null || exit 2
initrd=build/guests/linux/ready.cpio.gz
guests/linux/mkinitramfs.sh "$initrd" --init guests/linux/init-ready >/dev/null || exit 2
bootargs="console=ttyAMA0 quiet"

# config N: a launch of N Linux domains.
config() {
	local n=$1 i
	{
		echo '{ "domains": ['
		for ((i = 1; i <= n; i++)); do
			printf '  {"name": "l%d", "memory": "128M", "kernel": {"file": "../../deps/linux/Image", "bootargs": "%s"}, "ramdisk": "../../guests/linux/ready.cpio.gz"}%s\n' \
				"$i" "$bootargs" "$([ "$i" -lt "$n" ] && echo ,)"
		done
		echo '] }'
	} >"$out/linux-$n.json"
}

# ready CMD...: one boot; prints "MS UPTIME": milliseconds from QEMU's start
# to the Nth (N=$want) "linux: ready" line and the largest uptime on those
# lines ("- -" if they did not all come within 180 s). Lines are read as
# QEMU writes them (no filter with a buffer in between).
ready() {
	local t0 seen=0 ms=- up=0 line u
	t0=$(date +%s%N)
	while IFS= read -r line; do
		line=${line%$'\r'}
		case $line in
		*"linux: ready (uptime "*)
			seen=$((seen + 1))
			u=${line##*uptime }
			u=${u%% s)*}
			up=$(awk -v a="$up" -v b="$u" 'BEGIN { print (b > a) ? b : a }')
			if [ "$seen" -eq "$want" ]; then
				ms=$(( ($(date +%s%N) - t0) / 1000000 ))
			fi
			;;
		esac
	done < <(timeout 180 "$@" </dev/null 2>/dev/null)
	[ "$ms" = - ] && up=-
	echo "$ms $up"
}

median() {
	printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

# row LABEL CPUS CMD...: RUNS boots of CMD, one line of results.
row() {
	local label=$1 cpus=$2 r res walls=() ups=()
	shift 2
	for ((r = 0; r < runs; r++)); do
		res=$(ready "$@")
		walls+=("${res% *}")
		ups+=("${res#* }")
	done
	printf '%-14s %-5s %-32s %-10s %s s\n' "$label" "$cpus" "${walls[*]}" \
		"$(median "${walls[@]}") ms" "$(median "${ups[@]}")"
}

printf '%-14s %-5s %-32s %-10s %s\n' "" CPUs "QEMU start to last ready (ms)" median "guest uptime at ready"
want=1
row "bare QEMU" 1 qemu-system-aarch64 -machine virt,gic-version=3 -cpu cortex-a57 -smp 1 -m 128M \
	-nographic -nic none -kernel build/deps/linux/Image -initrd "$initrd" -append "$bootargs"
for n in "${counts[@]}"; do
	cpus=$((n < 4 ? n : 4))
	config "$n"
	build/lcm-tool pack --cpus "$cpus" "$out/linux-$n.json" -o "$out/linux-$n" >/dev/null || exit 1
	want=$n
	row "$n Linux dom." "$cpus" env HYPERLAUNCH="$top/build/hyperlaunch.bin" "$out/linux-$n/run-qemu"
done
