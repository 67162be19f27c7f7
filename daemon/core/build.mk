# daemon/core: libanprdcore, the ANPR daemon's pure logic (config, hotlists,
# tracker, alerts formatting, camera health); it unit-tests without a
# camera, a kernel or a clock. The daemon's program is in daemon/anprd.
# The top Makefile includes only */build.mk and tests/*/build.mk, so
# tests/anprd/build.mk (and backoffice/store's) includes this file; the guard makes a second
# inclusion (should the top Makefile pick up daemon/*/build.mk) harmless.
ifndef ANPRDCORE_BUILD_MK
ANPRDCORE_BUILD_MK := 1

ANPRDCORE_SRCS := daemon/core/ini.c daemon/core/config.c daemon/core/roi.c \
	daemon/core/vrm.c daemon/core/hotlist.c daemon/core/hotlist_csv.c \
	daemon/core/hotlist_holder.c daemon/core/tracker.c daemon/core/alert.c \
	daemon/core/alert_sock.c daemon/core/alert_journal.c \
	daemon/core/alert_webhook.c daemon/core/alert_dispatch.c \
	daemon/core/health.c daemon/core/config_map.c daemon/core/recent.c \
	daemon/core/health_alert.c daemon/core/utf8.c daemon/core/capture_state.c \
	daemon/core/unread_rate.c

# Its users link anprevidence and anprcommon after it: the configuration
# and hotlist files are read with read_file_limited()
# (daemon/common/readfile.c).
$(eval $(call add_lib,anprdcore,$(ANPRDCORE_SRCS)))


endif
