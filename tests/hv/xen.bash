# Shared by the tests of Xen-aware Linux domains (sourced, not a test
# itself): Debian's parts they boot and the initramfs each domain gets.
#
#   xen_parts PART...     the Linux parts, then each PART of
#                         scripts/fetch-real-parts.sh (xen-modules,
#                         xen-tools, modules): a failure ends the test
#   xen_image NAME INIT LIBS TOOLS MODULES [mkinitramfs args...]
#                         build/guests/linux/NAME.cpio.gz with /init INIT,
#                         Debian's arm64 libc and the libraries LIBS
#                         (libxen*, from xen-tools), xenstore-TOOLS
#                         (xenstore-utils) and the modules MODULES: paths
#                         under the kernel's drivers/xen (xen-modules), or
#                         LM/NAME for build/linux-modules/NAME.ko
#   $store_libs           the libraries Debian's xenstored loads
. "$(dirname "$0")/qemu.bash"

xen_parts() {
	local part
	linux_parts
	for part in "$@"; do
		if ! scripts/fetch-real-parts.sh "$part" >"$WORK/fetch-$part.log" 2>&1; then
			echo "FAIL: scripts/fetch-real-parts.sh $part"
			cat "$WORK/fetch-$part.log"
			exit 1
		fi
	done
}

store_libs="libxenctrl.so.4.17 libxencall.so.1 libxenforeignmemory.so.1 libxendevicemodel.so.1
	libxengnttab.so.1 libxenevtchn.so.1 libxenstore.so.4 libxentoollog.so.1 libxentoolcore.so.1"

xen_image() {
	local name=$1 init=$2 x
	local tools=build/xen-tools xmods
	xmods=$(echo build/xen-modules/lib/modules/*/kernel/drivers/xen)
	local adds=(--add "$tools/lib/aarch64-linux-gnu/ld-linux-aarch64.so.1=lib/ld-linux-aarch64.so.1"
		--add "$tools/lib/aarch64-linux-gnu/libc.so.6=lib/aarch64-linux-gnu/libc.so.6")
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
