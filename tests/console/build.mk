# tests/console: anpr-console (issue 23). The alert line's check on its
# own (cmocka, ASan + UBSan); end to end, a private PostgreSQL, a PKI,
# anpr-console and Debian's headless Chromium driven over the DevTools
# protocol (tests/console/cdp.py), which writes build/check/console.png;
# the cameras are registered with tests/ingest's ingest_setup.
include backoffice/console/build.mk
$(eval $(call add_test,console_alert,tests/console/test_console_alert.c,anprconsole,-ljansson))
SUITE_PREREQS += $(BUILD)/bin/anpr-console $(BUILD)/bin/anpr-keygen $(BUILD)/bin/anpr-audit \
	$(BUILD)/bin/anprd \
	$(BUILD)/ingest/ingest_setup
$(eval $(call add_suite,e2e,console-e2e,tests/console/console-e2e $(BUILD)))
