# Shared by tests/hv/xen-split-blk.sh and xen-split-net.sh (sourced, not a
# test itself): the parts and the three initramfs of a split-driver boot:
# the store domain (Debian's xenstored and xs-toolstack, which writes the
# devices the LCM declares: linux-init-xenstore-split), the
# driver domain (linux-init-split-back) and the frontend
# (linux-init-split-front), each with Debian's own modules of the kernel's
# package (scripts/fetch-real-parts.sh xen-modules, modules) and the
# xenstore-utils it uses.
. "$(dirname "$0")/xen.bash"

xen_parts xen-modules xen-tools modules
if [ ! -d build/linux-modules/split ]; then
	echo "FAIL: build/linux-modules/split is missing (a shared build/linux-modules made before" \
		"the split drivers were added: remove its .done and run scripts/fetch-real-parts.sh modules)"
	exit 1
fi
make -s build/guests/linux/xenchan build/guests/linux/xs-toolstack || exit 1
tools=build/xen-tools
# split_image: xen_image (xen.bash), kept under its name for the split tests.
split_image() { xen_image "$@"; }
ext4_mods="LM/crc16 LM/mbcache LM/crc32c_generic LM/jbd2 LM/ext4"
client_libs="libxenstore.so.4 libxentoolcore.so.1"
split_image xenstore-split tests/hv/linux-init-xenstore-split "$store_libs" \
	"read write" "xenfs/xenfs xen-privcmd xen-evtchn xen-gntdev" \
	--add build/guests/linux/xenchan=bin/xenchan \
	--add build/guests/linux/xs-toolstack=bin/xs-toolstack \
	--add "$tools/usr/lib/xen-4.17/bin/xenstored=usr/sbin/xenstored"
