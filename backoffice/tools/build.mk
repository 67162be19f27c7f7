# backoffice/tools: anpr-db (migrations, camera register), anpr-query
# (search, export); GnuTLS reads
# the camera certificates (see anpr-db.c for why GnuTLS). Included by
# tests/backoffice/build.mk; the guard makes a second inclusion harmless.
ifndef ANPR_BO_TOOLS_BUILD_MK
ANPR_BO_TOOLS_BUILD_MK := 1
include backoffice/store/build.mk
# the image store (libanpringest: a directory or an S3 bucket) for purge
# and export
include backoffice/ingest/build.mk
ANPRDB_SRCS := backoffice/tools/anpr-db.c
$(call obj_of,$(ANPRDB_SRCS)) $(call aobj_of,$(ANPRDB_SRCS)): CPPFLAGS += -DANPR_SQLDIR='"$(SQLDIR)"'
$(eval $(call add_prog,anpr-db,$(ANPRDB_SRCS),anpringest $(ANPRSTORE_LIBS),$(ANPRSTORE_LDLIBS) -lgnutls -ljansson -lm $(IMAGESTORE_LDLIBS)))

# the disclosure bundles (libanprdisclose), anpr-query's and anpr-console's
$(eval $(call add_lib,anprdisclose,backoffice/tools/disclosure.c))
# anpr-query: search and evidence export (jansson for --json)
ANPRQUERY_SRCS := backoffice/tools/anpr-query.c
$(eval $(call add_prog,anpr-query,$(ANPRQUERY_SRCS),anprdisclose anpringest $(ANPRSTORE_LIBS),$(ANPRSTORE_LDLIBS) -ljansson $(IMAGESTORE_LDLIBS)))

.PHONY: install-anpr-db
install-anpr-db: $(BUILD)/bin/anpr-db $(BUILD)/bin/anpr-query install-anprstore
	install -D -m 0755 $(BUILD)/bin/anpr-db $(DESTDIR)$(BINDIR)/anpr-db
	install -D -m 0644 man/anpr-db.8 $(DESTDIR)$(MANDIR)/man8/anpr-db.8
	install -D -m 0755 $(BUILD)/bin/anpr-query $(DESTDIR)$(BINDIR)/anpr-query
	install -D -m 0644 man/anpr-query.1 $(DESTDIR)$(MANDIR)/man1/anpr-query.1
INSTALL_TARGETS += install-anpr-db
endif
