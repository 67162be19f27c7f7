# tests/incar: anpr-incar, the in-car page (issue 23 item 3). The events'
# ring on its own (test_incar_events.c); end to end
# in Debian's headless Chromium against a real anprd replaying rendered
# frames (tests/incar/incar-e2e), which writes build/check/incar.png;
# anpr-incar there is the ASan + UBSan build of the same sources.
include daemon/incar/build.mk
# the events' ring on its own (cmocka, ASan + UBSan)
$(eval $(call add_test,incar_events,tests/incar/test_incar_events.c daemon/incar/incar_events.c,,-lpthread))
INCAR_ASAN := $(BUILD)/incar/anpr-incar-asan
$(INCAR_ASAN): $(call aobj_of,$(INCAR_SRCS)) $(call alib_of,anprevidence anprcommon)
	@mkdir -p $(@D)
	$(CC) $(SANFLAGS) -o $@ $^ $(LDFLAGS) $(INCAR_LDLIBS)
SUITE_PREREQS += $(INCAR_ASAN) $(BUILD)/bin/anpr-incar $(BUILD)/bin/anprd $(BUILD)/bin/anpr-keygen
$(eval $(call add_suite,e2e,incar-e2e,tests/incar/incar-e2e $(BUILD)))
