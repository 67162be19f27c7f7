# tests/evidence: unit tests and CLI suites for issue 6.
include daemon/evidence/build.mk
$(eval $(call add_test,evidence_record,tests/evidence/test_record.c,anprevidence,-lsodium))
$(eval $(call add_test,evidence_spool,tests/evidence/test_spool.c,anprevidence,-lsodium -lpthread))
EVIDENCE_CLI_PREREQS := $(BUILD)/bin/anpr-keygen $(BUILD)/bin/anpr-verify $(EV_FILL)
SUITE_PREREQS += $(EVIDENCE_CLI_PREREQS)
$(eval $(call add_suite,unit,evidence-cli,tests/evidence/cli.sh $(BUILD)))
# SIGKILL the writer 200 times; a tiny tmpfs that really fills up.
$(eval $(call add_suite,unit,evidence-crash,tests/evidence/crash.sh $(BUILD) 200))
$(eval $(call add_suite,unit,evidence-enospc,tests/evidence/enospc.sh $(BUILD)))
