# tests/backoffice: the back office's store (issue 17) against a real
# PostgreSQL that each suite starts for itself (tests/lib/pg.sh).
include backoffice/store/build.mk
include backoffice/tools/build.mk
$(eval $(call add_suite,unit,backoffice-pg-harness,tests/backoffice/pg-harness.sh))
# anprstore against a private PostgreSQL: the test re-runs itself under
# tests/lib/with-pg (make check runs it from the top of the tree)
$(call aobj_of,tests/backoffice/test_store.c): CFLAGS += $(PQ_CFLAGS)
$(eval $(call add_test,backoffice_store,tests/backoffice/test_store.c,$(ANPRSTORE_LIBS),$(ANPRSTORE_LDLIBS) -lpthread -lm))
# anpr-db's command line, a real key and real certificates
SUITE_PREREQS += $(BUILD)/bin/anpr-db $(BUILD)/bin/anpr-keygen
$(eval $(call add_suite,unit,backoffice-anpr-db,tests/backoffice/anpr-db.sh $(BUILD)))
