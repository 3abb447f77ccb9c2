#!/usr/bin/env bash
# Builds a busybox initramfs for the arm64 or the amd64 Linux guest: a
# gzip-compressed newc cpio holding
#
#   /bin/busybox (static, build/deps/busybox for arm64, build/deps/busybox-amd64
#                 for amd64), /bin/sh -> busybox
#   /init        (default guests/linux/init-ready; it runs `busybox --install -s`
#                 to make the other applet links at boot)
#   /dev (with dev/console when built as root), /proc, /sys, /tmp, /root,
#   /etc, /sbin, /usr/bin, /usr/sbin
#
#   /lib/modules (with --modules DIR: DIR's *.ko and its "order" file, the
#                 insmod order; scripts/fetch-real-parts.sh modules makes
#                 build/linux-modules)
#   --add FILE=PATH puts FILE at PATH in the archive (a program, kernel modules).
#   --arch: whose busybox (default arm64); the init scripts are the same.
#
# Usage: guests/linux/mkinitramfs.sh OUT.cpio.gz [--arch arm64|amd64] [--init FILE] [--busybox FILE]
#                                    [--modules DIR] [--add FILE=PATH]...
#
# The inits here:
#   init-ready   mounts proc/sys/devtmpfs, prints "linux: ready (uptime U s)",
#                then `poweroff -f`
#   init-shell   prints "linux: ready", then an interactive sh on the console
#                (with --modules: loads them, mounts the virtio disk, DHCP)
#   init-hwdom   a hardware domain's checks of its disks, network and RTC
#                (needs --modules)
#   init-busy    prints "linux: busy", then keeps its CPU busy
#
# Quick when OUT is newer than its inputs (it says "up to date"). The archive
# is reproducible: fixed owners and times, sorted names, gzip -n.
# Needs cpio (Debian package `cpio`, installed with apt-get when missing) and
# fetches busybox with scripts/fetch-real-parts.sh when it is not there yet.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)

usage() { echo "usage: $0 OUT.cpio.gz [--arch arm64|amd64] [--init FILE] [--busybox FILE] [--modules DIR] [--add FILE=PATH]..." >&2; exit 2; }

out=""
init="$here/init-ready"
busybox=""
arch=arm64
adds=()
modules=""
while [ $# -gt 0 ]; do
	case $1 in
	--init) [ $# -ge 2 ] || usage; init=$2; shift 2 ;;
	--arch)
		[ $# -ge 2 ] || usage
		case $2 in arm64 | amd64) arch=$2 ;; *) usage ;; esac
		shift 2 ;;
	--busybox) [ $# -ge 2 ] || usage; busybox=$2; shift 2 ;;
	--add) [ $# -ge 2 ] && [ "${2#*=}" != "$2" ] || usage; adds+=("$2"); shift 2 ;;
	--modules) [ $# -ge 2 ] || usage; modules=$2; shift 2 ;;
	-h | --help) sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	-*) usage ;;
	*) [ -z "$out" ] || usage; out=$1; shift ;;
	esac
done
[ -n "$out" ] || usage
[ -f "$init" ] || { echo "mkinitramfs: no init file $init" >&2; exit 2; }

if [ -z "$busybox" ]; then
	if [ "$arch" = amd64 ]; then
		busybox="$top/build/deps/busybox-amd64"
		[ -x "$busybox" ] || "$top/scripts/fetch-real-parts.sh" busybox-amd64
	else
		busybox="$top/build/deps/busybox"
		[ -x "$busybox" ] || "$top/scripts/fetch-real-parts.sh" busybox
	fi
fi
[ -f "$busybox" ] || { echo "mkinitramfs: no busybox at $busybox" >&2; exit 2; }

if [ -n "$modules" ] && [ ! -f "$modules/order" ]; then
	echo "mkinitramfs: no $modules/order (scripts/fetch-real-parts.sh modules)" >&2
	exit 2
fi
# Up to date: made from the same arguments (OUT.args; two tests may make
# one OUT with different files), and newer than every file it holds.
args="init=$init busybox=$busybox arch=$arch modules=$modules adds=${adds[*]}"
fresh=1
[ "$(cat "$out.args" 2>/dev/null)" = "$args" ] || fresh=0
for a in "${adds[@]}"; do
	[ -f "${a%%=*}" ] || { echo "mkinitramfs: no file ${a%%=*} to add" >&2; exit 2; }
	[ "$out" -nt "${a%%=*}" ] 2>/dev/null || fresh=0
done
if [ $fresh = 1 ] && [ -f "$out" ] && [ "$out" -nt "$init" ] && [ "$out" -nt "$busybox" ] && [ "$out" -nt "$0" ] &&
	{ [ -z "$modules" ] || [ "$out" -nt "$modules/order" ]; }; then
	echo "initramfs: $out up to date"
	exit 0
fi

if ! command -v cpio >/dev/null; then
	sudo=""
	[ "$(id -u)" = 0 ] || sudo="sudo"
	echo "mkinitramfs: installing cpio"
	apt_install() {
		DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends cpio \
			2>&1 >/dev/null | { grep -v '^debconf: delaying' >&2 || true; }
		command -v cpio >/dev/null
	}
	apt_install || { $sudo apt-get update -qq && apt_install; } ||
		{ echo "mkinitramfs: cannot install cpio" >&2; exit 1; }
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
root="$tmp/root"
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,root,etc}
install -m 0755 "$busybox" "$root/bin/busybox"
ln -s busybox "$root/bin/sh"
install -m 0755 "$init" "$root/init"
for a in "${adds[@]}"; do
	install -D -m 0755 "${a%%=*}" "$root/${a#*=}"
done
if [ -n "$modules" ]; then
	mkdir -p "$root/lib/modules"
	install -m 0644 "$modules"/*.ko "$modules/order" "$root/lib/modules/"
fi
chmod 1777 "$root/tmp"
chmod 0700 "$root/root"
# The kernel's built-in initramfs already has /dev/console (the kernel opens
# it for init's stdin/stdout before the devtmpfs is mounted); ours adds it
# again when we may make device nodes.
if [ "$(id -u)" = 0 ]; then
	mknod -m 0600 "$root/dev/console" c 5 1
fi
find "$root" -exec touch -h -d @0 {} +

mkdir -p "$(dirname "$out")"
(cd "$root" && find . -mindepth 1 | LC_ALL=C sort |
	cpio -o -H newc -R 0:0 --reproducible --quiet) | gzip -9n >"$out.tmp"
mv -f "$out.tmp" "$out"
printf '%s\n' "$args" >"$out.args"
echo "initramfs: $out ($(( $(stat -c %s "$out") / 1024 )) KiB, init $(basename "$init"))"
