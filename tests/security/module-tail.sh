#!/usr/bin/env bash
# A kernel module that ends inside a page is mapped in place when nothing
# else lies in that page, and the rest of the page is zeroed first
# (core/builder.c, in_place_size): the guest must not see what the
# memory after its module held. QEMU leaves zeros there, so the test puts
# 0xa5 bytes from the module's end to the end of its page (a blob no LCM
# node names: nothing the hypervisor knows shares the page). The test
# guest (test-guest.S -DTAIL, 372 bytes, not padded) reads the rest of its
# last page: all zero.
. "$(dirname "$0")/security.bash"

guest_asm "$WORK/tail.img" -DTAIL || exit 1
size=$(stat -c %s "$WORK/tail.img")
cat >"$WORK/config.json" <<JSON
{ "domains": [ { "name": "t", "memory": "8M", "kernel": "$WORK/tail.img" } ] }
JSON
pack "$WORK/config.json" --memory 256M
dtb=$PACK/host.dtb
node=$(for n in $(fdtget -l "$dtb" /chosen/hypervisor/t); do
	[ "$(fdtget "$dtb" /chosen/hypervisor/t/$n compatible | tr ' ' '\n' | grep -c module,kernel)" = 1 ] && echo $n
done)
read -r _ addr _ msize <<<"$(fdtget -t x "$dtb" /chosen/hypervisor/t/$node module-addr)"
if [ -z "$node" ] || [ "$((0x$msize))" != "$size" ] || [ $((size % 4096)) = 0 ]; then
	echo "FAIL: kernel module node '$node' at 0x$addr+0x$msize, image $size bytes: not what the test needs"
	exit 1
fi
head -c $((4096 - size % 4096)) /dev/zero | tr '\0' '\245' >"$WORK/dirt.bin"
boot_pack "$LOG" -device loader,file="$WORK/dirt.bin",addr=$((0x$addr + size)),force-raw=on
expect_rc 0
expect_re "$LOG" "$(built_re "1 t" "8 MiB, 1 vCPU, kernel mapped")"
expect "$LOG" "[t] tail: zero"
expect_none "$LOG" 'check [0-9]+ failed'
expect_last "$LOG" "hyperlaunch: all 1 domain is off (1 powered off); powering off"
finish
