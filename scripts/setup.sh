#!/usr/bin/env bash
# Installs what building and testing Hyperlaunch needs on Debian 12, and fetches
# the arm64 pieces (libfdt.a for the freestanding binaries) into build/deps/.
# Quick when everything is already there: it only asks apt when a package is missing.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
deps="$top/build/deps"

host_pkgs=(make gcc clang libclang-rt-14-dev lld llvm pkg-config
           libfdt-dev libjansson-dev libssl-dev device-tree-compiler
           qemu-system-arm gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu
           libcmocka-dev python3 clang-format e2fsprogs
           u-boot-qemu u-boot-tools mtools dosfstools fdisk
           man-db bsdextrautils graphviz swtpm tpm2-tools
           qemu-system-x86 grub-pc-bin grub-efi-amd64-bin grub-common xorriso ovmf
           libc6-dev-arm64-cross linux-libc-dev-arm64-cross)

sudo=""
[ "$(id -u)" = 0 ] || sudo="sudo"

missing=()
for p in "${host_pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
need_arm64=0
dpkg --print-foreign-architectures | grep -qx arm64 || need_arm64=1
if [ ${#missing[@]} -gt 0 ] || [ $need_arm64 = 1 ]; then
	echo "setup: installing: ${missing[*]:-} ${need_arm64:+(arm64 architecture)}"
	[ $need_arm64 = 1 ] && $sudo dpkg --add-architecture arm64
	$sudo apt-get update -qq
	if [ ${#missing[@]} -gt 0 ]; then
		DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
	fi
fi

# arm64 debs are downloaded and extracted, never installed.
# fetch_arm64 PKG: extract the arm64 package PKG into $deps/PKG (once).
fetch_arm64() {
	local pkg=$1 dir="$deps/$1"
	[ -e "$dir/.done" ] && return 0
	mkdir -p "$dir"
	local tmp; tmp=$(mktemp -d)
	if ! (cd "$tmp" && apt-get download -qq "$pkg:arm64" >/dev/null 2>&1); then
		$sudo apt-get update -qq
		(cd "$tmp" && apt-get download -qq "$pkg:arm64")
	fi
	dpkg-deb -x "$tmp"/*.deb "$dir"
	rm -rf "$tmp"
	touch "$dir/.done"
}
fetch_arm64 libfdt-dev
