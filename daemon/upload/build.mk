# anpr-upload: spooled records to the back office over HTTPS (libcurl).
UPLOAD_SRCS := daemon/upload/upload_spool.c daemon/upload/upload_http.c \
	daemon/upload/upload_window.c
UPLOAD_LDLIBS := -lcurl -lsodium -ljansson -lpthread
$(eval $(call add_lib,anprupload,$(UPLOAD_SRCS)))
$(eval $(call add_prog,anpr-upload,daemon/upload/anpr_upload_main.c,anprupload anprdcore anprevidence anprcommon,$(UPLOAD_LDLIBS) -lsystemd -lm -lpthread))

.PHONY: install-upload
install-upload: $(BUILD)/bin/anpr-upload
	install -D -m 0755 $(BUILD)/bin/anpr-upload $(DESTDIR)$(BINDIR)/anpr-upload
	install -D -m 0644 man/anpr-upload.8 $(DESTDIR)$(MANDIR)/man8/anpr-upload.8
INSTALL_TARGETS += install-upload
