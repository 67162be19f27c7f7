# Whole-daemon benchmarks.
BENCH_PREREQS += $(BUILD)/bin/anprd $(BUILD)/bin/anpr-keygen
$(eval $(call add_bench,anprd-throughput,tests/bench/anprd-throughput))

# The reader on synthetic UK IR frames (all UK formats, two-line plates,
# small, blurred, blooming plates): tests/bench/gb-synth/render.py.
GB_SYNTH := $(BUILD)/bench/gb-synth
$(GB_SYNTH)/truth.tsv: tests/bench/gb-synth/render.py demo/render_frames.py
	@rm -rf $(GB_SYNTH)
	/usr/bin/python3 tests/bench/gb-synth/render.py --out $(GB_SYNTH) --count 400
BENCH_PREREQS += $(GB_SYNTH)/truth.tsv $(BUILD)/bin/anpr-read
$(eval $(call add_bench,reader-gb-synth,taskset -c 0 tests/bench/gb-synth/score.py $(BUILD)/bin/anpr-read $(GB_SYNTH)))
