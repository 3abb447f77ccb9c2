# Shared by tests/hv/*.sh (sourced, not a test itself): one fresh QEMU boot
# of build/hyperlaunch.bin per call, the console captured to a log, and
# assertions on exact console lines. A test ends with `finish`: exit 0 when
# every assertion held, else 1 after listing what was missing.
#
# Launch tests describe their domains in tests/hv/configs/*.json and boot
# what `build/lcm-tool pack` makes of it (pack, boot_pack); tests that must
# end the boot themselves run QEMU in the background (boot_bg, wait_line,
# stop_bg).
set -u
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$top" || exit 1
BIN=build/hyperlaunch.bin
WORK=build/tests/hv/$(basename "$0" .sh)
MACHINE=virt,virtualization=on,gic-version=3
QEMU=(qemu-system-aarch64 -machine "$MACHINE" -cpu cortex-a57 -nographic -smp 4 -m 512M -nic none)
failures=0
rc=0
mkdir -p "$WORK"
if [ ! -f "$BIN" ]; then
	echo "FAIL: $BIN is missing (run make)"
	exit 1
fi

# boot LOG [QEMU args...]: boot with a ${LIMIT:-30} s limit; sets rc (124: timed out).
boot() {
	local log=$1
	shift
	local t0=$(date +%s%N)
	timeout "${LIMIT:-30}" "${QEMU[@]}" "$@" </dev/null 2>&1 | tr -d '\r' >"$log"
	rc=${PIPESTATUS[0]}
	echo "--- $log: exit status $rc, $(( ($(date +%s%N) - t0) / 1000000 )) ms"
	cat "$log"
}

# expect LOG LINE: LINE is one whole line of the console.
expect() {
	if ! grep -qxF -- "$2" "$1"; then
		echo "MISSING in $1: $2"
		failures=$((failures + 1))
	fi
}

# expect_none LOG REGEX: no console line matches.
expect_none() {
	if grep -qE -- "$2" "$1"; then
		echo "UNEXPECTED in $1: $(grep -m1 -E -- "$2" "$1")"
		failures=$((failures + 1))
	fi
}

# expect_rc STATUS: QEMU's exit status (0 after PSCI SYSTEM_OFF).
expect_rc() {
	if [ "$rc" != "$1" ]; then
		echo "EXIT STATUS $rc, expected $1 (124: timed out)"
		failures=$((failures + 1))
	fi
}

# expect_count LOG LINE N: exactly N console lines are LINE.
expect_count() {
	local n
	n=$(grep -cxF -- "$2" "$1")
	if [ "$n" != "$3" ]; then
		echo "COUNT in $1: $n lines '$2', expected $3"
		failures=$((failures + 1))
	fi
}

# expect_count_re LOG REGEX N: exactly N whole console lines match REGEX.
expect_count_re() {
	local n
	n=$(grep -cxE -- "$2" "$1")
	if [ "$n" != "$3" ]; then
		echo "COUNT in $1: $n lines matching ^$2\$, expected $3"
		failures=$((failures + 1))
	fi
}

# expect_re LOG REGEX: one whole console line matches REGEX (for the parts
# of a line that change from build to build: build times, guest PCs).
expect_re() {
	if ! grep -qxE -- "$2" "$1"; then
		echo "MISSING in $1: a line matching ^$2\$"
		failures=$((failures + 1))
	fi
}

# expect_booted_on LOG N: the lines every complete boot on N CPUs prints
# (without its exit status: tests that stop QEMU themselves have none).
expect_booted_on() {
	local i
	for ((i = 1; i < $2; i++)); do
		expect "$1" "cpu$i up (mpidr 0x$i)"
	done
	expect "$1" "smp: $2 CPUs online"
	expect "$1" "timer: tick on all CPUs (INTID 26, 100 Hz)"
	expect_none "$1" '^(panic|el2|irq):'
}

# expect_booted LOG: the lines every complete boot on 4 CPUs prints.
expect_booted() {
	expect_booted_on "$1" 4
	expect_rc 0
}

# pack CONFIG [lcm-tool pack options]: build/lcm-tool pack CONFIG into
# $WORK/pack (host.dtb, modules, run-qemu); sets PACK.
pack() {
	local cfg=$1
	shift
	PACK=$WORK/pack
	rm -rf "$PACK"
	if ! build/lcm-tool pack "$@" "$cfg" -o "$PACK" >"$WORK/pack.log" 2>&1; then
		echo "FAIL: build/lcm-tool pack $* $cfg"
		cat "$WORK/pack.log"
		exit 1
	fi
}

# boot_pack LOG [QEMU args...]: boot $PACK/run-qemu with the current
# hypervisor, with a limit of ${LIMIT:-30} s; sets rc (124: timed out).
boot_pack() {
	local log=$1
	shift
	local t0=$(date +%s%N)
	timeout "${LIMIT:-30}" env HYPERLAUNCH="$top/$BIN" "$PACK/run-qemu" "$@" </dev/null 2>&1 |
		tr -d '\r' >"$log"
	rc=${PIPESTATUS[0]}
	echo "--- $log: exit status $rc, $(( ($(date +%s%N) - t0) / 1000000 )) ms"
	cat "$log"
}

# boot_bg LOG [QEMU args...]: start $PACK/run-qemu in the background, its
# input from the FIFO $WORK/input (write to it with `input TEXT`); stop it
# with stop_bg, which also fills LOG. A hard limit of ${LIMIT:-30} s holds.
boot_bg() {
	BG_LOG=$1
	shift
	_bg_input
	timeout "${LIMIT:-30}" env HYPERLAUNCH="$top/$BIN" "$PACK/run-qemu" "$@" \
		<"$WORK/input" >"$BG_LOG.raw" 2>&1 &
	BG_PID=$!
}

# boot_bg_qemu LOG [QEMU args...]: as boot_bg, for a boot without a pack:
# QEMU (as `boot` runs it) with exactly these arguments.
boot_bg_qemu() {
	BG_LOG=$1
	shift
	_bg_input
	timeout "${LIMIT:-30}" "${QEMU[@]}" "$@" <"$WORK/input" >"$BG_LOG.raw" 2>&1 &
	BG_PID=$!
}

_bg_input() {
	rm -f "$WORK/input"
	mkfifo "$WORK/input"
	exec 3<>"$WORK/input"           # read-write: opening never blocks
}

# input TEXT: type TEXT (printf format) on the console of the boot_bg QEMU.
input() {
	printf -- "$1" >&3
}

# wait_line LINE [N [SECONDS]]: wait until the boot_bg console has N (1)
# lines LINE; false after SECONDS (20) or when QEMU ended without them.
# QEMU may print the last line and exit between a look at the log and the
# check that it still runs: once it has ended, its output is all in the
# log, so the log is read once more before giving up.
wait_line() {
	local n=${2:-1} deadline=$(( $(date +%s) + ${3:-20} ))
	until _has_lines "$1" "$n"; do
		if ! kill -0 "$BG_PID" 2>/dev/null; then
			_has_lines "$1" "$n" && return 0
			echo "TIMEOUT waiting for $n x '$1' (QEMU ended)"
			failures=$((failures + 1))
			return 1
		fi
		if [ "$(date +%s)" -ge "$deadline" ]; then
			echo "TIMEOUT waiting for $n x '$1'"
			failures=$((failures + 1))
			return 1
		fi
		sleep 0.1
	done
}

# _has_lines LINE N: the boot_bg console has at least N lines LINE.
_has_lines() {
	[ "$(tr -d '\r' <"$BG_LOG.raw" | grep -cxF -- "$1")" -ge "$2" ]
}

# still_running: the boot_bg QEMU has not exited.
still_running() {
	if ! kill -0 "$BG_PID" 2>/dev/null; then
		echo "QEMU EXITED, expected it to keep running"
		failures=$((failures + 1))
	fi
}

# stop_bg: end the boot_bg QEMU and keep its console in $BG_LOG.
stop_bg() {
	kill "$BG_PID" 2>/dev/null
	wait "$BG_PID" 2>/dev/null
	exec 3>&-
	tr -d '\r' <"$BG_LOG.raw" | grep -v '^qemu-system-aarch64: terminating on signal' >"$BG_LOG"
	echo "--- $BG_LOG"
	cat "$BG_LOG"
}

# guest_asm OUT [-D...]: assemble test-guest.S into the Image OUT.
guest_asm() {
	local out=$1
	shift
	aarch64-linux-gnu-gcc -c "$@" tests/hv/test-guest.S -o "$out.o" &&
		aarch64-linux-gnu-objcopy -O binary "$out.o" "$out"
}

# guest_c OUT SRC: build the C test guest SRC (tests/hv/*.c) into the Image
# OUT, with the bare-metal guest runtime (guests/lib), as guests/build.mk
# builds the guests of guests/ (the object through the top Makefile's rule,
# so the flags are the same).
guest_c() {
	local out=$1 src=$2 obj=build/arm64/${2%.c}.o
	make -s "$obj" build/arm64/guests/lib/runtime.o build/arm64/guests/lib/args.o build/arm64/guests/lib/start.o \
		build/arm64/lib/fmt/fmt.o build/arm64/lib/libc/string.o \
		build/arm64/lib/libc/stack_chk.o || return 1
	aarch64-linux-gnu-ld -T hypervisor/arch/arm64/hyperlaunch.ld -static -pie \
		--no-dynamic-linker -z notext --no-warn-rwx-segments --gc-sections -o "$out.elf" \
		"$obj" build/arm64/guests/lib/runtime.o build/arm64/guests/lib/args.o build/arm64/guests/lib/start.o \
		build/arm64/lib/fmt/fmt.o build/arm64/lib/libc/string.o \
		build/arm64/lib/libc/stack_chk.o build/deps/libfdt-dev/usr/lib/aarch64-linux-gnu/libfdt.a &&
		aarch64-linux-gnu-objcopy -O binary "$out.elf" "$out"
}

# linux_parts [INIT...]: Debian's arm64 kernel (build/deps/linux/Image) and
# busybox, and an initramfs build/guests/linux/NAME.cpio.gz for each init
# file named (guests/linux/init-ready -> ready.cpio.gz, tests/hv/linux-init-X
# -> X.cpio.gz); quick when they are there already.
linux_parts() {
	local init name
	if ! scripts/fetch-real-parts.sh linux busybox >"$WORK/fetch.log" 2>&1; then
		echo "FAIL: scripts/fetch-real-parts.sh linux busybox"
		cat "$WORK/fetch.log"
		exit 1
	fi
	for init in "$@"; do
		name=$(basename "$init")
		name=${name#init-}
		name=${name#linux-init-}
		if ! guests/linux/mkinitramfs.sh "build/guests/linux/$name.cpio.gz" --init "$init" \
			>"$WORK/initramfs.log" 2>&1; then
			echo "FAIL: guests/linux/mkinitramfs.sh for $init"
			cat "$WORK/initramfs.log"
			exit 1
		fi
	done
}

# The build line of a domain; its time varies.
built_re() {
	echo "domain $1: $2, built in [0-9]+\.[0-9]{2} ms"
}

# machine_dtb OUT: the DTB QEMU generates for this machine.
machine_dtb() {
	"${QEMU[@]}" -machine dumpdtb="$1" >/dev/null 2>&1
}

# dtb_with OUT DTSI: QEMU's DTB with the nodes of DTSI (a "/ { ... };"
# fragment) merged in.
dtb_with() {
	machine_dtb "$WORK/machine.dtb"
	{ dtc -q -I dtb -O dts "$WORK/machine.dtb"; cat "$2"; } >"$WORK/merged.dts"
	dtc -q -I dts -O dtb -o "$1" "$WORK/merged.dts"
}

# stub OUT IMAGE_ADDR DTB_ADDR: a bootloader stand-in (boot-stub.S).
stub() {
	aarch64-linux-gnu-gcc -c -DIMG="$2" -DDTB="$3" tests/hv/boot-stub.S -o "$1.o" &&
		aarch64-linux-gnu-objcopy -O binary "$1.o" "$1"
}

finish() {
	if [ "$failures" -eq 0 ]; then
		echo "PASS $(basename "$0" .sh)"
		exit 0
	fi
	echo "FAIL $(basename "$0" .sh): $failures assertion(s) failed"
	exit 1
}

# probes N: boot the N probe domains of configs/probes-N.json (8 MiB each,
# on min(N, 4) CPUs, as lcm-tool pack chooses): every domain is built, says
# ready exactly once and powers off, then the machine powers off.
probes() {
	local n=$1 log=$WORK/console.log i
	pack "tests/hv/configs/probes-$n.json"
	boot_pack "$log"
	expect_booted_on "$log" $((n < 4 ? n : 4))
	expect_rc 0
	expect "$log" "launch: LCM with $n domains"
	for ((i = 1; i <= n; i++)); do
		expect_re "$log" "$(built_re "$i p$i" "8 MiB, 1 vCPU, kernel copied")"
		expect "$log" "[p$i] probe: ready"
		expect "$log" "domain $i p$i: powered off"
	done
	local ready
	ready=$(grep -cxE '\[p[0-9]+\] probe: ready' "$log")
	if [ "$ready" != "$n" ]; then
		echo "COUNT: $ready ready lines, expected $n"
		failures=$((failures + 1))
	fi
	expect "$log" "console: input to p1 (Ctrl-A three times to switch)"
	expect "$log" "hyperlaunch: all $n domains are off ($n powered off); powering off"
	# The summary is the last line: nothing of a domain comes after it.
	expect_last "$log" "hyperlaunch: all $n domains are off ($n powered off); powering off"
}

# expect_last LOG LINE: LINE is the last console line.
expect_last() {
	if [ "$(tail -n 1 "$1")" != "$2" ]; then
		echo "LAST LINE of $1 is '$(tail -n 1 "$1")', expected '$2'"
		failures=$((failures + 1))
	fi
}
