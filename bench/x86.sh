#!/usr/bin/env bash
# x86-64 benchmark (not a test; `make bench` appends its table): on QEMU's
# PC machine (-cpu max, TCG, with SVM), for
#   - N bare-metal probe domains (build/guests/x86-probe.img, 8 MiB each;
#     "probe: ready"), N = 1 and 16, on 1 CPU;
#   - one Debian amd64 Linux domain (the bzImage as shipped, 128 MiB, the
#     busybox "ready" initramfs: "linux: ready (uptime U s)"), on 1 CPU;
#   - the same kernel and initramfs on bare qemu-system-x86_64 (no
#     hypervisor, 1 CPU, 128 MiB, the same command line), for comparison.
# Xen 4.17 has no dom0less on x86, so there is no Xen column here.
#
#   bench/x86.sh            wall clock: QEMU's start to the last ready line,
#                           median of RUNS (3) boots (host time, as
#                           bench/linux.sh's)
#   bench/x86.sh -icount    deterministic (`make bench-icount` appends it):
#                           QEMU -icount shift=0,sleep=off (1 instruction =
#                           1 ns of virtual time, idle time skipped), the
#                           guest-visible counters, RUNS (2) boots each,
#                           compared exactly: the hypervisor's timeline
#                           (hyperlaunch,timeline in the LCM's /chosen: the
#                           launch final, all domains off, in virtual time
#                           since QEMU's start) and each Linux's uptime on
#                           its ready line (its own clock)
#   HV=FILE bench/x86.sh    another build of the hypervisor
#
# Needs `make` first; fetches the amd64 kernel and busybox and builds the
# initramfs when missing.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
icount=0
if [ "${1:-}" = -icount ]; then
	icount=1
	shift
fi
[ $# -eq 0 ] || { echo "usage: bench/x86.sh [-icount]" >&2; exit 2; }
runs=${RUNS:-$((icount ? 2 : 3))}
out=build/bench/x86
mkdir -p "$out"
hv=${HV:-build/hyperlaunch-x86_64.elf}
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

# lcm NAME JSON: an LCM of the domains in JSON (a list); with -icount,
# with hyperlaunch,timeline in its /chosen (the hypervisor's counters).
lcm() {
	echo "{ \"domains\": [ $2 ] }" >"$out/$1.json"
	build/lcm-tool build --arch x86 "$out/$1.json" -o "$out/$1.dtb" >/dev/null || exit 1
	if [ "$icount" = 1 ]; then
		fdtput -t s "$out/$1.dtb" /chosen hyperlaunch,timeline "" || exit 1
	fi
}

# --- -icount ------------------------------------------------------------------------

# logged LOG PATTERN CMD...: one boot, its console in LOG, until the first
# line containing PATTERN (QEMU is stopped there: bare Linux halts without
# ACPI, which leaves QEMU running) or QEMU's end, at most 600 s.
logged() {
	local log=$1 pattern=$2 line fd pid
	shift 2
	: >"$log"
	exec {fd}< <(exec timeout 600 "$@" </dev/null 2>&1)
	pid=$!
	while IFS= read -r -u "$fd" line; do
		printf '%s\n' "$line" >>"$log"
		case $line in
		*"$pattern"*) break ;;
		esac
	done
	kill "$pid" 2>/dev/null
	exec {fd}<&-
}

# figures LOG: "FINAL OFF UPTIME" of one boot (ms of virtual time, the
# last Linux uptime in s; "-" for what the log does not have).
figures() {
	local final off up
	final=$(sed -n 's/^timeline: phases: .*; final at \([0-9]*\) us.*/\1/p' "$1" | head -1)
	off=$(sed -n 's/^timeline: all domains off at \([0-9]*\) us.*/\1/p' "$1" | head -1)
	up=$(sed -n 's/.*linux: ready (uptime \([0-9.]*\) s).*/\1/p' "$1" | tail -1)
	echo "$(us_ms "$final") $(us_ms "$off") ${up:--}"
}

# us_ms US: microseconds as milliseconds with 3 decimals, "-" for none.
us_ms() {
	if [ -n "$1" ]; then
		awk -v u="$1" 'BEGIN { printf "%.3f", u / 1000 }'
	else
		echo -
	fi
}

# irow LABEL NAME PATTERN CMD...: RUNS boots of CMD; one line: the first
# run's figures and whether every run gave the same.
irow() {
	local label=$1 name=$2 pattern=$3 r first="" same=same f
	shift 3
	for ((r = 1; r <= runs; r++)); do
		logged "$out/$name-$r.log" "$pattern" "$@"
		f=$(figures "$out/$name-$r.log")
		if [ -z "$first" ]; then
			first=$f
		elif [ "$f" != "$first" ]; then
			same=DIFFER
		fi
	done
	read -r fin off up <<<"$first"
	printf '%-18s %12s %14s %12s   %s\n' "$label" "$fin" "$off" "$up" "$same"
	eval "last_up_$name=\$up"
}

if [ "$icount" = 1 ]; then
	QEMU+=(-icount shift=0,sleep=off)
	printf 'x86-64 (QEMU pc, TCG, -icount shift=0,sleep=off: virtual time, 1 instruction = 1 ns)\n'
	printf '%-18s %12s %14s %12s   %s\n' "workload" "final (ms)" "all off (ms)" "uptime (s)" \
		"$runs runs"
	for n in 1 16; do
		doms=""
		for ((i = 1; i <= n; i++)); do
			doms+="${doms:+, }{ \"name\": \"p$i\", \"memory\": \"8M\", \"kernel\": \"$top/$probe\" }"
		done
		lcm "probes-$n" "$doms"
		irow "$n probe dom." "probes$n" "timeline: all domains off" "${QEMU[@]}" -m 512M \
			-kernel "$hv" -initrd "$out/probes-$n.dtb,$probe"
	done
	lcm linux-1 "{ \"name\": \"l1\", \"memory\": \"128M\", \"kernel\": { \"file\": \"$top/$kernel\", \"bootargs\": \"$bootargs\" }, \"ramdisk\": \"$top/$initrd\" }"
	irow "1 Linux dom." linux "timeline: all domains off" "${QEMU[@]}" -m 512M -kernel "$hv" \
		-initrd "$out/linux-1.dtb,$kernel,$initrd"
	irow "bare QEMU Linux" bare "linux: ready" "${QEMU[@]}" -m 128M -kernel "$kernel" \
		-initrd "$initrd" -append "$bootargs"
	echo "  final / all off: the hypervisor's timeline (launch final; the last domain off, a probe"
	echo "  powering off right after its ready line); uptime: Linux's own, on its ready line."
	if [[ $last_up_linux =~ ^[0-9.]+$ && $last_up_bare =~ ^[0-9.]+$ ]]; then
		awk -v a="$last_up_linux" -v b="$last_up_bare" \
			'BEGIN { printf "  Linux uptime at ready, domain / bare: %.2f\n", a / b }'
	fi
	echo "  logs: $out/*-N.log"
	echo "(no Xen column: Xen 4.17 has no dom0less on x86)"
	exit 0
fi

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
