# Plate reader (issue 4): library anprreader, the anpr-read tool, its tests,
# the NEON equivalence suite under qemu-aarch64, and benchmarks.


READER_KERN_SRCS := \
	daemon/reader/kern_scalar.c \
	daemon/reader/kern_sse41.c \
	daemon/reader/kern_avx2.c \
	daemon/reader/kern_neon.c \
	daemon/reader/kern_image.c \
	daemon/reader/kern_dispatch.c \
	daemon/reader/netkern_scalar.c \
	daemon/reader/netkern_sse41.c \
	daemon/reader/netkern_avx2.c \
	daemon/reader/netkern_neon.c

READER_SRCS := $(READER_KERN_SRCS) \
	daemon/reader/ccl.c \
	daemon/reader/activity.c \
	daemon/reader/group.c \
	daemon/reader/segment.c \
	daemon/reader/ground.c \
	daemon/reader/charnorm.c \
	daemon/reader/charnet.c \
	daemon/reader/linenet.c \
	daemon/reader/syntax.c \
	daemon/reader/foreign.c \
	daemon/reader/rank.c \
	daemon/reader/plate.c \
	daemon/reader/unread.c \
	daemon/reader/reader.c \
	daemon/reader/weights_blob.c

READER_WEIGHTS := training/weights/chars.bin training/weights/lines.bin

$(eval $(call add_lib,anprreader,$(READER_SRCS)))
$(call obj_of,daemon/reader/weights_blob.c) $(call aobj_of,daemon/reader/weights_blob.c): $(READER_WEIGHTS)

# The training-data dumper (training/, see docs/reader.md).
$(eval $(call add_prog,anpr-train-dump,training/dump_chars.c,anprreader anprimageio anprcommon,-ljpeg -lpng -lz -lm -lpthread))

# x86 SIMD equivalence (cmocka, ASan/UBSan).
$(eval $(call add_test,reader-simd,tests/reader/test_simd.c tests/reader/simd_cases.c,anprreader anprcommon,-lm -lpthread))

# NEON equivalence: static aarch64 build run under user-mode qemu.
READER_NEON_TAP := $(BUILD)/aarch64/reader-simd-tap
$(READER_NEON_TAP): $(READER_KERN_SRCS) tests/reader/simd_cases.c tests/reader/simd_tap.c \
		daemon/reader/anpr_kern.h daemon/reader/netkern.h tests/reader/simd_cases.h
	@mkdir -p $(@D)
	aarch64-linux-gnu-gcc -static $(CSTD) -O2 $(WARN) -Idaemon -Itests/reader \
		-o $@ $(filter %.c,$^) -lm -lpthread
SUITE_PREREQS += $(READER_NEON_TAP)
$(eval $(call add_suite,unit,reader-simd-neon,qemu-aarch64 $(READER_NEON_TAP)))

# anpr-read: the command-line reader.
$(eval $(call add_prog,anpr-read,tools/anpr-read.c,anprreader anprimageio anprcommon,-ljpeg -lpng -lz -lm -lpthread))

# make bench: read rates, UK character accuracy, ms per image per SIMD level.
$(eval $(call add_prog,anpr-reader-bench,tests/reader/bench_reader.c,anprreader anprimageio anprcommon,-ljpeg -lpng -lz -lm -lpthread))
BENCH_PREREQS += $(BUILD)/bin/anpr-reader-bench
$(eval $(call add_bench,reader,taskset -c 0 $(BUILD)/bin/anpr-reader-bench --dev ../shared/data/plates/dev))

# Unit tests of the stages (synthetic images drawn by the test).
$(eval $(call add_test,reader-stages,tests/reader/test_reader.c,anprreader anprcommon,-lm -lpthread))
$(eval $(call add_test,reader-linenet,tests/reader/test_linenet.c,anprreader anprcommon,-lm -lpthread))
$(eval $(call add_test,reader-segment,tests/reader/test_segment.c,anprreader anprcommon,-lm -lpthread))
$(eval $(call add_test,reader-syntax-gb,tests/reader/test_syntax_gb.c,anprreader anprcommon,-lm -lpthread))
$(eval $(call add_test,reader-plate,tests/reader/test_plate.c,anprreader anprcommon,-lm -lpthread))

# anpr-read end to end on committed synthetic plates, and its bad input.
SUITE_PREREQS += $(BUILD)/bin/anpr-read
$(eval $(call add_suite,unit,reader-cli,tests/reader/cli.sh $(BUILD)))

# make install: the tool (the library is static and linked in).
.PHONY: install-reader
install-reader: $(BUILD)/bin/anpr-read
	install -d $(DESTDIR)$(BINDIR)
	install -m 0755 $(BUILD)/bin/anpr-read $(DESTDIR)$(BINDIR)/anpr-read
	install -D -m 0644 man/anpr-read.1 $(DESTDIR)$(MANDIR)/man1/anpr-read.1
INSTALL_TARGETS += install-reader

# make train-reader: rebuild training/weights/chars.bin and lines.bin from scratch
# (deterministic for READER_SEED; needs training/deps.list installed, which
# this target does; about 14 minutes on 2 cores). Not part of check or bench.
READER_SEED ?= 1
.PHONY: train-reader
train-reader: $(BUILD)/bin/anpr-train-dump
	training/train.sh $(BUILD) $(READER_SEED)

# make bench-reader-unseen: the reader's accuracy on dev photos the weights were
# not trained on. Weights are trained by the recipe above (train.sh, seed
# READER_SEED) with the unseen part left out (ANPR_TRAIN_UNSEEN: plate text /
# gb_chars source photo FNV-1a % 10 < READER_UNSEEN, 3 = 30 %; the synthetic
# scenes stay), written to $(BUILD)/unseen (never committed), then the bench
# reads every set with them and prints the unseen figures (the headline)
# beside the trained-on ones. Training takes one to two cores for 10+ minutes.
READER_UNSEEN ?= 3
READER_UNSEEN_DIR := $(BUILD)/unseen/s$(READER_SEED)-u$(READER_UNSEEN)
.PHONY: bench-reader-unseen
$(READER_UNSEEN_DIR)/chars.bin: $(BUILD)/bin/anpr-train-dump training/train.sh \
		training/split_unseen.py training/train_chars.py training/train_lines.py \
		training/render_plates.py
	@mkdir -p $(@D)
	ANPR_TRAIN_UNSEEN=$(READER_UNSEEN) ANPR_TRAIN_WORK=$(BUILD)/unseen/train \
	ANPR_WEIGHTS_OUT=$(abspath $(@D))/chars.tmp \
	ANPR_LINE_WEIGHTS_OUT=$(abspath $(@D))/lines.bin \
		training/train.sh $(BUILD) $(READER_SEED)
	mv $(@D)/chars.tmp $@
# The split itself (split_unseen.py against the C side's FNV-1a), in check:
$(eval $(call add_suite,unit,reader-unseen-split,tests/reader/unseen-split.sh))
bench-reader-unseen: $(READER_UNSEEN_DIR)/chars.bin $(BUILD)/bin/anpr-reader-bench
	$(BUILD)/bin/anpr-reader-bench --dev ../shared/data/plates/dev --unseen $(READER_UNSEEN) \
		--weights $(READER_UNSEEN_DIR)/chars.bin --line-weights $(READER_UNSEEN_DIR)/lines.bin \
		--accuracy-only

# make fuzz: libFuzzer on the weights parser and on whole frames.
READER_FUZZ_FLAGS := -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	$(WARN) -D_GNU_SOURCE -Idaemon
READER_FUZZERS := $(BUILD)/fuzz/fuzz_reader_weights $(BUILD)/fuzz/fuzz_reader_frame
$(BUILD)/fuzz/fuzz_reader_weights: tests/reader/fuzz_reader.c $(READER_SRCS) daemon/common/readfile.c $(READER_WEIGHTS)
	@mkdir -p $(@D)
	$(CLANG) $(READER_FUZZ_FLAGS) -DFUZZ_WEIGHTS -o $@ tests/reader/fuzz_reader.c $(READER_SRCS) daemon/common/readfile.c -lm -lpthread
$(BUILD)/fuzz/fuzz_reader_frame: tests/reader/fuzz_reader.c $(READER_SRCS) daemon/common/readfile.c $(READER_WEIGHTS)
	@mkdir -p $(@D)
	$(CLANG) $(READER_FUZZ_FLAGS) -o $@ tests/reader/fuzz_reader.c $(READER_SRCS) daemon/common/readfile.c -lm -lpthread
.PHONY: fuzz-reader
FUZZ_TARGETS += fuzz-reader
fuzz-reader: $(READER_FUZZERS)
	@set -e; for f in $(READER_FUZZERS); do mkdir -p $(BUILD)/fuzz/corpus-$$(basename $$f); \
		$$f -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=1024 $(BUILD)/fuzz/corpus-$$(basename $$f) \
		2>&1 | tail -n 3; done
SUITE_PREREQS += $(READER_FUZZERS)
$(eval $(call add_suite,unit,reader-fuzz-smoke,tests/reader/fuzz-smoke.sh $(BUILD) 5))

# The per-frame path allocates nothing after warm-up (counted with --wrap).
READER_COMMA := ,
READER_WRAP := $(foreach f,malloc calloc realloc,-Wl$(READER_COMMA)--wrap=$(f))
$(eval $(call add_test,reader-alloc,tests/reader/test_alloc.c,anprreader anprcommon,-lm -lpthread $(READER_WRAP)))
