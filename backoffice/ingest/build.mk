# backoffice/ingest: anpr-ingest, the back office's receiving daemon (issue
# 17, docs/backoffice.md). libanpringest is its pure checks and the image
# store; the daemon adds libmicrohttpd (HTTPS, client certificates) and the
# store (libanprstore, backoffice/store) and its group commit
# (ingest_commit.c). tests/ingest/build.mk includes
# this file; the guard makes a second inclusion harmless.
ifndef INGEST_BUILD_MK
INGEST_BUILD_MK := 1
include daemon/evidence/build.mk
INGEST_SRCS := backoffice/ingest/ingest_check.c backoffice/ingest/imagestore.c \
	backoffice/ingest/imagestore_s3.c \
	backoffice/ingest/ingest_health.c backoffice/ingest/ingest_hash.c \
	backoffice/ingest/ingest_batch.c
$(eval $(call add_lib,anpringest,$(INGEST_SRCS)))
LINT_DIRS += backoffice/ingest
# the image store's S3 backend (imagestore_s3.c): libcurl signs and sends
# the requests, libxml2 reads the answers; what a program that opens an
# image store links (with libanpringest and libanprevidence)
XML2_CFLAGS := $(shell pkg-config --cflags libxml-2.0 2>/dev/null || echo -I/usr/include/libxml2)
$(call obj_of,backoffice/ingest/imagestore_s3.c) $(call aobj_of,backoffice/ingest/imagestore_s3.c): CFLAGS += $(XML2_CFLAGS)
LINT_TIDY_FLAGS += $(patsubst -I%,-isystem %,$(XML2_CFLAGS))
IMAGESTORE_LDLIBS := -lcurl -lxml2 -lnettle -lpthread

# The daemon needs the store library, built on branch bo-store; until that
# is merged (backoffice/store/build.mk), only the library above is built.
ifneq ($(wildcard backoffice/store/build.mk),)
include backoffice/store/build.mk
include backoffice/tls/build.mk
INGEST_LDLIBS := $(ANPRSTORE_LDLIBS) -lmicrohttpd -lgnutls -lnettle -lsystemd -ljansson -lpthread \
	$(IMAGESTORE_LDLIBS)
$(eval $(call add_prog,anpr-ingest,backoffice/ingest/anpr_ingest_main.c backoffice/ingest/ingest_commit.c,anpringest anprtls $(ANPRSTORE_LIBS),$(INGEST_LDLIBS)))

.PHONY: install-ingest
install-ingest: $(BUILD)/bin/anpr-ingest
	install -D -m 0755 $(BUILD)/bin/anpr-ingest $(DESTDIR)$(BINDIR)/anpr-ingest
	install -D -m 0644 man/anpr-ingest.8 $(DESTDIR)$(MANDIR)/man8/anpr-ingest.8
INSTALL_TARGETS += install-ingest
endif
endif
