#!/usr/bin/env bash
# A network link through Xen's split network drivers, Debian's own: the
# driver domain nb (domid 2) serves xen-netback, the frontend nf (domid 3,
# whose LCM node declares the interface: xen-nics, served by nb)
# xen-netfront. The store domain xs (domid 1, Debian's xenstored) runs
# xs-toolstack, which writes the vif's frontend and backend entries from
# the plan before it introduces the domains; nb sets up its vif3.0 with
# 10.0.0.2 and writes hotplug-status = connected itself (a hotplug
# script's part); nf sets up eth0 with 10.0.0.3. Each pings the other
# (busybox ping): netback maps the frontend's rings and copies packets
# with GNTTABOP_copy, each through the policy gate (xen:grant).
. "$(dirname "$0")/xen-split.bash"

split_image split-net-back tests/hv/linux-init-split-back "$client_libs" "read write list" \
	"xenfs/xenfs xen-privcmd LM/split/xen-netback"
split_image split-net-front tests/hv/linux-init-split-front "$client_libs" "read write" \
	"xenfs/xenfs xen-privcmd LM/split/xen-netfront"
pack tests/hv/configs/xen-split-net.json
log=$WORK/console.log
LIMIT=200 boot_pack "$log"
expect_rc 0
expect "$log" "[xs] xs-toolstack: vif 0: domain 3 00:16:3e:00:00:03 (/local/domain/3/device/vif/0) served by domain 2"
expect "$log" "[nb] back: vif3.0 up, hotplug-status connected"
expect "$log" "[nf] front: ping 10.0.0.2: 1 packets received"
expect "$log" "[nb] back: vif state 4, frontend 4"
expect "$log" "[nb] back: ping 10.0.0.3: 1 packets received"
expect_re "$log" '\[nf\] linux: ready \(uptime [0-9]+\.[0-9]+ s\)'
expect_re "$log" '\[nb\] linux: ready \(uptime [0-9]+\.[0-9]+ s\)'
expect_none "$log" "xs-toolstack: .*(ERROR|not introduced)"
expect_last "$log" "hyperlaunch: all 3 domains are off (3 powered off); powering off"
finish
