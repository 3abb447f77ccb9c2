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
. "$(dirname "$0")/xen.bash"

xen_parts xen-modules xen-tools
make -s build/guests/linux/xs-toolstack || exit 1
tools=build/xen-tools
xen_image xenstore-plan tests/hv/linux-init-xenstore-domus "$store_libs" \
	"read" "xenfs/xenfs xen-privcmd xen-evtchn xen-gntdev" \
	--add build/guests/linux/xs-toolstack=bin/xs-toolstack \
	--add "$tools/usr/lib/xen-4.17/bin/xenstored=usr/sbin/xenstored"
xen_image xenstore-plan-domu tests/hv/linux-init-xenstore-plan "libxenstore.so.4 libxentoolcore.so.1" \
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
