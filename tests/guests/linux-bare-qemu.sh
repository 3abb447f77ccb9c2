#!/usr/bin/env bash
# Debian's arm64 Linux (build/deps/linux/Image) with the busybox "ready"
# initramfs, booted directly on QEMU (no hypervisor): the kernel must reach
# /init, which prints "linux: ready (uptime U s)" and powers the machine off
# through PSCI, so QEMU exits 0. This is the baseline for the Linux guests
# on the hypervisor and for bench/xen/. Prints the wall time of the boot.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1

scripts/fetch-real-parts.sh linux busybox || { echo "FAIL: fetching the kernel and busybox"; exit 1; }
initrd=build/guests/linux/ready.cpio.gz
guests/linux/mkinitramfs.sh "$initrd" --init guests/linux/init-ready || { echo "FAIL: building $initrd"; exit 1; }

log=build/tests/guests/linux-bare-qemu.log
mkdir -p "$(dirname "$log")"
t0=$(date +%s%N)
timeout 60 qemu-system-aarch64 -machine virt,gic-version=3 -cpu cortex-a57 -smp 2 -m 512M \
	-nographic -nic none -kernel build/deps/linux/Image -initrd "$initrd" \
	-append "console=ttyAMA0 quiet" </dev/null 2>&1 | tr -d '\r' >"$log"
rc=${PIPESTATUS[0]}
wall=$(( ($(date +%s%N) - t0) / 1000000 ))
cat "$log"

ready=$(grep -m1 '^linux: ready' "$log")
uptime=$(printf '%s\n' "$ready" | sed -n 's/.*(uptime \([0-9.]*\) s).*/\1/p')
printf 'linux bare QEMU: wall %d.%03d s, guest uptime at ready %s s, QEMU exit status %s\n' \
	$((wall / 1000)) $((wall % 1000)) "${uptime:-?}" "$rc"
[ -n "$ready" ] || { echo "FAIL: no 'linux: ready' line"; exit 1; }
[ "$rc" = 0 ] || { echo "FAIL: QEMU exit status $rc (124: timeout; Linux did not power off)"; exit 1; }
echo "PASS linux-bare-qemu"
