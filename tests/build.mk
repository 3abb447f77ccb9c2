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

$(BUILD)/tests/unit-lcm: $(UNIT_OBJS) $(LCM_ASAN_OBJS) $(CRYPTO_ASAN_OBJS)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(SAN_FLAGS) -o $@ $^ -lfdt -lcmocka -lcrypto

# build/tests/unit-core: the architecture-free core of the hypervisor (all of
# hypervisor/core/*.c, unchanged) on the fake architecture (hypervisor/arch/
# fake/, whose console.c is the console), under ASan+UBSan.
CORE_SRCS := $(wildcard hypervisor/core/*.c) $(wildcard hypervisor/arch/fake/*.c)
CORE_TEST_SRCS := $(wildcard tests/core/*.c)
CORE_TEST_OBJS := $(patsubst %.c,$(BUILD)/asan/%.o,$(CORE_SRCS) $(CORE_TEST_SRCS))
$(BUILD)/asan/hypervisor/%.o: HOST_CFLAGS += -Ihypervisor
$(BUILD)/asan/tests/core/%.o: HOST_CFLAGS += -Ihypervisor

$(BUILD)/tests/unit-core: $(CORE_TEST_OBJS) $(LCM_ASAN_OBJS) $(CRYPTO_ASAN_OBJS)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(SAN_FLAGS) -o $@ $^ -lfdt -lcmocka

# libFuzzer needs clang; the library is instrumented, libfdt is Debian's.
FUZZ_CC := clang
$(BUILD)/fuzz/fuzz-lcm: tests/fuzz/fuzz_lcm.c $(LCM_SRCS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) -std=gnu11 $(WFLAGS) -g -O1 -Iinclude -Ilib \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		-o $@ $^ -lfdt

# The device-tree module reader of the hypervisor, with the core on the fake
# architecture (as unit-core links it).
$(BUILD)/fuzz/fuzz-passthrough: tests/fuzz/fuzz_passthrough.c $(CORE_SRCS) $(LCM_SRCS) $(CRYPTO_SRCS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) -std=gnu11 $(WFLAGS) -g -O1 -Iinclude -Ilib -Ihypervisor \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		-o $@ $^ -lfdt

TEST_PROGS := $(BUILD)/tests/unit-lcm $(BUILD)/tests/unit-core $(BUILD)/asan/lcm-tool $(BUILD)/fuzz/fuzz-lcm \
	$(BUILD)/fuzz/fuzz-passthrough

.PHONY: tests
tests: all $(TEST_PROGS)

check: tests
	tests/run.sh
