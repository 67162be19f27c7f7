# tests/evidence: unit tests and CLI suites for issue 6.
include daemon/evidence/build.mk
$(eval $(call add_test,evidence_record,tests/evidence/test_record.c,anprevidence anprcommon,-lsodium))
# read_file_limited(): the one whole-file read with a size limit
$(eval $(call add_test,evidence_readfile,tests/evidence/test_readfile.c,anprevidence anprcommon,-lsodium))
$(eval $(call add_test,evidence_spool,tests/evidence/test_spool.c,anprevidence anprcommon,-lsodium -lpthread))
EVIDENCE_CLI_PREREQS := $(BUILD)/bin/anpr-keygen $(BUILD)/bin/anpr-verify $(EV_FILL)
SUITE_PREREQS += $(EVIDENCE_CLI_PREREQS)
$(eval $(call add_suite,unit,evidence-cli,tests/evidence/cli.sh $(BUILD)))
# Disclosure bundles (issue 20, item 6): 1 of 100 records, attacks.
$(eval $(call add_suite,unit,evidence-disclose,tests/evidence/disclose.sh $(BUILD)))
# SIGKILL the writer 200 times; a tiny tmpfs that really fills up.
$(eval $(call add_suite,unit,evidence-crash,tests/evidence/crash.sh $(BUILD) 200))
$(eval $(call add_suite,unit,evidence-enospc,tests/evidence/enospc.sh $(BUILD)))

# libFuzzer target for the parsers of untrusted input (clang; ASan+UBSan);
# `make fuzz` runs it FUZZ_SECONDS, `make check` a short smoke run.
EV_FUZZ_FLAGS := -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	-Wall -Wextra -Werror -D_GNU_SOURCE -DANPR_VERSION='"$(VERSION)"' -Idaemon
$(BUILD)/fuzz/evidence/fuzz_evidence: tests/evidence/fuzz_evidence.c $(EVIDENCE_SRCS) daemon/common/readfile.c \
		$(wildcard daemon/evidence/*.h)
	@mkdir -p $(@D)
	$(CLANG) $(EV_FUZZ_FLAGS) -o $@ tests/evidence/fuzz_evidence.c $(EVIDENCE_SRCS) daemon/common/readfile.c -lsodium -lpthread
EV_FUZZ_SMOKE_SECONDS ?= 8
FUZZ_TARGETS += fuzz-evidence
SUITE_PREREQS += $(BUILD)/fuzz/evidence/fuzz_evidence
.PHONY: fuzz-evidence
fuzz-evidence: $(BUILD)/fuzz/evidence/fuzz_evidence $(EVIDENCE_CLI_PREREQS)
	tests/evidence/run-fuzz $(BUILD) $(FUZZ_SECONDS)
$(eval $(call add_suite,unit,evidence-fuzz,tests/evidence/run-fuzz $(BUILD) $(EV_FUZZ_SMOKE_SECONDS)))
$(eval $(call add_test,evidence_bundle,tests/evidence/test_bundle.c,anprevidence anprcommon,-lsodium))
