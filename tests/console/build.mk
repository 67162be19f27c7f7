# tests/console: anpr-console (issue 23). The alert line's check on its
# own and the rate limits' buckets (cmocka, ASan + UBSan); end to end, a private PostgreSQL, a PKI,
# anpr-console and Debian's headless Chromium driven over the DevTools
# protocol (tests/console/cdp.py), which writes build/check/console.png;
# the cameras are registered with tests/ingest's ingest_setup.
include backoffice/console/build.mk
$(eval $(call add_test,console_alert,tests/console/test_console_alert.c,anprconsole,-ljansson))
$(eval $(call add_test,console_limit,tests/console/test_console_limit.c,anprconsole,-lpthread -lm))
# the suite runs anpr-console built with ASan + UBSan (the same sources as
# build/bin/anpr-console): a memory error or a leak at its exit fails it
CONSOLE_ASAN := $(BUILD)/console/anpr-console-asan
$(CONSOLE_ASAN): $(call aobj_of,$(CONSOLE_SRCS)) $(call alib_of,anprconsole anprtls anprdisclose anpringest \
	$(ANPRSTORE_LIBS))
	@mkdir -p $(@D)
	$(CC) $(SANFLAGS) -o $@ $^ $(LDFLAGS) $(CONSOLE_LDLIBS)
SUITE_PREREQS += $(CONSOLE_ASAN) $(BUILD)/bin/anpr-console $(BUILD)/bin/anpr-keygen $(BUILD)/bin/anpr-audit \
	$(BUILD)/bin/anprd $(BUILD)/bin/anpr-ingest $(BUILD)/bin/anpr-upload \
	$(BUILD)/ingest/ingest_setup $(EV_FILL)
$(eval $(call add_suite,e2e,console-e2e,tests/console/console-e2e $(BUILD)))
# read accuracy (issue 23 item 5): anprd's reads through anpr-upload and
# anpr-ingest sampled, reviewed on the page in Chromium (images, verdicts,
# figures), writes build/check/console-accuracy.png
SUITE_PREREQS += $(BUILD)/bin/anpr-db
$(eval $(call add_suite,e2e,console-accuracy,tests/console/console-accuracy $(BUILD)))
# make bench: capture to hit on the screen, in the browser (issue 23's
# target, p99 < 1 s): anprd on rendered frames in real time, its webhook to
# anpr-console, an operator's page in headless Chromium
BENCH_PREREQS += $(BUILD)/bin/anpr-console $(BUILD)/bin/anprd $(BUILD)/bin/anpr-keygen \
	$(BUILD)/ingest/ingest_setup
$(eval $(call add_bench,console,tests/console/bench-console $(BUILD)))
