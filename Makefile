# Hyperlaunch: one `make` builds everything that exists into build/.
#
#   make            host tool, libraries, hypervisor and guests
#   make check      the whole test suite (what the README's test command runs)
#   make loc        lines of code per component
#   make mutate     the mutation check (tests/mutate/; ONLY=id,id for some)
#
# Components add themselves through */build.mk fragments included below; each
# fragment appends its final artefacts to ALL.

BUILD       := build
ALL         :=

# --- host ------------------------------------------------------------------
HOST_CC     ?= gcc
WFLAGS      := -Wall -Wextra -Werror
HOST_CFLAGS := -std=gnu11 $(WFLAGS) -O2 -g -Iinclude -Ilib -MMD -MP
HOST_LDLIBS := -lfdt -ljansson -lcrypto
SAN_FLAGS   := -fsanitize=address,undefined -fno-omit-frame-pointer \
               -fno-sanitize-recover=all

# build/host/X.o is X.c for the host; build/asan/X.o the same under ASan+UBSan.
$(BUILD)/host/%.o: %.c
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) -c $< -o $@
$(BUILD)/asan/%.o: %.c
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) -O1 $(SAN_FLAGS) -c $< -o $@

# --- freestanding arm64 ---------------------------------------------------------
CROSS        ?= aarch64-linux-gnu-
TARGET_CC    := $(CROSS)gcc
TARGET_LD    := $(CROSS)ld
TARGET_OBJCOPY := $(CROSS)objcopy
FDT_ARM64    := $(BUILD)/deps/libfdt-dev/usr
FDT_ARM64_A  := $(FDT_ARM64)/lib/aarch64-linux-gnu/libfdt.a
# -mgeneral-regs-only keeps the compiler away from FP/SIMD registers, so EL2
# code never clobbers a guest's vector state (libfdt.a is the one exception:
# see docs/architecture.md).
TARGET_CFLAGS := -std=gnu11 $(WFLAGS) -O2 -g -ffreestanding -fno-builtin-printf \
                 -fpie -fno-plt -fno-stack-protector -fno-asynchronous-unwind-tables \
                 -mgeneral-regs-only -mstrict-align -mcpu=cortex-a57 \
                 -mbranch-protection=none -mno-outline-atomics -ffunction-sections -fdata-sections \
                 -Iinclude/freestanding -Iinclude -Ilib -I$(FDT_ARM64)/include -MMD -MP

$(BUILD)/arm64/%.o: %.c | $(FDT_ARM64_A)
	@mkdir -p $(dir $@)
	$(TARGET_CC) $(TARGET_CFLAGS) -c $< -o $@
$(BUILD)/arm64/%.o: %.S
	@mkdir -p $(dir $@)
	$(TARGET_CC) $(TARGET_CFLAGS) -D__ASSEMBLY__ -c $< -o $@

$(FDT_ARM64_A):
	scripts/setup.sh

# --- the LCM library (host and freestanding) -----------------------------------
LCM_SRCS     := lib/lcm/lcm.c lib/lcm/fdt-reg.c lib/fmt/fmt.c lib/policy/policy.c
LIBC_SRCS    := lib/libc/string.c lib/libc/stack_chk.c
CRYPTO_SRCS  := lib/crypto/sha256.c
LCM_HOST_OBJS := $(LCM_SRCS:%.c=$(BUILD)/host/%.o)
LCM_ASAN_OBJS := $(LCM_SRCS:%.c=$(BUILD)/asan/%.o)
LCM_ARM64_OBJS := $(LCM_SRCS:%.c=$(BUILD)/arm64/%.o)
LIBC_ARM64_OBJS := $(LIBC_SRCS:%.c=$(BUILD)/arm64/%.o)
CRYPTO_ARM64_OBJS := $(CRYPTO_SRCS:%.c=$(BUILD)/arm64/%.o)
CRYPTO_ASAN_OBJS := $(CRYPTO_SRCS:%.c=$(BUILD)/asan/%.o)
CRYPTO_HOST_OBJS := $(CRYPTO_SRCS:%.c=$(BUILD)/host/%.o)
# The measured launch's event log and events, shared by the hypervisor and
# lcm-tool predict (lib/tcg; it needs lib/crypto and lib/lcm).
TCG_SRCS       := $(wildcard lib/tcg/*.c)
TCG_HOST_OBJS  := $(TCG_SRCS:%.c=$(BUILD)/host/%.o)
TCG_ASAN_OBJS  := $(TCG_SRCS:%.c=$(BUILD)/asan/%.o)
TCG_ARM64_OBJS := $(TCG_SRCS:%.c=$(BUILD)/arm64/%.o)
# The reference Boot Domain's config parser, shared by the Boot Domain and
# lcm-tool show and predict (lib/bootcfg; it needs lib/lcm and lib/fmt).
BOOTCFG_SRCS      := lib/bootcfg/bootcfg.c
BOOTCFG_HOST_OBJS := $(BOOTCFG_SRCS:%.c=$(BUILD)/host/%.o)
BOOTCFG_ASAN_OBJS := $(BOOTCFG_SRCS:%.c=$(BUILD)/asan/%.o)

# Proves the library builds freestanding and links against libfdt.a alone.
$(BUILD)/arm64/liblcm.a: $(LCM_ARM64_OBJS) $(LIBC_ARM64_OBJS) $(CRYPTO_ARM64_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && $(CROSS)ar rcs $@ $^
ALL += $(BUILD)/arm64/liblcm.a

-include tools/build.mk
-include hypervisor/build.mk
-include guests/build.mk
-include tests/build.mk
-include bench/build.mk

.DEFAULT_GOAL := all
.PHONY: all check loc clean mutate
all: $(ALL)

loc:
	@scripts/loc.sh

# --- version and install ---------------------------------------------------------
# The release is written in one place, VERSION: the hypervisor's banner, the
# man page and lcm-tool --version print it; lcm-tool adds the git commit it
# was built from (build-id.h, rewritten only when it changes; empty outside
# a clone).
HL_VERSION   := $(shell cat VERSION)
VERSION_FLAGS := -DHL_VERSION='"$(HL_VERSION)"'
$(BUILD)/gen/build-id.h: FORCE
	@mkdir -p $(dir $@)
	@printf '#define HL_BUILD "%s"\n' "$$(git describe --always --dirty --abbrev=12 2>/dev/null)" >$@.new
	@if cmp -s $@.new $@; then rm -f $@.new; else mv $@.new $@; fi
.PHONY: FORCE install
FORCE:

# make install [PREFIX=/usr/local] [DESTDIR=]: lcm-tool, the hypervisor and
# the reference Boot Domain (arm64 images: lib/hyperlaunch, where an
# installed lcm-tool pack finds the hypervisor), the docs and the man page.
PREFIX  ?= /usr/local
LIBDIR  := $(PREFIX)/lib/hyperlaunch
DOCDIR  := $(PREFIX)/share/doc/hyperlaunch
MAN1DIR := $(PREFIX)/share/man/man1
install: $(BUILD)/lcm-tool $(BUILD)/hyperlaunch.bin $(BUILD)/guests/bootdom.img
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(LIBDIR) $(DESTDIR)$(DOCDIR) $(DESTDIR)$(MAN1DIR)
	install -m 0755 $(BUILD)/lcm-tool $(DESTDIR)$(PREFIX)/bin/lcm-tool
	install -m 0644 $(BUILD)/hyperlaunch.bin $(BUILD)/guests/bootdom.img $(DESTDIR)$(LIBDIR)
	install -m 0644 README.md docs/*.md $(DESTDIR)$(DOCDIR)
	sed 's/@VERSION@/$(HL_VERSION)/' docs/lcm-tool.1 >$(DESTDIR)$(MAN1DIR)/lcm-tool.1
	chmod 0644 $(DESTDIR)$(MAN1DIR)/lcm-tool.1

# Not part of check: plants each bug of tests/mutate/mutations.txt in a
# scratch copy and runs the tests said to catch it (about 10 minutes).
mutate:
	@ONLY="$(ONLY)" tests/mutate/run.sh

clean:
	rm -rf $(BUILD)/host $(BUILD)/asan $(BUILD)/arm64 $(BUILD)/fuzz $(BUILD)/guests $(BUILD)/gen \
	       $(BUILD)/lcm-tool $(BUILD)/hyperlaunch.bin $(BUILD)/tests

-include $(shell find $(BUILD)/host $(BUILD)/asan $(BUILD)/arm64 -type f -name '*.d' 2>/dev/null)
