#!/usr/bin/env bash
# The store of the other Xen-aware domains: the hypervisor makes each
# Xen-aware domain's store ring (a page at Xen's GUEST_MAGIC_BASE), its
# port 1 unbound for the XENSTORE domain and grant entry 1 granting the
# ring to it, and holds the domain until the store maps that grant
# (XS_INTRODUCE). Debian's xenstored runs in the Linux XENSTORE domain,
# where xs-toolstack, from the plan the hypervisor wrote in its device
# tree, makes /local/domain/N owned by N and introduces domains 2 and 3
# as Xen's toolstack does; in each, Debian's Linux sees /proc/xen, and
# xenstore-write/-read/-ls (xenstore-utils) work in its own home, while
# the other domain's is refused (Xen's permission model, by xenstored).
. "$(dirname "$0")/qemu.bash"

linux_parts
for part in xen-modules xen-tools; do
	if ! scripts/fetch-real-parts.sh "$part" >"$WORK/fetch-$part.log" 2>&1; then
		echo "FAIL: scripts/fetch-real-parts.sh $part"
		cat "$WORK/fetch-$part.log"
		exit 1
	fi
done
make -s build/guests/linux/xs-toolstack || exit 1
mods=$(echo build/xen-modules/lib/modules/*/kernel/drivers/xen)
tools=build/xen-tools
libc=(--add "$tools/lib/aarch64-linux-gnu/ld-linux-aarch64.so.1=lib/ld-linux-aarch64.so.1"
	--add "$tools/lib/aarch64-linux-gnu/libc.so.6=lib/aarch64-linux-gnu/libc.so.6")
# image NAME INIT LIBS TOOLS MODULES [more --add]
image() {
	local name=$1 init=$2 adds=("${libc[@]}") x
	for x in $3; do
		adds+=(--add "$tools/usr/lib/aarch64-linux-gnu/$x=lib/aarch64-linux-gnu/$x")
	done
	for x in $4; do
		adds+=(--add "$tools/usr/bin/xenstore-$x=usr/bin/xenstore-$x")
	done
	for x in $5; do
		adds+=(--add "$mods/$x.ko=lib/modules/${x#*/}.ko")
	done
	shift 5
	if ! guests/linux/mkinitramfs.sh "build/guests/linux/$name.cpio.gz" --init "$init" \
		"${adds[@]}" "$@" >"$WORK/initramfs-$name.log" 2>&1; then
		echo "FAIL: guests/linux/mkinitramfs.sh ($name)"
		cat "$WORK/initramfs-$name.log"
		exit 1
	fi
}
image xenstore-domus tests/hv/linux-init-xenstore-domus \
	"libxenctrl.so.4.17 libxencall.so.1 libxenforeignmemory.so.1 libxendevicemodel.so.1
	 libxengnttab.so.1 libxenevtchn.so.1 libxenstore.so.4 libxentoollog.so.1 libxentoolcore.so.1" \
	"read" "xenfs/xenfs xen-privcmd xen-evtchn xen-gntdev" \
	--add build/guests/linux/xs-toolstack=bin/xs-toolstack \
	--add "$tools/usr/lib/xen-4.17/bin/xenstored=usr/sbin/xenstored"
image xenstore-domu tests/hv/linux-init-xenstore-domu "libxenstore.so.4 libxentoolcore.so.1" \
	"read write ls" "xenfs/xenfs xen-privcmd"
pack tests/hv/configs/xen-store-domus.json
log=$WORK/console.log
LIMIT=150 boot_pack "$log"
expect_rc 0
expect "$log" "[xs] xs-toolstack: plan: 2 domains, 0 devices"
for d in 2 3; do
	expect "$log" "domain $d l$d: starts when its store takes it"
	expect "$log" "domain $d l$d: started: its store xs took it"
	expect "$log" "[xs] xs-toolstack: domain $d l$d: home /local/domain/$d"
	expect "$log" "[xs] xs-toolstack: domain $d l$d: introduced (ring 0x39000, port 1)"
	expect "$log" "[l$d] domu: /proc/xen: capabilities privcmd xenbus "
	expect "$log" "[l$d] domu: l$d: write: 0"
	expect "$log" "[l$d] domu: l$d: read: from l$d"
	expect "$log" "[l$d] domu: l$d: ls: data = \"\""
	expect "$log" "[l$d] domu: l$d: ls:  hello = \"from l$d\""
	expect "$log" "[xs] store: domain $d wrote: from l$d"
done
expect "$log" "[l2] domu: l2: other: xenstore-read: couldn't read path /local/domain/3/name"
expect "$log" "[l3] domu: l3: other: xenstore-read: couldn't read path /local/domain/2/name"
expect "$log" "[l2] domu: l2: other: xenstore-write: could not write path /local/domain/3/data/x"
expect "$log" "[l3] domu: l3: other: xenstore-write: could not write path /local/domain/2/data/x"
expect_re "$log" '\[xs\] linux: ready \(uptime [0-9]+\.[0-9]+ s\)'
expect_last "$log" "hyperlaunch: all 3 domains are off (3 powered off); powering off"
finish
