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
. "$(dirname "$0")/xen.bash"

xen_parts xen-modules xen-tools
make -s build/guests/linux/xs-toolstack || exit 1
tools=build/xen-tools
xen_image xenstore-domus tests/hv/linux-init-xenstore-domus "$store_libs" \
	"read" "xenfs/xenfs xen-privcmd xen-evtchn xen-gntdev" \
	--add build/guests/linux/xs-toolstack=bin/xs-toolstack \
	--add "$tools/usr/lib/xen-4.17/bin/xenstored=usr/sbin/xenstored"
xen_image xenstore-domu tests/hv/linux-init-xenstore-domu "libxenstore.so.4 libxentoolcore.so.1" \
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
