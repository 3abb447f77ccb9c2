# The x86-64 hypervisor: build/hyperlaunch-x86_64.elf, an ELF64 loaded at
# 1 MiB by a multiboot loader (GRUB's multiboot2, or QEMU's -kernel through
# the Multiboot 1 header). Built with the host's gcc, freestanding: no red
# zone (interrupts would overwrite it), no SSE/x87 (the guests' registers,
# which svm.c switches per vCPU, are never touched), the small code model
# (linked below 2 GiB).
X86_CC      := gcc
X86_LD      := ld
X86_FDT_A   := /usr/lib/x86_64-linux-gnu/libfdt.a
X86_CFLAGS  := -std=gnu11 $(WFLAGS) -O2 -g -ffreestanding -fno-builtin-printf \
               -fno-pie -fno-pic -fno-stack-protector -fno-asynchronous-unwind-tables \
               -mno-red-zone -mno-sse -mno-sse2 -mno-mmx -mno-80387 -mgeneral-regs-only \
               -mcmodel=small -ffunction-sections -fdata-sections \
               -Iinclude/freestanding -Iinclude -Ilib -Ihypervisor -DHV_DEBUG=$(HV_DEBUG) -MMD -MP
X86_SRCS    := $(wildcard hypervisor/core/*.c hypervisor/drivers/*.c \
                         hypervisor/arch/x86_64/*.c hypervisor/arch/x86_64/*.S) \
               $(LCM_SRCS) $(CRYPTO_SRCS) $(TCG_SRCS) lib/libc/string.c
# The built-in role policy, generated once for both architectures
# (hypervisor/build.mk).
X86_OBJS    := $(patsubst %,$(BUILD)/x86_64/%.o,$(basename $(X86_SRCS) $(POLICY_ROLES_C)))
X86_LDS     := hypervisor/arch/x86_64/hyperlaunch.ld
X86_ELF     := $(BUILD)/hyperlaunch-x86_64.elf

$(BUILD)/x86_64/%.o: %.c
	@mkdir -p $(dir $@)
	$(X86_CC) $(X86_CFLAGS) -c $< -o $@
$(BUILD)/x86_64/%.o: %.S
	@mkdir -p $(dir $@)
	$(X86_CC) $(X86_CFLAGS) -D__ASSEMBLY__ -c $< -o $@
$(BUILD)/x86_64/hypervisor/core/main.o: X86_CFLAGS += $(VERSION_FLAGS)
$(BUILD)/x86_64/hypervisor/core/main.o: VERSION

# Debian's libfdt.a is user-space code: it must not use SSE registers
# (arch_simd_begin() keeps none aside on x86), checked here.
$(X86_ELF): $(X86_OBJS) $(X86_LDS)
	@if objdump -d $(X86_FDT_A) | grep -q '%[xy]mm'; then \
		echo "$(X86_FDT_A) uses SSE registers: arch/x86_64 would clobber guests' state" >&2; exit 1; fi
	$(X86_LD) -T $(X86_LDS) -static -nostdlib --gc-sections -z max-page-size=0x1000 \
		--no-warn-rwx-segments -o $@ $(X86_OBJS) $(X86_FDT_A)

ALL += $(X86_ELF)
-include $(shell find $(BUILD)/x86_64 -type f -name '*.d' 2>/dev/null)
-include guests/x86/build.mk
