# Plate reader (issue 4): library anprreader, the anpr-read tool, its tests,
# the NEON equivalence suite under qemu-aarch64, and benchmarks.

INCLUDES += -Idaemon/reader

READER_KERN_SRCS := \
	daemon/reader/kern_scalar.c \
	daemon/reader/kern_sse41.c \
	daemon/reader/kern_avx2.c \
	daemon/reader/kern_neon.c \
	daemon/reader/kern_image.c \
	daemon/reader/kern_dispatch.c

READER_SRCS := $(READER_KERN_SRCS)

$(eval $(call add_lib,anprreader,$(READER_SRCS)))

# x86 SIMD equivalence (cmocka, ASan/UBSan).
$(eval $(call add_test,reader-simd,tests/reader/test_simd.c tests/reader/simd_cases.c,anprreader,-lm -lpthread))

# NEON equivalence: static aarch64 build run under user-mode qemu.
READER_NEON_TAP := $(BUILD)/aarch64/reader-simd-tap
$(READER_NEON_TAP): $(READER_KERN_SRCS) tests/reader/simd_cases.c tests/reader/simd_tap.c \
		daemon/reader/anpr_kern.h tests/reader/simd_cases.h
	@mkdir -p $(@D)
	aarch64-linux-gnu-gcc -static $(CSTD) -O2 $(WARN) -Idaemon/reader -Itests/reader \
		-o $@ $(filter %.c,$^) -lm -lpthread
SUITE_PREREQS += $(READER_NEON_TAP)
$(eval $(call add_suite,unit,reader-simd-neon,qemu-aarch64 $(READER_NEON_TAP)))
