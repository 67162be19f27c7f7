# tests/backoffice: the back office's store (issue 17) against a real
# PostgreSQL that each suite starts for itself (tests/lib/pg.sh).
include backoffice/store/build.mk
include backoffice/tools/build.mk
include backoffice/policy/build.mk
include backoffice/audit/build.mk
# the audit chain's rules outside the database (pure)
$(eval $(call add_test,backoffice_audit_chain,tests/backoffice/test_audit_chain.c,anpraudit anprevidence anprcommon,-lsodium))
# the access tiers at their bounds, and their calendar against PostgreSQL's
$(call aobj_of,tests/backoffice/test_policy.c): CFLAGS += $(PQ_CFLAGS) -DSQLDIR='"backoffice/sql"'
$(eval $(call add_test,backoffice_policy,tests/backoffice/test_policy.c,anprpolicy $(ANPRSTORE_LIBS),$(ANPRSTORE_LDLIBS) -lm))
# what synchronous_standby_names makes a commit wait for (no server)
$(call aobj_of,tests/backoffice/test_standbys.c): CFLAGS += $(PQ_CFLAGS)
$(eval $(call add_test,backoffice_standbys,tests/backoffice/test_standbys.c,$(ANPRSTORE_LIBS),$(ANPRSTORE_LDLIBS)))
$(eval $(call add_suite,unit,backoffice-pg-harness,tests/backoffice/pg-harness.sh))
# anprstore against a private PostgreSQL: the test re-runs itself under
# tests/lib/with-pg (make check runs it from the top of the tree)
$(call aobj_of,tests/backoffice/test_store.c): CFLAGS += $(PQ_CFLAGS)
$(eval $(call add_test,backoffice_store,tests/backoffice/test_store.c,$(ANPRSTORE_LIBS),$(ANPRSTORE_LDLIBS) -lpthread -lm))
# anpr-db's command line, a real key and real certificates
SUITE_PREREQS += $(BUILD)/bin/anpr-db $(BUILD)/bin/anpr-keygen
$(eval $(call add_suite,unit,backoffice-anpr-db,tests/backoffice/anpr-db.sh $(BUILD)))
# the access policy through the database: anpr.search_reads and
# anpr.export_reads as people in each group role, what a direct SELECT
# gets, the audit chain (issue 20)
SUITE_PREREQS += $(BUILD)/bin/anpr-audit
$(eval $(call add_suite,unit,backoffice-access,tests/backoffice/access.sh $(BUILD)))
# retention: anpr-db purge at a fixed time over four days, a legal hold;
# a held read's disclosure after the purge, from a real chain (ev_fill,
# anpr-upload, anpr-ingest) checked with anpr-verify
SUITE_PREREQS += $(BUILD)/bin/anpr-db $(BUILD)/bin/anpr-query $(BUILD)/bin/anpr-ingest \
	$(BUILD)/bin/anpr-upload $(BUILD)/bin/anpr-verify $(BUILD)/bin/anpr-keygen $(EV_FILL) \
	$(BUILD)/ingest/ingest_setup
$(eval $(call add_suite,unit,backoffice-retention,tests/backoffice/retention.sh $(BUILD)))
# anpr-query: records sent by the real anpr-upload to the real anpr-ingest
# (ingest_setup from tests/ingest registers the cameras), then searched
# and exported; the bundles checked with anpr-verify and minisign
SUITE_PREREQS += $(BUILD)/bin/anpr-query $(BUILD)/bin/anpr-ingest $(BUILD)/bin/anpr-upload \
	$(BUILD)/bin/anpr-verify $(BUILD)/bin/anpr-keygen $(EV_FILL) $(BUILD)/ingest/ingest_setup
$(eval $(call add_suite,unit,backoffice-anpr-query,tests/backoffice/anpr-query.sh $(BUILD)))
# anpr-store-bench: generated reads in a store (gen), the policy-checked
# VRM search over them (search, make bench store-search), and a check of what gen makes
# (verify, the suite backoffice-store-gen on 2,000 reads, signed).
$(call obj_of,tests/backoffice/store_bench.c): CFLAGS += $(PQ_CFLAGS)
$(eval $(call add_prog,anpr-store-bench,tests/backoffice/store_bench.c,$(ANPRSTORE_LIBS),$(ANPRSTORE_LDLIBS) -lm))
SUITE_PREREQS += $(BUILD)/bin/anpr-store-bench $(BUILD)/bin/anpr-db
$(eval $(call add_suite,unit,backoffice-store-gen,tests/backoffice/store-gen.sh $(BUILD)))
# make bench: the policy-checked, audited VRM search (anpr.search_reads)
# p50/p99 over 10 million generated reads (cached under build/bench/;
# ANPR_BENCH_STORE_N=100000 for a quick run)
BENCH_PREREQS += $(BUILD)/bin/anpr-store-bench $(BUILD)/bin/anpr-db
$(eval $(call add_bench,store-search,tests/backoffice/bench-store-search $(BUILD)))
# make bench: the retention purge of one day of a million reads (issue 20)
BENCH_PREREQS += $(BUILD)/bin/anpr-db
$(eval $(call add_bench,purge,tests/backoffice/bench-purge $(BUILD)))
# backup and restore (issue 24, docs/backup.md): pgBackRest archiving the
# WAL of a private PostgreSQL, the image store copied by rsync; the server
# and the images lost and restored; every acknowledged record back,
# exports verify, the audit chain holds; an altered backup file found
SUITE_PREREQS += $(BUILD)/bin/anpr-db $(BUILD)/bin/anpr-query $(BUILD)/bin/anpr-ingest \
	$(BUILD)/bin/anpr-upload $(BUILD)/bin/anpr-verify $(BUILD)/bin/anpr-keygen \
	$(BUILD)/bin/anpr-audit $(EV_FILL) $(BUILD)/ingest/ingest_setup
$(eval $(call add_suite,e2e,backoffice-backup-restore,tests/backoffice/backup-restore.sh $(BUILD)))
# cloned and impossible plates (issue 23 item 4, 0017): four cameras'
# chains through anpr-upload and anpr-ingest, the pairs no vehicle could
# make flagged at ingest, who may see them, the purge takes them
SUITE_PREREQS += $(BUILD)/bin/anpr-db $(BUILD)/bin/anpr-ingest $(BUILD)/bin/anpr-upload \
	$(BUILD)/bin/anpr-keygen $(EV_FILL) $(BUILD)/ingest/ingest_setup
$(eval $(call add_suite,unit,backoffice-clones,tests/backoffice/clones.sh $(BUILD)))
# read accuracy per camera (issue 23 item 5, 0018): the Wilson interval
# against published values, the day's sample drawn by hash from reads
# through anpr-upload and anpr-ingest, verdicts stored, audited and
# refused when malformed, misread marks apart, anpr-db accuracy
SUITE_PREREQS += $(BUILD)/bin/anpr-db $(BUILD)/bin/anpr-ingest $(BUILD)/bin/anpr-upload \
	$(BUILD)/bin/anpr-keygen $(BUILD)/bin/anpr-audit $(EV_FILL) $(BUILD)/ingest/ingest_setup
$(eval $(call add_suite,unit,backoffice-accuracy,tests/backoffice/accuracy.sh $(BUILD)))
