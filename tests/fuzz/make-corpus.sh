#!/usr/bin/env bash
# Regenerates tests/fuzz/corpus/: small valid LCMs for the fuzzer to start
# from, each exercising different parts of the bindings. Run by hand after a
# change to the bindings (needs build/lcm-tool and dtc); the results are
# committed. The fuzzer itself never writes here (see smoke.sh). Files named
# regress-* are inputs the fuzzer once crashed on, kept by hand so that every
# smoke run replays them; this script leaves them alone.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
tool=$top/build/lcm-tool
out=$here/corpus
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp -r "$top/tests/lcm-fixtures/files" "$tmp/"
# One file per module type: one range used as two types is an error.
printf 'microcode' > "$tmp/files/ucode.bin"
cat > "$tmp/files/policy.te" <<'TE'
type domU_t;
type hwdom_t;
type dom0_t;
allow hwdom_t domU_t:domain { info pause unpause };
TE
printf 'bootdom-config' > "$tmp/files/bootcfg.bin"

# One domain, the smallest valid LCM.
cat > "$tmp/minimal.json" <<'JSON'
{ "domains": [ { "name": "dom1", "memory": "16M", "kernel": "files/kernel.img" } ] }
JSON

# Every role, every module type, a shared kernel, config and domain extensions.
cat > "$tmp/full.json" <<'JSON'
{
  "config": { "microcode": "files/ucode.bin", "xsm-policy": "files/policy.te",
              "boot-timeout-ms": 5000, "on-all-off": "reboot" },
  "domains": [
    { "name": "bootdom", "functions": ["boot"], "memory": "16M",
      "kernel": "files/kernel.img", "config": "files/bootcfg.bin" },
    { "name": "hwdom", "domid": 3, "permissions": ["control", "hardware"],
      "functions": ["recovery", "console", "xenstore"], "mode": ["long"],
      "domain-uuid": "b3fb98fb-8f9f-67a3-0000-000000000001", "cpus": 2,
      "memory": "32M", "security-id": "hwdom_t", "xen-interface": true, "channels": [0],
      "kernel": { "file": "files/kernel.img", "bootargs": "console=hvc0" },
      "ramdisk": "files/ramdisk.img" },
    { "name": "app", "memory": "16M", "kernel": "files/kernel.img",
      "device-tree": "files/guest.dtb" },
    { "name": "dom0", "functions": ["legacy-dom0"], "memory": 4096, "xen-interface": true,
      "kernel": "files/kernel.img" }
  ]
}
JSON

# Split devices: disks and interfaces served by other Xen-aware domains
# through the store.
cat > "$tmp/xendev.json" <<'JSON'
{
  "domains": [
    { "name": "xs", "domid": 1, "functions": ["xenstore"], "memory": "16M",
      "xen-interface": true, "kernel": "files/kernel.img" },
    { "name": "front", "domid": 2, "memory": "16M", "xen-interface": true,
      "xen-disks": [{ "backend": "back", "target": "/dev/ram0", "vdev": "xvda" },
                    { "backend": "back", "target": "/dev/vdb", "vdev": "268439552", "mode": "r" }],
      "xen-nics": [{ "backend": "back", "mac": "00:16:3e:00:00:02" }],
      "kernel": "files/kernel.img" },
    { "name": "back", "domid": 3, "memory": "16M", "xen-interface": true,
      "kernel": "files/kernel.img" }
  ]
}
JSON

for cfg in minimal full xendev; do
	"$tool" build --arch arm64 "$tmp/$cfg.json" -o "$out/$cfg-arm64.dtb" >/dev/null
	"$tool" build --arch x86 "$tmp/$cfg.json" -o "$out/$cfg-x86.dtb" >/dev/null
done
# build writes the compiled policy beside each LCM: not an LCM, not a seed.
rm -f "$out/policy.te.bin"
# The design's own examples, hand-written DTS (module@N, cells, 8-byte uuid).
for seed in seed-x86 seed-arm64; do
	dtc -q -I dts -O dtb -o "$out/$seed.dtb" "$top/tests/lcm-fixtures/$seed.dts"
done
ls -l "$out"
