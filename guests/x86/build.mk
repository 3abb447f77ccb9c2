# The x86 bare-metal guests: build/guests/x86-<name>.img for each
# guests/x86/<name>/ folder, flat images linked at 1 MiB with the runtime in
# guests/x86/lib and Debian's libfdt.a (included by hypervisor/arch/x86_64/build.mk, whose
# freestanding flags they share).
X86_GUEST_NAMES := $(filter-out lib,$(patsubst guests/x86/%/,%,$(wildcard guests/x86/*/)))
X86_GUEST_RT    := $(patsubst %,$(BUILD)/x86_64/%.o,$(basename $(wildcard guests/x86/lib/*.c guests/x86/lib/*.S))) \
                   $(BUILD)/x86_64/guests/lib/args.o \
                   $(BUILD)/x86_64/lib/fmt/fmt.o $(BUILD)/x86_64/lib/libc/string.o
$(BUILD)/x86_64/guests/x86/%.o: X86_CFLAGS += -Iguests/x86/lib
$(BUILD)/x86_64/guests/lib/args.o: X86_CFLAGS += -Iguests/x86/lib

# The reference Boot Domain is the same source as on arm64 (guests/bootdom),
# built against this runtime, with the LCM library, SHA-256 and lib/bootcfg.
X86_GUEST_NAMES += bootdom
X86_GUEST_OBJS_bootdom := $(BUILD)/x86_64/guests/bootdom/bootdom.o $(BUILD)/x86_64/lib/lcm/lcm.o \
                          $(BUILD)/x86_64/lib/crypto/sha256.o $(BUILD)/x86_64/lib/bootcfg/bootcfg.o
$(BUILD)/x86_64/guests/bootdom/%.o: X86_CFLAGS += -Iguests/x86/lib
x86_guest_objs = $(or $(X86_GUEST_OBJS_$(1)), \
	$(patsubst %,$(BUILD)/x86_64/%.o,$(basename $(wildcard guests/x86/$(1)/*.c))))

define x86_guest_rule
$(BUILD)/guests/x86-$(1).elf: $(call x86_guest_objs,$(1)) $(X86_GUEST_RT) $(X86_FDT_A) \
		guests/x86/lib/guest.ld
	@mkdir -p $$(dir $$@)
	$(X86_LD) -T guests/x86/lib/guest.ld -static -nostdlib --gc-sections -z max-page-size=0x1000 \
		--no-warn-rwx-segments -o $$@ $(call x86_guest_objs,$(1)) $(X86_GUEST_RT) $(X86_FDT_A)
$(BUILD)/guests/x86-$(1).img: $(BUILD)/guests/x86-$(1).elf
	objcopy -O binary $$< $$@
ALL += $(BUILD)/guests/x86-$(1).img
endef
$(foreach g,$(X86_GUEST_NAMES),$(eval $(call x86_guest_rule,$(g))))

# A guest with a Linux bzImage's setup header (guests/x86-bzimage/*.S):
# build/guests/x86-bzimage-<name>.img, linked where the builder copies a
# bzImage with a 2-sector setup part (16 MiB - 4 KiB).
X86_BZ_GUESTS := $(patsubst guests/x86-bzimage/%.S,%,$(wildcard guests/x86-bzimage/*.S))
define x86_bz_rule
$(BUILD)/guests/x86-bzimage-$(1).elf: $(BUILD)/x86_64/guests/x86-bzimage/$(1).o
	@mkdir -p $$(dir $$@)
	$(X86_LD) -static -nostdlib -N -Ttext=0xfff000 \
		--no-warn-rwx-segments -o $$@ $$<
$(BUILD)/guests/x86-bzimage-$(1).img: $(BUILD)/guests/x86-bzimage-$(1).elf
	objcopy -O binary $$< $$@
ALL += $(BUILD)/guests/x86-bzimage-$(1).img
endef
$(foreach g,$(X86_BZ_GUESTS),$(eval $(call x86_bz_rule,$(g))))
