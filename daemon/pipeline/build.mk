# anprd: the pipeline that joins capture, reader, tracker, hotlists, alerts
# and the evidence writer, and the daemon's main program.
INCLUDES += -Idaemon/pipeline
PIPELINE_SRCS := daemon/pipeline/pipeline.c daemon/pipeline/snapshot.c
$(eval $(call add_lib,anprpipeline,$(PIPELINE_SRCS)))
ANPRD_LIBS := anprpipeline anprdcore anprevidence anprreader anprcap anprimageio
ANPRD_LDLIBS := $(ANPRCAP_LDLIBS) -lsodium -lcurl -lsystemd -lm -lpthread
$(eval $(call add_prog,anprd,daemon/pipeline/anprd_main.c,$(ANPRD_LIBS),$(ANPRD_LDLIBS)))

# Records name the reader model that produced them: the SHA-256 of the
# weights built into the reader library.
$(BUILD)/obj/daemon/pipeline/anprd_main.o: $(READER_WEIGHTS)
$(BUILD)/obj/daemon/pipeline/anprd_main.o: CPPFLAGS += \
	-DANPR_READER_MODEL_SHA256='"$(firstword $(shell sha256sum $(READER_WEIGHTS)))"'

.PHONY: install-anprd
install-anprd: $(BUILD)/bin/anprd
	install -D -m 0755 $(BUILD)/bin/anprd $(DESTDIR)$(BINDIR)/anprd
	install -D -m 0644 man/anprd.8 $(DESTDIR)$(MANDIR)/man8/anprd.8
INSTALL_TARGETS += install-anprd
