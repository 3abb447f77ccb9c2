#!/usr/bin/env bash
# The channels the launch declares (LCM hyperlaunch,channels; JSON
# "channels"), with three Xen-aware bare-metal domains
# (xen-channels-guest.c): a declares a channel with b. b binds a's unbound
# port, copies and maps a's granted page (after giving up a page of its own
# RAM for it), reads a's word and writes its own through the mapping,
# unmaps it and gets its own page back; events go both ways; a sees b's
# word and its grant entry's in-use flags gone. c, with no channel,
# is refused everything with a (-1 EPERM, grant status -8
# GNTST_permission_denied), and so is a domid that does not exist; the
# policy says so once per operation and object.
. "$(dirname "$0")/qemu.bash"

guest_c "$WORK/chan.img" tests/hv/xen-channels-guest.c || exit 1
pack tests/hv/configs/xen-channels.json
log=$WORK/console.log
LIMIT=60 boot_pack "$log"
expect_rc 0
for line in "shared_info: 0" "alloc_unbound for b: 0" "port: 1" "grant frame: 0" \
	"event from b: 1" "send to b: 0" "word from b: 1" "grant flags: 1" "done"; do
	expect "$log" "[a] xen: a: $line"
done
for line in "shared_info: 0" "bind a's port 1: 0" "port: 1" "copy: 0" "copied word: 1" \
	"copy into read-only grant: -8" \
	"decrease_reservation: 1" "map: 0" "mapped word: 1" "unmap: 0" "populate_physmap: 1" \
	"own page back: 1" "send to a: 0" "event from a: 1" "done"; do
	expect "$log" "[b] xen: b: $line"
done
for line in "shared_info: 0" "alloc_unbound for a: -1" "bind a's port 1: -1" "copy: -8" \
	"map: -8" "bind domain 9: -1" "done"; do
	expect "$log" "[c] xen: c: $line"
done
expect "$log" "policy: denied: c (domU_t) may not bind an event channel with a (domU_t) [role]"
expect "$log" "policy: denied: c (domU_t) may not map or copy grants of a (domU_t) [role]"
expect "$log" "policy: denied: c (domU_t) may not bind an event channel with an unknown domain [role]"
expect_count_re "$log" "policy: denied: c \(domU_t\) may not bind an event channel with a .*" 1
expect_none "$log" "policy: denied: [ab] "
expect_last "$log" "hyperlaunch: all 3 domains are off (3 powered off); powering off"
finish
