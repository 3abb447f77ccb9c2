#!/usr/bin/env bash
# The README's test command: installs what it needs, builds everything and
# runs the whole suite. The last line is "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
# Every Debian part a test boots (arm64 and amd64 Linux, busybox, Xen, the
# kernel modules, Xen's tools), fetched once here rather than by the first
# test that needs it.
scripts/fetch-real-parts.sh
make -j"$(nproc)" tests
exec tests/run.sh
