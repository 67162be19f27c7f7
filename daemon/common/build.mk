# daemon/common: libanprcommon, the few helpers that libraries of both
# sides need and that must not drag in a dependency (libsodium, curl): the
# tree's one whole-file read with a size limit (readfile.c, issue 22).
# Every program or test that links libanprevidence or libanprreader links
# it after them. alert_feed.c is the client of anprd's alert socket that
# anpr-alerts and anpr-incar share. The guard makes a second inclusion harmless.
ifndef COMMON_BUILD_MK
COMMON_BUILD_MK := 1
COMMON_SRCS := daemon/common/readfile.c daemon/common/timeutil.c daemon/common/alert_feed.c
$(eval $(call add_lib,anprcommon,$(COMMON_SRCS)))
endif
