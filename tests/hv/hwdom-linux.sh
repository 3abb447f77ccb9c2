#!/usr/bin/env bash
# A Debian Linux hardware domain drives the machine's devices (guests/linux/
# init-hwdom, with Debian's own virtio and ext4 modules): it mounts two ext4
# disks the test made (from the JSON's "machine"), one on virtio-mmio
# (virtio-blk-device), one found by enumerating the PCIe bus
# (virtio-blk-pci, INTx through the PCI host bridge's interrupt-map), reads
# the file put on each and writes one (read back here from the images with
# debugfs), gets a DHCP lease from QEMU's user network (virtio-net), and
# reads the date from the PL031. Its RAM is at its
# physical address, so the devices' DMA lands in it. Beside it a bare-metal
# domain owns the PL061 (the hardware domain gets what no other got) and
# takes its interrupts.
. "$(dirname "$0")/qemu.bash"

linux_parts
scripts/fetch-real-parts.sh modules >"$WORK/modules.log" 2>&1 || { cat "$WORK/modules.log"; exit 1; }
guests/linux/mkinitramfs.sh build/guests/linux/hwdom.cpio.gz --init guests/linux/init-hwdom \
	--modules build/linux-modules >"$WORK/initramfs.log" 2>&1 || { cat "$WORK/initramfs.log"; exit 1; }
rm -rf "$WORK/fs" "$WORK"/disk*.img
mkdir -p "$WORK/fs"
echo "hello from the host" >"$WORK/fs/hello.txt"
mke2fs -q -F -t ext4 -L mmio -d "$WORK/fs" "$WORK/disk.img" 16M || exit 1
mke2fs -q -F -t ext4 -L pci -d "$WORK/fs" "$WORK/disk-pci.img" 16M || exit 1

pack tests/hv/configs/hwdom-linux.json --cpus 2
log=$WORK/console.log
LIMIT=120 boot_pack "$log"
expect_booted_on "$log" 2
expect_rc 0
expect_re "$log" "$(built_re "1 hwdom" "256 MiB, 1 vCPU, kernel copied, ramdisk copied")"
# QEMU virt has 37 devices it may have; the PL061 is gpio's.
expect "$log" "domain 1 hwdom: 36 devices passed through, RAM at its physical address"
expect "$log" "domain 2 gpio: 1 device passed through"
for bus in mmio pci; do
	expect "$log" "[hwdom] hwdom: disk $bus: hello from the host"
	expect "$log" "[hwdom] hwdom: disk $bus: written"
done
expect "$log" "[hwdom] hwdom: dhcp: lease 10.0.2.15 router 10.0.2.2"
expect_re "$log" "\[hwdom\] hwdom: rtc: $(date -u +%Y)-[01][0-9]-[0-3][0-9]"
expect "$log" "[gpio] passthrough: 10 interrupts, the level one taken again: ok"
expect_none "$log" 'hwdom: .*FAILED'
expect "$log" "domain 1 hwdom: powered off"
for img in disk.img disk-pci.img; do
	if [ "$(debugfs -R 'cat /from-linux.txt' "$WORK/$img" 2>/dev/null)" != "written by the hardware domain" ]; then
		echo "MISSING in $WORK/$img: /from-linux.txt as the hardware domain wrote it"
		failures=$((failures + 1))
	fi
done
finish
