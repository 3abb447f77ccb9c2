# Shared by tests/launch/import-*.sh (sourced, not a test itself): the
# device tree bench/xen/run.sh writes for Xen dom0less, imported with
# lcm-tool import, with each module's file named by what run.sh loads at
# its address (its QEMU line's -device loader,file=F,addr=A).
. "$(dirname "${BASH_SOURCE[0]}")/launch.bash"

# xen_import N [run.sh options]: sets JSON to the imported configuration,
# and IMPORT_LOG to what import printed.
xen_import() {
	local xen=$WORK/xen mods=() m
	if ! bench/xen/run.sh "$@" --dtb-only --out "$xen" >"$WORK/run.log" 2>&1; then
		echo "FAIL: bench/xen/run.sh $* --dtb-only"
		cat "$WORK/run.log"
		exit 1
	fi
	for m in $(grep -oE 'loader,file=[^,]+,addr=0x[0-9a-f]+' "$WORK/run.log"); do
		m=${m#loader,file=}
		mods+=(--module "${m#*,addr=}=${m%%,*}")
	done
	JSON=$WORK/imported.json
	IMPORT_LOG=$WORK/import.log
	build/lcm-tool import "${mods[@]}" "$xen/host.dtb" -o "$JSON" >"$IMPORT_LOG" 2>&1
	echo "lcm-tool import ${mods[*]} $xen/host.dtb: exit status $?"
	cat "$IMPORT_LOG" "$JSON"
	expect "$IMPORT_LOG" "$JSON: $1 domain$([ "$1" = 1 ] || echo s) from $xen/host.dtb, 1 warning"
}
