# Unit tests of anprd's core logic (libanprdcore). They run from the top
# directory (test_config reads docs/anprd-conf.md).
include daemon/core/build.mk
$(eval $(call add_test,anprd_config,tests/anprd/test_config.c,anprdcore anprevidence anprcommon,-lm -lsodium))
$(eval $(call add_test,anprd_hotlist,tests/anprd/test_hotlist.c,anprdcore anprevidence anprcommon,-lsodium -lpthread -lm))
$(eval $(call add_test,anprd_tracker,tests/anprd/test_tracker.c,anprdcore anprevidence anprcommon,-lm -lsodium))
$(eval $(call add_test,anprd_alerts,tests/anprd/test_alerts.c tests/anprd/loopback_http.c,anprdcore anprevidence anprcommon,-lcurl -lsystemd -lpthread -ljansson -lsodium))
$(eval $(call add_test,anprd_alert_journal,tests/anprd/test_alert_journal.c,anprdcore anprevidence anprcommon,-lsystemd -lsodium))
$(eval $(call add_test,anprd_health,tests/anprd/test_health.c,anprdcore anprevidence anprcommon,-lsodium))
$(eval $(call add_test,anprd_unread_rate,tests/anprd/test_unread_rate.c,anprdcore anprevidence anprcommon,-lsodium))
$(eval $(call add_test,anprd_capture_state,tests/anprd/test_capture_state.c,anprdcore anprevidence anprcommon,-lsodium))

# anprd-checkconf end to end on real files.
SUITE_PREREQS += $(BUILD)/bin/anprd-checkconf $(BUILD)/bin/anprd $(BUILD)/bin/anpr-keygen
$(eval $(call add_suite,unit,anprd-checkconf,tests/anprd/checkconf-suite $(BUILD)))

# Benchmarks (release build).
$(eval $(call add_prog,anprd_bench_hotlist,tests/anprd/bench_hotlist.c,anprdcore anprevidence anprcommon,-lsodium -lpthread -lm))
BENCH_PREREQS += $(BUILD)/bin/anprd_bench_hotlist
$(eval $(call add_bench,anprd_hotlist,$(BUILD)/bin/anprd_bench_hotlist))

# libFuzzer targets (clang) for the config and hotlist parsers. `make fuzz`
# runs each for FUZZ_SECONDS; `make check` runs a short smoke run.
ANPRD_FUZZ_FLAGS := -g -O1 -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=all -Wall -Wextra -Werror -D_GNU_SOURCE \
	-DANPR_VERSION='"$(VERSION)"' -Idaemon
ANPRD_FUZZ_conf := daemon/core/ini.c daemon/core/config.c daemon/core/roi.c \
	daemon/common/readfile.c daemon/common/timeutil.c daemon/evidence/readfile.c daemon/evidence/secmem.c
ANPRD_FUZZ_hotlist := daemon/core/vrm.c daemon/core/hotlist.c daemon/core/utf8.c \
	daemon/common/readfile.c daemon/evidence/readfile.c daemon/evidence/secmem.c \
	daemon/core/hotlist_csv.c
ANPRD_FUZZ_DEF_conf := FUZZ_CONF
ANPRD_FUZZ_DEF_hotlist := FUZZ_HOTLIST
ANPRD_FUZZ_SMOKE_SECONDS ?= 4
ANPRD_FUZZERS := $(BUILD)/fuzz/fuzz_anprd_conf $(BUILD)/fuzz/fuzz_anprd_hotlist

define anprd_fuzzer
$(BUILD)/fuzz/fuzz_anprd_$(1): tests/anprd/fuzz_anprd.c $(ANPRD_FUZZ_$(1)) $(wildcard daemon/core/*.h)
	@mkdir -p $$(@D)
	$(CLANG) $(ANPRD_FUZZ_FLAGS) -D$(ANPRD_FUZZ_DEF_$(1)) -o $$@ \
		tests/anprd/fuzz_anprd.c $(ANPRD_FUZZ_$(1)) -lsodium -lm
endef
$(foreach t,conf hotlist,$(eval $(call anprd_fuzzer,$(t))))

FUZZ_TARGETS += fuzz-anprd
SUITE_PREREQS += $(ANPRD_FUZZERS)

.PHONY: fuzz-anprd
fuzz-anprd: $(ANPRD_FUZZERS)
	tests/anprd/run-fuzz $(BUILD) $(FUZZ_SECONDS)

$(eval $(call add_suite,unit,anprd-fuzz-smoke,tests/anprd/run-fuzz $(BUILD) $(ANPRD_FUZZ_SMOKE_SECONDS)))

$(eval $(call add_prog,anprd_bench_tracker,tests/anprd/bench_tracker.c,anprdcore anprevidence anprcommon,-lm -lsodium))
$(eval $(call add_prog,anprd_bench_alerts,tests/anprd/bench_alerts.c,anprdcore anprevidence anprcommon,-lcurl -lsystemd -lpthread -lm -lsodium))
BENCH_PREREQS += $(BUILD)/bin/anprd_bench_tracker $(BUILD)/bin/anprd_bench_alerts
$(eval $(call add_bench,anprd_tracker,$(BUILD)/bin/anprd_bench_tracker))
$(eval $(call add_bench,anprd_alerts,$(BUILD)/bin/anprd_bench_alerts))
$(eval $(call add_prog,anprd_bench_health,tests/anprd/bench_health.c,anprdcore anprevidence anprcommon,-lsodium))
BENCH_PREREQS += $(BUILD)/bin/anprd_bench_health
$(eval $(call add_bench,anprd_health,$(BUILD)/bin/anprd_bench_health))

# Plates found but not read, end to end (issue 23 item 4): anprd on
# rendered frames of defaced, ghost and half-covered plates; the livery
# bench's frames through anpr-read.
SUITE_PREREQS += $(BUILD)/bin/anprd $(BUILD)/bin/anpr-keygen $(BUILD)/bin/anpr-verify \
	$(BUILD)/bin/anpr-alerts $(BUILD)/bin/anpr-read
$(eval $(call add_suite,e2e,unreadable-e2e,tests/anprd/unreadable-e2e $(BUILD)))
