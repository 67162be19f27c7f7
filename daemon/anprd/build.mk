# anprd: the ANPR daemon. libanprdcore is its pure logic (config, hotlists,
# tracker, alerts formatting, camera health); it unit-tests without a
# camera, a kernel or a clock.
# The top Makefile includes only */build.mk and tests/*/build.mk, so
# tests/anprd/build.mk includes this file; the guard makes a second
# inclusion (should the top Makefile pick up daemon/*/build.mk) harmless.
ifndef ANPRD_BUILD_MK
ANPRD_BUILD_MK := 1
INCLUDES += -Idaemon/anprd

ANPRDCORE_SRCS := daemon/anprd/ini.c daemon/anprd/config.c daemon/anprd/roi.c \
	daemon/anprd/vrm.c daemon/anprd/hotlist.c daemon/anprd/hotlist_csv.c \
	daemon/anprd/hotlist_holder.c daemon/anprd/tracker.c daemon/anprd/alert.c \
	daemon/anprd/alert_sock.c daemon/anprd/alert_journal.c \
	daemon/anprd/alert_webhook.c daemon/anprd/alert_dispatch.c \
	daemon/anprd/health.c daemon/anprd/config_map.c daemon/anprd/recent.c \
	daemon/anprd/health_alert.c daemon/anprd/utf8.c daemon/anprd/readfile.c

$(eval $(call add_lib,anprdcore,$(ANPRDCORE_SRCS)))

# anprd-checkconf: validate anprd.conf and the hotlists it names.
# Its checks are anprd's own (daemon/pipeline/preflight.c).
$(eval $(call add_prog,anprd-checkconf,daemon/anprd/anprd_checkconf.c,anprpipeline anprdcore anprevidence,-lsodium -lm))

.PHONY: install-anprdcore
install-anprdcore: $(BUILD)/bin/anprd-checkconf
	install -D -m 0755 $(BUILD)/bin/anprd-checkconf $(DESTDIR)$(BINDIR)/anprd-checkconf
	install -D -m 0644 man/anprd-checkconf.8 $(DESTDIR)$(MANDIR)/man8/anprd-checkconf.8
INSTALL_TARGETS += install-anprdcore

endif
