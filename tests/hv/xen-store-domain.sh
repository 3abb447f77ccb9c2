#!/usr/bin/env bash
# The XENSTORE domain as Xen's initial domain: a Xen-aware Debian Linux 6.1
# domain with FUNCTION_XENSTORE is told XENFEAT_dom0, so it serves the
# store locally (/proc/xen/xsd_port, capabilities control_d); through
# /dev/xen/privcmd it reads every domain's state with
# XEN_DOMCTL_getdomaininfo (itself running, the probe powered off), and
# Debian's own xenstored (xen-utils-4.17) runs in it: xenstore-write and
# xenstore-read (xenstore-utils) store and read a key. The launch has no
# other Xen-aware domain: the plan the hypervisor writes for the store
# (/xenstore-plan) is empty, and xs-toolstack has nothing to do.
. "$(dirname "$0")/qemu.bash"

linux_parts
for part in xen-modules xen-tools; do
	if ! scripts/fetch-real-parts.sh "$part" >"$WORK/fetch-$part.log" 2>&1; then
		echo "FAIL: scripts/fetch-real-parts.sh $part"
		cat "$WORK/fetch-$part.log"
		exit 1
	fi
done
make -s build/guests/linux/xenchan build/guests/linux/xs-toolstack || exit 1
mods=$(echo build/xen-modules/lib/modules/*/kernel/drivers/xen)
tools=build/xen-tools
adds=(--add build/guests/linux/xenchan=bin/xenchan
	--add build/guests/linux/xs-toolstack=bin/xs-toolstack
	--add "$tools/usr/lib/xen-4.17/bin/xenstored=usr/sbin/xenstored"
	--add "$tools/lib/aarch64-linux-gnu/ld-linux-aarch64.so.1=lib/ld-linux-aarch64.so.1"
	--add "$tools/lib/aarch64-linux-gnu/libc.so.6=lib/aarch64-linux-gnu/libc.so.6")
for lib in libxenctrl.so.4.17 libxencall.so.1 libxenforeignmemory.so.1 libxendevicemodel.so.1 \
	libxengnttab.so.1 libxenevtchn.so.1 libxenstore.so.4 libxentoollog.so.1 libxentoolcore.so.1; do
	adds+=(--add "$tools/usr/lib/aarch64-linux-gnu/$lib=lib/aarch64-linux-gnu/$lib")
done
for t in read write; do
	adds+=(--add "$tools/usr/bin/xenstore-$t=usr/bin/xenstore-$t")
done
for m in xenfs/xenfs xen-privcmd xen-evtchn xen-gntdev; do
	adds+=(--add "$mods/$m.ko=lib/modules/${m#*/}.ko")
done
if ! guests/linux/mkinitramfs.sh build/guests/linux/xenstore.cpio.gz \
	--init tests/hv/linux-init-xenstore "${adds[@]}" >"$WORK/initramfs.log" 2>&1; then
	echo "FAIL: guests/linux/mkinitramfs.sh"
	cat "$WORK/initramfs.log"
	exit 1
fi
pack tests/hv/configs/xen-store-domain.json
log=$WORK/console.log
LIMIT=90 boot_pack "$log"
expect_rc 0
expect "$log" "[p1] probe: ready"
expect "$log" "[xs] store: capabilities: control_d"
expect_re "$log" '\[xs\] store: xsd_port: [0-9]+'
# hvm_guest | running | xs_domain | hap; hvm_guest | shutdown (poweroff) | hap.
expect "$log" "[xs] xenchan: domain 1: flags 0x1a2, 32768 pages, 1 vcpus"
expect "$log" "[xs] xenchan: domain 2: flags 0x106, 2048 pages, 1 vcpus"
expect "$log" "[xs] xenchan: domains from 3: No such process"
expect "$log" "[xs] store: write: 0"
expect "$log" "[xs] store: read: from xenstored"
expect "$log" "[xs] xs-toolstack: plan: 0 domains, 0 devices"
expect "$log" "[xs] store: xs-toolstack: 0"
expect_re "$log" '\[xs\] linux: ready \(uptime [0-9]+\.[0-9]+ s\)'
expect_last "$log" "hyperlaunch: all 2 domains are off (2 powered off); powering off"
finish
