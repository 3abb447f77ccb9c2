#!/usr/bin/env bash
# The hardware domain serves its virtio-mmio disk itself (xen-blkback
# over /dev/vda): the device does DMA to the frontend's pages, which hw
# maps as grants. hw is told XENFEAT_direct_mapped and each mapped grant's
# machine address (dev_bus_addr), which Linux's swiotlb-xen gives the
# device. fr mounts /dev/xvda, reads the test's file, writes one and 8 MiB
# of random bytes; hw reads them back, and the test from the image
# (debugfs).
. "$(dirname "$0")/xen-split.bash"

rm -rf "$WORK/fs" "$WORK/disk.img"
mkdir -p "$WORK/fs"
echo "hello from the disk image" >"$WORK/fs/hello.txt"
mke2fs -q -F -t ext2 -b 1024 -L direct -d "$WORK/fs" "$WORK/disk.img" 16384 >"$WORK/mke2fs.log" 2>&1 ||
	{ echo "FAIL: mke2fs"; cat "$WORK/mke2fs.log"; exit 1; }
split_image split-hwdom-back tests/hv/linux-init-split-back "$client_libs" "read write list" \
	"xenfs/xenfs xen-privcmd LM/split/xen-blkback" --modules build/linux-modules
split_image split-blk-front tests/hv/linux-init-split-front "$client_libs" "read write" \
	"xenfs/xenfs xen-privcmd LM/split/xen-blkfront $ext4_mods"
pack tests/hv/configs/xen-split-hwdom-dma.json
log=$WORK/console.log
LIMIT=200 boot_pack "$log"
expect_rc 0
expect "$log" "[xs] xs-toolstack: vbd 51712: domain 3 xvda (/local/domain/3/device/vbd/51712) served by domain 2 (/dev/vda, w)"
expect_re "$log" '\[hw\] back: vbd 51712 of domain 3: physical-device fe:0 \(/dev/vda\)'
expect "$log" "[fr] front: /dev/xvda: 32768 sectors"
expect "$log" "[fr] front: read: hello from the disk image"
expect "$log" "[fr] front: wrote from-front.txt, unmounted"
expect "$log" "[hw] back: vbd 51712 of domain 3: state 4, frontend 4"
expect "$log" "[hw] back: read back: written by domain 3 through xen-blkfront"
front=$(sed -n 's/^\[fr\] front: random: \([0-9a-f]\{32\}\)  -$/\1/p' "$log")
back=$(sed -n 's/^\[hw\] back: random: \([0-9a-f]\{32\}\)  -$/\1/p' "$log")
host=$(debugfs -R 'cat /random' "$WORK/disk.img" 2>/dev/null | md5sum | cut -d' ' -f1)
if [ -z "$front" ] || [ "$front" != "$back" ] || [ "$front" != "$host" ]; then
	echo "FAIL: the 8 MiB file's md5sum: '$front' written by fr, '$back' read back by hw, '$host' in the image"
	failures=$((failures + 1))
fi
if [ "$(debugfs -R 'cat /from-front.txt' "$WORK/disk.img" 2>/dev/null)" != "written by domain 3 through xen-blkfront" ]; then
	echo "MISSING in $WORK/disk.img: /from-front.txt as fr wrote it"
	failures=$((failures + 1))
fi
expect_none "$log" "Buffer I/O error"
expect_last "$log" "hyperlaunch: all 3 domains are off (3 powered off); powering off"
finish
