# tests/evidence: unit tests and CLI suites for issue 6.
include daemon/evidence/build.mk
$(eval $(call add_test,evidence_record,tests/evidence/test_record.c,anprevidence,-lsodium))
$(eval $(call add_test,evidence_spool,tests/evidence/test_spool.c,anprevidence,-lsodium -lpthread))
