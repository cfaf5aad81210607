# Lifeline: two commands set everything up on a fresh Debian bookworm machine.
#
#   make demo    install what is missing, build, run the demo
#   make test    install what is missing, build, run every test
#
# Other targets: build, bench, fuzz (short libFuzzer runs), asan (tests under
# AddressSanitizer + UBSan), asan-build and fuzz-build (their trees only, which
# .ci/run compiles beside the stage before), clean.

BUILD   ?= build
JOBS    ?= $(shell nproc)
CMAKE_FLAGS ?=

.PHONY: all deps build test demo bench fuzz fuzz-build asan asan-build clean

all: build

deps:
	@scripts/deps.sh

build: deps
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_FLAGS) >/dev/null
	ninja -C $(BUILD) -j $(JOBS)
	scripts/web.sh

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) --timeout 1200

demo: build
	scripts/demo.sh $(BUILD)

bench: deps
	@scripts/deps.sh bench
	cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DLIFELINE_TESTS=OFF >/dev/null
	ninja -C build-bench -j $(JOBS)
	bench/run.sh build-bench
	bench/run_serve.sh build-bench
	bench/run_api_pg.sh build-bench

fuzz: fuzz-build
	FUZZ_JOBS=$(JOBS) fuzz/run.sh build-fuzz 10

fuzz-build: deps
	CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLIFELINE_FUZZ=ON \
	  -DLIFELINE_TESTS=OFF -DLIFELINE_BENCH=OFF >/dev/null
	ninja -C build-fuzz -j $(JOBS) fuzzers

# Property tests try 30 cases each under the sanitizers (rapidcheck's default,
# 100, in make test): there they look for memory errors, not breadth.
asan: asan-build
	scripts/web.sh
	cd build-asan && RC_PARAMS="max_success=30" ctest --output-on-failure -j $(JOBS) --timeout 1800 -E '_pg$$'

asan-build: deps
	cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DLIFELINE_SANITIZE=ON -DLIFELINE_BENCH=OFF >/dev/null
	ninja -C build-asan -j $(JOBS)

clean:
	rm -rf build build-bench build-fuzz build-asan
