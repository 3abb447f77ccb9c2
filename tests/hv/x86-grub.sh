#!/usr/bin/env bash
# The design's x86 boot: `lcm-tool pack --arch x86` makes a GRUB ISO, and
# GRUB (SeaBIOS, QEMU's PC machine) loads the hypervisor by multiboot2 with
# the LCM as module 0 and the domains' files after it in mb-index order. The
# hypervisor reads the multiboot2 information (banner, module list, RAM),
# finds the LCM, reserves each module by its mb-index and parses the
# domains. alpha's kernel is gzip-compressed: it arrives as packed (GRUB's
# module2 --nounzip), so its digest matches and the build goes on to the
# kernel check, which refuses it (no x86 guest image, as for beta's random
# bytes). Then the launch fails, reclaims the modules and powers off.
. "$(dirname "$0")/x86.bash"

head -c 20000 /dev/zero | tr '\0' 'A' | gzip -9 >"$WORK/alpha.gz"
head -c 7000 /dev/urandom >"$WORK/beta.bin"
head -c 3000 /dev/urandom >"$WORK/beta-initrd.bin"
cat >"$WORK/launch.json" <<'JSON'
{
  "domains": [
    { "name": "alpha", "memory": "16M", "kernel": { "file": "alpha.gz", "bootargs": "a=1" } },
    { "name": "beta", "memory": "16M", "kernel": "beta.bin", "ramdisk": "beta-initrd.bin" }
  ]
}
JSON
build/lcm-tool pack --arch x86 --hypervisor "$X86_BIN" "$WORK/launch.json" -o "$WORK/pack" || exit 1
QEMU=("$WORK/pack/run-qemu")

log=$WORK/boot.log
boot "$log"
expect_re "$log" "Hyperlaunch [0-9.]+ \(x86_64\) at 0x00100000, multiboot info 0x[0-9a-f]{8}"
expect "$log" "platform: multiboot2, 4 modules"
expect "$log" "platform: BIOS firmware, ACPI RSDP: the loader's (ACPI 1.0, RSDT)"
expect_re "$log" "platform: module 0: 0x[0-9a-f]{8}-0x[0-9a-f]{8} \(LCM\)"
expect_re "$log" "platform: 2 CPUs, RAM 0x00001000-0x0009f000, 0x00100000-0x0ffe0000 \(255 MiB\), local APIC 0xfee00000, uart 16550 at I/O 0x3f8, 4 boot modules"
expect_re "$log" "mm: reserved 0x[0-9a-f]{8}-0x[0-9a-f]{8} for the kernel module of alpha"
expect_re "$log" "mm: reserved 0x[0-9a-f]{8}-0x[0-9a-f]{8} for the kernel module of beta"
expect_re "$log" "mm: reserved 0x[0-9a-f]{8}-0x[0-9a-f]{8} for the ramdisk module of beta"
expect "$log" "launch: LCM with 2 domains"
expect_re "$log" "domain 1 alpha: not started: kernel module 0x[0-9a-f]+\+0x$(printf '%x' "$(stat -c %s "$WORK/alpha.gz")"): not an x86 guest image \(no Multiboot2 header in its first 32 KiB\)"
expect_re "$log" "domain 2 beta: not started: kernel module 0x[0-9a-f]+\+0x1b58: not an x86 guest image \(no Multiboot2 header in its first 32 KiB\)"
expect "$log" "hyperlaunch: all 2 domains are off (2 not started); powering off"
expect_none "$log" "digest|panic"
expect_rc 0
finish
