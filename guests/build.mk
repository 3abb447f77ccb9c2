# Bare-metal guests: build/guests/<name>.img for each guests/<name>/ folder,
# each an arm64 Image linked with the runtime in guests/lib and libfdt.a.
GUEST_NAMES   := $(filter-out lib,$(notdir $(wildcard guests/*)))
GUEST_NAMES   := $(foreach g,$(GUEST_NAMES),$(if $(wildcard guests/$(g)/*.c),$(g)))
GUEST_RT_OBJS := $(patsubst %,$(BUILD)/arm64/%.o,$(basename $(wildcard guests/lib/*.c guests/lib/*.S)))
GUEST_LDS     := hypervisor/arch/arm64/hyperlaunch.ld
GUEST_CFLAGS  := -Iguests/lib

$(BUILD)/arm64/guests/%.o: TARGET_CFLAGS += $(GUEST_CFLAGS)

# guest_objs NAME: the objects of guests/NAME/, and the libraries it names in
# GUEST_LIBS_NAME (the Boot Domain links the LCM library and SHA-256, the
# same code the hypervisor judges the LCM with, and lib/bootcfg, the config
# parser lcm-tool reads its config module with).
GUEST_LIBS_bootdom := $(filter-out $(BUILD)/arm64/lib/fmt/fmt.o,$(LCM_ARM64_OBJS)) $(CRYPTO_ARM64_OBJS) \
		      $(BUILD)/arm64/lib/bootcfg/bootcfg.o
GUEST_LIBS_roles   := $(CRYPTO_ARM64_OBJS)
guest_objs = $(patsubst %,$(BUILD)/arm64/%.o,$(basename $(wildcard guests/$(1)/*.c guests/$(1)/*.S))) \
	$(GUEST_LIBS_$(1))

define guest_rule
$(BUILD)/guests/$(1).elf: $(call guest_objs,$(1)) $(GUEST_RT_OBJS) $(BUILD)/arm64/lib/fmt/fmt.o \
		$(LIBC_ARM64_OBJS) $(FDT_ARM64_A) $(GUEST_LDS)
	@mkdir -p $$(dir $$@)
	$(TARGET_LD) -T $(GUEST_LDS) -static -pie --no-dynamic-linker -z notext \
		--no-warn-rwx-segments --gc-sections -o $$@ \
		$(call guest_objs,$(1)) $(GUEST_RT_OBJS) $(BUILD)/arm64/lib/fmt/fmt.o \
		$(LIBC_ARM64_OBJS) $(FDT_ARM64_A)
$(BUILD)/guests/$(1).img: $(BUILD)/guests/$(1).elf
	$(TARGET_OBJCOPY) -O binary $$< $$@
ALL += $(BUILD)/guests/$(1).img
endef
$(foreach g,$(GUEST_NAMES),$(eval $(call guest_rule,$(g))))

# The role-test guest carries the probe's Image (guests/roles/probe-image.S).
$(BUILD)/arm64/guests/roles/probe-image.o: $(BUILD)/guests/probe.img

# Linux userspace of Xen-aware domains (guests/linux/xenchan/): a static
# arm64 program built with Debian's cross toolchain and C library against
# the kernel's uapi headers (libc6-dev-arm64-cross, linux-libc-dev-arm64-cross).
# Not in ALL: the tests that put it in an initramfs make it.
$(BUILD)/guests/linux/xenchan: guests/linux/xenchan/xenchan.c include/hyperlaunch/xen-abi.h
	@mkdir -p $(dir $@)
	aarch64-linux-gnu-gcc -std=gnu11 $(WFLAGS) -O2 -static -Iinclude -o $@ $<
# The XENSTORE domain's toolstack program (docs/xen-interface.md).
$(BUILD)/guests/linux/xs-toolstack: guests/linux/xs-toolstack/xs-toolstack.c
	@mkdir -p $(dir $@)
	aarch64-linux-gnu-gcc -std=gnu11 $(WFLAGS) -O2 -static -o $@ $<
