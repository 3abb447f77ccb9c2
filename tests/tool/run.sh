#!/usr/bin/env bash
# lcm-tool as a user meets it: the command-line contract (help, exit codes,
# usage errors), JSON -> DTB -> show round trips with exact output, the x86
# multiboot numbering, determinism, the example configurations, and pack
# (QEMU's DTB with the LCM embedded, run-qemu, the module layout).
# Prints PASS/FAIL per case. Expected outputs live in tests/tool/expect/;
# UPDATE=1 rewrites them (then read the diff before committing).
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
tool=${LCM_TOOL:-$top/build/asan/lcm-tool}
cd "$here"
# Relative, so that messages (which name files) are the same in every clone.
work=../../build/tests/tool
rm -rf "$work"
mkdir -p "$work"

pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; }

# expect NAME RC CMD...: CMD exits RC and prints exactly expect/NAME.txt
# (stdout and stderr together).
expect() {
	local name=$1 want_rc=$2
	shift 2
	local out rc
	out=$("$@" 2>&1)
	rc=$?
	if [ "${UPDATE:-0}" = 1 ]; then
		printf '%s\n' "$out" > "expect/$name.txt"
	fi
	if [ "$rc" != "$want_rc" ]; then
		fail "$name" "exit status $rc, expected $want_rc: $(printf '%s' "$out" | head -n 3)"
	elif [ ! -f "expect/$name.txt" ]; then
		fail "$name" "no expect/$name.txt"
	elif [ "$out" != "$(cat "expect/$name.txt")" ]; then
		fail "$name" "output differs: $(diff <(cat "expect/$name.txt") <(printf '%s\n' "$out") | head -n 6 | tr '\n' ' ')"
	else
		pass "$name"
	fi
}

# check_rc NAME RC CMD...: only the exit status matters (plus a grep).
check_rc() {
	local name=$1 want_rc=$2 pattern=$3
	shift 3
	local out rc
	out=$("$@" 2>&1)
	rc=$?
	if [ "$rc" != "$want_rc" ]; then
		fail "$name" "exit status $rc, expected $want_rc"
	elif ! printf '%s\n' "$out" | grep -qE -- "$pattern"; then
		fail "$name" "output lacks /$pattern/: $(printf '%s' "$out" | head -n 2)"
	else
		pass "$name"
	fi
}

# --- the command-line contract --------------------------------------------------
check_rc help-top 0 '^Commands:' "$tool" --help
check_rc no-args 2 '^usage: lcm-tool COMMAND' "$tool"
expect unknown-command 2 "$tool" chek demo.json
for cmd in build check show pack import policy; do
	check_rc "help-$cmd" 0 "^usage: lcm-tool $cmd " "$tool" "$cmd" --help
done
check_rc build-without-output 2 '^usage: lcm-tool build' "$tool" build demo.json
check_rc build-not-json 2 'is not a .json configuration' "$tool" build demo.txt -o "$work/x.dtb"
expect check-bad-arch 2 "$tool" check --arch mips demo.json
check_rc check-missing-file 2 'cannot read "nothing.dtb": No such file' "$tool" check nothing.dtb
# A missing input file is a failure of the system (2), JSON as DTB, in every
# command; a missing module file is a problem of the input (1, lcm-fixtures).
for cmd in check show; do
	expect "$cmd-missing-json" 2 "$tool" "$cmd" nothing.json
done
expect build-missing-json 2 "$tool" build nothing.json -o "$work/x.dtb"
expect pack-missing-json 2 "$tool" pack nothing.json -o "$work/x"
expect pack-bad-cpus 2 "$tool" pack --cpus 0 demo.json -o "$work/p"

# --- round trips ------------------------------------------------------------------
expect build-demo 0 "$tool" build demo.json -o "$work/demo.dtb"
expect show-demo-dtb 0 "$tool" show "$work/demo.dtb"
# show of the JSON is the same launch: only the header names another file.
a=$("$tool" show demo.json 2>&1 | tail -n +2)
b=$("$tool" show "$work/demo.dtb" 2>&1 | tail -n +2)
if [ "$a" = "$b" ] && [ -n "$a" ]; then pass show-json-equals-dtb; else fail show-json-equals-dtb "$(diff <(echo "$a") <(echo "$b") | head -n 4 | tr '\n' ' ')"; fi
expect check-demo-dtb 0 "$tool" check "$work/demo.dtb"
# The Xen extension: emitted, read back, shown.
expect show-xen 0 "$tool" show xen.json
"$tool" build demo.json -o "$work/demo2.dtb" >/dev/null 2>&1
if cmp -s "$work/demo.dtb" "$work/demo2.dtb"; then pass build-deterministic; else fail build-deterministic "two builds differ"; fi
# The digest stored is the file's SHA-256, byte for byte.
want=$(sha256sum ../lcm-fixtures/files/ramdisk.img | cut -d' ' -f1)
got=$(printf '%02x' $(fdtget -t bx "$work/demo.dtb" /chosen/hypervisor/dom0/ramdisk/hash value 2>/dev/null | sed 's/[0-9a-f][0-9a-f]*/0x&/g'))
if [ "$got" = "$want" ]; then pass digest-is-sha256; else fail digest-is-sha256 "stored $got, file $want"; fi
# Domain order in the LCM is the configuration's order (it is the launch order).
order=$(fdtget -l "$work/demo.dtb" /chosen/hypervisor | tr '\n' ' ')
if [ "$order" = "config bootdom dom0 app rescue " ]; then pass lcm-keeps-order; else fail lcm-keeps-order "nodes: $order"; fi

expect build-demo-x86 0 "$tool" build --arch x86 demo.json -o "$work/demo-x86.dtb"
expect show-demo-x86 0 "$tool" show --arch x86 "$work/demo-x86.dtb"
expect check-x86-as-arm64 1 "$tool" check --arch arm64 "$work/demo-x86.dtb"
# A JSON configuration with errors: exit status 1, each error at its line
# and column (the first on line 1, where columns are easiest to get wrong),
# and the same for build, which writes nothing.
expect check-json-errors 1 "$tool" check bad-columns.json
expect build-json-errors 1 "$tool" build bad-columns.json -o "$work/bad.dtb"
if [ -e "$work/bad.dtb" ]; then fail build-json-errors-writes-nothing "$work/bad.dtb exists"; else pass build-json-errors-writes-nothing; fi
# A text policy is compiled; build writes the binary the LCM names beside
# it (policy.te.bin), never over its source, and it is the compiled policy.
mkdir -p "$work/ptext"
expect build-policy-text 0 "$tool" build policy-text.json -o "$work/ptext/lcm.dtb"
"$tool" policy ../lcm-fixtures/files/policy.te -o "$work/ptext/compiled.bin" >/dev/null 2>&1
if cmp -s "$work/ptext/policy.te.bin" "$work/ptext/compiled.bin"; then
	pass build-policy-text-binary
else
	fail build-policy-text-binary "$work/ptext/policy.te.bin is not what lcm-tool policy makes of the source"
fi

# --- example configurations --------------------------------------------------------
for f in "$top"/configs/*.json; do
	name=$(basename "$f" .json)
	check_rc "config-$name" 0 "valid: [0-9]+ domains?" "$tool" check --no-files "$f"
done

# --- pack ----------------------------------------------------------------------------
p=$work/pack
expect pack-demo 0 "$tool" pack --hypervisor ../lcm-fixtures/files/kernel.img demo.json -o "$p"
expect check-pack-host-dtb 0 "$tool" check --arch arm64 "$p/host.dtb"
# QEMU's own machine description is kept, the LCM is added.
if fdtget "$p/host.dtb" /chosen/hypervisor compatible 2>/dev/null | grep -qx 'hypervisor,xen' &&
   fdtget "$p/host.dtb" /intc@8000000 compatible 2>/dev/null | grep -q 'arm,gic-v3' &&
   [ "$(fdtget -t x "$p/host.dtb" /memory@40000000 reg 2>/dev/null)" = "0 40000000 0 14000000" ]; then
	pass pack-host-dtb-is-qemu-plus-lcm
else
	fail pack-host-dtb-is-qemu-plus-lcm "missing GICv3, /memory of 320 MiB or /chosen/hypervisor"
fi
# Every module is loaded where the LCM says it is, from an identical copy.
ok=1
while read -r file addr; do
	grep -q "file=\"\$here/modules/$file\",addr=$addr,force-raw=on" "$p/run-qemu" || ok=0
done <<EOF
00-kernel.img 0x48200000
01-ramdisk.img 0x48201000
02-guest.dtb 0x48202000
EOF
cmp -s "$p/modules/01-ramdisk.img" ../lcm-fixtures/files/ramdisk.img || ok=0
if [ $ok = 1 ] && [ -x "$p/run-qemu" ]; then pass pack-run-qemu-loads-modules; else fail pack-run-qemu-loads-modules "$(grep loader "$p/run-qemu" | head -n 3 | tr '\n' ' ')"; fi
grep -q -- '-smp 4 -m 320M -nographic -nic none' "$p/run-qemu" && pass pack-default-machine || fail pack-default-machine "$(grep -- -smp "$p/run-qemu")"
"$tool" pack --cpus 2 --memory 1G --hypervisor ../lcm-fixtures/files/kernel.img demo.json -o "$work/pack2" >/dev/null 2>&1
if grep -q -- '-smp 2 -m 1024M' "$work/pack2/run-qemu" &&
   [ "$(fdtget -t x "$work/pack2/host.dtb" /memory@40000000 reg 2>/dev/null)" = "0 40000000 0 40000000" ]; then
	pass pack-machine-options
else
	fail pack-machine-options "run-qemu or host.dtb does not reflect --cpus 2 --memory 1G"
fi
expect pack-memory-too-small 2 "$tool" pack --memory 64M demo.json -o "$work/pack3"
# run-qemu passes its arguments to QEMU: a fake QEMU shows what it got.
printf '#!/bin/sh\necho "$@"\n' > "$work/fake-qemu"
chmod +x "$work/fake-qemu"
args=$(QEMU="$work/fake-qemu" "$p/run-qemu" -S -d guest_errors)
case "$args" in
	*"-dtb /"*"/tests/tool/pack/host.dtb -device loader"*"force-raw=on -S -d guest_errors") pass run-qemu-passes-arguments ;;
	*) fail run-qemu-passes-arguments "QEMU got: $args" ;;
esac

# --- predict and pack --tpm (docs/measured-launch.md) ------------------------------------
expect predict-demo 0 "$tool" predict demo.json -o "$work/predicted.log"
expect predict-usage 2 "$tool" predict
# A Xen-aware domain's parameters say so, and name its channels.
expect predict-xen 0 "$tool" predict xen.json
# The LCM's measurement is the same for the JSON, its stand-alone LCM and
# the host DTB pack made: the same prediction, but for the file named.
"$tool" build demo.json -o "$work/demo.dtb" >/dev/null 2>&1
same=1
for f in "$work/demo.dtb" "$p/host.dtb"; do
	diff <("$tool" predict demo.json | tail -n +2) <("$tool" predict "$f" 2>/dev/null | tail -n +2) >/dev/null || same=0
done
if [ $same = 1 ]; then pass predict-json-lcm-host-dtb-agree; else fail predict-json-lcm-host-dtb-agree "predictions differ"; fi
# Debian's tpm2_eventlog reads the predicted log without a warning and
# replays it to the predicted PCRs.
if command -v tpm2_eventlog >/dev/null; then
	replay=$(tpm2_eventlog "$work/predicted.log" 2>"$work/eventlog.err" |
		sed -n 's/^ *\([89]\) *: 0x\([0-9a-f]*\)$/PCR \1 sha256 \2/p')
	want=$("$tool" predict demo.json | grep '^PCR ')
	if [ -s "$work/eventlog.err" ] || [ "$replay" != "$want" ]; then
		fail predict-log-replays "tpm2_eventlog: $(head -c 200 "$work/eventlog.err") $replay"
	else
		pass predict-log-replays
	fi
else
	fail predict-log-replays "tpm2_eventlog is missing (scripts/setup.sh installs tpm2-tools)"
fi
# A config the Boot Domain refuses (plan-bad.cfg, line 6): the failed
# launch that follows, predicted: the Boot Domain, then the Recovery Domain
# with the bootargs of the lines before the bad one; a note says so.
expect predict-plan-bad 0 "$tool" predict plan-bad.json
# The Boot Domain's config parser is lcm-tool's (lib/bootcfg): a bootargs
# line for a domain there is not, or a config module larger than it reads,
# is refused by show and predict as by the Boot Domain.
sed "s#\"\.\./lcm-fixtures#\"$here/../lcm-fixtures#; s#plan-bad\.cfg#bad-bootargs.cfg#" plan-bad.json \
	>"$work/bad-bootargs.json"
printf 'order app\r\nbootargs nobody quiet # who?\r\n' >"$work/bad-bootargs.cfg"
check_rc show-plan-bad-bootargs 0 \
	'"unknown-because": ".*bad-bootargs.cfg: config line 2: unknown domain: bootargs nobody quiet \(the Boot' \
	"$tool" show --format json "$work/bad-bootargs.json"
check_rc predict-plan-bad-bootargs 0 \
	'note: the Boot Domain refuses .*bad-bootargs.cfg: config line 2: unknown domain: bootargs nobody quiet: predicted' \
	"$tool" predict "$work/bad-bootargs.json"
head -c 16385 /dev/zero | tr '\0' '\n' >"$work/bad-bootargs.cfg"
check_rc show-plan-config-too-large 0 'bad-bootargs.cfg: config module larger than 16384 bytes \(the Boot' \
	"$tool" show --format json "$work/bad-bootargs.json"
# A module without a digest cannot be predicted.
cp "$work/demo.dtb" "$work/nodigest.dtb"
hash=$(fdtget -l "$work/nodigest.dtb" /chosen/hypervisor/app/kernel 2>/dev/null | head -n 1)
fdtput -r "$work/nodigest.dtb" "/chosen/hypervisor/app/kernel/$hash" 2>/dev/null
expect predict-no-digest 2 "$tool" predict "$work/nodigest.dtb"
# pack --tpm: QEMU's own TPM node in host.dtb; run-qemu starts swtpm in a
# temporary folder, gives QEMU the TPM, and leaves nothing behind.
pt=$work/pack-tpm
if "$tool" pack --tpm --hypervisor ../lcm-fixtures/files/kernel.img demo.json -o "$pt" >/dev/null 2>&1 &&
   [ "$(fdtget "$pt/host.dtb" /platform-bus@c000000/tpm_tis@0 compatible 2>/dev/null)" = tcg,tpm-tis-mmio ]; then
	pass pack-tpm-host-dtb
else
	fail pack-tpm-host-dtb "no /platform-bus@c000000/tpm_tis@0 compatible with tcg,tpm-tis-mmio"
fi
expect pack-tpm-uboot 2 "$tool" pack --tpm --boot uboot demo.json -o "$work/x"
mkdir -p "$work/tmp"
args=$(TMPDIR=$(cd "$work/tmp" && pwd) QEMU="$work/fake-qemu" "$pt/run-qemu" -S)
case "$args" in
	*"-chardev socket,id=chrtpm,path=$(cd "$work/tmp" && pwd)/tmp."*"/swtpm.sock -tpmdev emulator,id=tpm0,chardev=chrtpm -device tpm-tis-device,tpmdev=tpm0 -S")
		if [ -z "$(ls -A "$work/tmp")" ] && ! pgrep -f "$(cd "$work/tmp" && pwd)" >/dev/null; then
			pass pack-tpm-run-qemu
		else
			fail pack-tpm-run-qemu "swtpm or its folder left behind: $(ls -A "$work/tmp")"
		fi ;;
	*) fail pack-tpm-run-qemu "QEMU got: $args" ;;
esac

# --- pack --boot uboot ------------------------------------------------------------------
u=$work/upack
expect pack-uboot-demo 0 "$tool" pack --boot uboot --hypervisor ../lcm-fixtures/files/kernel.img demo.json -o "$u"
expect pack-bad-boot 2 "$tool" pack --boot grub demo.json -o "$work/x"
# One layout: the script loads each module where the LCM's module-addr says,
# host.dtb at the DTB slot and the hypervisor at RAM + 2 MiB, then booti.
lcm=$(for n in $(fdtget -l "$u/host.dtb" /chosen/hypervisor); do
	for m in $(fdtget -l "$u/host.dtb" "/chosen/hypervisor/$n"); do
		fdtget -t x "$u/host.dtb" "/chosen/hypervisor/$n/$m" module-addr 2>/dev/null | awk '{ print "0x" $2 }'
	done
done | sort -u | tr '\n' ' ')
scr=$(sed -n 's|^load ${hl_dev} \(0x[0-9a-f]*\) modules/.*|\1|p' "$u/boot.cmd" | sort -u | tr '\n' ' ')
if [ "$lcm" = "$scr" ] && [ -n "$lcm" ] &&
   grep -qx 'load ${hl_dev} 0x48000000 host.dtb || setenv hl_loaded no' "$u/boot.cmd" &&
   grep -qx 'load ${hl_dev} 0x40200000 hyperlaunch.bin || setenv hl_loaded no' "$u/boot.cmd" &&
   grep -qxP '\tbooti 0x40200000 - 0x48000000' "$u/boot.cmd"; then
	pass pack-uboot-one-layout
else
	fail pack-uboot-one-layout "LCM module-addr: $lcm; boot.cmd loads: $scr"
fi
if dumpimage -l "$u/boot.scr" 2>/dev/null | grep -q 'Image Type: *AArch64 Linux Script (uncompressed)' &&
   tail -c +73 "$u/boot.scr" | head -c "$(stat -c %s "$u/boot.cmd")" | cmp -s - "$u/boot.cmd"; then
	pass pack-uboot-boot-scr
else
	fail pack-uboot-boot-scr "boot.scr is not mkimage's script image of boot.cmd"
fi
# The disk: one bootable FAT32 partition from 1 MiB holding every file.
dump=$(sfdisk --dump "$u/disk.img" 2>/dev/null | grep 'disk.img1 :')
case "$dump" in
	*"start=        2048, size="*"type=c, bootable") pass pack-uboot-partition ;;
	*) fail pack-uboot-partition "sfdisk --dump: $dump" ;;
esac
ok=1
for f in boot.scr host.dtb hyperlaunch.bin modules/00-kernel.img modules/01-ramdisk.img modules/02-guest.dtb; do
	rm -f "$work/from-disk"
	mcopy -i "$u/disk.img@@1048576" "::$f" "$work/from-disk" 2>/dev/null && cmp -s "$work/from-disk" "$u/$f" || ok=0
done
if [ $ok = 1 ] && minfo -i "$u/disk.img@@1048576" :: 2>/dev/null | grep -q 'disk type="FAT32'; then
	pass pack-uboot-disk-files
else
	fail pack-uboot-disk-files "a file differs or is missing on the FAT32 partition"
fi
# The DTB is QEMU's for a firmware boot (-bios), which has no PL061 GPIO.
if fdtget -l "$u/host.dtb" / | grep -q '^pl061' || ! fdtget -l "$p/host.dtb" / | grep -q '^pl061'; then
	fail pack-uboot-dtb-of-firmware-boot "pl061 in the U-Boot DTB, or not in the -kernel one"
else
	pass pack-uboot-dtb-of-firmware-boot
fi
args=$(QEMU="$work/fake-qemu" "$u/run-qemu" -S)
case "$args" in
	*"-smp 4 -m 320M -nographic -nic none -bios /usr/lib/u-boot/qemu_arm64/u-boot.bin -drive if=none,file=/"*"/tests/tool/upack/disk.img,format=raw,readonly=on,id=disk -device virtio-blk-device,drive=disk -S") pass uboot-run-qemu ;;
	*) fail uboot-run-qemu "QEMU got: $args" ;;
esac
# While it loads the files U-Boot keeps the top of RAM (its code, heap,
# stack and DTB): a machine with room for the domains may still be too
# small for it.
check_rc pack-small-qemu 0 '1 domain, 1 module file' "$tool" pack --memory 100M --hypervisor ../lcm-fixtures/files/kernel.img small.json -o "$work/small"
expect pack-uboot-memory-too-small 2 "$tool" pack --boot uboot --memory 100M --hypervisor ../lcm-fixtures/files/kernel.img small.json -o "$work/small2"

# --- version and make install ------------------------------------------------------------
# One release, VERSION, in lcm-tool --version (with the commit when built
# from a clone) and in the installed man page.
v=$(cat ../../VERSION)
check_rc version 0 "^lcm-tool \(Hyperlaunch\) $v( \(git [0-9a-f]{12}(-dirty)?\))?\$" "$tool" --version
dest=$(cd "$work" && pwd)/install
if make -s -C "$top" install DESTDIR="$dest" PREFIX=/opt/hl >"$work/install.log" 2>&1; then
	pass make-install
else
	fail make-install "$(tail -n 3 "$work/install.log" | tr '\n' ' ')"
fi
# The files and their modes: the program, the two images, the man page, and
# every doc of the tree.
expect install-files 0 sh -c "cd '$dest/opt/hl' && find . -path ./share/doc -prune -o -type f -printf '%m %P\n' | sort"
docs=$(cd "$dest/opt/hl/share/doc/hyperlaunch" 2>/dev/null && find . -type f -perm 644 -printf '%P\n' | sort | tr '\n' ' ')
want=$(cd "$top" && { echo README.md; ls docs/*.md | sed 's|docs/||'; } | sort | tr '\n' ' ')
if [ "$docs" = "$want" ]; then pass install-docs; else fail install-docs "installed: $docs; tree: $want"; fi
ours=$("$top/build/lcm-tool" --version)
if [ "$("$dest/opt/hl/bin/lcm-tool" --version 2>&1)" = "$ours" ]; then pass installed-version; else fail installed-version "not '$ours'"; fi
# An installed lcm-tool packs with the installed hypervisor by default.
"$dest/opt/hl/bin/lcm-tool" pack small.json -o "$work/ipack" >"$work/ipack.log" 2>&1
if cmp -s "$work/ipack/hyperlaunch.bin" "$top/build/hyperlaunch.bin" && ! grep -q warning "$work/ipack.log"; then
	pass installed-pack-finds-hypervisor
else
	fail installed-pack-finds-hypervisor "$(head -n 2 "$work/ipack.log" | tr '\n' ' ')"
fi
# The man page renders without a warning from man or groff.
page=$dest/opt/hl/share/man/man1/lcm-tool.1
out=$(MANWIDTH=80 man --warnings -l -Tascii "$page" 2>"$work/man.err" | col -bx)
if [ -s "$work/man.err" ] || [ ! -f "$page" ]; then
	fail man-page "$(head -n 2 "$work/man.err" | tr '\n' ' ')"
elif ! printf '%s\n' "$out" | grep -qE "^ +lcm-tool +- build, check, show and pack Hyperlaunch" ||
     ! printf '%s\n' "$out" | grep -qE "^Hyperlaunch $v +[0-9-]+ +LCM-TOOL\(1\)\$"; then
	fail man-page "NAME or the footer with release $v missing"
else
	pass man-page
fi
expect pack-firmware-without-uboot 2 "$tool" pack --firmware /dev/null demo.json -o "$work/x"
expect pack-uboot-no-firmware 2 "$tool" pack --boot uboot --firmware "$work/no-u-boot.bin" demo.json -o "$work/x"
# A Debian tool missing: one line naming the package that has it.
mkdir -p "$work/bin"
for t in qemu-system-aarch64 sfdisk mkfs.vfat mcopy mmd; do ln -sf "$(command -v "$t")" "$work/bin/$t"; done
expect pack-uboot-no-mkimage 2 env PATH="$work/bin" "$tool" pack --boot uboot --hypervisor ../lcm-fixtures/files/kernel.img demo.json -o "$work/nomk"

# --- import ---------------------------------------------------------------------------
# Xen dom0less device trees (import/*.dts, compiled here) into JSON: every
# warning and error with its exact message, the JSON byte for byte.
iw=$work/import
mkdir -p "$iw"
for f in import/*.dts; do
	dtc -q -I dts -O dtb -o "$iw/$(basename "$f" .dts).dtb" "$f" || fail "dtc-$f" "dtc failed"
done
k=../lcm-fixtures/files/kernel.img
r=../lcm-fixtures/files/ramdisk.img
g=../lcm-fixtures/files/guest.dtb
expect import-warnings 0 "$tool" import --module 0x40400000=$k --module 0x40500000=$r \
	--module 0x40700000=$r --module 0x40800000=$g "$iw/warnings.dtb" -o "$iw/warnings.json"
expect import-warnings-json 0 cat "$iw/warnings.json"
expect import-errors 1 "$tool" import "$iw/errors.dtb" -o "$iw/errors.json"
if [ -e "$iw/errors.json" ]; then fail import-errors-writes-nothing "$iw/errors.json exists"; else pass import-errors-writes-nothing; fi
expect import-dom0-errors 1 "$tool" import "$iw/dom0-errors.dtb"
# Without --module or xen,uefi-binary a module is named by its address.
expect import-untyped-dom0 0 "$tool" import "$iw/untyped-dom0.dtb"
expect import-nothing 1 "$tool" import "$iw/nothing.dtb"
expect import-no-chosen 1 "$tool" import "$iw/no-chosen.dtb"
expect import-an-lcm 1 "$tool" import "$work/demo.dtb"
expect import-bad-dtb 1 "$tool" import ../lcm-fixtures/dtb-corrupted-structure.dtb
expect import-module-size 1 "$tool" import --module 0x40400000=$r --module 0x40500000=$k \
	--module 0x40700000=$g --module 0x40800000=$g --module 0x50000000=$k "$iw/warnings.dtb"
expect import-module-syntax 2 "$tool" import --module 40400000 "$iw/warnings.dtb"
expect import-missing-file 2 "$tool" import nothing.dtb
# The JSON it writes is a configuration lcm-tool accepts.
expect import-check 0 "$tool" check "$iw/warnings.json"

# --- show --format ----------------------------------------------------------------------
# The launch as Graphviz dot and as JSON, byte for byte: without a Boot
# Domain config (LCM order; the recovery-only domain stands by), with one
# (order and waits), and from a DTB, where the config module's text is not.
expect show-dot-demo 0 "$tool" show --format dot demo.json
expect show-json-demo 0 "$tool" show --format json demo.json
# The Xen channels hyperlaunch,channels declares: edges and the JSON list.
expect show-dot-xen 0 "$tool" show --format dot xen.json
expect show-json-xen 0 "$tool" show --format json xen.json
expect show-dot-plan 0 "$tool" show --format dot plan.json
expect show-json-plan 0 "$tool" show --format json plan.json
"$tool" build plan.json -o "$work/plan.dtb" >/dev/null 2>&1
expect show-dot-plan-dtb 0 "$tool" show --format dot "$work/plan.dtb"
# A config line the Boot Domain refuses: it starts nothing, the order is unknown.
expect show-json-plan-bad 0 "$tool" show --format json plan-bad.json
expect show-json-static 0 "$tool" show --no-files --format json ../../configs/static-basic.json
expect show-bad-format 2 "$tool" show --format png demo.json
expect show-svg-no-dot 2 env DOT=/nonexistent/dot "$tool" show --format svg demo.json
# svg: what Graphviz's dot drew, well-formed, with every domain's name.
if "$tool" show --format svg plan.json >"$work/plan.svg" 2>"$work/plan.svg.err" &&
	python3 - "$work/plan.svg" <<'PY'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == "{http://www.w3.org/2000/svg}svg", root.tag
text = " ".join(t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text"))
for name in ("bootdom", "ctl", "net", "app", "rescue", "1. start, wait ready"):
    assert name in text, name
PY
then pass show-svg; else fail show-svg "$(head -c 300 "$work/plan.svg.err")"; fi

# ImageBuilder configurations (import/*.cfg), read as data: the same.
expect import-ib 0 "$tool" import import/imagebuilder.cfg -o "$iw/ib.json"
expect import-ib-json 0 cat "$iw/ib.json"
expect import-ib-check 0 "$tool" check --no-files "$iw/ib.json"
expect import-ib-errors 1 "$tool" import import/ib-errors.cfg
expect import-ib-shell 1 "$tool" import import/ib-shell.cfg
# -d: the folder the configuration's paths are relative to (here: this one).
printf 'NUM_DOMUS=1\nDOMU_KERNEL[0]=../lcm-fixtures/files/kernel.img\n' >"$iw/ib-dir.cfg"
expect import-ib-dir 0 "$tool" import -d . "$iw/ib-dir.cfg"
expect import-ib-module 2 "$tool" import --module 0x40000000=x import/imagebuilder.cfg
expect import-binary 1 "$tool" import ../lcm-fixtures/files/kernel.img

# --- pack --arch x86 ----------------------------------------------------------------
# A GRUB ISO: grub.cfg loads the hypervisor by multiboot2 and the LCM as the
# first module2, then each file once in mb-index order, all --nounzip.
x=$work/pack-x86
expect pack-x86 0 "$tool" pack --arch x86 --hypervisor ../lcm-fixtures/files/kernel.img demo.json -o "$x"
expect pack-x86-grub-cfg 0 cat "$x/iso/boot/grub/grub.cfg"
expect pack-x86-run-qemu 0 cat "$x/run-qemu"
expect pack-x86-lcm 0 "$tool" show --arch x86 "$x/iso/boot/lcm.dtb"
if [ -s "$x/hyperlaunch.iso" ] && cmp -s ../lcm-fixtures/files/ramdisk.img "$x/iso/boot/modules/01-ramdisk.img"; then
	pass pack-x86-iso
else
	fail pack-x86-iso "no $x/hyperlaunch.iso, or the ramdisk not copied as 01-ramdisk.img"
fi
# --firmware uefi: the ISO with GRUB's EFI build too, OVMF's variables
# copied, run-qemu on q35 with OVMF; another firmware word is refused.
xu=$work/pack-x86-uefi
expect pack-x86-uefi 0 "$tool" pack --arch x86 --firmware uefi --hypervisor ../lcm-fixtures/files/kernel.img demo.json -o "$xu"
expect pack-x86-uefi-run-qemu 0 cat "$xu/run-qemu"
if [ -s "$xu/hyperlaunch.iso" ] && cmp -s /usr/share/OVMF/OVMF_VARS_4M.fd "$xu/OVMF_VARS.fd" &&
   xorriso -indev "$xu/hyperlaunch.iso" -report_el_torito plain 2>/dev/null | grep -q 'UEFI'; then
	pass pack-x86-uefi-iso
else
	fail pack-x86-uefi-iso "no $xu/hyperlaunch.iso with a UEFI boot image, or no copy of OVMF_VARS_4M.fd"
fi
if ! xorriso -indev "$x/hyperlaunch.iso" -report_el_torito plain 2>/dev/null | grep -q 'UEFI'; then
	pass pack-x86-bios-only
else
	fail pack-x86-bios-only "the BIOS pack's ISO has a UEFI boot image"
fi
expect pack-x86-bad-firmware 2 "$tool" pack --arch x86 --firmware coreboot demo.json -o "$xu"
expect pack-x86-uboot 2 "$tool" pack --arch x86 --boot uboot demo.json -o "$x"
expect pack-x86-tpm 2 "$tool" pack --arch x86 --tpm demo.json -o "$x"
expect pack-bad-arch 2 "$tool" pack --arch riscv demo.json -o "$x"
# --- the access-control policy (docs/policy.md) -------------------------------------
# Compiled, shown back rule by rule, and the C array the hypervisor's role
# policy is built from; every error of a broken text with its line:column;
# a broken binary refused by the hypervisor's own loader.
expect policy-compile 0 "$tool" policy policy/labels.te -o "$work/labels.bin"
expect policy-show 0 "$tool" policy --show "$work/labels.bin"
expect policy-show-roles 0 "$tool" policy --show ../../hypervisor/core/roles.te
expect policy-errors 1 "$tool" policy policy/errors.te -o "$work/errors.bin"
[ ! -e "$work/errors.bin" ] && pass policy-errors-nothing-written || fail policy-errors-nothing-written "$work/errors.bin exists"
head -c 40 "$work/labels.bin" > "$work/truncated.bin"
expect policy-truncated 1 "$tool" policy --show "$work/truncated.bin"
"$tool" policy --c-array roles ../../hypervisor/core/roles.te -o "$work/roles.c" >/dev/null 2>&1
if grep -q '^const unsigned char roles\[\] = {$' "$work/roles.c" &&
   grep -q '^const unsigned roles_size = 168;$' "$work/roles.c"; then
	pass policy-c-array
else
	fail policy-c-array "$(head -n 3 "$work/roles.c" | tr '\n' ' ')"
fi
check_rc policy-without-output 2 '^usage: lcm-tool policy' "$tool" policy policy/labels.te
# A configuration's text policy is compiled, and every label it uses must be
# one of its types (the same check as the hypervisor's at launch).
expect check-policy-labels 1 "$tool" check policy/app.json
# SafeVM (seed 004): a control domain is a SafeVM; control-domains "one".
expect check-safevm 1 "$tool" check policy/safevm.json
# show prints the labels; pack carries the compiled binary, not the text.
expect show-policy 0 "$tool" show policy/app-ok.json
"$tool" pack --hypervisor ../lcm-fixtures/files/kernel.img policy/app-ok.json -o "$work/pack-policy" >/dev/null 2>&1
if cmp -s "$work/pack-policy/modules/01-labels.te" "$work/labels.bin"; then
	pass pack-policy-compiled
else
	fail pack-policy-compiled "modules/01-labels.te is not the compiled policy"
fi
# --- devices: pack writes the domain's partial device tree from QEMU's DTB --------------
cat > "$work/devices.json" <<'JSON'
{ "domains": [
  { "name": "gpio", "memory": "16M", "kernel": "../../../tests/lcm-fixtures/files/kernel.img",
    "devices": ["/pl061@9030000"] } ] }
JSON
"$tool" pack --hypervisor ../lcm-fixtures/files/kernel.img "$work/devices.json" -o "$work/packd" >/dev/null 2>&1
m=$work/packd/modules/01-devices-gpio.dtb
if [ "$(fdtget "$m" /passthrough/pl061@9030000 xen,path 2>/dev/null)" = /pl061@9030000 ] &&
   [ "$(fdtget -t x "$m" /passthrough/pl061@9030000 xen,reg 2>/dev/null)" = "0 9030000 0 1000 0 9030000" ] &&
   [ "$(fdtget -t x "$m" /passthrough/pl061@9030000 interrupts 2>/dev/null)" = "0 7 4" ] &&
   fdtget "$work/packd/host.dtb" /chosen/hypervisor/gpio/device-tree module-addr >/dev/null 2>&1 &&
   grep -q "01-devices-gpio.dtb" "$work/packd/run-qemu"; then
	pass pack-devices-module
else
	fail pack-devices-module "no /passthrough/pl061@9030000 with xen,path, xen,reg, interrupts in $m"
fi

# --- machine: the devices pack gives QEMU ------------------------------------------------
: >"$work/disk.img"
cat > "$work/machine.json" <<'JSON'
{ "machine": {"disk": "disk.img", "net": "user"},
  "domains": [ { "name": "hw", "permissions": ["hardware"], "memory": "16M",
                 "kernel": "../../../tests/lcm-fixtures/files/kernel.img" } ] }
JSON
"$tool" pack --hypervisor ../lcm-fixtures/files/kernel.img "$work/machine.json" -o "$work/packm" >/dev/null 2>&1
disk=$(cd "$work" && pwd -P)/disk.img
if grep -qF -- "-drive if=none,id=disk0,format=raw,file='$disk' -device virtio-blk-device,drive=disk0" "$work/packm/run-qemu" &&
   grep -qF -- "-netdev user,id=net0 -device virtio-net-device,netdev=net0" "$work/packm/run-qemu"; then
	pass pack-machine-devices
else
	fail pack-machine-devices "run-qemu lacks the virtio-blk drive or the user network"
fi
# A disk whose name means something to the shell and to QEMU's option
# parser reaches QEMU whole, and nothing in it runs.
weird='x,y"$(echo INJECTED >&2)'"'"'.img'
: >"$work/$weird"
"$tool" pack --hypervisor ../lcm-fixtures/files/kernel.img --disk "$work/$weird" "$work/machine.json" -o "$work/packmq" >/dev/null 2>&1
out=$(QEMU=echo sh "$work/packmq/run-qemu" 2>&1)
if printf '%s\n' "$out" | grep -qF -- "file=$(cd "$work" && pwd -P)/x,,y\"\$(echo INJECTED >&2)'.img " &&
	! printf '%s\n' "$out" | grep -qx INJECTED; then
	pass pack-machine-disk-quoted
else
	fail pack-machine-disk-quoted "run-qemu gave QEMU: $(printf '%s' "$out" | grep -o 'file=[^ ]*img[^ ]*' | tail -1)"
fi
check_rc pack-machine-net-bad 2 'is not "user"' "$tool" pack --net tap "$work/machine.json" -o "$work/packm2"
check_rc pack-machine-disk-missing 2 'disk ".*nothere.img": No such file' "$tool" pack --disk "$work/nothere.img" "$work/machine.json" -o "$work/packm3"

# --- pinned-cpus: the machine must have the CPUs, and one left for the others ----------------
cat > "$work/pinned.json" <<'JSON'
{ "domains": [
  { "name": "rt", "memory": "16M", "kernel": "../../../tests/lcm-fixtures/files/kernel.img", "pinned-cpus": [1] },
  { "name": "other", "memory": "16M", "kernel": "../../../tests/lcm-fixtures/files/kernel.img" } ] }
JSON
"$tool" pack --hypervisor ../lcm-fixtures/files/kernel.img "$work/pinned.json" -o "$work/packp" >/dev/null 2>&1
if grep -q -- '-smp 2 ' "$work/packp/run-qemu" &&
   [ "$(fdtget -t x "$work/packp/host.dtb" /chosen/hypervisor/rt hyperlaunch,pinned-cpus 2>/dev/null)" = 1 ]; then
	pass pack-pinned-default-cpus
else
	fail pack-pinned-default-cpus "run-qemu: $(grep -o -- '-smp [0-9]*' "$work/packp/run-qemu"), or no hyperlaunch,pinned-cpus in the LCM"
fi
check_rc pack-pinned-cpu-missing 1 'domain "rt": pinned-cpus: CPU 1, but the machine has 1 CPU$' \
	"$tool" pack --cpus 1 "$work/pinned.json" -o "$work/packp2"
cat > "$work/pinned-all.json" <<'JSON'
{ "domains": [
  { "name": "rt", "cpus": 2, "memory": "16M", "kernel": "../../../tests/lcm-fixtures/files/kernel.img", "pinned-cpus": [0, 1] },
  { "name": "other", "memory": "16M", "kernel": "../../../tests/lcm-fixtures/files/kernel.img" } ] }
JSON
check_rc pack-pinned-none-left 1 'domain "other": no CPU left: the machine.s 2 pinned by other domains' \
	"$tool" pack --cpus 2 "$work/pinned-all.json" -o "$work/packp3"
