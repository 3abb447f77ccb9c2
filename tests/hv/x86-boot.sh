#!/usr/bin/env bash
# The x86-64 hypervisor, loaded by QEMU's -kernel through its Multiboot 1
# header, with an LCM built by `lcm-tool build --arch x86` as module 0: the
# banner, the loader's module list, RAM from its memory map, the modules the
# LCM names by mb-index reserved (one index past the loader's list refused
# with its reason), the config node's microcode offered to the CPU and
# reported not applied, the TSC and APIC timer rates counted, the tick running, the LCM's
# domains parsed and each refused for its reason (alpha's and beta's
# kernels are not x86 guest images; delta is a classic PV domain), the boot
# modules reclaimed, and an ACPI power-off.
. "$(dirname "$0")/x86.bash"

head -c 5000 /dev/urandom >"$WORK/k1.bin"
head -c 7000 /dev/urandom >"$WORK/k2.bin"
head -c 3000 /dev/urandom >"$WORK/k3.bin"
head -c 2048 /dev/urandom >"$WORK/ucode.bin"
cat >"$WORK/launch.json" <<'JSON'
{
  "config": { "microcode": "ucode.bin" },
  "domains": [
    { "name": "alpha", "memory": "16M", "kernel": { "file": "k1.bin", "bootargs": "a=1" } },
    { "name": "beta", "memory": "16M", "kernel": { "file": "k2.bin" } },
    { "name": "gamma", "memory": "16M", "kernel": { "file": "k3.bin" } },
    { "name": "delta", "memory": "16M", "mode": ["pv", "long"], "kernel": { "file": "k1.bin" } }
  ]
}
JSON
build/lcm-tool build --arch x86 "$WORK/launch.json" -o "$WORK/lcm.dtb" || exit 1

# mb-index 1 is the microcode (config modules first); gamma's kernel
# (mb-index 4) is left out of the loader's list.
log=$WORK/boot.log
boot "$log" -kernel "$X86_BIN" -initrd "$WORK/lcm.dtb,$WORK/ucode.bin,$WORK/k1.bin,$WORK/k2.bin"
expect_re "$log" "Hyperlaunch [0-9.]+ \(x86_64\) at 0x00100000, multiboot info 0x[0-9a-f]{8}"
expect "$log" "platform: multiboot 1, 4 modules"
expect "$log" "platform: BIOS firmware, ACPI RSDP: BIOS area"
expect_re "$log" "platform: module 0: 0x[0-9a-f]{8}-0x[0-9a-f]{8} \(LCM\)"
expect_re "$log" "platform: 1 CPUs, RAM 0x00001000-0x0009f000, 0x00100000-0x0ffe0000 \(255 MiB\), local APIC 0xfee00000, uart 16550 at I/O 0x3f8, 4 boot modules"
expect_re "$log" "mm: reserved 0x[0-9a-f]{8}-0x[0-9a-f]{8} for the kernel module of alpha"
expect_re "$log" "mm: reserved 0x[0-9a-f]{8}-0x[0-9a-f]{8} for the kernel module of beta"
expect "$log" "launch: the kernel module of gamma: mb-index 4, but the bootloader loaded 4 modules (0 is the LCM)"
expect "$log" "svm: revision 1, 16 ASIDs, nested paging; no NRIP save, no decode assists"
expect_re "$log" "timer: TSC [0-9]+ kHz, APIC timer [0-9]+ kHz \(counted against the PIT\)"
expect "$log" "timer: tick on all CPUs (INTID 32, 100 Hz)"
expect "$log" "launch: LCM with 4 domains"
expect_re "$log" "domain 1 alpha: not started: kernel module 0x[0-9a-f]+\+0x1388: not an x86 guest image \(no Multiboot2 header in its first 32 KiB\)"
expect_re "$log" "domain 2 beta: not started: kernel module 0x[0-9a-f]+\+0x1b58: not an x86 guest image \(no Multiboot2 header in its first 32 KiB\)"
expect "$log" "domain 3 gamma: not started: kernel module 0x0+0x0: no such multiboot module"
expect "$log" "domain 4 delta: not started: mode has MODE_PARAVIRTUALIZED (1 << 0): classic PV is not supported on x86 (SVM): use PVH (bits 0 and 1 clear) or HVM (bit 1 set)"
expect "$log" "launch: microcode: 2048 bytes, not applied: the CPU runs under a hypervisor or emulator (CPUID 1 ECX bit 31)"
expect "$log" "launch: reclaim: 8 KiB of boot modules scrubbed and returned"
expect "$log" "hyperlaunch: all 4 domains are off (4 not started); powering off"
expect_none "$log" "power off did not happen|panic"
expect_rc 0
finish
