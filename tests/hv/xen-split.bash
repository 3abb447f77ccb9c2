# Shared by tests/hv/xen-split-blk.sh and xen-split-net.sh (sourced, not a
# test itself): the parts and the three initramfs of a split-driver boot:
# the store domain (Debian's xenstored and xs-toolstack, which writes the
# devices the LCM declares: linux-init-xenstore-split), the
# driver domain (linux-init-split-back) and the frontend
# (linux-init-split-front), each with Debian's own modules of the kernel's
# package (scripts/fetch-real-parts.sh xen-modules, modules) and the
# xenstore-utils it uses.
. "$(dirname "$0")/qemu.bash"

linux_parts
for part in xen-modules xen-tools modules; do
	if ! scripts/fetch-real-parts.sh "$part" >"$WORK/fetch-$part.log" 2>&1; then
		echo "FAIL: scripts/fetch-real-parts.sh $part"
		cat "$WORK/fetch-$part.log"
		exit 1
	fi
done
if [ ! -d build/linux-modules/split ]; then
	echo "FAIL: build/linux-modules/split is missing (a shared build/linux-modules made before" \
		"the split drivers were added: remove its .done and run scripts/fetch-real-parts.sh modules)"
	exit 1
fi
make -s build/guests/linux/xenchan build/guests/linux/xs-toolstack || exit 1
xmods=$(echo build/xen-modules/lib/modules/*/kernel/drivers/xen)
tools=build/xen-tools
libc=(--add "$tools/lib/aarch64-linux-gnu/ld-linux-aarch64.so.1=lib/ld-linux-aarch64.so.1"
	--add "$tools/lib/aarch64-linux-gnu/libc.so.6=lib/aarch64-linux-gnu/libc.so.6")
# split_image NAME INIT LIBS TOOLS MODULES [more --add]: MODULES are paths
# under drivers/xen of xen-modules, or LM/NAME for build/linux-modules.
split_image() {
	local name=$1 init=$2 adds=("${libc[@]}") x
	for x in $3; do
		adds+=(--add "$tools/usr/lib/aarch64-linux-gnu/$x=lib/aarch64-linux-gnu/$x")
	done
	for x in $4; do
		adds+=(--add "$tools/usr/bin/xenstore-$x=usr/bin/xenstore-$x")
	done
	for x in $5; do
		case $x in
		LM/*) adds+=(--add "build/linux-modules/${x#LM/}.ko=lib/modules/${x##*/}.ko") ;;
		*) adds+=(--add "$xmods/$x.ko=lib/modules/${x#*/}.ko") ;;
		esac
	done
	shift 5
	if ! guests/linux/mkinitramfs.sh "build/guests/linux/$name.cpio.gz" --init "$init" \
		"${adds[@]}" "$@" >"$WORK/initramfs-$name.log" 2>&1; then
		echo "FAIL: guests/linux/mkinitramfs.sh ($name)"
		cat "$WORK/initramfs-$name.log"
		exit 1
	fi
}
ext4_mods="LM/crc16 LM/mbcache LM/crc32c_generic LM/jbd2 LM/ext4"
client_libs="libxenstore.so.4 libxentoolcore.so.1"
split_image xenstore-split tests/hv/linux-init-xenstore-split \
	"libxenctrl.so.4.17 libxencall.so.1 libxenforeignmemory.so.1 libxendevicemodel.so.1
	 libxengnttab.so.1 libxenevtchn.so.1 libxenstore.so.4 libxentoollog.so.1 libxentoolcore.so.1" \
	"read write" "xenfs/xenfs xen-privcmd xen-evtchn xen-gntdev" \
	--add build/guests/linux/xenchan=bin/xenchan \
	--add build/guests/linux/xs-toolstack=bin/xs-toolstack \
	--add "$tools/usr/lib/xen-4.17/bin/xenstored=usr/sbin/xenstored"
