#!/usr/bin/env bash
# Data between two Xen-aware Debian Linux 6.1 domains, with Linux's own
# drivers (Debian's xen-evtchn, xen-gntdev, xen-gntalloc modules) and a
# small userspace program (guests/linux/xenchan/xenchan.c, built with
# Debian's cross toolchain against the kernel's uapi headers): la (domid 1,
# which declares a channel with lb) offers a page with gntalloc and an
# unbound port with /dev/xen/evtchn; lb binds the port, maps the page with
# gntdev, reads la's message, answers in the page and notifies; la reads
# the answer and acknowledges. lc (domid 3, no channel) tries the same and
# is refused: EPERM, and the policy's line.
. "$(dirname "$0")/xen.bash"

xen_parts xen-modules
make -s build/guests/linux/xenchan || exit 1
mods=$(echo build/xen-modules/lib/modules/*/kernel/drivers/xen)
if ! guests/linux/mkinitramfs.sh build/guests/linux/xenchan.cpio.gz \
	--init tests/hv/linux-init-xenchan --add build/guests/linux/xenchan=bin/xenchan \
	--add "$mods/xen-evtchn.ko=lib/modules/xen-evtchn.ko" \
	--add "$mods/xen-gntdev.ko=lib/modules/xen-gntdev.ko" \
	--add "$mods/xen-gntalloc.ko=lib/modules/xen-gntalloc.ko" >"$WORK/initramfs.log" 2>&1; then
	echo "FAIL: guests/linux/mkinitramfs.sh"
	cat "$WORK/initramfs.log"
	exit 1
fi
pack tests/hv/configs/xen-linux-pair.json
log=$WORK/console.log
LIMIT=120 boot_pack "$log"
expect_rc 0
expect_re "$log" '\[la\] xenchan: offer to domain 2: grant ref [0-9]+, port [0-9]+'
expect_re "$log" '\[lb\] xenchan: bound port [0-9]+ to domain 1'
expect_re "$log" '\[lb\] xenchan: mapped grant ref [0-9]+ of domain 1'
expect "$log" '[lb] xenchan: got "ping from 1"'
expect "$log" '[la] xenchan: got "pong from 2"'
expect "$log" "[la] xenchan: offer done"
expect "$log" "[lb] xenchan: take done"
expect "$log" "[la] xenchan: exit status 0"
expect "$log" "[lb] xenchan: exit status 0"
expect "$log" "[lc] xenchan: binding the peer's port: Operation not permitted"
expect "$log" "[lc] xenchan: mapping the peer's grant: Invalid argument"
expect "$log" "[lc] xenchan: exit status 1"
expect "$log" "policy: denied: lc (domU_t) may not bind an event channel with la (domU_t) [role]"
expect "$log" "policy: denied: lc (domU_t) may not map or copy grants of la (domU_t) [role]"
expect_none "$log" "policy: denied: l[ab] "
for d in la lb lc; do
	expect_re "$log" "\[$d\] linux: ready \(uptime [0-9]+\.[0-9]+ s\)"
done
expect_last "$log" "hyperlaunch: all 3 domains are off (3 powered off); powering off"
finish
