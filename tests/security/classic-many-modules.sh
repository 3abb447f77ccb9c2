#!/usr/bin/env bash
# A classic boot (no LCM) with more /chosen multiboot modules than the
# hypervisor records (512): the extra ones are refused with one line, as
# an invalid LCM would be, and the boot goes on: dom0 (the probe) runs.
. "$(dirname "$0")/security.bash"

probe=build/guests/probe.img
size=$(stat -c %s "$probe")
{
	echo '/ { chosen { #address-cells = <2>; #size-cells = <2>;'
	printf 'module@50000000 { compatible = "multiboot,kernel", "multiboot,module"; reg = <0x0 0x50000000 0x0 0x%x>; bootargs = "quiet"; };\n' "$size"
	for ((i = 1; i <= 519; i++)); do
		printf 'module@%x { compatible = "multiboot,module"; reg = <0x0 0x%x 0x0 0x100>; };\n' \
			$((0x51000000 + i * 0x1000)) $((0x51000000 + i * 0x1000))
	done
	echo '}; };'
} >"$WORK/many.dtsi"
dtb_with "$WORK/host.dtb" "$WORK/many.dtsi" || exit 1
boot "$LOG" -kernel "$BIN" -dtb "$WORK/host.dtb" \
	-device loader,file="$probe",addr=0x50000000,force-raw=on
expect_booted "$LOG"
expect "$LOG" "launch: 8 more /chosen modules than the 512 supported: ignored"
expect "$LOG" "launch: classic (no /chosen/hypervisor)"
expect "$LOG" "[dom0] probe: ready"
expect_last "$LOG" "hyperlaunch: all 1 domain is off (1 powered off); powering off"
finish
