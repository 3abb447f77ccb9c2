#!/usr/bin/env bash
# The docs and comments against the tree, for mismatches found once:
# nothing may cite a file outside the repository, and comments must not name source
# files that do not exist; the README and docs may call "measured" only
# time, or what the measured launch measures (docs/measured-launch.md);
# the roles
# table of docs/boot-flow.md must keep what policy.c allows (RECOVERY reads
# any domain's state, CONTROL the launch report); Ctrl-A must be described
# the one way console.c does it. Prints PASS/FAIL per case.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1

failed=0
pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; failed=1; }

if ! git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	fail docs "not a git work tree: the checks read the tracked files"
	exit 1
fi

# grep_tree GREP-ARGS... [-- PATHS]: git grep over the tracked and new
# files, this script left out.
grep_tree() {
	git grep --untracked -I "$@" -- ':!tests/docs/run.sh'
}

# --- nothing cited from outside the repository --------------------------------------
# The code, the docs and the README stand alone: no path that leaves the
# tree ("../" followed by a name), and no markdown file named that the tree
# does not have (a notes file someone kept elsewhere).
hits=$(grep_tree -nE '\.\./[A-Za-z]' -- 'hypervisor/*' 'lib/*' 'guests/*' 'tools/*' 'include/*' \
	'docs/*' README.md | grep -v ':#include ')
git ls-files -co --exclude-standard '*.md' | sed 's|.*/||' | sort -u >"${TMPDIR:-/tmp}/docs-md.$$"
unknown_md=$(git grep --untracked -ohE '[A-Za-z0-9_-]+\.md' -- 'hypervisor/*' 'lib/*' 'guests/*' \
		'tools/*' 'include/*' 'docs/*' README.md | sort -u | grep -vxFf "${TMPDIR:-/tmp}/docs-md.$$")
rm -f "${TMPDIR:-/tmp}/docs-md.$$"
hits="$hits$unknown_md"
if [ -z "$hits" ]; then pass no-outside-notes; else fail no-outside-notes "$(echo "$hits" | head -n 3 | tr '\n' ' ')"; fi

# --- source files named in comments exist -----------------------------------------------
# A bare name (core/x.c, arch/arm64/x.c and QEMU's hw/arm/boot.c have a
# directory and are not looked at); a member access such as job.c.kernel is
# not a file.
git ls-files -co --exclude-standard | sed 's|.*/||' | sort -u >"${TMPDIR:-/tmp}/docs-known.$$"
missing=$(git grep --untracked -ohE '(^|[][ (`"'"'"'])[a-z0-9_]+\.[chS]([ ,.;:)`"'"'"']|$)' \
		-- 'hypervisor/*.[chS]' 'lib/*.[ch]' 'guests/*.[chS]' 'tools/*.[ch]' 'include/*.h' |
	sed -E 's/^[][ (`"'"'"']//; s/[ ,.;:)`"'"'"']$//' | sort -u | grep -vxFf "${TMPDIR:-/tmp}/docs-known.$$")
rm -f "${TMPDIR:-/tmp}/docs-known.$$"
if [ -z "$missing" ]; then pass comments-name-existing-files; else fail comments-name-existing-files "$(echo "$missing" | tr '\n' ' ')"; fi

# --- "measured" only for time, or in the measured launch's own words --------------
bad=$(for f in README.md docs/*.md; do
	[ "$f" = docs/measured-launch.md ] && continue
	tr '\n' ' ' <"$f" | grep -oiE '.{0,60}measur[a-z]*.{0,60}' |
		grep -viE 'measured (with|from|side by side)|not measured|measured[ -]launch|measurements|measure(s|d)? (the launch|into|before use)|-icount' |
		sed "s|^|$f: |"
done)
if [ -z "$bad" ]; then pass no-measured-claim; else fail no-measured-claim "$(echo "$bad" | head -n 2 | tr '\n' ' ')"; fi

# --- the roles table keeps what policy.c allows --------------------------------------
row() { grep -E "^\| $1 \|" docs/boot-flow.md; }
if row RECOVERY | grep -q "read any domain's state" && row RECOVERY | grep -q "launch report" &&
   row CONTROL | grep -q "read any domain's state" && row CONTROL | grep -q "launch report" &&
   row LEGACY_DOM0 | grep -q "everything CONTROL may"; then
	pass roles-table
else
	fail roles-table "docs/boot-flow.md: $(row RECOVERY) $(row CONTROL)"
fi

# --- Ctrl-A: to the next running domain, after the last to the hypervisor ------------
ok=1
for f in docs/boot-flow.md docs/architecture.md hypervisor/core/console.c; do
	tr '\n' ' ' <"$f" | tr -s ' *' ' ' | grep -q 'next running domain' || ok=0
done
if grep -q 'between the console owner and the' docs/boot-flow.md docs/architecture.md README.md; then ok=0; fi
if [ $ok = 1 ]; then pass ctrl-a-one-description; else fail ctrl-a-one-description "boot-flow.md, architecture.md and console.c must all say 'next running domain'"; fi

# --- the README's picture is what lcm-tool draws now (make picture) -------------------
if [ ! -x build/lcm-tool ]; then
	fail demo-picture "build/lcm-tool is not built"
elif ! build/lcm-tool show --no-files --format svg configs/demo.json >"${TMPDIR:-/tmp}/demo-launch.$$.svg"; then
	fail demo-picture "lcm-tool show --format svg failed"
elif cmp -s "${TMPDIR:-/tmp}/demo-launch.$$.svg" docs/demo-launch.svg && grep -q 'docs/demo-launch.svg' README.md; then
	pass demo-picture
else
	fail demo-picture "docs/demo-launch.svg differs from what lcm-tool draws (make picture), or README.md does not show it"
fi
rm -f "${TMPDIR:-/tmp}/demo-launch.$$.svg"
exit $failed
