#!/usr/bin/env bash
# A disk through Xen's split block drivers, Debian's own, declared in the
# LCM: the frontend fr (domid 3) has a disk (xen-disks: xvda, /dev/ram0,
# read-write) served by the driver domain bk (domid 2). The store domain
# xs (domid 1, Debian's xenstored) runs xs-toolstack, which writes the
# vbd's frontend and backend entries from the plan the hypervisor put in
# its device tree before it introduces the domains; bk writes
# physical-device itself (a hotplug script's part) and serves a RAM disk
# (brd's /dev/ram0, filled with an ext2 image this test makes with
# mke2fs -d) with xen-blkback; fr loads xen-blkfront, sees /dev/xvda,
# mounts it, reads the test's file and writes one and 8 MiB of random
# bytes; bk then reads them from its disk (the same md5sum). Every ring
# and data page goes through GNTTABOP_map_grant_ref in bk, through the
# policy gate (xen:grant). A fourth domain, rf, has no device in the LCM
# but writes a vbd naming bk as its backend in its own home: its
# xen-blkfront may not make the ring's event channel for bk (the LCM
# joins rf to no domain: the policy refuses it), and it never connects.
. "$(dirname "$0")/xen-split.bash"

disk=$WORK/disk
rm -rf "$disk" "$WORK/disk.img"
mkdir -p "$disk"
echo "hello from the disk image" >"$disk/hello.txt"
mke2fs -q -F -t ext2 -b 1024 -L split -d "$disk" "$WORK/disk.img" 16384 >"$WORK/mke2fs.log" 2>&1 ||
	{ echo "FAIL: mke2fs"; cat "$WORK/mke2fs.log"; exit 1; }
split_image split-blk-back tests/hv/linux-init-split-back "$client_libs" "read write list" \
	"xenfs/xenfs xen-privcmd LM/split/brd LM/split/xen-blkback $ext4_mods" \
	--add "$WORK/disk.img=disk.img"
split_image split-blk-front tests/hv/linux-init-split-front "$client_libs" "read write" \
	"xenfs/xenfs xen-privcmd LM/split/xen-blkfront $ext4_mods"
pack tests/hv/configs/xen-split-blk.json
log=$WORK/console.log
LIMIT=200 boot_pack "$log"
expect_rc 0
expect "$log" "[xs] xs-toolstack: plan: 3 domains, 1 devices"
expect "$log" "[xs] xs-toolstack: vbd 51712: domain 3 xvda (/local/domain/3/device/vbd/51712) served by domain 2 (/dev/ram0, w)"
expect "$log" "[xs] xs-toolstack: domain 3 fr: introduced (ring 0x39000, port 1)"
expect "$log" "[bk] back: vbd 51712 of domain 3: physical-device 1:0 (/dev/ram0)"
expect "$log" "[fr] front: /dev/xvda: 32768 sectors"
expect "$log" "[fr] front: read: hello from the disk image"
expect "$log" "[fr] front: wrote from-front.txt, unmounted"
expect "$log" "[bk] back: vbd 51712 of domain 3: state 4, frontend 4"
expect "$log" "[bk] back: read back: written by domain 3 through xen-blkfront"
# 8 MiB of random bytes: xen-blkback maps hundreds of grants at once.
front=$(sed -n 's/^\[fr\] front: random: \([0-9a-f]\{32\}\)  -$/\1/p' "$log")
back=$(sed -n 's/^\[bk\] back: random: \([0-9a-f]\{32\}\)  -$/\1/p' "$log")
if [ -z "$front" ] || [ "$front" != "$back" ]; then
	echo "FAIL: the 8 MiB file's md5sum: '$front' written by fr, '$back' read back by bk"
	failures=$((failures + 1))
fi
expect_none "$log" "Buffer I/O error"
expect_re "$log" '\[fr\] linux: ready \(uptime [0-9]+\.[0-9]+ s\)'
# rf (domid 4) has no device in the LCM: the store wrote it a home and
# nothing else. It writes a vbd of its own naming bk as the backend; its
# xen-blkfront may not make the ring's event channel for bk (the policy
# refuses alloc_unbound: no channel or split device joins them), so it
# never offers a ring and gives up; the others run on.
expect_none "$log" "xs-toolstack: vbd 51712: domain 4"
expect "$log" "[rf] front: forged vbd 51712 served by domain 2"
expect "$log" "policy: denied: rf (domU_t) may not bind an event channel with bk (domU_t) [role]"
expect_re "$log" '\[rf\] \[ *[0-9]+\.[0-9]+\] vbd vbd-51712: 1 allocating event channel'
expect "$log" "[rf] front: no /dev/xvda (vbd state 5)"
expect_none "$log" "policy: denied: bk .* grants of rf"
expect_none "$log" "xs-toolstack: .*(ERROR|not introduced)"
expect_last "$log" "hyperlaunch: all 4 domains are off (4 powered off); powering off"
finish
