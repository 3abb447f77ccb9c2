#!/usr/bin/env bash
# The hardware domain as the driver domain: hw (domid 2, RAM at its
# physical address, Xen-aware) drives the machine's virtio-mmio disk (an
# ext4 file system this test makes), mounts it and serves the ext2 image
# file inner.img on it through a loop device (/dev/loop0) with Debian's
# xen-blkback to the frontend fr (domid 3), whose LCM node declares the
# disk (xen-disks); the store domain xs runs xs-toolstack. fr mounts
# /dev/xvda, reads the test's file and writes one and 8 MiB of random
# bytes; hw reads them back through the loop device, and the test reads
# them from the image file inside the disk image (debugfs). hw's
# grant-table window and store page are above the machine's RAM
# (0x38000000 is in the PCIe window it is given); the loop device copies
# through the page cache with the CPU, so no device DMA touches the
# frontend's pages.
. "$(dirname "$0")/xen-split.bash"

rm -rf "$WORK/inner" "$WORK/outer" "$WORK/disk.img" "$WORK/inner.img"
mkdir -p "$WORK/inner" "$WORK/outer"
echo "hello from the disk image" >"$WORK/inner/hello.txt"
mke2fs -q -F -t ext2 -b 1024 -L inner -d "$WORK/inner" "$WORK/outer/inner.img" 16384 \
	>"$WORK/mke2fs.log" 2>&1 &&
	mke2fs -q -F -t ext4 -L outer -d "$WORK/outer" "$WORK/disk.img" 48M >>"$WORK/mke2fs.log" 2>&1 ||
	{ echo "FAIL: mke2fs"; cat "$WORK/mke2fs.log"; exit 1; }
split_image split-hwdom-back tests/hv/linux-init-split-back "$client_libs" "read write list" \
	"xenfs/xenfs xen-privcmd LM/split/loop LM/split/xen-blkback" --modules build/linux-modules
split_image split-blk-front tests/hv/linux-init-split-front "$client_libs" "read write" \
	"xenfs/xenfs xen-privcmd LM/split/xen-blkfront $ext4_mods"
pack tests/hv/configs/xen-split-hwdom.json
log=$WORK/console.log
LIMIT=200 boot_pack "$log"
expect_rc 0
expect_re "$log" 'domain 2 hw: [0-9]+ devices passed through, RAM at its physical address'
# Its window and store page are above the machine's RAM, and the plan
# tells the store where (the ring's frame).
page=$(sed -n "s/^domain 2 hw: Xen grant-table window 0x[0-9a-f]*, store page 0x\([0-9a-f]*\)000: above the machine's RAM$/\1/p" "$log")
if [ -z "$page" ] || [ "$page" = 39000 ]; then
	echo "MISSING in $log: domain 2 hw: Xen grant-table window ... above the machine's RAM (store page '$page')"
	failures=$((failures + 1))
fi
expect "$log" "[xs] xs-toolstack: domain 2 hw: introduced (ring 0x$page, port 1)"
expect "$log" "[xs] xs-toolstack: domain 3 fr: introduced (ring 0x39000, port 1)"
expect "$log" "[xs] xs-toolstack: vbd 51712: domain 3 xvda (/local/domain/3/device/vbd/51712) served by domain 2 (/dev/loop0, w)"
expect "$log" "[hw] back: /dev/loop0: /host/inner.img (32768 sectors)"
expect "$log" "[hw] back: vbd 51712 of domain 3: physical-device 7:0 (/dev/loop0)"
expect "$log" "[fr] front: /dev/xvda: 32768 sectors"
expect "$log" "[fr] front: read: hello from the disk image"
expect "$log" "[fr] front: wrote from-front.txt, unmounted"
expect "$log" "[hw] back: vbd 51712 of domain 3: state 4, frontend 4"
expect "$log" "[hw] back: read back: written by domain 3 through xen-blkfront"
expect "$log" "[hw] back: /dev/vda unmounted"
debugfs -R 'dump /inner.img '"$WORK/inner.img" "$WORK/disk.img" >/dev/null 2>&1
front=$(sed -n 's/^\[fr\] front: random: \([0-9a-f]\{32\}\)  -$/\1/p' "$log")
back=$(sed -n 's/^\[hw\] back: random: \([0-9a-f]\{32\}\)  -$/\1/p' "$log")
host=$(debugfs -R 'cat /random' "$WORK/inner.img" 2>/dev/null | md5sum | cut -d' ' -f1)
if [ -z "$front" ] || [ "$front" != "$back" ] || [ "$front" != "$host" ]; then
	echo "FAIL: the 8 MiB file's md5sum: '$front' written by fr, '$back' read back by hw, '$host' in the image"
	failures=$((failures + 1))
fi
if [ "$(debugfs -R 'cat /from-front.txt' "$WORK/inner.img" 2>/dev/null)" != "written by domain 3 through xen-blkfront" ]; then
	echo "MISSING in $WORK/disk.img: /inner.img: /from-front.txt as fr wrote it"
	failures=$((failures + 1))
fi
expect_none "$log" "Buffer I/O error"
expect_none "$log" "xs-toolstack: .*(ERROR|not introduced)"
expect_last "$log" "hyperlaunch: all 3 domains are off (3 powered off); powering off"
finish
