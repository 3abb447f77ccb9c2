# The hypervisor: build/hyperlaunch.bin, an arm64 Image (included by the top
# Makefile). The architecture is picked here, by folder, not by #ifdef.
HV_ARCH := arm64
HV_SRCS := $(wildcard hypervisor/core/*.c hypervisor/drivers/*.c \
                      hypervisor/arch/$(HV_ARCH)/*.c hypervisor/arch/$(HV_ARCH)/*.S)
HV_OBJS := $(patsubst %,$(BUILD)/arm64/%.o,$(basename $(HV_SRCS)))

# The built-in role policy (docs/policy.md): roles.te compiled by lcm-tool
# into a C array, so that the hypervisor decides with one engine.
POLICY_ROLES_C := $(BUILD)/gen/policy-roles.c
$(POLICY_ROLES_C): hypervisor/core/roles.te $(BUILD)/lcm-tool
	@mkdir -p $(dir $@)
	$(BUILD)/lcm-tool policy --c-array policy_roles $< -o $@ >/dev/null
HV_OBJS += $(patsubst %.c,$(BUILD)/arm64/%.o,$(POLICY_ROLES_C))
HV_LDS  := hypervisor/arch/$(HV_ARCH)/hyperlaunch.ld
HV_ELF  := $(BUILD)/arm64/hyperlaunch.elf

# Hypervisor headers are included by component path ("core/arch.h").
# `make HV_DEBUG=1`: invariant checks that would only print (a refused
# double free) stop the machine instead (core/types.h).
HV_DEBUG ?= 0
$(BUILD)/arm64/hypervisor/%.o: TARGET_CFLAGS += -Ihypervisor -DHV_DEBUG=$(HV_DEBUG)
# The banner's release (VERSION; core/main.c).
$(BUILD)/arm64/hypervisor/core/main.o: TARGET_CFLAGS += $(VERSION_FLAGS)
$(BUILD)/arm64/hypervisor/core/main.o: VERSION

# A static PIE linked at 0; head.S applies its relocations at the load
# address. Only R_AARCH64_RELATIVE entries can be applied that early (and
# NONE ones skipped): any other dynamic relocation fails the build here
# instead of the boot.
# lib/crypto: module digests are checked before use (core/builder.c).
$(HV_ELF): $(HV_OBJS) $(TCG_ARM64_OBJS) $(LCM_ARM64_OBJS) $(CRYPTO_ARM64_OBJS) $(LIBC_ARM64_OBJS) $(FDT_ARM64_A) $(HV_LDS)
	$(TARGET_LD) -T $(HV_LDS) -static -pie --no-dynamic-linker -z notext \
		--no-warn-rwx-segments --gc-sections -o $@ \
		$(HV_OBJS) $(TCG_ARM64_OBJS) $(LCM_ARM64_OBJS) $(CRYPTO_ARM64_OBJS) $(LIBC_ARM64_OBJS) $(FDT_ARM64_A)
	@if $(CROSS)readelf -rW $@ | grep -E '^[0-9a-f]{16} ' | grep -v -e R_AARCH64_RELATIVE -e R_AARCH64_NONE; then \
		echo "$@: dynamic relocations other than R_AARCH64_RELATIVE" >&2; rm -f $@; exit 1; fi

$(BUILD)/hyperlaunch.bin: $(HV_ELF)
	$(TARGET_OBJCOPY) -O binary $< $@

ALL += $(BUILD)/hyperlaunch.bin
-include hypervisor/arch/x86_64/build.mk
