# The top Makefile includes */build.mk and tests/*/build.mk only; the
# reader's rules (library, tool, tests, benches) live beside its sources.
include daemon/reader/build.mk

# The classifier's convolution kernel (netkern.h): every x86 level against
# the scalar reference and the net against a plain forward pass (cmocka);
# the NEON twin under qemu-aarch64 (static aarch64 build, TAP).
$(eval $(call add_test,reader-netkern,tests/reader/test_netkern.c tests/reader/netkern_cases.c,anprreader anprcommon,-lm -lpthread))
READER_NETKERN_TAP := $(BUILD)/aarch64/reader-netkern-tap
$(READER_NETKERN_TAP): $(READER_KERN_SRCS) tests/reader/netkern_cases.c tests/reader/netkern_tap.c \
		daemon/reader/anpr_kern.h daemon/reader/netkern.h tests/reader/netkern_cases.h
	@mkdir -p $(@D)
	aarch64-linux-gnu-gcc -static $(CSTD) -O2 $(WARN) -Idaemon -Itests/reader \
		-o $@ $(filter %.c,$^) -lm -lpthread
SUITE_PREREQS += $(READER_NETKERN_TAP)
$(eval $(call add_suite,unit,reader-netkern-neon,qemu-aarch64 $(READER_NETKERN_TAP)))

# anpr-train-dump, the training patches' cutter: record format, labels,
# group ids, plate-box filters, bad input (TAP).
SUITE_PREREQS += $(BUILD)/bin/anpr-train-dump
$(eval $(call add_suite,unit,reader-train-dump,tests/reader/train-dump.sh $(BUILD)))

# The reading depends on the frame alone: anpr-read under valgrind's
# memcheck on rendered 1280x720 and 1920x1080 frames, and the same
# readings whatever malloc leaves in fresh memory (TAP).
SUITE_PREREQS += $(BUILD)/bin/anpr-read
$(eval $(call add_suite,unit,reader-memcheck,tests/reader/memcheck.sh $(BUILD)))
