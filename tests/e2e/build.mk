# End-to-end suites: the whole chain, from frames to verified records.
SUITE_PREREQS += $(BUILD)/bin/anprd $(BUILD)/bin/anpr-keygen $(BUILD)/bin/anpr-verify $(BUILD)/bin/anpr-status
$(eval $(call add_suite,e2e,demo-chain,tests/e2e/demo-chain))
$(eval $(call add_suite,e2e,anprd-faults,tests/e2e/anprd-faults $(BUILD)))
# beside the others (tests/run-suites): it waits out GPS fix ages and
# restarts (CPUs 19% busy alone)
SUITES_BESIDE += anprd-faults
# make demo through the back office: demo/run-demo into a directory of its
# own, with the programs make demo builds (demo/build.mk)
SUITE_PREREQS += $(DEMO_PREREQS)
$(eval $(call add_suite,e2e,demo-backoffice,tests/e2e/demo-backoffice))
