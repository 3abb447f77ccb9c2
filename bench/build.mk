# The launch benchmark (not part of the test suite; README.md "Benchmark"):
# Hyperlaunch and Xen 4.17 dom0less side by side on the same QEMU.
#
#   make bench                wall clock: time, image size, RAM, ratios,
#                             timeline, build/bench/results.txt + launch.png
#   make bench-icount         deterministic (-icount): guest-visible counters,
#                             checked over two runs, build/bench/results-icount.txt
#   make bench BENCH_ICOUNT=1 the same as make bench-icount
#   RUNS=5 make bench         runs per hypervisor and row (default 3; 2 with icount)
#
# scripts/setup.sh first: on a fresh Debian 12 it installs python3, the
# compilers and QEMU; bench/bench.py then builds (make), fetches the real
# parts (Linux, busybox, Xen) and installs gnuplot when missing.
#   make bench-latency        a latency-critical domain's interrupt latency,
#                             alone, pinned beside busy Linux, shared, and
#                             Xen's null scheduler: build/bench/latency.txt
.PHONY: bench bench-icount bench-latency
bench:
	@scripts/setup.sh
	python3 bench/bench.py $(if $(filter-out 0,$(BENCH_ICOUNT)),--icount)

bench-icount:
	@scripts/setup.sh
	python3 bench/bench.py --icount

bench-latency:
	@scripts/setup.sh
	bench/latency.sh
