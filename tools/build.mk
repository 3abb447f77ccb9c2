# lcm-tool: the host tool (docs/lcm-tool.md). build/lcm-tool is the product;
# build/asan/lcm-tool is the same under ASan+UBSan, used by the tests.
LCMTOOL_SRCS := $(wildcard tools/lcm-tool/*.c)
LCMTOOL_HOST_OBJS := $(LCMTOOL_SRCS:%.c=$(BUILD)/host/%.o)
LCMTOOL_ASAN_OBJS := $(LCMTOOL_SRCS:%.c=$(BUILD)/asan/%.o)

$(BUILD)/lcm-tool: $(LCMTOOL_HOST_OBJS) $(LCM_HOST_OBJS)
	$(HOST_CC) -o $@ $^ $(HOST_LDLIBS)
$(BUILD)/asan/lcm-tool: $(LCMTOOL_ASAN_OBJS) $(LCM_ASAN_OBJS)
	$(HOST_CC) $(SAN_FLAGS) -o $@ $^ $(HOST_LDLIBS)

# main.c prints the version (VERSION) and the commit (build-id.h).
LCMTOOL_MAIN_OBJS := $(BUILD)/host/tools/lcm-tool/main.o $(BUILD)/asan/tools/lcm-tool/main.o
$(LCMTOOL_MAIN_OBJS): HOST_CFLAGS += $(VERSION_FLAGS) -I$(BUILD)/gen
$(LCMTOOL_MAIN_OBJS): VERSION $(BUILD)/gen/build-id.h

ALL += $(BUILD)/lcm-tool
