# tests/ingest: anpr-ingest's checks on real signed records (cmocka), the
# image store on a real filesystem (and a real full one).
include backoffice/ingest/build.mk
$(eval $(call add_test,ingest_check,tests/ingest/test_ingest_check.c,anpringest anprupload anprevidence anprcommon,-lsodium -lnettle -ljansson -lcurl))
$(eval $(call add_test,ingest_health,tests/ingest/test_ingest_health.c,anpringest anprcommon,-ljansson))
$(eval $(call add_test,ingest_imagestore,tests/ingest/test_imagestore.c,anpringest anprevidence anprcommon,-lsodium $(IMAGESTORE_LDLIBS)))
$(eval $(call add_test,ingest_hash,tests/ingest/test_ingest_hash.c,anpringest anprevidence anprcommon,-lsodium -lnettle))
# End to end, once the store is built (backoffice/store): PostgreSQL, a
# PKI, anpr-ingest, and the real anpr-upload emptying spools into it.
ifdef ANPRSTORE_BUILD_MK
INGEST_SETUP := $(BUILD)/ingest/ingest_setup
$(INGEST_SETUP): $(call obj_of,tests/ingest/ingest_setup.c) $(call lib_of,$(ANPRSTORE_LIBS))
	@mkdir -p $(@D)
	$(CC) $(OPTFLAGS) -o $@ $^ $(LDFLAGS) $(ANPRSTORE_LDLIBS)
SUITE_PREREQS += $(BUILD)/bin/anpr-ingest $(BUILD)/bin/anpr-upload $(BUILD)/bin/anpr-keygen \
	$(EV_FILL) $(INGEST_SETUP) $(BUILD)/bin/anpr-db $(BUILD)/bin/anpr-query $(BUILD)/bin/anpr-verify
$(eval $(call add_suite,e2e,ingest-e2e,tests/ingest/ingest-e2e $(BUILD)))
# The upload fault suite against anpr-ingest, and its crash safety: 1,000
# records through a TCP fault proxy, SIGKILLs of anpr-upload and
# anpr-ingest, immediate shutdowns of PostgreSQL.
SUITE_PREREQS += $(BUILD)/bin/anpr-query $(BUILD)/bin/anpr-verify
$(eval $(call add_suite,e2e,ingest-faults,tests/ingest/ingest-faults $(BUILD) 1000))
# A replicated store (tests/lib/pg-ha.sh: etcd, 3 Patroni nodes,
# synchronous): the primary's server killed during the uploads loses no
# acknowledged record (issue 24, docs/replication.md).
$(eval $(call add_suite,e2e,ingest-failover,tests/ingest/ingest-failover $(BUILD)))
# The image store's S3 backend against a real radosgw (tests/lib/rgw.sh: a
# single-node Ceph on loopback; issue 24): the backend alone (a cmocka
# program built with the sanitizers, run only by the suite, which starts
# the gateway it needs), then anpr-ingest --images s3://, anpr-upload,
# anpr-query --export and anpr-verify, the gateway down and back, and
# anpr-db purge with a legal hold
IMAGESTORE_S3_TEST := $(BUILD)/ingest/test_imagestore_s3
$(IMAGESTORE_S3_TEST): $(call aobj_of,tests/ingest/test_imagestore_s3.c) \
		$(call alib_of,anpringest anprevidence anprcommon)
	@mkdir -p $(@D)
	$(CC) $(SANFLAGS) -o $@ $^ $(LDFLAGS) -lsodium $(IMAGESTORE_LDLIBS) -lcmocka
# the cost of a put, radosgw against the file store (release build)
BENCH_IMAGESTORE := $(BUILD)/ingest/bench_imagestore
$(BENCH_IMAGESTORE): $(call obj_of,tests/ingest/bench_imagestore.c) \
		$(call lib_of,anpringest anprevidence anprcommon)
	@mkdir -p $(@D)
	$(CC) $(OPTFLAGS) -o $@ $^ $(LDFLAGS) -lsodium $(IMAGESTORE_LDLIBS)
SUITE_PREREQS += $(IMAGESTORE_S3_TEST) $(BENCH_IMAGESTORE)
$(eval $(call add_suite,e2e,imagestore-s3,tests/ingest/imagestore-s3 $(BUILD)))
BENCH_PREREQS += $(BENCH_IMAGESTORE)
$(eval $(call add_bench,imagestore,tests/ingest/bench-imagestore $(BUILD)))
# make bench: verified records/s from 8 concurrent anpr-upload --once into
# anpr-ingest and a private PostgreSQL, with images (target >= 2,000/s)
BENCH_PREREQS += $(BUILD)/bin/anpr-ingest $(BUILD)/bin/anpr-upload $(BUILD)/bin/anpr-keygen \
	$(EV_FILL) $(INGEST_SETUP)
$(eval $(call add_bench,ingest,tests/ingest/bench-ingest $(BUILD)))
endif
