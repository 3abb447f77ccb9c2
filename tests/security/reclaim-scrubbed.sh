#!/usr/bin/env bash
# An ended domain's memory is scrubbed when it is given back (docs/
# architecture.md, core/domain.c: "none of it lingers in free memory"), and
# so are the boot modules no domain holds, at finalization (core/bootmod.c):
# checked in physical memory itself, not through another guest (whose RAM
# the builder zeroes anyway, hiding a reclaim that does not scrub).
#
# The Boot Domain (the scrub guest) fills its RAM with a mark and holds
# 1.5 s, then says done. The config node has a microcode module, 8 KiB
# of a second mark, that no domain uses (the one boot module not mapped in
# place as a domain's RAM: the 8 KiB returned at finalization). QEMU's
# monitor (-monitor pipe:) dumps all of RAM (pmemsave) twice: while the
# Boot Domain holds (both marks must be there: the dump sees guest memory
# and the modules), and after the reclaim lines, once every domain is off
# and nothing can reuse the memory (on-all-off = stay): both marks must be
# gone.
. "$(dirname "$0")/security.bash"

mark=hyperlaunchscrubtest
kram=$(echo "$mark" | rev)
scrub=$top/build/guests/scrub.img
pmark=unusedpolicymodulemark
for ((i = 0; i < 8192 / ${#pmark}; i++)); do printf '%s' "$pmark"; done >"$WORK/policy.bin"
truncate -s 8192 "$WORK/policy.bin"
cat >"$WORK/config.json" <<JSON
{
  "config": { "on-all-off": "stay", "microcode": "$WORK/policy.bin" },
  "domains": [
    { "name": "bootdom", "functions": ["boot"], "memory": "8M",
      "kernel": { "file": "$scrub", "bootargs": "mark=$mark hold=1500 done=1" } },
    { "name": "app", "memory": "8M", "kernel": "$top/build/guests/probe.img" }
  ]
}
JSON
pack "$WORK/config.json" --memory 256M
mon=$WORK/monitor
rm -f "$mon.in" "$mon.out" "$WORK"/dump-*.bin
mkfifo "$mon.in" "$mon.out"
exec 4<>"$mon.in" 5<>"$mon.out"     # read-write: opening never blocks
cat <&5 >"$WORK/monitor.log" &
mon_cat=$!
LIMIT=40 boot_bg "$LOG" -monitor pipe:"$mon"

# dump NAME MARK: all of RAM (256 MiB at 0x40000000) into
# $WORK/dump-NAME.bin (once); prints how many times MARK is in it.
dump() {
	local f=$WORK/dump-$1.bin size=$((256 << 20)) i
	if [ -f "$f" ]; then
		grep -a -o -F "$2" "$f" | wc -l
		return
	fi
	printf 'pmemsave 0x40000000 %d "%s"\n' $size "$f" >&4
	for ((i = 0; i < 200; i++)); do
		[ -f "$f" ] && [ "$(stat -c %s "$f")" = $size ] && break
		sleep 0.1
	done
	sleep 0.2
	grep -a -o -F "$2" "$f" | wc -l
}

if wait_line "[bootdom] scrub: holding"; then
	n=$(dump held "$kram")
	if [ "$n" -lt 1000 ]; then
		echo "DUMP while bootdom holds: $n copies of the mark, expected thousands (does pmemsave work?)"
		failures=$((failures + 1))
	fi
	n=$(dump held "$pmark")
	if [ "$n" -lt 300 ]; then
		echo "DUMP while bootdom holds: $n copies of the microcode module's mark, expected 372"
		failures=$((failures + 1))
	fi
fi
off="hyperlaunch: all 2 domains are off (1 powered off, 1 destroyed or done); staying on (on-all-off = stay)"
if wait_line "launch: reclaim: bootdom's 8 MiB scrubbed and returned" 1 30 && wait_line "$off" 1 30; then
	n=$(dump after "$kram")
	if [ "$n" != 0 ]; then
		echo "DUMP after the reclaim: $n copies of bootdom's mark are still there"
		failures=$((failures + 1))
	fi
	n=$(dump after "$pmark")
	if [ "$n" != 0 ]; then
		echo "DUMP after the reclaim: $n copies of the unused microcode module's mark are still there"
		failures=$((failures + 1))
	fi
fi
stop_bg
kill "$mon_cat" 2>/dev/null
exec 4>&- 5>&-
rm -f "$WORK"/dump-*.bin
expect "$LOG" "domain 32757 bootdom: done (status 0)"
expect "$LOG" "launch: reclaim: 8 KiB of boot modules scrubbed and returned"
expect "$LOG" "[app] probe: ready"
expect_none "$LOG" '^(panic|el2|irq):|^mm: BUG'
finish
