# Shared by tests/security/*.sh (sourced, not a test itself): the launch
# tests' helpers, plus images padded to whole pages (a kernel that covers
# whole pages and is used by one domain only is mapped in place, which is
# what several of these attacks need) and configurations written into the
# test's own folder.
. "$(dirname "${BASH_SOURCE[0]}")/../launch/launch.bash"
WORK=$top/build/tests/security/$(basename "$0" .sh)
LOG=$WORK/console.log
mkdir -p "$WORK"

# padded NAME SRC [EXTRA_PAGES]: $WORK/NAME, a copy of SRC padded with zeros
# to a page multiple (plus EXTRA_PAGES pages, so that two copies of one
# image are different files); prints its path.
padded() {
	local out=$WORK/$1 size pages
	size=$(stat -c %s "$2")
	pages=$(( (size + 4095) / 4096 + ${3:-0} ))
	cp "$2" "$out"
	truncate -s $((pages * 4096)) "$out"
	echo "$out"
}
