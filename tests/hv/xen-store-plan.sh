#!/usr/bin/env bash
# Split devices declared in the LCM reach the store: the front domain's
# LCM node has two disks (xen-disks: xvda read-write, xvdb read-only) and
# a network interface (xen-nics) served by the back domain. The
# hypervisor writes the plan (/xenstore-plan) into the XENSTORE domain's
# device tree; xs-toolstack, run there after Debian's xenstored starts,
# writes Xen's frontend and backend entries (docs/xen-interface.md) and
# introduces each domain after its entries are written. Through
# xenstore-utils, front sees its device/ entries and reads its backend's,
# back sees its backend/ entries and reads its frontend's, and the
# domain with no device (other) can read neither (Xen's permissions, set
# by xs-toolstack). No driver is loaded: the entries are the test.
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
image xenstore-plan tests/hv/linux-init-xenstore-domus \
	"libxenctrl.so.4.17 libxencall.so.1 libxenforeignmemory.so.1 libxendevicemodel.so.1
	 libxengnttab.so.1 libxenevtchn.so.1 libxenstore.so.4 libxentoollog.so.1 libxentoolcore.so.1" \
	"read" "xenfs/xenfs xen-privcmd xen-evtchn xen-gntdev" \
	--add build/guests/linux/xs-toolstack=bin/xs-toolstack \
	--add "$tools/usr/lib/xen-4.17/bin/xenstored=usr/sbin/xenstored"
image xenstore-plan-domu tests/hv/linux-init-xenstore-plan "libxenstore.so.4 libxentoolcore.so.1" \
	"read write ls" "xenfs/xenfs xen-privcmd"
pack tests/hv/configs/xen-store-plan.json
log=$WORK/console.log
LIMIT=180 boot_pack "$log"
expect_rc 0
expect "$log" "[xs] xs-toolstack: plan: 3 domains, 3 devices"
for d in "2 front" "3 back" "4 other"; do
	expect "$log" "[xs] xs-toolstack: domain $d: home /local/domain/${d% *}"
	expect "$log" "[xs] xs-toolstack: domain $d: introduced (ring 0x39000, port 1)"
	expect "$log" "[xs] store: domain ${d% *} wrote: from ${d#* }"
done
# Xen's layout, exactly and in order: the frontend's entries as front
# lists them, the backend's as back does.
want=$(sed 's/^\t//' <<'EOF'
	[front] plan: front: ls /local/domain/2/device: vbd = ""
	[front] plan: front: ls /local/domain/2/device:  51712 = ""
	[front] plan: front: ls /local/domain/2/device:   backend = "/local/domain/3/backend/vbd/2/51712"
	[front] plan: front: ls /local/domain/2/device:   backend-id = "3"
	[front] plan: front: ls /local/domain/2/device:   state = "1"
	[front] plan: front: ls /local/domain/2/device:   virtual-device = "51712"
	[front] plan: front: ls /local/domain/2/device:   device-type = "disk"
	[front] plan: front: ls /local/domain/2/device:  51728 = ""
	[front] plan: front: ls /local/domain/2/device:   backend = "/local/domain/3/backend/vbd/2/51728"
	[front] plan: front: ls /local/domain/2/device:   backend-id = "3"
	[front] plan: front: ls /local/domain/2/device:   state = "1"
	[front] plan: front: ls /local/domain/2/device:   virtual-device = "51728"
	[front] plan: front: ls /local/domain/2/device:   device-type = "disk"
	[front] plan: front: ls /local/domain/2/device: vif = ""
	[front] plan: front: ls /local/domain/2/device:  0 = ""
	[front] plan: front: ls /local/domain/2/device:   backend = "/local/domain/3/backend/vif/2/0"
	[front] plan: front: ls /local/domain/2/device:   backend-id = "3"
	[front] plan: front: ls /local/domain/2/device:   state = "1"
	[front] plan: front: ls /local/domain/2/device:   handle = "0"
	[front] plan: front: ls /local/domain/2/device:   mac = "00:16:3e:00:00:02"
	[back] plan: back: ls /local/domain/3/backend: vbd = ""
	[back] plan: back: ls /local/domain/3/backend:  2 = ""
	[back] plan: back: ls /local/domain/3/backend:   51712 = ""
	[back] plan: back: ls /local/domain/3/backend:    frontend = "/local/domain/2/device/vbd/51712"
	[back] plan: back: ls /local/domain/3/backend:    frontend-id = "2"
	[back] plan: back: ls /local/domain/3/backend:    online = "1"
	[back] plan: back: ls /local/domain/3/backend:    state = "1"
	[back] plan: back: ls /local/domain/3/backend:    removable = "0"
	[back] plan: back: ls /local/domain/3/backend:    bootable = "1"
	[back] plan: back: ls /local/domain/3/backend:    dev = "xvda"
	[back] plan: back: ls /local/domain/3/backend:    type = "phy"
	[back] plan: back: ls /local/domain/3/backend:    mode = "w"
	[back] plan: back: ls /local/domain/3/backend:    device-type = "disk"
	[back] plan: back: ls /local/domain/3/backend:    params = "/dev/ram0"
	[back] plan: back: ls /local/domain/3/backend:   51728 = ""
	[back] plan: back: ls /local/domain/3/backend:    frontend = "/local/domain/2/device/vbd/51728"
	[back] plan: back: ls /local/domain/3/backend:    frontend-id = "2"
	[back] plan: back: ls /local/domain/3/backend:    online = "1"
	[back] plan: back: ls /local/domain/3/backend:    state = "1"
	[back] plan: back: ls /local/domain/3/backend:    removable = "0"
	[back] plan: back: ls /local/domain/3/backend:    bootable = "1"
	[back] plan: back: ls /local/domain/3/backend:    dev = "xvdb"
	[back] plan: back: ls /local/domain/3/backend:    type = "phy"
	[back] plan: back: ls /local/domain/3/backend:    mode = "r"
	[back] plan: back: ls /local/domain/3/backend:    device-type = "disk"
	[back] plan: back: ls /local/domain/3/backend:    params = "/dev/ram1"
	[back] plan: back: ls /local/domain/3/backend: vif = ""
	[back] plan: back: ls /local/domain/3/backend:  2 = ""
	[back] plan: back: ls /local/domain/3/backend:   0 = ""
	[back] plan: back: ls /local/domain/3/backend:    frontend = "/local/domain/2/device/vif/0"
	[back] plan: back: ls /local/domain/3/backend:    frontend-id = "2"
	[back] plan: back: ls /local/domain/3/backend:    online = "1"
	[back] plan: back: ls /local/domain/3/backend:    state = "1"
	[back] plan: back: ls /local/domain/3/backend:    handle = "0"
	[back] plan: back: ls /local/domain/3/backend:    mac = "00:16:3e:00:00:02"
	[back] plan: back: ls /local/domain/3/backend:    type = "vif"
	[back] plan: back: ls /local/domain/3/backend:    script = "none"
EOF
)
for dom in front back; do
	if ! diff <(grep -F "[$dom] plan: $dom: ls " "$log") <(grep -F "[$dom] plan: $dom: ls " <<<"$want") \
		>"$WORK/$dom.diff"; then
		echo "MISSING in $log: $dom's store entries as expected (diff: got, expected):"
		cat "$WORK/$dom.diff"
		failures=$((failures + 1))
	fi
done
f=/local/domain/2/device b=/local/domain/3/backend
expect "$log" "[front] plan: front: $b/vbd/2/51712/params = /dev/ram0"
expect "$log" "[front] plan: front: $b/vbd/2/51712/state = 1"
expect "$log" "[front] plan: front: $b/vif/2/0/mac = 00:16:3e:00:00:02"
expect "$log" "[back] plan: back: $f/vbd/51712/state = 1"
expect "$log" "[back] plan: back: $f/vbd/51728/virtual-device = 51728"
expect "$log" "[back] plan: back: $f/vif/0/mac = 00:16:3e:00:00:02"
for p in $f/vbd/51712/backend $b/vbd/2/51712/params $f/vif/0/mac; do
	expect "$log" "[other] plan: other: $p = xenstore-read: couldn't read path $p"
done
expect_none "$log" '^\[other\] plan: other: ls .*(device|backend)'
expect_re "$log" '\[xs\] linux: ready \(uptime [0-9]+\.[0-9]+ s\)'
expect_last "$log" "hyperlaunch: all 4 domains are off (4 powered off); powering off"
finish
