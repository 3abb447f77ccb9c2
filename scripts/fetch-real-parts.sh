#!/usr/bin/env bash
# Fetches the "real parts" the benchmarks and the Linux tests boot, from
# Debian's arm64 packages (downloaded with apt-get download and extracted
# with dpkg-deb into build/deps/, never installed):
#
#   build/deps/linux/Image   uncompressed arm64 Linux Image, the kernel that
#                            linux-image-arm64 depends on (linux-image-<abi>-arm64)
#   build/deps/busybox       static arm64 busybox (busybox-static)
#   build/deps/xen/xen       Xen 4.17 for arm64, an Image QEMU boots with -kernel
#                            (xen-hypervisor-4.17-arm64)
#   build/xen-modules/       only when named: the Xen driver modules (xen-evtchn,
#                            xen-gntdev, xen-gntalloc, ...) of the same kernel,
#                            kernel/drivers/xen/ of its package, for the initramfs
#                            of Xen-aware Linux domains (guests/linux/mkinitramfs.sh)
#   build/xen-tools/         only when named: Debian's xenstored (xen-utils-4.17),
#                            xenstore-utils and the arm64 libraries they load
#                            (libxen*, libc6), extracted as in their packages,
#                            for the initramfs of a Linux XENSTORE domain
#   build/linux-modules/     (part "modules", only when named) the few modules
#                            of that kernel's package a Linux hardware domain
#                            loads: virtio-mmio, virtio-pci, virtio-blk,
#                            virtio-net, ext4
#                            and their dependencies (MODULES below); beside
#                            build/deps, which may be shared between trees;
#                            and in build/linux-modules/split/ the Xen split
#                            drivers (xen-blkback, xen-blkfront, xen-netback,
#                            xen-netfront) and brd, the RAM disk a driver
#                            domain serves (SPLIT below; not in "order")
#
# and the same two guest parts from Debian's amd64 packages, for the x86 port:
#
#   build/deps/linux-amd64/bzImage   the amd64 kernel as shipped (a bzImage,
#                                    64-bit boot protocol), the one
#                                    linux-image-amd64 depends on
#   build/deps/busybox-amd64         static amd64 busybox (busybox-static:amd64)
#
# The kernels' .debs stay in build/deps/debs/ (the newest per architecture),
# so the parts made from one of them download it once.
#
# Usage: scripts/fetch-real-parts.sh [--update] [linux] [busybox] [xen] [modules] [xen-modules]
#                                   [xen-tools] [linux-amd64] [busybox-amd64]
#   no part named: all of them (what the test suite and the demos boot).
#   --update: ask apt for the current versions and
#   fetch again what changed (otherwise a part fetched once is kept as it is).
#
# Each part has a stamp, .done in its directory (build/deps/linux/.done, ...), holding
# "package version"; with the stamps in place the script asks apt nothing and
# takes a few ms. It prints one line per part (and, when it fetched, how long
# that took).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
deps="$top/build/deps"

update=0
tools=0
want_modules=0
parts=()
for a in "$@"; do
	case $a in
	--update) update=1 ;;
	linux | busybox | xen | xen-modules | linux-amd64 | busybox-amd64) parts+=("$a") ;;
	xen-tools) tools=1 ;;
	modules) want_modules=1 ;;
	-h | --help) sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	*) echo "fetch-real-parts: unknown argument '$a' (parts: linux busybox xen modules xen-modules xen-tools linux-amd64 busybox-amd64)" >&2; exit 2 ;;
	esac
done
if [ ${#parts[@]} = 0 ] && [ $tools = 0 ] && [ $want_modules = 0 ]; then
	parts=(linux busybox xen xen-modules linux-amd64 busybox-amd64)
	tools=1
	want_modules=1
fi

sudo=""
[ "$(id -u)" = 0 ] || sudo="sudo"

die() { echo "fetch-real-parts: $*" >&2; exit 1; }
now_ms() { date +%s%3N; }
secs() { awk -v ms="$1" 'BEGIN { printf "%.1f", ms / 1000 }'; }
human() { awk -v b="$1" 'BEGIN { if (b >= 1048576) printf "%.1f MiB", b / 1048576; else printf "%.0f KiB", b / 1024 }'; }
size_of() { stat -L -c %s "$1"; }

declare -A dir=([linux]="$deps/linux" [busybox]="$deps/busybox-static" [xen]="$deps/xen"
	[xen-modules]="$top/build/xen-modules" [linux-amd64]="$deps/linux-amd64"
	[busybox-amd64]="$deps/busybox-static-amd64")
# The package apt resolves each part from, and its Debian architecture (the
# kernel parts name the metapackage whose Depends gives the kernel's package).
declare -A rec=([linux]=linux-image-arm64 [busybox]=busybox-static [xen]=xen-hypervisor-4.17-arm64
	[xen-modules]=linux-image-arm64 [linux-amd64]=linux-image-amd64 [busybox-amd64]=busybox-static)
declare -A arch=([linux]=arm64 [busybox]=arm64 [xen]=arm64 [xen-modules]=arm64
	[linux-amd64]=amd64 [busybox-amd64]=amd64)
declare -A pkg ver

# --- apt: which packages, which versions --------------------------------------------------

apt_updated=0
apt_update() {
	[ $apt_updated = 1 ] && return 0
	$sudo apt-get update -qq
	apt_updated=1
}

# resolve PART...: sets pkg[PART] and ver[PART] from apt's candidates, with one
# apt-cache call (apt-cache is slow to start). The kernel's package name
# carries its ABI (linux-image-6.1.0-NN-arm64), which changes with security
# updates, so it is read from the Depends of the metapackage
# linux-image-arm64 (with the exact version that Depends pins), never
# written here.
resolve_once() {
	local names=() p
	for p in "$@"; do
		names+=("${rec[$p]}:${arch[$p]}")
	done
	local info
	info=$(apt-cache show --no-all-versions "${names[@]}" 2>/dev/null) || true
	# "Package|Version|Depends" lines, one record per package and architecture.
	for p in "$@"; do
		local body
		body=$(printf '%s\n' "$info" | awk -v want="${rec[$p]}" -v arch="${arch[$p]}" '
			/^Package: / { on = ($2 == want) }
			/^Architecture: / { if ($2 != arch && $2 != "all") on = 0 }
			on && /^(Version|Depends): / { print }')
		case $p in
		linux | linux-amd64 | xen-modules)
			# Depends: linux-image-6.1.0-56-arm64 (= 6.1.192-2)
			local dep
			dep=$(printf '%s\n' "$body" | sed -n 's/^Depends: //p' | tr ',|' '\n\n' |
				sed 's/^ *//' | grep -m1 -E "^linux-image-[0-9][^ ]*-${arch[$p]}( |$)" || true)
			pkg[$p]=${dep%% *}
			ver[$p]=$(printf '%s\n' "$dep" | sed -n 's/.*(= *\([^)]*\)).*/\1/p')
			if [ -n "${pkg[$p]}" ] && [ -z "${ver[$p]}" ]; then
				ver[$p]=$(apt-cache policy "${pkg[$p]}:${arch[$p]}" 2>/dev/null |
					sed -n 's/^ *Candidate: //p' | grep -v '^(none)$' || true)
			fi
			;;
		*)
			pkg[$p]=${rec[$p]}
			ver[$p]=$(printf '%s\n' "$body" | sed -n 's/^Version: //p' | head -1)
			;;
		esac
		[ -n "${pkg[$p]}" ] && [ -n "${ver[$p]}" ] || return 1
	done
}

resolve() {
	resolve_once "$@" && return 0
	apt_update
	resolve_once "$@" ||
		die "apt knows no package for: $* (is the arm64 architecture added? see scripts/setup.sh)"
}

# The kernel packages' .debs are kept in build/deps/debs/ (the newest of
# each architecture): three parts are made from the arm64 one (linux,
# xen-modules, modules), fetched at different times, and it is the largest
# download. Other .debs are dropped once extracted.
debs="$deps/debs"

# deb_name PKG VER ARCH: the file name apt-get download gives a package
# (an epoch's colon written %3a).
deb_name() { echo "${1}_${2//:/%3a}_${3}.deb"; }

# download DIR PART...: each PART's .deb into DIR, from build/deps/debs/
# when it is there, the others with one apt-get call.
download() {
	local d=$1 p f spec specs=()
	shift
	for p in "$@"; do
		f=$(deb_name "${pkg[$p]}" "${ver[$p]}" "${arch[$p]}")
		if [ -f "$debs/$f" ]; then
			ln -f "$debs/$f" "$d/$f" 2>/dev/null || cp -f "$debs/$f" "$d/$f"
			continue
		fi
		spec="${pkg[$p]}:${arch[$p]}=${ver[$p]}"
		[[ " ${specs[*]} " == *" $spec "* ]] || specs+=("$spec")
	done
	[ ${#specs[@]} -gt 0 ] || return 0
	chmod 755 "$d"          # apt's _apt user must be able to write there, or apt warns
	(cd "$d" && apt-get download -qq "${specs[@]}" >/dev/null 2>&1) || return 1
	for p in "$@"; do
		f=$(deb_name "${pkg[$p]}" "${ver[$p]}" "${arch[$p]}")
		case ${pkg[$p]} in
		linux-image-*)
			[ -f "$d/$f" ] && [ ! -f "$debs/$f" ] || continue
			mkdir -p "$debs"
			find "$debs" -name "linux-image-*_${arch[$p]}.deb" ! -name "$f" -delete
			ln -f "$d/$f" "$debs/$f" 2>/dev/null || cp -f "$d/$f" "$debs/$f"
			;;
		esac
	done
}

# --- the derived files ----------------------------------------------------------------------

# arm64_image_ok FILE: an arm64 Image (magic "ARM\x64" at 0x38).
arm64_image_ok() {
	[ "$(od -An -tx1 -j56 -N4 "$1" | tr -d ' \n')" = 41524d64 ]
}

# make_linux_image VMLINUZ OUT: prints how. Debian 12's arm64 vmlinuz is an
# uncompressed (EFI-stub) Image, then hard-linked as it is; other builds
# ship it gzip-compressed, newer ones as an EFI "zboot" image (an EFI stub
# carrying a compressed Image): both are unpacked.
make_linux_image() {
	local src=$1 out=$2 tmp="$2.tmp" how
	rm -f "$tmp"
	if [ "$(od -An -tx1 -N2 "$src" | tr -d ' \n')" = 1f8b ]; then
		gzip -dc "$src" >"$tmp"
		how="gunzipped from $(basename "$src")"
	elif [ "$(od -An -c -j4 -N4 "$src" | tr -d ' \n')" = zimg ]; then
		# EFI zboot: u32 payload offset at 8, size at 12, compression name at 24.
		local off size comp
		off=$(od -An -tu4 -j8 -N4 "$src" | tr -d ' ')
		size=$(od -An -tu4 -j12 -N4 "$src" | tr -d ' ')
		comp=$(dd if="$src" bs=1 skip=24 count=8 status=none | tr -d '\0')
		case $comp in
		gzip) tail -c +$((off + 1)) "$src" | head -c "$size" | gzip -dc >"$tmp" ;;
		zstd*) tail -c +$((off + 1)) "$src" | head -c "$size" | zstd -dcq >"$tmp" ;;
		xzkern | lzma) tail -c +$((off + 1)) "$src" | head -c "$size" | xz -dc >"$tmp" ;;
		*) die "linux: $src is an EFI zboot image compressed with '$comp', unknown here" ;;
		esac
		how="unpacked from the EFI zboot $(basename "$src") ($comp)"
	else
		ln -f "$src" "$tmp"
		how="$(basename "$src") is uncompressed: hard link"
	fi
	arm64_image_ok "$tmp" || { rm -f "$tmp"; die "linux: $src gives no arm64 Image (no ARM\\x64 magic at 0x38)"; }
	mv -f "$tmp" "$out"
	echo "$how"
}

# finish PART STATE NOTE: make PART's derived files if missing (or just
# fetched) and print its line.
finish() {
	local p=$1 state=$2 note=$3 d=${dir[$1]} f how
	case $p in
	linux)
		f=$(ls "$d"/boot/vmlinuz-* 2>/dev/null | head -1)
		[ -n "$f" ] || die "linux: no boot/vmlinuz-* in $d (remove $d/.done to fetch again)"
		if [ "$state" = fetched ] || [ ! -f "$d/Image" ] || ! arm64_image_ok "$d/Image"; then
			how=$(make_linux_image "$f" "$d/Image")
			ln -sfn "boot/$(basename "$(ls "$d"/boot/config-* | head -1)")" "$d/config"
		else
			how="made before"
		fi
		printf 'linux:   %-7s %s %s -> build/deps/linux/Image (%s, %s)%s\n' \
			"$state" "${pkg[$p]}" "${ver[$p]}" "$(human "$(size_of "$d/Image")")" "$how" "$note" ;;
	busybox)
		[ -x "$d/bin/busybox" ] || die "busybox: no bin/busybox in $d (remove $d/.done to fetch again)"
		if [ "$state" = fetched ] || [ ! -x "$deps/busybox" ]; then
			cp -f "$d/bin/busybox" "$deps/busybox"
		fi
		printf 'busybox: %-7s %s %s -> build/deps/busybox (%s, static arm64 executable)%s\n' \
			"$state" "${pkg[$p]}" "${ver[$p]}" "$(human "$(size_of "$deps/busybox")")" "$note" ;;
	xen-modules)
		n=$(find "$d/lib/modules" -name '*.ko*' 2>/dev/null | wc -l)
		[ "$n" -gt 0 ] || die "xen-modules: no modules in $d (remove $d/.done to fetch again)"
		printf 'xen-modules: %-7s %s %s -> build/xen-modules (%s modules of drivers/xen)%s\n' \
			"$state" "${pkg[$p]}" "${ver[$p]}" "$n" "$note" ;;
	xen)
		# The package ships boot/xen-4.17-arm64 and an identical .efi: one
		# file that is both a PE/COFF EFI application and an arm64 Image
		# (magic at 0x38), so QEMU boots it with -kernel as it is.
		f=$(ls "$d"/boot/xen-*-arm64 2>/dev/null | head -1)
		[ -n "$f" ] || die "xen: no boot/xen-*-arm64 in $d (remove $d/.done to fetch again)"
		arm64_image_ok "$f" || die "xen: $f is not an arm64 Image (no ARM\\x64 magic at 0x38)"
		if [ "$state" = fetched ] || [ ! -f "$d/xen" ]; then
			ln -f "$f" "$d/xen"
			ln -sfn "boot/$(basename "$f").config" "$d/config"
		fi
		printf 'xen:     %-7s %s %s -> build/deps/xen/xen (%s, arm64 Image as shipped in /boot, no conversion)%s\n' \
			"$state" "${pkg[$p]}" "${ver[$p]}" "$(human "$(size_of "$d/xen")")" "$note" ;;
	linux-amd64)
		# Debian's amd64 vmlinuz is a bzImage ("HdrS" at 0x202): booted as
		# shipped through the 64-bit boot protocol (docs/x86-linux.md).
		f=$(ls "$d"/boot/vmlinuz-* 2>/dev/null | head -1)
		[ -n "$f" ] || die "linux-amd64: no boot/vmlinuz-* in $d (remove $d/.done to fetch again)"
		[ "$(od -An -c -j514 -N4 "$f" | tr -d ' \n')" = HdrS ] ||
			die "linux-amd64: $f is not a bzImage (no HdrS at 0x202)"
		if [ "$state" = fetched ] || [ ! -f "$d/bzImage" ]; then
			ln -f "$f" "$d/bzImage"
			ln -sfn "boot/$(basename "$(ls "$d"/boot/config-* | head -1)")" "$d/config"
		fi
		printf 'linux-amd64: %-7s %s %s -> build/deps/linux-amd64/bzImage (%s, bzImage as shipped)%s\n' \
			"$state" "${pkg[$p]}" "${ver[$p]}" "$(human "$(size_of "$d/bzImage")")" "$note" ;;
	busybox-amd64)
		[ -x "$d/bin/busybox" ] || die "busybox-amd64: no bin/busybox in $d (remove $d/.done to fetch again)"
		if [ "$state" = fetched ] || [ ! -x "$deps/busybox-amd64" ]; then
			cp -f "$d/bin/busybox" "$deps/busybox-amd64"
		fi
		printf 'busybox-amd64: %-7s %s %s -> build/deps/busybox-amd64 (%s, static amd64 executable)%s\n' \
			"$state" "${pkg[$p]}" "${ver[$p]}" "$(human "$(size_of "$deps/busybox-amd64")")" "$note" ;;
	esac
}

# fetch_tools: the xen-tools part, several packages in one directory; the
# stamp holds their names and versions.
tools_pkgs=(xen-utils-4.17 xenstore-utils libxenstore4 libxenmisc4.17 libxenevtchn1 libxengnttab1
	libxencall1 libxenforeignmemory1 libxendevicemodel1 libxentoolcore1 libxentoollog1 libc6)
fetch_tools() {
	local d="$top/build/xen-tools" tmp specs=() p
	if [ -f "$d/.done" ] && [ $update = 0 ]; then
		echo "xen-tools: cached  $(wc -l <"$d/.done") packages -> build/xen-tools"
		return 0
	fi
	"$top/scripts/setup.sh"
	for p in "${tools_pkgs[@]}"; do
		specs+=("$p:arm64")
	done
	tmp=$(mktemp -d)
	chmod 755 "$tmp"
	if ! (cd "$tmp" && apt-get download -qq "${specs[@]}" >/dev/null 2>&1); then
		apt_update
		(cd "$tmp" && apt-get download -qq "${specs[@]}" >/dev/null 2>&1) ||
			{ rm -rf "$tmp"; die "apt-get download failed for: ${tools_pkgs[*]}"; }
	fi
	rm -rf "$d"
	mkdir -p "$d"
	for p in "$tmp"/*.deb; do
		dpkg-deb -x "$p" "$d"
		basename "$p" .deb >>"$d/.done"
	done
	rm -rf "$tmp"
	[ -x "$d/usr/lib/xen-4.17/bin/xenstored" ] || die "xen-tools: no xenstored in $d"
	echo "xen-tools: fetched $(wc -l <"$d/.done") packages -> build/xen-tools"
}

# --- main ----------------------------------------------------------------------------------

mkdir -p "$deps"
todo=()
for p in "${parts[@]}"; do
	if [ -f "${dir[$p]}/.done" ] && [ $update = 0 ]; then
		read -r pkg[$p] ver[$p] <"${dir[$p]}/.done"
	else
		todo+=("$p")
	fi
done

declare -A took
if [ ${#todo[@]} -gt 0 ]; then
	t0=$(now_ms)
	# The arm64 architecture and the host tools (quick when already there).
	"$top/scripts/setup.sh"
	[ $update = 1 ] && apt_update
	resolve "${todo[@]}"
	fetch=()
	for p in "${todo[@]}"; do
		[ -f "${dir[$p]}/.done" ] && [ "$(cat "${dir[$p]}/.done")" = "${pkg[$p]} ${ver[$p]}" ] || fetch+=("$p")
	done
	if [ ${#fetch[@]} -gt 0 ]; then
		tmp=$(mktemp -d)
		trap 'rm -rf "$tmp"' EXIT
		if ! download "$tmp" "${fetch[@]}"; then
			# Stale package lists: the version is gone from the mirror.
			apt_update
			resolve "${fetch[@]}"
			download "$tmp" "${fetch[@]}" || die "apt-get download failed for: ${fetch[*]}"
		fi
		t1=$(now_ms)
		for p in "${fetch[@]}"; do
			t2=$(now_ms)
			deb=$(ls "$tmp/${pkg[$p]}"_*_"${arch[$p]}".deb)
			rm -rf "${dir[$p]}"
			mkdir -p "${dir[$p]}"
			if [ "$p" = xen-modules ]; then
				abi=${pkg[$p]#linux-image-}
				dpkg-deb --fsys-tarfile "$deb" |
					tar -x -C "${dir[$p]}" --wildcards "./lib/modules/$abi/kernel/drivers/xen/*"
			elif [ "$p" = linux ] || [ "$p" = linux-amd64 ]; then
				# Only the kernel and its config: the modules (hundreds of MiB)
				# are of no use here. They come first in the archive, so tar
				# stops reading there (dpkg-deb then dies of SIGPIPE, which is
				# fine); failing that, everything under ./boot.
				abi=${pkg[$p]#linux-image-}
				if ! (set +o pipefail
					dpkg-deb --fsys-tarfile "$deb" 2>/dev/null |
						tar -x -C "${dir[$p]}" --occurrence=1 "./boot/vmlinuz-$abi" "./boot/config-$abi" 2>/dev/null); then
					dpkg-deb --fsys-tarfile "$deb" | tar -x -C "${dir[$p]}" --wildcards './boot/*'
				fi
			else
				dpkg-deb -x "$deb" "${dir[$p]}"
			fi
			echo "${pkg[$p]} ${ver[$p]}" >"${dir[$p]}/.done"
			took[$p]=", $(secs $((t1 - t0))) s apt + $(secs $(($(now_ms) - t2))) s extract, $(human "$(size_of "$deb")") .deb"
		done
	fi
fi

for p in "${parts[@]}"; do
	state=cached
	[ -n "${took[$p]:-}" ] && state=fetched
	finish "$p" "$state" "${took[$p]:-}"
done

# --- modules: a few .ko files of the kernel's own package ---------------------------------

# In insmod order (no modprobe in the initramfs: each after what it needs,
# from the modules' .modinfo "depends" and softdep).
MODULES=(
	kernel/drivers/virtio/virtio_mmio.ko
	kernel/drivers/virtio/virtio_pci_modern_dev.ko
	kernel/drivers/virtio/virtio_pci_legacy_dev.ko
	kernel/drivers/virtio/virtio_pci.ko
	kernel/drivers/block/virtio_blk.ko
	kernel/net/core/failover.ko
	kernel/drivers/net/net_failover.ko
	kernel/drivers/net/virtio_net.ko
	kernel/lib/crc16.ko
	kernel/fs/mbcache.ko
	kernel/crypto/crc32c_generic.ko
	kernel/fs/jbd2/jbd2.ko
	kernel/fs/ext4/ext4.ko
)

# The Xen split drivers, the RAM disk and the loop device (a disk image
# file served as a disk) of tests/hv/xen-split-*.sh, in
# build/linux-modules/split/ (Xen-aware domains load them with insmod; a
# hardware domain's --modules takes only the files beside "order").
SPLIT=(
	kernel/drivers/block/brd.ko
	kernel/drivers/block/loop.ko
	kernel/drivers/block/xen-blkback/xen-blkback.ko
	kernel/drivers/block/xen-blkfront.ko
	kernel/drivers/net/xen-netback/xen-netback.ko
	kernel/drivers/net/xen-netfront.ko
)

fetch_modules() {
	local out=$top/build/linux-modules stamp p v abi tmp deb m paths=()
	[ -f "$deps/linux/.done" ] || "$0" linux >/dev/null
	read -r p v <"$deps/linux/.done"
	stamp="$p $v ${MODULES[*]} split: ${SPLIT[*]}"
	if [ -f "$out/.done" ] && [ "$(cat "$out/.done")" = "$stamp" ]; then
		echo "modules: cached  $p $v -> build/linux-modules (${#MODULES[@]} modules, ${#SPLIT[@]} in split/)"
		return 0
	fi
	abi=${p#linux-image-}
	tmp=$(mktemp -d)
	pkg[modules]=$p ver[modules]=$v arch[modules]=arm64
	download "$tmp" modules || die "modules: apt-get download $p:arm64=$v failed"
	deb="$tmp/$(deb_name "$p" "$v" arm64)"
	for m in "${MODULES[@]}" "${SPLIT[@]}"; do
		paths+=("./lib/modules/$abi/$m")
	done
	rm -rf "$out"
	mkdir -p "$out/split"
	dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp" "${paths[@]}" ||
		die "modules: $deb lacks one of: ${MODULES[*]} ${SPLIT[*]}"
	for m in "${MODULES[@]}"; do
		cp "$tmp/lib/modules/$abi/$m" "$out/"
		basename "$m" >>"$out/order"
	done
	for m in "${SPLIT[@]}"; do
		cp "$tmp/lib/modules/$abi/$m" "$out/split/"
	done
	rm -rf "$tmp"
	echo "$stamp" >"$out/.done"
	echo "modules: fetched $p $v -> build/linux-modules (${#MODULES[@]} modules, ${#SPLIT[@]} in split/)"
}

if [ $want_modules = 1 ]; then
	fetch_modules
fi

[ $tools = 0 ] || fetch_tools
