#!/usr/bin/env bash
# A classic launch (no LCM: the multiboot nodes of /chosen, as in
# tests/hv/classic.sh) is measured too, with a TPM (swtpm, a fresh state in
# this test's folder, ended after the boot): dom0's kernel and ramdisk
# (PCR 9, their SHA-256s), then dom0's launch parameters as the hypervisor
# chose them (PCR 8: every permission and function, dom0_t, half the free
# RAM, a vCPU per CPU, the bootargs), then the separators. The log the
# console shows (hyperlaunch,event-log) is read by Debian's tpm2_eventlog,
# which replays it to the PCRs the hypervisor reads back from the TPM.
. "$(dirname "$0")/measure.bash"

QEMU=("${QEMU[@]/512M/128M}") # DTB at 0x44000000, modules above it
kernel=0x46000000
ramdisk=0x46200000
head -c 8192 /dev/urandom >"$WORK/ramdisk.img"
state=$(cd "$WORK" && pwd)/tpm
rm -rf "$state" && mkdir -p "$state"
swtpm socket --tpm2 --tpmstate dir="$state" --ctrl type=unixio,path="$state/swtpm.sock" \
	>"$WORK/swtpm.log" 2>&1 &
swtpm_pid=$!
trap 'kill $swtpm_pid 2>/dev/null; wait $swtpm_pid 2>/dev/null; rm -rf "$state"' EXIT
for _ in $(seq 100); do [ -S "$state/swtpm.sock" ] && break; sleep 0.05; done
tpm=(-chardev "socket,id=chrtpm,path=$state/swtpm.sock" -tpmdev emulator,id=tpm0,chardev=chrtpm
	-device tpm-tis-device,tpmdev=tpm0)

# QEMU's own DTB with the TPM (its node on the platform bus), then the
# classic modules and the log on the console.
"${QEMU[@]}" -machine dumpdtb="$WORK/host.dtb" "${tpm[@]}" >/dev/null 2>&1
kill "$swtpm_pid" 2>/dev/null; wait "$swtpm_pid" 2>/dev/null
rm -rf "$state" && mkdir -p "$state"
swtpm socket --tpm2 --tpmstate dir="$state" --ctrl type=unixio,path="$state/swtpm.sock" \
	>"$WORK/swtpm.log" 2>&1 &
swtpm_pid=$!
for _ in $(seq 100); do [ -S "$state/swtpm.sock" ] && break; sleep 0.05; done
dtb=$WORK/host.dtb
fdtput -t x "$dtb" /chosen '#address-cells' 2
fdtput -t x "$dtb" /chosen '#size-cells' 2
fdtput -c "$dtb" /chosen/module@46000000 /chosen/module@46200000
fdtput -t s "$dtb" /chosen/module@46000000 compatible multiboot,kernel multiboot,module
fdtput -t x "$dtb" /chosen/module@46000000 reg 0 $kernel 0 "$(printf '0x%x' "$(stat -c %s build/guests/probe.img)")"
fdtput -t s "$dtb" /chosen/module@46000000 bootargs "console=ttyAMA0 classic"
fdtput -t s "$dtb" /chosen/module@46200000 compatible multiboot,ramdisk multiboot,module
fdtput -t x "$dtb" /chosen/module@46200000 reg 0 $ramdisk 0 0x2000
fdtput -t s "$dtb" /chosen hyperlaunch,event-log ""

boot "$LOG" -kernel "$BIN" -dtb "$dtb" "${tpm[@]}" \
	-device loader,file=build/guests/probe.img,addr=$kernel,force-raw=on \
	-device loader,file="$WORK/ramdisk.img",addr=$ramdisk,force-raw=on
expect_rc 0
expect "$LOG" "launch: classic (no /chosen/hypervisor)"
expect "$LOG" "[dom0] probe: ready"
expect_re "$LOG" "measure: 5 events in [0-9]+ bytes of event log, 5 extended in [0-9]+\.[0-9]{3} ms"
sed -n 's/^event-log: \([0-9a-f]*\)$/\1/p' "$LOG" | tr -d '\n' |
	python3 -c 'import sys; sys.stdout.buffer.write(bytes.fromhex(sys.stdin.read()))' >"$WORK/hv.log"
events "$WORK/hv.log" >"$WORK/events.txt"
cat "$WORK/events.txt"
memory=$(sed -n 's/^domain 0 dom0: \([0-9]*\) MiB, .*/\1/p' "$LOG")
want="9 EV_IPL $(sha256sum <build/guests/probe.img | cut -d' ' -f1) classic: kernel
9 EV_IPL $(sha256sum <"$WORK/ramdisk.img" | cut -d' ' -f1) classic: ramdisk
8 EV_IPL domain_launch: domid=0 name=dom0 permissions=0x3 functions=0xc0000007 label=dom0_t memory=$((memory * 1024))KiB vcpus=4 bootargs=console=ttyAMA0 classic
8 EV_SEPARATOR separator
9 EV_SEPARATOR separator"
got=$(grep -v '^pcr ' "$WORK/events.txt" | awk '{ if ($2 == "EV_IPL" && $1 == 9) print; else { $3 = ""; sub(/  /, " "); print } }')
if [ "$got" != "$want" ]; then
	echo "the events are not the expected ones:"
	diff <(echo "$want") <(echo "$got")
	failures=$((failures + 1))
fi
for pcr in 8 9; do
	expect "$LOG" "tpm: PCR $pcr sha256 $(sed -n "s/^pcr $pcr sha256 //p" "$WORK/events.txt") (read back: as the log says)"
done
finish
