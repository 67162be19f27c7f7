# daemon/anprd: the ANPR daemon's programs: anprd (its main and the pipeline
# that joins capture, reader, tracker, hotlists, alerts and the evidence
# writer, libanprpipeline) and anprd-checkconf. Its pure logic is
# libanprdcore (daemon/core).
PIPELINE_SRCS := daemon/anprd/pipeline.c daemon/anprd/pipeline_capture.c \
	daemon/anprd/pipeline_read.c daemon/anprd/pipeline_decide.c \
	daemon/anprd/snapshot.c daemon/anprd/anprd_log.c \
	daemon/anprd/preflight.c daemon/anprd/pipeline_config.c
$(eval $(call add_lib,anprpipeline,$(PIPELINE_SRCS)))
ANPRD_LIBS := anprpipeline anprdcore anprevidence anprreader anprcap anprimageio anprlocation anprcommon
ANPRD_LDLIBS := $(ANPRCAP_LDLIBS) -lsodium -lcurl -lgps -lsystemd -lm -lpthread
$(eval $(call add_prog,anprd,daemon/anprd/anprd_main.c,$(ANPRD_LIBS),$(ANPRD_LDLIBS)))

# Records name the reader model that produced them: the SHA-256 of the
# weights built into the reader library, its two files one after the other
# (chars.bin, then lines.bin; docs/record-format.md).
$(BUILD)/obj/daemon/anprd/anprd_main.o: $(READER_WEIGHTS)
$(BUILD)/obj/daemon/anprd/anprd_main.o: CPPFLAGS += \
	-DANPR_READER_MODEL_SHA256='"$(firstword $(shell cat $(READER_WEIGHTS) | sha256sum))"'

.PHONY: install-anprd
install-anprd: $(BUILD)/bin/anprd
	install -D -m 0755 $(BUILD)/bin/anprd $(DESTDIR)$(BINDIR)/anprd
	install -D -m 0644 man/anprd.8 $(DESTDIR)$(MANDIR)/man8/anprd.8
INSTALL_TARGETS += install-anprd

# anprd-checkconf: validate anprd.conf and the hotlists it names.
# Its checks are anprd's own (daemon/anprd/preflight.c).
$(eval $(call add_prog,anprd-checkconf,daemon/anprd/anprd_checkconf.c,anprpipeline anprdcore anprevidence anprcommon,-lsodium -lm))

.PHONY: install-anprd-checkconf
install-anprd-checkconf: $(BUILD)/bin/anprd-checkconf
	install -D -m 0755 $(BUILD)/bin/anprd-checkconf $(DESTDIR)$(BINDIR)/anprd-checkconf
	install -D -m 0644 man/anprd-checkconf.8 $(DESTDIR)$(MANDIR)/man8/anprd-checkconf.8
INSTALL_TARGETS += install-anprd-checkconf

# anpr-status: the operator's one-screen view of anprd and anpr-upload.
$(eval $(call add_prog,anpr-status,tools/anpr-status.c,,-ljansson))
.PHONY: install-anpr-status
install-anpr-status: $(BUILD)/bin/anpr-status
	install -D -m 0755 $(BUILD)/bin/anpr-status $(DESTDIR)$(BINDIR)/anpr-status
	install -D -m 0644 man/anpr-status.1 $(DESTDIR)$(MANDIR)/man1/anpr-status.1
INSTALL_TARGETS += install-anpr-status

# anpr-alerts: the in-car (any terminal's) view of anprd's alert socket.
$(eval $(call add_prog,anpr-alerts,tools/anpr-alerts.c,anprevidence anprcommon,-ljansson -lsodium))
.PHONY: install-anpr-alerts
install-anpr-alerts: $(BUILD)/bin/anpr-alerts
	install -D -m 0755 $(BUILD)/bin/anpr-alerts $(DESTDIR)$(BINDIR)/anpr-alerts
	install -D -m 0644 man/anpr-alerts.1 $(DESTDIR)$(MANDIR)/man1/anpr-alerts.1
INSTALL_TARGETS += install-anpr-alerts
