#!/usr/bin/env bash
# A hostile caller of the Xen guest interface (xen-hostile-guest.c): bad
# pointers (outside its RAM, across its end, wrapping, into the GIC),
# ports, grant references, vCPUs, frame indexes and sizes out of range,
# other domains' objects, unknown calls. Each gets its Xen errno (-14
# EFAULT, -22 EINVAL, -1 EPERM: no channel declared, -2 ENOENT, -16 EBUSY,
# -38 ENOSYS) or grant status; a page given up (decrease_reservation) and
# taken back (populate_physmap) is usable again; the hypervisor stays up, a
# loopback event channel still works, and a domain without
# hyperlaunch,xen-interface gets -1 (an HVC that is not there) for a Xen
# hypercall.
. "$(dirname "$0")/qemu.bash"

guest_c "$WORK/hostile.img" tests/hv/xen-hostile-guest.c || exit 1
pack tests/hv/configs/xen-hostile.json --cpus 1
log=$WORK/console.log
boot_pack "$log"
expect_rc 0
for line in \
	"version: 262161" \
	"features outside ram: -14" "features across ram end: -14" "features wrapping: -14" \
	"features in gic: -14" "evtchn outside ram: -14" "gnttab outside ram: -14" \
	"features submap 7: -22" "shared_info outside ram: -22" "shared_info of domain 3: -1" \
	"grant frame 100: -22" "grant frame in ram: -22" "grant frame 0: 0" \
	"grant frame 1 over 0: -16" \
	"vcpu_info across page: -22" "vcpu_info misaligned: -22" "vcpu_info of vcpu 5: -2" \
	"send port 0: -22" "send port 2^32-1: -22" "close port 4000: -22" \
	"unmask port 4000: -22" "bind virq 99: -22" "alloc_unbound for domain 999: -1" \
	"alloc_unbound in domain 2: -1" "bind_interdomain to plain domain: -1" \
	"evtchn op 11 (fifo): -38" \
	"copy 100000 ops: -22" "copy from plain domain: -8" "copy ref 100000: -3" \
	"copy 5000 bytes: -10" "copy from outside ram: -9" \
	"map from plain domain: 0 status -8" "map own grant: 0 status -2" \
	"map with pte: 0 status -1" "map misaligned: 0 status -5" "map 100000 ops: -22" \
	"unmap handle 7: -4" "unmap handle 128: -4" "unmap handle 4096: -4" \
	"unmap handle 2^32-1: -4" "decrease_reservation: 1" \
	"populate_physmap: 1" "decrease_reservation outside ram: 0" \
	"decrease_reservation order 9: -22" "decrease_reservation list outside ram: -14" \
	"shutdown reason 77: -22" "hypercall 99: -38" "hypercall 2^64-1: -38" \
	"memory_op 99: -38" "hvm set_param: -38" \
	"domctl getdomaininfo: -1" "domctl version 0x14: -13" \
	"shared_info: 0" "alloc_unbound self: 0" "bind_interdomain self: 0" "send: 0" \
	"ports 1 and 2, pending 0x2" "status: 0" "port 1 status 2 peer port 2" "done"; do
	expect "$log" "[hostile] xen: $line"
done
expect "$log" "[plain] xen: plain version: -1"
expect "$log" "policy: denied: hostile (domU_t) may not read with domctl the state of hostile (domU_t) [role]"
expect "$log" "domain 1 hostile: powered off"
expect "$log" "domain 2 plain: powered off"
expect_last "$log" "hyperlaunch: all 2 domains are off (2 powered off); powering off"
finish
