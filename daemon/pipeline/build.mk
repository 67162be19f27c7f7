# anprd: the pipeline that joins capture, reader, tracker, hotlists, alerts
# and the evidence writer, and the daemon's main program.
INCLUDES += -Idaemon/pipeline
PIPELINE_SRCS := daemon/pipeline/pipeline.c daemon/pipeline/pipeline_capture.c \
	daemon/pipeline/pipeline_read.c daemon/pipeline/pipeline_decide.c \
	daemon/pipeline/snapshot.c daemon/pipeline/anprd_log.c \
	daemon/pipeline/preflight.c daemon/pipeline/pipeline_config.c
$(eval $(call add_lib,anprpipeline,$(PIPELINE_SRCS)))
ANPRD_LIBS := anprpipeline anprdcore anprevidence anprreader anprcap anprimageio anprlocation
ANPRD_LDLIBS := $(ANPRCAP_LDLIBS) -lsodium -lcurl -lgps -lsystemd -lm -lpthread
$(eval $(call add_prog,anprd,daemon/pipeline/anprd_main.c,$(ANPRD_LIBS),$(ANPRD_LDLIBS)))

# Records name the reader model that produced them: the SHA-256 of the
# weights built into the reader library, its two files one after the other
# (chars.bin, then lines.bin; docs/record-format.md).
$(BUILD)/obj/daemon/pipeline/anprd_main.o: $(READER_WEIGHTS)
$(BUILD)/obj/daemon/pipeline/anprd_main.o: CPPFLAGS += \
	-DANPR_READER_MODEL_SHA256='"$(firstword $(shell cat $(READER_WEIGHTS) | sha256sum))"'

.PHONY: install-anprd
install-anprd: $(BUILD)/bin/anprd
	install -D -m 0755 $(BUILD)/bin/anprd $(DESTDIR)$(BINDIR)/anprd
	install -D -m 0644 man/anprd.8 $(DESTDIR)$(MANDIR)/man8/anprd.8
INSTALL_TARGETS += install-anprd

# anpr-status: the operator's one-screen view of anprd and anpr-upload.
$(eval $(call add_prog,anpr-status,tools/anpr-status.c,,-ljansson))
.PHONY: install-anpr-status
install-anpr-status: $(BUILD)/bin/anpr-status
	install -D -m 0755 $(BUILD)/bin/anpr-status $(DESTDIR)$(BINDIR)/anpr-status
	install -D -m 0644 man/anpr-status.1 $(DESTDIR)$(MANDIR)/man1/anpr-status.1
INSTALL_TARGETS += install-anpr-status
