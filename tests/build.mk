# Test programs: host unit tests of the LCM library (and of the hypervisor's
# console filter, tests/unit/test_console.c) under ASan+UBSan (cmocka),
# and the libFuzzer target. `make check` builds everything and runs tests/run.sh.
UNIT_SRCS := $(wildcard tests/unit/*.c)
UNIT_OBJS := $(UNIT_SRCS:%.c=$(BUILD)/asan/%.o)

# test_console.c compiles the hypervisor's console.c, which finds its
# headers as "core/...".
$(BUILD)/asan/tests/unit/test_console.o: HOST_CFLAGS += -Ihypervisor

$(BUILD)/tests/unit-lcm: $(UNIT_OBJS) $(LCM_ASAN_OBJS)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(SAN_FLAGS) -o $@ $^ -lfdt -lcmocka

# libFuzzer needs clang; the library is instrumented, libfdt is Debian's.
FUZZ_CC := clang
$(BUILD)/fuzz/fuzz-lcm: tests/fuzz/fuzz_lcm.c $(LCM_SRCS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) -std=gnu11 $(WFLAGS) -g -O1 -Iinclude -Ilib \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		-o $@ $^ -lfdt

TEST_PROGS := $(BUILD)/tests/unit-lcm $(BUILD)/asan/lcm-tool $(BUILD)/fuzz/fuzz-lcm

.PHONY: tests
tests: all $(TEST_PROGS)

check: tests
	tests/run.sh
