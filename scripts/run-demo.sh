#!/usr/bin/env bash
# The README's main command: installs what it needs, fetches Debian's arm64
# Linux and busybox (scripts/fetch-real-parts.sh), builds everything, makes
# the two initramfs images, packs configs/demo.json and boots it on QEMU, a
# Hyperlaunch launch (docs/boot-flow.md):
#
#   bootdom  the reference Boot Domain: runs alone first, verifies every
#            module's SHA-256, starts the others in the order of
#            configs/demo.cfg (the probe first, waited for), says done and
#            is gone (its memory returned)
#   control  bare-metal control domain (the role-test guest): reads the
#            launch report, creates a domain from the probe image it
#            carries, starts it and destroys it
#   shell    Linux, 2 vCPUs, an interactive busybox shell (the console domain:
#            it has the input once the launch is final) and the hardware
#            domain: the machine's devices are its own (a virtio disk,
#            build/demo/disk.img, mounted on /mnt; a virtio NIC on QEMU's user
#            network, with a DHCP lease; the PL031 clock)
#   linux2   Linux, 1 vCPU, prints its ready line and powers off
#   linux3   Linux, 2 vCPUs, the same
#   probe    bare-metal, prints its ready line and powers off
#   smp      bare-metal, starts its second vCPU with PSCI, powers off
#   recovery the Recovery Domain, standing by (paused) unless the launch fails
#
# On a terminal the shell is yours: Ctrl-A three times moves the input to
# the next running domain, then to the hypervisor, then round again; QEMU's
# own escape key is moved to Ctrl-T (Ctrl-T x quits QEMU). `poweroff -f` in
# the shell ends its domain; when every domain is off the hypervisor prints
# its summary and powers the machine off.
#
# DEMO_BOOT=uboot boots the same launch through Debian's U-Boot from a disk
# (lcm-tool pack --boot uboot) instead of having QEMU load every file.
#
# DEMO_ARCH=x86 runs the x86-64 variant instead (configs/x86-demo.json,
# packed as a GRUB ISO for qemu-system-x86_64 -cpu max): the Boot Domain
# (built for x86) starts the probe, waited for, then two Debian amd64 Linux
# domains of 1 vCPU each (shell, the console domain, and linux2, which prints
# its ready line and powers off) and the UART guest; the Recovery Domain
# stands by (docs/x86-linux.md).
#
# When stdin is not a terminal (CI, scripts) it types a few commands itself
# (uname -a, the number of processors Linux sees, the file on the disk,
# poweroff -f), waits for
# each answer and ends with the hypervisor's summary, within a hard limit of
# DEMO_TIMEOUT seconds (default 240). Exit status: QEMU's (0 after the
# summary), 124 on timeout.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
demo=build/demo
arch=${DEMO_ARCH:-arm64}
if [ "$arch" = x86 ]; then
	scripts/fetch-real-parts.sh linux-amd64 busybox-amd64
	make -j"$(nproc)"
	guests/linux/mkinitramfs.sh build/guests/linux/x86-shell.cpio.gz --arch amd64 --init guests/linux/init-shell
	guests/linux/mkinitramfs.sh build/guests/linux/x86-ready.cpio.gz --arch amd64 --init guests/linux/init-ready
	build/lcm-tool check --arch x86 configs/x86-demo.json
	demo=build/demo-x86
	build/lcm-tool pack --arch x86 configs/x86-demo.json -o "$demo"
	shell_cpus=1
	# A Linux vCPU's HLT does not block it on x86 yet, so the console
	# never sees the shell waiting and keeps its prompt back until the next
	# output (docs/x86-linux.md): the shell's banner says it is there.
	shell_up="\[shell\] Enter 'help' for a list of built-in commands\."
else
	scripts/fetch-real-parts.sh linux busybox modules
	make -j"$(nproc)"
	guests/linux/mkinitramfs.sh build/guests/linux/hwshell.cpio.gz --init guests/linux/init-shell \
		--modules build/linux-modules
	guests/linux/mkinitramfs.sh build/guests/linux/ready.cpio.gz --init guests/linux/init-ready
	# The hardware domain's disk: an ext4 file system with one file (made
	# without root: mke2fs -d), kept across runs.
	if [ ! -f "$demo/disk.img" ]; then
		mkdir -p "$demo/disk"
		echo "hello from the demo's disk" >"$demo/disk/hello.txt"
		mke2fs -q -t ext4 -d "$demo/disk" "$demo/disk.img" 16M
	fi
	build/lcm-tool check configs/demo.json
	build/lcm-tool pack --boot "${DEMO_BOOT:-qemu}" configs/demo.json -o "$demo"
	shell_cpus=2
	shell_up='\[shell\] / # '
fi

if [ -t 0 ]; then
	echo "demo: the shell domain has the input; Ctrl-A three times switches domains; Ctrl-T x quits QEMU"
	exec "$demo/run-qemu" -echr 0x14
fi

# --- no terminal: type into the shell through a FIFO ------------------------------------
limit=${DEMO_TIMEOUT:-240}
log=$demo/console.log
fifo=$demo/input
rm -f "$fifo" "$log"
mkfifo "$fifo"
exec 3<>"$fifo"                 # read-write: opening never blocks
: >"$log"
# tee, not tr, on the way: tr would hold the prompt back in its buffer.
(
	timeout "$limit" "$demo/run-qemu" -echr 0x14 <"$fifo" 2>&1 | tee "$log"
	exit "${PIPESTATUS[0]}"
) &
qemu=$!
deadline=$(( $(date +%s) + limit ))

# wait_for REGEX: until a whole console line matches (false once QEMU ended
# or the time is up).
wait_for() {
	until tr -d '\r' <"$log" | grep -qxE -- "$1"; do
		if ! kill -0 "$qemu" 2>/dev/null || [ "$(date +%s)" -ge "$deadline" ]; then
			echo "demo: gave up waiting for a line matching: $1" >&2
			return 1
		fi
		sleep 0.2
	done
}

# type TEXT: a command line for the shell.
type_line() {
	printf '%s\n' "$1" >&3
}

status=0
if wait_for "$shell_up" &&
   type_line 'uname -a' && wait_for '\[shell\] Linux .*' &&
   type_line 'cat /proc/cpuinfo | grep -c processor' && wait_for "\\[shell\\] $shell_cpus" &&
   # The x86 shell has no disk (no device passthrough on x86).
   { [ "$arch" = x86 ] ||
     { type_line 'cat /mnt/hello.txt' && wait_for "\\[shell\\] hello from the demo's disk"; }; }; then
	type_line 'poweroff -f'
	wait_for 'hyperlaunch: all [0-9]+ domains are off .*' || status=1
else
	status=1
fi
wait "$qemu" || status=$?
exec 3>&-
rm -f "$fifo"
exit "$status"
