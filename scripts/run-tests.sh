#!/usr/bin/env bash
# The README's test command: installs what it needs, builds everything and
# runs the whole suite. The last line is "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
make -j"$(nproc)" tests
exec tests/run.sh
