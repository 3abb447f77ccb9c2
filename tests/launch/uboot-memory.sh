#!/usr/bin/env bash
# U-Boot's own memory against the layout: one small domain on the least RAM
# lcm-tool accepts for a U-Boot boot, where the room the layout keeps for
# U-Boot at the top of RAM (48 MiB) is what decides. At U-Boot's prompt
# `bdinfo` shows what it reserved (its relocated code, heap, stack and
# DTB): all of it must lie in that room, above every file the boot script
# loads. Then `boot` (distro boot, as without a key pressed) loads the
# files, none refused, and the launch runs.
. "$(dirname "$0")/launch.bash"
cfg=tests/launch/configs/uboot-small.json
need=$(build/lcm-tool pack --boot uboot --memory 64M "$cfg" -o "$WORK/none" 2>&1 |
	sed -n 's/.*(it needs \([0-9]*\) MiB)$/\1/p')
if [ -z "$need" ]; then
	echo "FAIL: no 'it needs N MiB' from lcm-tool pack --memory 64M"
	exit 1
fi
pack "$cfg" --boot uboot --memory "${need}M"
LIMIT=60 boot_bg "$LOG"
# raw_has REGEX [SECONDS]: until the console has it anywhere (U-Boot's
# countdown and prompt end no line).
raw_has() {
	local deadline=$(( $(date +%s) + ${2:-20} ))
	until tr -d '\r' <"$BG_LOG.raw" | grep -qE -- "$1"; do
		if ! kill -0 "$BG_PID" 2>/dev/null || [ "$(date +%s)" -ge "$deadline" ]; then
			echo "TIMEOUT waiting for /$1/"
			failures=$((failures + 1))
			return 1
		fi
		sleep 0.1
	done
}
raw_has 'Hit any key to stop autoboot' && input ' '
raw_has '^=> ' && input 'bdinfo\n'
raw_has '^sp start ' && input 'boot\n'
wait_line "hyperlaunch: all 1 domain is off (1 powered off); powering off" 1 40
stop_bg
ram_end=$(( 0x40000000 + need * 1024 * 1024 ))
low=$(grep -oE '^ reserved\[[0-9]+\]'$'\t''\[0x[0-9a-f]+-' "$LOG" | sed 's/.*\[0x/0x/; s/-$//' | sort | head -n 1)
# The end of the highest file the script loads.
top=0
while read -r addr file; do
	end=$(( addr + $(stat -c %s "$PACK/$file") ))
	[ "$end" -gt "$top" ] && top=$end
done < <(sed -n 's|^load ${hl_dev} \(0x[0-9a-f]*\) \([^ ]*\) .*|\1 \2|p' "$PACK/boot.cmd")
if [ -z "$low" ]; then
	echo "MISSING: bdinfo's reserved ranges"
	failures=$((failures + 1))
elif [ $((low)) -lt $((ram_end - 48 * 1024 * 1024)) ] || [ $((low)) -lt "$top" ]; then
	printf 'U-BOOT reserves from 0x%x: below the top 48 MiB of RAM (from 0x%x) or the files (to 0x%x)\n' \
		$((low)) $((ram_end - 48 * 1024 * 1024)) "$top"
	failures=$((failures + 1))
fi
expect_none "$LOG" 'overwrite reserved memory|^hyperlaunch: (not booted|booti failed)'
expect "$LOG" "Hyperlaunch 0.1 (arm64) at 0x40200000, DTB 0x$(printf '%x' $((0x40000000 + need * 1024 * 1024 / 2)))"
expect "$LOG" "[probe] probe: ready"
finish
