#!/usr/bin/env bash
# The x86 boot on UEFI: `lcm-tool pack --arch x86 --firmware uefi` makes a
# GRUB ISO with GRUB's EFI build, and run-qemu boots it on QEMU's q35
# machine with OVMF (its variables a copy in the pack). GRUB exits the boot
# services and enters the hypervisor by multiboot2 with the EFI tags and the
# ACPI RSDP's copy (ACPI 2.0+, with an XSDT): there is no BIOS area to look
# in, so the MADT that starts the second CPU (at a trampoline page chosen
# among what OVMF's GRUB left free below 1 MiB) and the FADT that powers the
# machine off (S5, exit status 0) are found through that tag. The serial
# port is the console (no framebuffer). Two probe domains print ready.
. "$(dirname "$0")/x86.bash"

for f in /usr/share/OVMF/OVMF_CODE_4M.fd /usr/lib/grub/x86_64-efi; do
	if [ ! -e "$f" ]; then
		echo "FAIL: $f is missing (scripts/setup.sh installs ovmf and grub-efi-amd64-bin)"
		exit 1
	fi
done
probe=build/guests/x86-probe.img
cat >"$WORK/launch.json" <<JSON
{ "domains": [ { "name": "p1", "memory": "8M", "kernel": "$top/$probe" },
               { "name": "p2", "memory": "8M", "kernel": "$top/$probe" } ] }
JSON
build/lcm-tool pack --arch x86 --firmware uefi --cpus 2 --hypervisor "$X86_BIN" \
	"$WORK/launch.json" -o "$WORK/pack" >"$WORK/pack.log" || { cat "$WORK/pack.log"; exit 1; }
expect_re "$WORK/pack.log" ".*: 2 domains, 1 module file, 2 CPUs, 256 MiB RAM \(x86 GRUB ISO, UEFI\)"
for want in "-M q35 -cpu max -smp 2 -m 256M" "-drive if=pflash,format=raw,readonly=on,file=" \
	"-drive if=pflash,format=raw,file=\"\$here/OVMF_VARS.fd\""; do
	if ! grep -qF -- "$want" "$WORK/pack/run-qemu"; then
		echo "FAIL: run-qemu has no '$want'"
		exit 1
	fi
done
if ! cmp -s "$WORK/pack/OVMF_VARS.fd" /usr/share/OVMF/OVMF_VARS_4M.fd; then
	echo "FAIL: the pack's OVMF_VARS.fd is not a copy of OVMF's"
	exit 1
fi
QEMU=("$WORK/pack/run-qemu")

log=$WORK/console.log
LIMIT=120 boot "$log"
expect_re "$log" ".*BdsDxe: starting Boot0001 \"UEFI QEMU DVD-ROM.*"
expect_re "$log" "Hyperlaunch [0-9.]+ \(x86_64\) at 0x00100000, multiboot info 0x[0-9a-f]{8}"
expect "$log" "platform: multiboot2, 2 modules"
expect "$log" "platform: UEFI firmware, ACPI RSDP: the loader's (ACPI 2.0+, XSDT)"
expect "$log" "svm: revision 1, 16 ASIDs, nested paging; no NRIP save, no decode assists"
expect "$log" "cpu1 up (mpidr 0x1)"
expect "$log" "smp: 2 CPUs online"
expect "$log" "launch: LCM with 2 domains"
for name in p1 p2; do
	expect "$log" "[$name] probe: ready"
done
expect_last "$log" "hyperlaunch: all 2 domains are off (2 powered off); powering off"
expect_none "$log" "power off did not happen|panic"
expect_rc 0
finish
