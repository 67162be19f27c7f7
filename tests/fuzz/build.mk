# libFuzzer targets for the imageio decoders (clang; ASan + UBSan).
# `make fuzz` runs each for FUZZ_SECONDS (default 60); `make check` runs a
# short smoke run of each so a decoder crash cannot slip in unnoticed.
FUZZ_FLAGS := -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
              -Wall -Wextra -Werror -D_GNU_SOURCE -Iimageio
FUZZ_SMOKE_SECONDS ?= 8

$(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_decode.c $(IMAGEIO_SRCS) imageio/image_internal.h imageio/anpr_image.h
	@mkdir -p $(@D)
	$(CLANG) $(FUZZ_FLAGS) -DFUZZ_DECODER=anpr_image_decode_$* -o $@ \
		tests/fuzz/fuzz_decode.c $(IMAGEIO_SRCS) $(IMAGEIO_LDLIBS)

$(BUILD)/fuzz/make_seeds: tests/fuzz/make_seeds.c $(BUILD)/lib/libanprimageio.a
	@mkdir -p $(@D)
	$(CC) $(CSTD) $(OPTFLAGS) $(WARN) $(CPPFLAGS) $(INCLUDES) -o $@ $^ $(IMAGEIO_LDLIBS)

$(BUILD)/fuzz/seeds/.stamp: $(BUILD)/fuzz/make_seeds
	$(BUILD)/fuzz/make_seeds $(BUILD)/fuzz/seeds
	@touch $@

FUZZERS := $(BUILD)/fuzz/fuzz_jpeg $(BUILD)/fuzz/fuzz_png $(BUILD)/fuzz/fuzz_pnm
FUZZ_TARGETS += fuzz-imageio
SUITE_PREREQS += $(FUZZERS) $(BUILD)/fuzz/seeds/.stamp

.PHONY: fuzz-imageio
fuzz-imageio: $(FUZZERS) $(BUILD)/fuzz/seeds/.stamp
	tests/fuzz/run-fuzz $(BUILD) $(FUZZ_SECONDS)

$(eval $(call add_suite,unit,fuzz-smoke,tests/fuzz/run-fuzz $(BUILD) $(FUZZ_SMOKE_SECONDS)))
