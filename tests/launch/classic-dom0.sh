#!/usr/bin/env bash
# Classic: Dom0 (configs/classic-dom0.json). One domain with every role
# (legacy-dom0): it runs alone, holds the console, may do everything
# CONTROL may (read the launch report, create, start and destroy a domain,
# shut the platform down) but nothing only a Boot Domain may.
. "$(dirname "$0")/launch.bash"
launch_boot configs/classic-dom0.json
labels "0 dom0 dom0_t SafeVM"
created 1 0
final 1 dom0
control dom0 -
expect_none "$LOG" '^launch: FAILED'
finish
