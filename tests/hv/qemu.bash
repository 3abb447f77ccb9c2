# Shared by tests/hv/*.sh (sourced, not a test itself): one fresh QEMU boot
# of build/hyperlaunch.bin per call, the console captured to a log, and
# assertions on exact console lines. A test ends with `finish`: exit 0 when
# every assertion held, else 1 after listing what was missing.
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

# boot LOG [QEMU args...]: boot with a 30 s limit; sets rc (124: timed out).
boot() {
	local log=$1
	shift
	local t0=$(date +%s%N)
	timeout 30 "${QEMU[@]}" "$@" </dev/null 2>&1 | tr -d '\r' >"$log"
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

# expect_booted LOG: the lines every complete boot on 4 CPUs prints.
expect_booted() {
	local i
	for i in 1 2 3; do
		expect "$1" "cpu$i up (mpidr 0x$i)"
	done
	expect "$1" "smp: 4 CPUs online"
	expect "$1" "timer: tick on all CPUs (INTID 26, 100 Hz)"
	expect_none "$1" '^(panic|el2):'
	expect_rc 0
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
