include daemon/upload/build.mk
# anpr-upload against a faulty loopback HTTPS back office, 1,000 records.
SUITE_PREREQS += $(BUILD)/bin/anpr-upload $(BUILD)/bin/anpr-keygen $(BUILD)/bin/anpr-verify $(EV_FILL)
$(eval $(call add_suite,e2e,upload-faults,tests/upload/upload-faults $(BUILD) 1000))
# beside the others (tests/run-suites): it waits out its back office's
# stalls, timeouts and restarts (CPUs 40% busy alone, 85 s)
SUITES_BESIDE += upload-faults
$(eval $(call add_test,upload_pure,tests/upload/test_upload.c,anprupload anprevidence anprcommon,$(UPLOAD_LDLIBS)))
# make bench: records/s with deletions committed one by one and in groups.
BENCH_PREREQS += $(BUILD)/bin/anpr-upload $(BUILD)/bin/anpr-keygen $(EV_FILL)
$(eval $(call add_bench,upload,tests/upload/bench-upload $(BUILD)))
$(eval $(call add_prog,anpr-upload-bench-commit,tests/upload/bench_commit.c,anprupload anprevidence anprcommon,$(UPLOAD_LDLIBS)))
BENCH_PREREQS += $(BUILD)/bin/anpr-upload-bench-commit
