#!/usr/bin/env bash
# The code's format: every C source and header the repository tracks is as
# clang-format writes it with the tree's .clang-format (Debian's
# clang-format, installed by scripts/setup.sh). One case; a failure names
# each file to run `clang-format -i` on.
set -u
cd "$(dirname "$0")/../.." || exit 1
if ! command -v clang-format >/dev/null; then
	echo "FAIL format: clang-format is not installed (scripts/setup.sh installs it)"
	exit 1
fi
if git rev-parse --git-dir >/dev/null 2>&1; then
	files=$(git ls-files '*.c' '*.h')
else
	files=$(find hypervisor lib tools guests tests include -name '*.[ch]')
fi
bad=()
n=0
for f in $files; do
	n=$((n + 1))
	clang-format --dry-run -Werror "$f" >/dev/null 2>&1 || bad+=("$f")
done
if [ ${#bad[@]} -gt 0 ]; then
	echo "FAIL format: ${#bad[@]} of $n files differ from clang-format's output: ${bad[*]}"
	exit 1
fi
echo "PASS format ($n files)"
