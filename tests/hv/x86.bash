# Shared by tests/hv/x86-*.sh (sourced): qemu.bash's boot and assertions,
# with the x86-64 hypervisor on QEMU's PC machine (-cpu max: the only TCG
# model with SVM and nested paging and no warnings). No -no-reboot: exit
# status 0 is the ACPI power-off, a reset would boot again until the timeout.
. "$(dirname "${BASH_SOURCE[0]}")/qemu.bash"
X86_BIN=build/hyperlaunch-x86_64.elf
QEMU=(qemu-system-x86_64 -M pc -cpu max -m 256M -display none -serial stdio -monitor none
      -nic none)
if [ ! -f "$X86_BIN" ]; then
	echo "FAIL: $X86_BIN is missing (run make)"
	exit 1
fi
if ! command -v qemu-system-x86_64 >/dev/null; then
	echo "FAIL: qemu-system-x86_64 is missing (scripts/setup.sh installs qemu-system-x86)"
	exit 1
fi
