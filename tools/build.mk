# lcm-tool: the host tool (docs/lcm-tool.md). build/lcm-tool is the product;
# build/asan/lcm-tool is the same under ASan+UBSan, used by the tests.
LCMTOOL_SRCS := $(wildcard tools/lcm-tool/*.c)
LCMTOOL_HOST_OBJS := $(LCMTOOL_SRCS:%.c=$(BUILD)/host/%.o)
LCMTOOL_ASAN_OBJS := $(LCMTOOL_SRCS:%.c=$(BUILD)/asan/%.o)

$(BUILD)/lcm-tool: $(LCMTOOL_HOST_OBJS) $(TCG_HOST_OBJS) $(BOOTCFG_HOST_OBJS) $(LCM_HOST_OBJS) $(CRYPTO_HOST_OBJS)
	$(HOST_CC) -o $@ $^ $(HOST_LDLIBS)
$(BUILD)/asan/lcm-tool: $(LCMTOOL_ASAN_OBJS) $(TCG_ASAN_OBJS) $(BOOTCFG_ASAN_OBJS) $(LCM_ASAN_OBJS) $(CRYPTO_ASAN_OBJS)
	$(HOST_CC) $(SAN_FLAGS) -o $@ $^ $(HOST_LDLIBS)

# main.c prints the version (VERSION) and the commit (build-id.h).
LCMTOOL_MAIN_OBJS := $(BUILD)/host/tools/lcm-tool/main.o $(BUILD)/asan/tools/lcm-tool/main.o
$(LCMTOOL_MAIN_OBJS): HOST_CFLAGS += $(VERSION_FLAGS) -I$(BUILD)/gen
$(LCMTOOL_MAIN_OBJS): VERSION $(BUILD)/gen/build-id.h

ALL += $(BUILD)/lcm-tool

# The README's picture of the demo's launch, committed as docs/demo-launch.svg
# (tests/docs/run.sh checks that it is what the tool draws now). Needs
# Graphviz's dot; `make picture` after changing configs/demo.json, demo.cfg
# or the drawing.
.PHONY: picture
picture: $(BUILD)/lcm-tool
	$(BUILD)/lcm-tool show --no-files --format svg configs/demo.json >docs/demo-launch.svg.tmp
	mv docs/demo-launch.svg.tmp docs/demo-launch.svg
