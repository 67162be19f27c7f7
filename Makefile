# anpr: evidential ANPR capture stack - the one top-level build.
#
#   make              build all user-space code into build/ (bin, lib)
#   make check        install missing packages, build, run every test suite
#   make bench        benchmarks, each figure printed next to its target
#   make lint         cppcheck + clang-tidy (user space), sparse + checkpatch (kmod)
#   make fuzz         libFuzzer targets (clang), bounded time each
#   make kmod         the kernel module, against the Debian headers in mk/kernel.mk
#   make install      DESTDIR/PREFIX aware
#
# Each component describes itself in its own build.mk, included below, with
# the helpers defined in mk/rules.mk (add_lib, add_prog, add_test, add_suite).

.DEFAULT_GOAL := all
SHELL := /bin/bash
TOP := $(CURDIR)

include mk/kernel.mk
include mk/config.mk
include mk/rules.mk
include mk/lint.mk

# Components: every */build.mk and */*/build.mk, image I/O first (others
# use its variables). A tests/X/build.mk may include its component's
# build.mk itself; files already read are not read again.
include imageio/build.mk
-include $(filter-out imageio/build.mk,$(sort $(wildcard */build.mk)))
-include $(sort $(wildcard tests/*/build.mk))
-include $(filter-out $(MAKEFILE_LIST),$(sort $(wildcard */*/build.mk)))

.PHONY: all deps check check-unit bench lint fuzz install clean distclean help

all: $(ALL_LIBS) $(ALL_PROGS) $(ALL_DATA)

deps:
	@scripts/install-deps

# Build everything first, then run the suites in order: unit (ASan/UBSan),
# then VM, then end-to-end. One closing line counts them all. The build
# uses every CPU (BUILD_JOBS; a serial build took minutes of CI's time);
# the suites run one at a time, but for those in SUITES_BESIDE, which mostly
# wait and run one after another beside the rest (tests/run-suites).
BUILD_JOBS ?= $(shell nproc 2>/dev/null || echo 2)
check: deps
	@$(MAKE) --no-print-directory -j$(BUILD_JOBS) all $(ALL_TESTS) $(SUITE_PREREQS)
	@$(MAKE) --no-print-directory run-suites

# Only the host unit tests (no VM); handy while developing.
check-unit: $(ALL_TESTS) $(SUITE_PREREQS)
	@mkdir -p $(BUILD)
	@$(file >$(BUILD)/suites.tsv,$(SUITE_LINES_unit))
	@tests/run-suites $(BUILD)/suites.tsv $(BUILD)/check

run-suites:
	@mkdir -p $(BUILD)
	@$(file >$(BUILD)/suites.tsv,$(SUITE_LINES_unit)$(SUITE_LINES_vm)$(SUITE_LINES_e2e))
	@SUITES_BESIDE='$(SUITES_BESIDE)' tests/run-suites $(BUILD)/suites.tsv $(BUILD)/check

bench: deps
	@$(MAKE) --no-print-directory -j$(BUILD_JOBS) all $(BENCH_PREREQS)
	@$(file >$(BUILD)/bench.tsv,$(BENCH_LINES))
	@tests/run-benches $(BUILD)/bench.tsv

lint: deps $(LINT_TARGETS)
	@echo "lint: clean"

# Each component's fuzz target runs its fuzzers for FUZZ_SECONDS each.
fuzz: deps
	@$(MAKE) --no-print-directory $(FUZZ_TARGETS)

install: all $(INSTALL_TARGETS)

clean:
	rm -rf $(BUILD)

distclean: clean $(DISTCLEAN_TARGETS)

help:
	@sed -n '3,11p' Makefile

# Header dependency tracking (-MMD -MP). Not under build/deb*: the package
# build's copy of the tree and the Debian root of tests/deb hold files
# named *.d that are no make rules (/usr/sbin/invoke-rc.d).
-include $(shell find $(BUILD) -path '$(BUILD)/deb*' -prune -o -name '*.d' -type f -print 2>/dev/null)
