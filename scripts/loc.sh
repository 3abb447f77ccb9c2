#!/usr/bin/env bash
# Lines of code per component (non-blank, non-comment-only lines of C, headers
# and assembly): the size budget of the trusted computing base, in view.
cd "$(dirname "$0")/.."
count() {
	local files
	files=$(find "$@" -type f \( -name '*.c' -o -name '*.h' -o -name '*.S' \) 2>/dev/null)
	[ -z "$files" ] && { echo 0; return; }
	# shellcheck disable=SC2086
	sed -e 's://.*$::' $files | grep -vE '^\s*(\*|/\*|\*/|$)' | wc -l
}
printf '%-28s %6s\n' component lines
for c in hypervisor/core hypervisor/arch/arm64 hypervisor/drivers lib/lcm lib/policy lib/tcg lib/fmt lib/libc \
	 include tools/lcm-tool guests tests/unit; do
	[ -e "$c" ] && printf '%-28s %6s\n' "$c" "$(count "$c")"
done
printf '%-28s %6s\n' "hypervisor total (TCB)" "$(count hypervisor lib/lcm lib/policy lib/tcg lib/fmt lib/libc include)"
