#!/usr/bin/env bash
# make bench-latency: the interrupt latency of a latency-critical
# bare-metal domain (guests/latency: its virtual timer, and a PL061 passed
# through to it), median, p99 and max of 200 samples each, in ns of the
# guest's counter, in three setups on 2 CPUs:
#
#   alone    the domain pinned to CPU 1 (hyperlaunch,pinned-cpus), nothing else
#   pinned   the same beside two Debian Linux domains that keep CPU 0 busy
#            (guests/linux/init-busy: they boot, then spin)
#   shared   the same three domains, none pinned: the latency domain shares
#            a CPU with a Linux domain
#
# and Xen 4.17 dom0less (Debian's build, bench/xen/run.sh) with its null
# scheduler and vwfi=native, the same guest alone (timer only: run.sh gives
# no device; wall clock only: under -icount Xen's guest never gets past its
# first WFI here). Each of ours under QEMU -icount (shift=0, sleep=off:
# figures repeat) and on the wall clock (MTTCG: one host thread per CPU). The ratios are
# loaded/alone (pinned and shared against alone).
#
# Under -icount QEMU runs all CPUs round-robin on one host thread: a CPU
# runs only when the other stops, at its next timer deadline (the
# hypervisor's 10 ms tick), so a domain alone on its CPU still waits for
# the busy CPU's turn to end; only the wall-clock run shows what pinning
# does on parallel CPUs. Output: build/bench/latency.txt (and the logs in
# build/bench/latency/).
set -euo pipefail
cd "$(dirname "$0")/.."
out=build/bench/latency
mkdir -p "$out"
scripts/fetch-real-parts.sh linux busybox xen >/dev/null
make -s -j2
guests/linux/mkinitramfs.sh build/guests/linux/busy.cpio.gz --init guests/linux/init-busy >/dev/null

# config NAME PINNED(0|1) LOAD(0|1): the JSON of a setup.
config() {
	local pin="" load=""
	[ "$2" = 1 ] && pin=', "pinned-cpus": [1]'
	if [ "$3" = 1 ]; then
		for l in l1 l2; do
			load+=", {\"name\": \"$l\", \"memory\": \"128M\", \"kernel\": {\"file\": \"../../deps/linux/Image\", \"bootargs\": \"console=ttyAMA0 quiet\"}, \"ramdisk\": \"../../guests/linux/busy.cpio.gz\"}"
		done
	fi
	cat >"$out/$1.json" <<JSON
{ "domains": [
  {"name": "rt", "memory": "8M", "kernel": "../../guests/latency.img", "devices": ["/pl061@9030000"]$pin}$load ] }
JSON
}

# run LOG CMD...: start CMD, wait for the latency lines (at most 120 s), stop it.
run() {
	local log=$1 pid i
	shift
	"$@" </dev/null >"$log.raw" 2>&1 &
	pid=$!
	for ((i = 0; i < 600; i++)); do
		grep -q 'latency: gpio\|^xen: [0-9]*/1 ready' "$log.raw" 2>/dev/null && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.2
	done
	kill "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	tr -d '\r' <"$log.raw" >"$log"
}

# field LOG SOURCE KEY: the number after KEY= on the SOURCE line.
field() {
	{ grep -m1 "latency: $2:" "$1" || true; } | sed -n "s/.* $3=\([0-9]*\).*/\1/p"
}

declare -A res
for mode in icount wall; do
	extra=()
	[ $mode = icount ] && extra=(-icount shift=0,sleep=off)
	for setup in "alone 1 0" "pinned 1 1" "shared 0 1"; do
		set -- $setup
		config "$1" "$2" "$3"
		build/lcm-tool pack --cpus 2 "$out/$1.json" -o "$out/$1-pack" >/dev/null
		run "$out/$1-$mode.log" timeout 150 "$out/$1-pack/run-qemu" "${extra[@]}"
		for src in timer gpio; do
			for k in median p99 max; do
				res[$1,$mode,$src,$k]=$(field "$out/$1-$mode.log" $src $k)
			done
		done
	done
	# Xen under -icount (sleep=off) never gets the guest past its first
	# WFI here: its row is the wall clock only.
	[ $mode = icount ] && continue
	run "$out/xen-$mode.log" timeout 150 bench/xen/run.sh 1 \
		--guest build/guests/latency.img --smp 2 --expect "latency: timer" \
		--bootargs "console=dtuart console_timestamps=boot bootscrub=0 sched=null vwfi=native" \
		--out "$out/xen-$mode"
	for k in median p99 max; do
		res[xen,$mode,timer,$k]=$(field "$out/xen-$mode.log" timer $k)
	done
done

ratio() {
	[ -n "$1" ] && [ -n "$2" ] && [ "$2" != 0 ] && awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a / b }' || echo "-"
}
{
	echo "make bench-latency, $(date -u +%Y-%m-%dT%H:%MZ), QEMU $(qemu-system-aarch64 --version | head -1 | awk '{print $4}'), 2 CPUs"
	echo "ns of the guest's counter, 200 samples each; ratio = this setup / alone (median, p99, max)"
	for mode in icount wall; do
		echo
		echo "== $mode"
		printf '%-8s %-6s %10s %10s %10s   %s\n' setup source median p99 max "ratio to alone"
		for setup in alone pinned shared xen; do
			for src in timer gpio; do
				[ "$setup" = xen ] && [ $src = gpio ] && continue
				m=${res[$setup,$mode,$src,median]:-}
				p=${res[$setup,$mode,$src,p99]:-}
				x=${res[$setup,$mode,$src,max]:-}
				r="-"
				if [ "$setup" != alone ]; then
					r="$(ratio "$m" "${res[alone,$mode,$src,median]:-}") $(ratio "$p" "${res[alone,$mode,$src,p99]:-}") $(ratio "$x" "${res[alone,$mode,$src,max]:-}")"
				fi
				printf '%-8s %-6s %10s %10s %10s   %s\n' "$setup" $src "${m:--}" "${p:--}" "${x:--}" "$r"
			done
		done
	done
	echo
	echo "xen: Xen 4.17 dom0less, sched=null vwfi=native, the latency guest alone (no device given)."
	echo "Under icount all CPUs share one host thread (see bench/latency.sh): compare the wall rows for pinning."
} | tee build/bench/latency.txt
