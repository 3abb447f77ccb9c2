#!/usr/bin/env bash
# Console input to a Debian amd64 Linux domain: its busybox shell reads
# what is typed through the 16550's data-ready interrupt (IRQ 4 of the
# domain's PIC), runs it and answers; `poweroff -f` ends the domain and the
# machine. Its prompt shows before anything is typed: the vCPU blocks in
# HLT until its UART or PIT has an interrupt for it.
. "$(dirname "$0")/x86.bash"

x86_linux_parts guests/linux/init-shell
ramdisk=$top/build/guests/linux/x86-shell.cpio.gz
cat >"$WORK/launch.json" <<JSON
{ "domains": [ { "name": "sh", "memory": "128M",
                 "kernel": { "file": "$top/$X86_LINUX", "bootargs": "console=ttyS0 acpi=off quiet" },
                 "ramdisk": "$ramdisk" } ] }
JSON
build/lcm-tool build --arch x86 "$WORK/launch.json" -o "$WORK/lcm.dtb" || exit 1

LIMIT=120 boot_bg_qemu "$WORK/console.log" -kernel "$X86_BIN" \
	-initrd "$WORK/lcm.dtb,$X86_LINUX,$ramdisk"
# The prompt is an unfinished line: the console shows it once the domain's
# vCPU is blocked in HLT waiting for input (svm.c), and only then is the
# command typed (typed earlier, the tty's echo would come before it).
if wait_line "[sh] Enter 'help' for a list of built-in commands." 1 90 &&
	wait_line "[sh] / # " 1 30; then
	input 'echo $((6 * 7)) from $(uname -m)\n'
	wait_line "[sh] 42 from x86_64" 1 30
	input 'poweroff -f\n'
	wait_line "hyperlaunch: all 1 domain is off (1 powered off); powering off" 1 30
fi
stop_bg
expect "$BG_LOG" "[sh] / # echo \$((6 * 7)) from \$(uname -m)"
expect "$BG_LOG" "[sh] 42 from x86_64"
expect "$BG_LOG" "domain 1 sh: powered off (its last vCPU called CPU_OFF)"
finish
