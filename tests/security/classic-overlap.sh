#!/usr/bin/env bash
# Two boot modules that overlap, in a classic boot (no LCM: the LCM library,
# which refuses overlapping modules in an LCM, never sees /chosen's
# multiboot nodes): the hypervisor refuses the second, or dom0's ramdisk
# would be its own kernel's pages, and writing one would change the other.
# dom0 is not started, with the reason; no panic, no EL2 fault.
. "$(dirname "$0")/security.bash"

probe=build/guests/probe.img
size=$(stat -c %s "$probe")
cat >"$WORK/overlap.dtsi" <<DTS
/ { chosen { #address-cells = <2>; #size-cells = <2>;
	module@50000000 { compatible = "multiboot,kernel", "multiboot,module";
		reg = <0x0 0x50000000 0x0 $(printf '0x%x' "$size")>; };
	module@50001000 { compatible = "multiboot,ramdisk", "multiboot,module";
		reg = <0x0 0x50001000 0x0 0x2000>; };
}; };
DTS
dtb_with "$WORK/host.dtb" "$WORK/overlap.dtsi" || exit 1
boot "$LOG" -kernel "$BIN" -dtb "$WORK/host.dtb" \
	-device loader,file="$probe",addr=0x50000000,force-raw=on
expect_booted "$LOG"
expect "$LOG" "mm: reserved 0x50000000-0x$(printf '%08x' $((0x50000000 + size))) for /chosen/module@50000000"
expect_none "$LOG" '^mm: reserved 0x50001000'
expect "$LOG" "launch: classic (no /chosen/hypervisor)"
expect "$LOG" "domain 0 dom0: not started: ramdisk module 0x50001000+0x2000: overlaps another module"
expect_none "$LOG" '^\[dom0\]'
expect_last "$LOG" "hyperlaunch: all 1 domain is off (1 not started); powering off"
finish
