#!/usr/bin/env bash
# Xen 4.17 (Debian's arm64 build) in dom0less mode, no dom0, booting N copies
# of one guest on QEMU, timed from the host: the reference our hypervisor is
# compared with.
#
# Usage: bench/xen/run.sh N [options]
#   --smp S            QEMU CPUs (default: all domUs' vCPUs, at most 4, as
#                      lcm-tool pack and bench/launch.sh choose them)
#   --mem M            QEMU RAM, e.g. 512M, 2G (default: the smallest multiple
#                      of 64 MiB, at least 256M, that holds Xen and N domUs
#                      with their P2M pools)
#   --guest IMAGE      the domUs' kernel (default build/guests/probe.img, built
#                      with make when missing)
#   --ramdisk FILE     the domUs' initramfs (a Linux guest, e.g. the one
#                      guests/linux/mkinitramfs.sh makes); the ready line then
#                      expected is "linux: ready"
#   --guest-args STR   the domUs' bootargs (default for a Linux guest
#                      "console=ttyAMA0 quiet"; none for the probe)
#   --domu-mem SIZE    memory of each domU (default 8M for the probe, as
#                      bench/launch.sh; Xen 4.17 wants more than 4 MiB, a 2 MiB
#                      slot for the kernel and one for the DTB, or panics
#                      "Unable to find suitable location for dtb+initrd"; 128M
#                      with --ramdisk, as bench/linux.sh)
#   --domu-cpus C      vCPUs of each domU (default 1)
#   --bootargs STR     Xen's command line (default "console=dtuart
#                      console_timestamps=boot bootscrub=0 sched=credit"; Xen's
#                      default scheduler, credit2, leaves runnable domUs
#                      waiting for tens of seconds on QEMU 7.2 with more than
#                      one CPU: see bench/xen/README.md)
#   --expect STR       the ready line's text (default "probe: ready", or
#                      "linux: ready" with --ramdisk)
#   --timeout SEC      give up after SEC seconds (default 60 + 2 s per domU)
#   --out DIR          keep the DTB, its source and the console log there
#                      (default build/bench/xen)
#   -q, --quiet        no per-domU lines, only the summary
#   --dtb-only         write the device tree (OUT/host.dtb) and its source,
#                      print the QEMU command line, and stop: no boot
#
# Environment: QEMU_EXTRA, more QEMU options (e.g. "-accel tcg,thread=single").
#
# Prints the QEMU command line, then one line per domU in the order their
# ready lines appeared ("d7 ready at 0.812 s (Xen clock 0.66 s): probe: ready";
# host wall time since QEMU started, and Xen's own clock from
# console_timestamps=boot), a line with Xen's clock at the start of the domU
# build, at the unpause and at the last ready line, then
# "xen: N/N ready in X.XXX s" (host wall time of the last ready line). QEMU is
# then killed: Xen does not exit when its domUs power off. Exit status 0 when
# all N were ready.
#
# How the boot is put together (also in bench/xen/README.md):
#   1. QEMU's own DTB for these machine options: -machine ...,dumpdtb=
#   2. plus, in /chosen: #address-cells/#size-cells, xen,xen-bootargs, and per
#      domU a node "domUn" { compatible = "xen,domain"; cpus; memory (KiB,
#      u64); vpl011; module@ADDR { compatible = "multiboot,kernel",
#      "multiboot,module"; reg; bootargs } (and a multiboot,ramdisk module) },
#      merged as DTS and compiled with dtc
#   3. qemu-system-aarch64 -machine virt,virtualization=on,gic-version=3 ...
#      -kernel xen -dtb host.dtb -device loader,file=GUEST,addr=ADDR,force-raw=on
#      All domUs share one copy of the kernel (and ramdisk): Xen 4.17 merges
#      boot modules with the same address, and keeps at most 32 of them.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"

usage() { sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2; }

# to_kib SIZE: 6M, 512M, 2G, 4096K or a number of KiB.
to_kib() {
	local s=${1^^}
	s=${s%IB}
	s=${s%B}
	case $s in
	*[0-9]K) echo $((${s%K})) ;;
	*[0-9]M) echo $((${s%M} * 1024)) ;;
	*[0-9]G) echo $((${s%G} * 1024 * 1024)) ;;
	*[0-9]) echo $((s)) ;;
	*) echo "run.sh: '$1' is not a size" >&2; exit 2 ;;
	esac
}

[ $# -ge 1 ] || usage
n=$1
shift
[[ $n =~ ^[1-9][0-9]*$ ]] || usage
smp=""
mem=""
guest=build/guests/probe.img
ramdisk=""
guest_args=""
guest_args_set=0
domu_mem=""
domu_cpus=1
xen_args="console=dtuart console_timestamps=boot bootscrub=0 sched=credit"
expect=""
timeout_s=""
out=build/bench/xen
quiet=0
dtb_only=0
while [ $# -gt 0 ]; do
	case $1 in
	--smp) smp=$2; shift 2 ;;
	--mem) mem=$2; shift 2 ;;
	--guest) guest=$2; shift 2 ;;
	--ramdisk) ramdisk=$2; shift 2 ;;
	--guest-args) guest_args=$2; guest_args_set=1; shift 2 ;;
	--domu-mem) domu_mem=$2; shift 2 ;;
	--domu-cpus) domu_cpus=$2; shift 2 ;;
	--bootargs) xen_args=$2; shift 2 ;;
	--expect) expect=$2; shift 2 ;;
	--timeout) timeout_s=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	-q | --quiet) quiet=1; shift ;;
	--dtb-only) dtb_only=1; shift ;;
	*) usage ;;
	esac
done

if [ -n "$ramdisk" ]; then
	: "${expect:=linux: ready}"
	[ $guest_args_set = 1 ] || guest_args="console=ttyAMA0 quiet"
	: "${domu_mem:=128M}"
else
	: "${expect:=probe: ready}"
	: "${domu_mem:=8M}"
fi
: "${timeout_s:=$((60 + 2 * n))}"
if [ -z "$smp" ]; then
	smp=$((n * domu_cpus))
	[ "$smp" -le 4 ] || smp=4
	[ "$smp" -ge "$domu_cpus" ] || smp=$domu_cpus
fi

# --- the parts ------------------------------------------------------------------------------
scripts/fetch-real-parts.sh xen >/dev/null
xen=build/deps/xen/xen
if [ ! -f "$guest" ] && [ "$guest" = build/guests/probe.img ]; then
	make -s build/guests/probe.img >&2
fi
[ -f "$guest" ] || { echo "run.sh: no guest image $guest" >&2; exit 2; }
[ -z "$ramdisk" ] || [ -f "$ramdisk" ] || { echo "run.sh: no ramdisk $ramdisk" >&2; exit 2; }
command -v dtc >/dev/null || scripts/setup.sh

# --- memory layout --------------------------------------------------------------------------
MiB=$((1024 * 1024))
ram_base=$((0x40000000))
domu_kib=$(to_kib "$domu_mem")
guest_size=$(stat -L -c %s "$guest")
ramdisk_size=0
[ -z "$ramdisk" ] || ramdisk_size=$(stat -L -c %s "$ramdisk")
align2m() { echo $(( ($1 + 2 * MiB - 1) / (2 * MiB) * (2 * MiB) )); }

# Xen's default P2M pool per domU (domain_p2m_pages() in Xen 4.17: 1 MiB per
# vCPU, 4 KiB per MiB of RAM, 512 KiB for extended regions), rounded to MiB.
p2m_kib=$(( (4 * (256 * domu_cpus + domu_kib / 1024 + 128) + 1023) / 1024 * 1024 ))
if [ -z "$mem" ]; then
	# 128 MiB below the modules (Xen's image and QEMU's DTB slot), the
	# modules, each domU with its P2M pool and 1 MiB of Xen's bookkeeping,
	# and 64 MiB for Xen itself (heap, frame table, console ring, ...).
	need_mib=$(( 130 + ($(align2m "$guest_size") + $(align2m "$ramdisk_size")) / MiB +
		n * (domu_kib + p2m_kib + 1024) / 1024 + 64 ))
	mem_mib=$(( (need_mib + 63) / 64 * 64 ))
	[ $mem_mib -ge 256 ] || mem_mib=256
	mem="${mem_mib}M"
fi
mem_bytes=$(( $(to_kib "$mem") * 1024 ))
# QEMU puts the DTB at RAM + min(RAM/2, 128 MiB); modules start 2 MiB above
# that slot, each 2 MiB aligned (the same layout as lcm-tool pack).
dtb_slot=$(( mem_bytes / 2 < 128 * MiB ? mem_bytes / 2 : 128 * MiB ))
kernel_addr=$(( ram_base + dtb_slot + 2 * MiB ))
ramdisk_addr=$(align2m $((kernel_addr + guest_size)))
end=$((ramdisk_addr + ramdisk_size))
[ $end -le $((ram_base + mem_bytes)) ] || { echo "run.sh: the modules do not fit in $mem of RAM" >&2; exit 2; }

# --- the device tree ------------------------------------------------------------------------
mkdir -p "$out"
machine=virt,virtualization=on,gic-version=3
read -ra qemu_extra <<<"${QEMU_EXTRA:-}"
qemu=(qemu-system-aarch64 -machine "$machine" -cpu cortex-a57 -smp "$smp" -m "$mem" -nographic -nic none
	"${qemu_extra[@]}")
"${qemu[@]}" -machine dumpdtb="$out/virt.dtb" >/dev/null 2>&1 ||
	{ echo "run.sh: QEMU could not dump its DTB" >&2; exit 1; }
hex() { printf '0x%x' "$1"; }
cells64() { printf '0x%x 0x%x' $(($1 >> 32)) $(($1 & 0xffffffff)); }
dts_string() { local s=${1//\\/\\\\}; printf '"%s"' "${s//\"/\\\"}"; }
{
	dtc -q -I dtb -O dts "$out/virt.dtb"
	echo
	echo "/ {"
	echo "	chosen {"
	echo "		#address-cells = <0x2>;"
	echo "		#size-cells = <0x2>;"
	echo "		xen,xen-bootargs = $(dts_string "$xen_args");"
	for i in $(seq 1 "$n"); do
		echo "		domU$i {"
		echo "			compatible = \"xen,domain\";"
		echo "			#address-cells = <0x2>;"
		echo "			#size-cells = <0x2>;"
		echo "			cpus = <$domu_cpus>;"
		echo "			memory = <$(cells64 "$domu_kib")>;"
		echo "			vpl011;"
		echo "			module@$(printf %x $kernel_addr) {"
		echo "				compatible = \"multiboot,kernel\", \"multiboot,module\";"
		echo "				reg = <$(cells64 $kernel_addr) $(cells64 "$guest_size")>;"
		[ -z "$guest_args" ] || echo "				bootargs = $(dts_string "$guest_args");"
		echo "			};"
		if [ -n "$ramdisk" ]; then
			echo "			module@$(printf %x $ramdisk_addr) {"
			echo "				compatible = \"multiboot,ramdisk\", \"multiboot,module\";"
			echo "				reg = <$(cells64 $ramdisk_addr) $(cells64 "$ramdisk_size")>;"
			echo "			};"
		fi
		echo "		};"
	done
	echo "	};"
	echo "};"
} >"$out/host.dts"
dtc -q -I dts -O dtb -o "$out/host.dtb" "$out/host.dts"

qemu+=(-kernel "$xen" -dtb "$out/host.dtb"
	-device "loader,file=$guest,addr=$(hex $kernel_addr),force-raw=on")
[ -z "$ramdisk" ] || qemu+=(-device "loader,file=$ramdisk,addr=$(hex $ramdisk_addr),force-raw=on")

if [ -n "$guest_args" ] && [ "$n" -gt 30 ]; then
	echo "note: Xen 4.17 keeps the bootargs of at most 32 boot modules (MAX_MODULES): domUs past the 30th or so boot without theirs"
fi
echo "xen: $n domU(s) of $guest${ramdisk:+ + $ramdisk}, $domu_cpus vCPU and $domu_mem each; Xen: \"$xen_args\""
echo "qemu: ${qemu[*]}"
[ $dtb_only = 0 ] || exit 0

# --- the run --------------------------------------------------------------------------------
log="$out/console.log"
fifo="$out/console.fifo"
rm -f "$fifo"
mkfifo "$fifo"
us() { local t=${1/./}; echo $((10#$t)); }     # EPOCHREALTIME in microseconds
fmt() { printf '%d.%03d' $(($1 / 1000000)) $(($1 % 1000000 / 1000)); }

# Other emulators on this host skew every number: say so.
others=$(pgrep -c -x 'qemu-system-.*' || true)
[ "${others:-0}" = 0 ] || echo "note: $others other QEMU process(es) running on this host ($(nproc) CPUs): the times are inflated"

qpid=""
stop_qemu() { [ -z "$qpid" ] || { kill "$qpid" 2>/dev/null; wait "$qpid" 2>/dev/null; qpid=""; }; }
trap stop_qemu EXIT
trap 'exit 130' INT TERM HUP
t0=$(us "$EPOCHREALTIME")
"${qemu[@]}" </dev/null >"$fifo" 2>&1 &
qpid=$!
exec 3<"$fifo"
rm -f "$fifo"
deadline=$((t0 + timeout_s * 1000000))
declare -A seen
ready=0
first=""
last=0
x_build=""
x_unpause=""
x_last=""
why=""
: >"$log"
while :; do
	left=$(( (deadline - $(us "$EPOCHREALTIME")) / 1000000 ))
	if [ $left -le 0 ]; then why="timeout after $timeout_s s"; break; fi
	st=0
	IFS= read -r -t "$left" line <&3 || st=$?
	if [ $st != 0 ]; then
		if [ $st -gt 128 ]; then
			why="no console line for $left s (status $st, at $(fmt $(( $(us "$EPOCHREALTIME") - t0 ))) s)"
		elif kill -0 "$qpid" 2>/dev/null; then
			why="console read failed (status $st) with QEMU still running"
		else
			wait "$qpid" && st=0 || st=$?
			qpid=""
			why="QEMU exited (status $st)"
		fi
		break
	fi
	now=$(us "$EPOCHREALTIME")
	line=${line%$'\r'}
	printf '%s\n' "$line" >>"$log"
	[ -n "$first" ] || first=$((now - t0))
	# Xen's own clock (console_timestamps=boot): when it started building
	# domUs, when it unpaused them (just after "Serial input to ..."), and
	# the last ready line.
	xts=""
	[[ $line =~ ^\(XEN\)\ \[\ *([0-9]+\.[0-9]+)\] ]] && xts=${BASH_REMATCH[1]}
	if [ -n "$xts" ]; then
		[[ -z $x_build && $line == *"LOADING DOMU"* ]] && x_build=$xts
		[[ -z $x_unpause && $line == *"*** Serial input to"* ]] && x_unpause=$xts
	fi
	# Xen 4.17 prints a domU's vpl011 output as "(XEN) DOM7: text" (newer
	# Xen: "(d7) text"); console_timestamps=boot adds "[ seconds]".
	if [[ $line =~ (DOM([0-9]+):|\(d([0-9]+)\))\ (.*)$ ]]; then
		dom=${BASH_REMATCH[2]}${BASH_REMATCH[3]}
		text=${BASH_REMATCH[4]}
		if [[ $text == "$expect"* ]] && [ -z "${seen[$dom]:-}" ]; then
			seen[$dom]=1
			ready=$((ready + 1))
			last=$((now - t0))
			x_last=$xts
			if [ $quiet = 0 ]; then
				echo "d$dom ready at $(fmt $last) s${xts:+ (Xen clock $xts s)}: $text"
			fi
			[ $ready -lt "$n" ] || break
		fi
	fi
	if [[ $line =~ Panic\ on\ CPU|Xen\ BUG\ at|FATAL\ TRAP ]]; then
		why="Xen: ${line#*(XEN) }"
		# keep the rest of the panic for the log; its reason is the next line
		first_after=""
		while IFS= read -r -t 1 line <&3; do
			line=${line%$'\r'}
			printf '%s\n' "$line" >>"$log"
			[ -n "$first_after" ] || first_after=${line#*(XEN) }
		done
		why="Xen panic: ${first_after#\[*\] }"
		break
	fi
done
stop_qemu
exec 3<&-

[ -z "$first" ] || echo "first console line at $(fmt "$first") s (host wall time since QEMU started)"
[ -z "$x_build" ] || echo "Xen clock: domU build started at $x_build s, domUs unpaused at ${x_unpause:-?} s, last ready line at ${x_last:-?} s"
if [ $ready = "$n" ]; then
	echo "xen: $n/$n ready in $(fmt $last) s"
	exit 0
fi
echo "xen: $ready/$n ready, then $why; console log: $log"
grep -m5 -E 'Panic|panic|BUG|FATAL|Unable|Error|error' "$log" | sed 's/^/  /' || true
exit 1
