#!/usr/bin/env bash
# 32 probe domains share 4 CPUs (round-robin placement): each prints
# "probe: ready" exactly once and powers itself off; when the last is off
# the hypervisor prints the summary and powers the machine off.
. "$(dirname "$0")/qemu.bash"
probes 32
finish
