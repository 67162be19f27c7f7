# Whole-daemon benchmarks.
BENCH_PREREQS += $(BUILD)/bin/anprd $(BUILD)/bin/anpr-keygen
$(eval $(call add_bench,anprd-throughput,tests/bench/anprd-throughput))
