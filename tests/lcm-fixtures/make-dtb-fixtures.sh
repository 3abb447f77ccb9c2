#!/usr/bin/env bash
# Regenerates the raw .dtb fixtures (blobs that dtc cannot write because they
# are not, or no longer, valid device trees). Run by hand; the results are
# committed as binary files beside their .expect files. Needs dtc.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cat > "$tmp/lcm.dts" <<'DTS'
/dts-v1/;
/ {
	chosen {
		hypervisor {
			compatible = "hypervisor,xen";
			dom1 {
				compatible = "xen,domain";
				memory = <0x4000>;
				kernel {
					compatible = "module,kernel";
					module-addr = <0x40200000 0x1000>;
				};
			};
		};
	};
};
DTS
dtc -q -I dts -O dtb -o "$tmp/lcm.dtb" "$tmp/lcm.dts"
size=$(stat -c %s "$tmp/lcm.dtb")

# put FILE OFFSET HEX: overwrite 4 bytes at OFFSET with the big-endian HEX.
put() {
	printf "\\x${3:0:2}\\x${3:2:2}\\x${3:4:2}\\x${3:6:2}" |
		dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

# Not a device tree: the magic is wrong.
cp "$tmp/lcm.dtb" "$here/dtb-bad-magic.dtb"
put "$here/dtb-bad-magic.dtb" 0 deadbeef

# A DTS source given where a DTB is expected.
cp "$tmp/lcm.dts" "$here/dtb-source-text.dtb"

# An empty file.
: > "$here/dtb-empty.dtb"

# The header alone, and the blob cut in half: shorter than totalsize says.
head -c 40 "$tmp/lcm.dtb" > "$here/dtb-header-only.dtb"
head -c $((size / 2)) "$tmp/lcm.dtb" > "$here/dtb-truncated.dtb"

# An unknown token (0xb) where the "chosen" node begins.
cp "$tmp/lcm.dtb" "$here/dtb-corrupted-structure.dtb"
at=$(grep -obUa chosen "$tmp/lcm.dtb" | head -n 1 | cut -d: -f1)
put "$here/dtb-corrupted-structure.dtb" $((at - 4)) 0000000b

# Version 18, newer than libfdt reads.
cp "$tmp/lcm.dtb" "$here/dtb-future-version.dtb"
put "$here/dtb-future-version.dtb" 20 00000012
put "$here/dtb-future-version.dtb" 24 00000012

# Version 11, whose node names would be full paths: libfdt 1.6.1 crashed on
# it (the root node's name has no '/'); the library now refuses it first.
cp "$tmp/lcm.dtb" "$here/dtb-old-version.dtb"
put "$here/dtb-old-version.dtb" 20 0000000b
put "$here/dtb-old-version.dtb" 24 00000001

# A property length of -12: libfdt 1.6.1 would walk that tag forever.
cp "$tmp/lcm.dtb" "$here/dtb-property-length-wraps.dtb"
at=$(grep -obUa 'hypervisor,xen' "$tmp/lcm.dtb" | head -n 1 | cut -d: -f1)
put "$here/dtb-property-length-wraps.dtb" $((at - 8)) fffffff4

# Domain names dtc cannot write (its node names are [a-zA-Z0-9,._+*#?@-]):
# a placeholder name of the same length is compiled, then its bytes are
# replaced. name_fixture FIXTURE PLACEHOLDER PRINTF-BYTES.
name_fixture() {
	sed "s/dom1 {/$2 {/" "$tmp/lcm.dts" >"$tmp/name.dts"
	dtc -q -I dts -O dtb -o "$here/$1.dtb" "$tmp/name.dts"
	local at
	at=$(grep -obUa -- "$2" "$here/$1.dtb" | head -n 1 | cut -d: -f1)
	printf "$3" | dd of="$here/$1.dtb" bs=1 seek="$at" conv=notrunc status=none
}
# An escape sequence (ECMA-48 CSI: colours), a line break that would start
# a fake hypervisor line, U+009B CSI in UTF-8 (a C1 control), U+202E
# RIGHT-TO-LEFT OVERRIDE (a bidi control), a lone C1 byte (0x85 NEL), and
# '#', which this dtc refuses in node names.
name_fixture dtb-domain-name-escape 'xE.31mred' 'x\033[31mred'
name_fixture dtb-domain-name-line-break 'aCLlaunch' 'a\r\nlaunch'
name_fixture dtb-domain-name-utf8-c1 'domCC31m' 'dom\302\23331m'
name_fixture dtb-domain-name-bidi 'domBBBcba' 'dom\342\200\256cba'
name_fixture dtb-domain-name-c1 'appN1' 'app\2051'
name_fixture dtb-domain-name-hash 'appH1' 'app#1'

# A module node name (free, unlike a domain's) with an escape sequence, in
# a message of lcm-tool's own host checks: shown as "\xHH" too.
sed -e 's|^/ {|/ {\n\t#address-cells = <2>;\n\t#size-cells = <2>;\n\tmemory@40000000 {\n\t\tdevice_type = "memory";\n\t\treg = <0x0 0x40000000 0x0 0x10000000>;\n\t};|' \
    -e 's|kernel {|kernelE.2J {|' -e 's|0x40200000 0x1000|0x80000000 0x1000|' \
    "$tmp/lcm.dts" >"$tmp/host.dts"
dtc -q -I dts -O dtb -o "$here/dtb-host-module-name-escape.dtb" "$tmp/host.dts"
at=$(grep -obUa 'kernelE.2J' "$here/dtb-host-module-name-escape.dtb" | head -n 1 | cut -d: -f1)
printf 'kernel\033[2J' | dd of="$here/dtb-host-module-name-escape.dtb" bs=1 seek="$at" conv=notrunc status=none
