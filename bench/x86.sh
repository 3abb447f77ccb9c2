#!/usr/bin/env bash
# x86-64 benchmark (not a test; `make bench` appends its table): on QEMU's
# PC machine (-cpu max, TCG, with SVM), the wall time from starting QEMU to
# the last ready line, median of RUNS (3) boots, for
#   - N bare-metal probe domains (build/guests/x86-probe.img, 8 MiB each;
#     "probe: ready"), N = 1 and 16, on 1 CPU;
#   - one Debian amd64 Linux domain (the bzImage as shipped, 128 MiB, the
#     busybox "ready" initramfs: "linux: ready (uptime U s)"), on 1 CPU;
#   - the same kernel and initramfs on bare qemu-system-x86_64 (no
#     hypervisor, 1 CPU, 128 MiB, the same command line), for comparison.
# Xen 4.17 has no dom0less on x86, so there is no Xen column here.
#
#   bench/x86.sh
#
# Needs `make` first; fetches the amd64 kernel and busybox and builds the
# initramfs when missing. Host wall-clock times, as bench/linux.sh's.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
runs=${RUNS:-3}
out=build/bench/x86
mkdir -p "$out"
hv=build/hyperlaunch-x86_64.elf
probe=build/guests/x86-probe.img
for f in "$hv" "$probe" build/lcm-tool; do
	[ -f "$f" ] || { echo "bench: $f is missing (run make)" >&2; exit 2; }
done
scripts/fetch-real-parts.sh linux-amd64 busybox-amd64 >/dev/null || exit 2
kernel=build/deps/linux-amd64/bzImage
initrd=build/guests/linux/x86-ready.cpio.gz
guests/linux/mkinitramfs.sh "$initrd" --arch amd64 --init guests/linux/init-ready >/dev/null || exit 2
bootargs="console=ttyS0 acpi=off quiet"
QEMU=(qemu-system-x86_64 -M pc -cpu max -smp 1 -display none -serial stdio -monitor none -nic none)

# ready PATTERN CMD...: one boot; prints "MS": milliseconds from QEMU's
# start to the Nth (N=$want) line containing PATTERN ("-" if they did not
# all come within 180 s). QEMU is stopped there: bare Linux halts without
# ACPI (acpi=off), which leaves QEMU running.
ready() {
	local pattern=$1 t0 seen=0 ms=- line fd pid
	shift
	t0=$(date +%s%N)
	exec {fd}< <(exec timeout 180 "$@" </dev/null 2>/dev/null)
	pid=$!
	while IFS= read -r -u "$fd" line; do
		case $line in
		*"$pattern"*)
			seen=$((seen + 1))
			if [ "$seen" -eq "$want" ]; then
				ms=$(( ($(date +%s%N) - t0) / 1000000 ))
				break
			fi
			;;
		esac
	done
	kill "$pid" 2>/dev/null
	exec {fd}<&-
	echo "$ms"
}

median() {
	printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

# row LABEL PATTERN CMD...: RUNS boots of CMD, one line of results.
row() {
	local label=$1 pattern=$2 r walls=()
	shift 2
	for ((r = 0; r < runs; r++)); do
		walls+=("$(ready "$pattern" "$@")")
	done
	printf '%-22s %-32s %s ms\n' "$label" "${walls[*]}" "$(median "${walls[@]}")"
}

# lcm NAME JSON: an LCM of the domains in JSON (a list).
lcm() {
	echo "{ \"domains\": [ $2 ] }" >"$out/$1.json"
	build/lcm-tool build --arch x86 "$out/$1.json" -o "$out/$1.dtb" >/dev/null || exit 1
}

printf '%-22s %-32s %s\n' "x86-64 (QEMU pc, TCG)" "QEMU start to last ready (ms)" median
for n in 1 16; do
	doms="" mods=""
	for ((i = 1; i <= n; i++)); do
		doms+="${doms:+, }{ \"name\": \"p$i\", \"memory\": \"8M\", \"kernel\": \"$top/$probe\" }"
	done
	lcm "probes-$n" "$doms"
	want=$n
	row "$n probe dom." "probe: ready" "${QEMU[@]}" -m 512M -kernel "$hv" \
		-initrd "$out/probes-$n.dtb,$probe"
done
lcm linux-1 "{ \"name\": \"l1\", \"memory\": \"128M\", \"kernel\": { \"file\": \"$top/$kernel\", \"bootargs\": \"$bootargs\" }, \"ramdisk\": \"$top/$initrd\" }"
want=1
row "1 Linux dom." "linux: ready" "${QEMU[@]}" -m 512M -kernel "$hv" \
	-initrd "$out/linux-1.dtb,$kernel,$initrd"
row "bare QEMU Linux" "linux: ready" "${QEMU[@]}" -m 128M -kernel "$kernel" -initrd "$initrd" \
	-append "$bootargs"
echo "(no Xen column: Xen 4.17 has no dom0less on x86)"
