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
. "$(dirname "$0")/xen.bash"

xen_parts xen-modules xen-tools
make -s build/guests/linux/xenchan build/guests/linux/xs-toolstack || exit 1
xen_image xenstore tests/hv/linux-init-xenstore "$store_libs" "read write" \
	"xenfs/xenfs xen-privcmd xen-evtchn xen-gntdev" \
	--add build/guests/linux/xenchan=bin/xenchan \
	--add build/guests/linux/xs-toolstack=bin/xs-toolstack \
	--add build/xen-tools/usr/lib/xen-4.17/bin/xenstored=usr/sbin/xenstored
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
