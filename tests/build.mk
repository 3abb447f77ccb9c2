# Test programs: host unit tests of the LCM library (and of the hypervisor's
# console filter, tests/unit/test_console.c, and of lib/crypto's SHA-256
# against OpenSSL's libcrypto, tests/unit/test_sha256.c) and of the hypervisor's core on
# the fake architecture (tests/core) under ASan+UBSan (cmocka), and the
# libFuzzer target. `make check` builds everything and runs tests/run.sh.
UNIT_SRCS := $(wildcard tests/unit/*.c)
UNIT_OBJS := $(UNIT_SRCS:%.c=$(BUILD)/asan/%.o)

# test_console.c compiles the hypervisor's console.c, which finds its
# headers as "core/...".
$(BUILD)/asan/tests/unit/test_console.o: HOST_CFLAGS += -Ihypervisor

$(BUILD)/tests/unit-lcm: $(UNIT_OBJS) $(TCG_ASAN_OBJS) $(LCM_ASAN_OBJS) $(CRYPTO_ASAN_OBJS) $(BOOTCFG_ASAN_OBJS)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(SAN_FLAGS) -o $@ $^ -lfdt -lcmocka -lcrypto

# build/tests/unit-core: the architecture-free core of the hypervisor (all of
# hypervisor/core/*.c, unchanged) on the fake architecture (hypervisor/arch/
# fake/, whose console.c is the console), under ASan+UBSan. The fake
# platform is described as arm64 describes its own (arch/arm64/describe.c):
# the core tests read the same boot lines.
CORE_SRCS := $(wildcard hypervisor/core/*.c) $(wildcard hypervisor/arch/fake/*.c) \
             hypervisor/arch/arm64/describe.c $(wildcard hypervisor/drivers/tpm*.c)
CORE_TEST_SRCS := $(wildcard tests/core/*.c)
CORE_TEST_OBJS := $(patsubst %.c,$(BUILD)/asan/%.o,$(CORE_SRCS) $(CORE_TEST_SRCS) $(POLICY_ROLES_C))
$(BUILD)/asan/hypervisor/%.o: HOST_CFLAGS += -Ihypervisor
$(BUILD)/asan/tests/core/%.o: HOST_CFLAGS += -Ihypervisor
$(BUILD)/asan/hypervisor/core/main.o: HOST_CFLAGS += $(VERSION_FLAGS)
$(BUILD)/asan/hypervisor/core/main.o: VERSION

# The tests write their policies in the policy language: lcm-tool's compiler.
POLICYC_ASAN_OBJS := $(BUILD)/asan/tools/lcm-tool/policyc.o $(BUILD)/asan/tools/lcm-tool/util.o
$(BUILD)/tests/unit-core: $(CORE_TEST_OBJS) $(TCG_ASAN_OBJS) $(LCM_ASAN_OBJS) $(CRYPTO_ASAN_OBJS) $(POLICYC_ASAN_OBJS)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(SAN_FLAGS) -o $@ $^ -lfdt -lcmocka -lcrypto

# libFuzzer needs clang; the library is instrumented, libfdt is Debian's.
FUZZ_CC := clang
$(BUILD)/fuzz/fuzz-lcm: tests/fuzz/fuzz_lcm.c $(LCM_SRCS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) -std=gnu11 $(WFLAGS) -g -O1 -Iinclude -Ilib \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		-o $@ $^ -lfdt

# The TPM driver's response parsing, its transport replaced (tests/fuzz/fuzz_tpm2.c).
$(BUILD)/fuzz/fuzz-tpm2: tests/fuzz/fuzz_tpm2.c hypervisor/drivers/tpm2.c lib/fmt/fmt.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) -std=gnu11 $(WFLAGS) -g -O1 -Iinclude -Ilib -Ihypervisor \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -o $@ $^

# The importer of lcm-tool (tools/lcm-tool/import*.c) with what it calls.
FUZZ_IMPORT_SRCS := tools/lcm-tool/import.c tools/lcm-tool/import-dtb.c \
	tools/lcm-tool/import-ib.c tools/lcm-tool/util.c
$(BUILD)/fuzz/fuzz-import: tests/fuzz/fuzz_import.c $(FUZZ_IMPORT_SRCS) $(LCM_SRCS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) -std=gnu11 $(WFLAGS) -g -O1 -Iinclude -Ilib -Itools/lcm-tool \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		-o $@ $^ -lfdt -ljansson -lcrypto

# The policy's two parsers: the hypervisor's loader of the binary, and
# lcm-tool's compiler of the text (which links lcm-tool's diagnostics).
$(BUILD)/fuzz/fuzz-policy: tests/fuzz/fuzz_policy.c lib/policy/policy.c lib/fmt/fmt.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) -std=gnu11 $(WFLAGS) -g -O1 -Iinclude -Ilib \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -o $@ $^
$(BUILD)/fuzz/fuzz-policyc: tests/fuzz/fuzz_policyc.c tools/lcm-tool/policyc.c tools/lcm-tool/util.c \
			    $(LCM_SRCS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) -std=gnu11 $(WFLAGS) -g -O1 -Iinclude -Ilib \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -o $@ $^ -lfdt -lcrypto

# The reference Boot Domain's config parser (lib/bootcfg), as the Boot
# Domain, lcm-tool show and predict read their config module with it.
$(BUILD)/fuzz/fuzz-bootcfg: tests/fuzz/fuzz_bootcfg.c $(BOOTCFG_SRCS) lib/fmt/fmt.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) -std=gnu11 $(WFLAGS) -g -O1 -Iinclude -Ilib \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -o $@ $^

# The device-tree module reader of the hypervisor, with the core on the fake
# architecture (as unit-core links it).
$(BUILD)/fuzz/fuzz-passthrough: tests/fuzz/fuzz_passthrough.c $(CORE_SRCS) $(LCM_SRCS) $(CRYPTO_SRCS) \
				 $(TCG_SRCS) $(POLICY_ROLES_C) VERSION
	@mkdir -p $(dir $@)
	$(FUZZ_CC) -std=gnu11 $(WFLAGS) -g -O1 -Iinclude -Ilib -Ihypervisor $(VERSION_FLAGS) \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		-o $@ $(filter %.c,$^) -lfdt -lcrypto

TEST_PROGS := $(BUILD)/tests/unit-lcm $(BUILD)/tests/unit-core $(BUILD)/asan/lcm-tool $(BUILD)/fuzz/fuzz-lcm \
	      $(BUILD)/fuzz/fuzz-import $(BUILD)/fuzz/fuzz-policy $(BUILD)/fuzz/fuzz-policyc \
	      $(BUILD)/fuzz/fuzz-tpm2 $(BUILD)/fuzz/fuzz-passthrough $(BUILD)/fuzz/fuzz-bootcfg

# The x86 guest image header (hypervisor/arch/x86_64/mb2image.c).
$(BUILD)/fuzz/fuzz-mb2image: tests/fuzz/fuzz_mb2image.c hypervisor/arch/x86_64/mb2image.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) -std=gnu11 $(WFLAGS) -g -O1 -Ihypervisor/arch/x86_64 \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -o $@ $^
TEST_PROGS += $(BUILD)/fuzz/fuzz-mb2image

# The Linux bzImage header (hypervisor/arch/x86_64/bzimage.c).
$(BUILD)/fuzz/fuzz-bzimage: tests/fuzz/fuzz_bzimage.c hypervisor/arch/x86_64/bzimage.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) -std=gnu11 $(WFLAGS) -g -O1 -Ihypervisor/arch/x86_64 \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -o $@ $^
TEST_PROGS += $(BUILD)/fuzz/fuzz-bzimage

# The MMIO instruction decoder and guest page walk (hypervisor/arch/x86_64/decode.c).
$(BUILD)/fuzz/fuzz-x86decode: tests/fuzz/fuzz_x86decode.c hypervisor/arch/x86_64/decode.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) -std=gnu11 $(WFLAGS) -g -O1 -Ihypervisor/arch/x86_64 \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -o $@ $^
TEST_PROGS += $(BUILD)/fuzz/fuzz-x86decode

.PHONY: tests
tests: all $(TEST_PROGS)

check: tests
	tests/run.sh
