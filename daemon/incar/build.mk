# daemon/incar: anpr-incar, the in-car page (issue 23 item 3,
# docs/incar.md): libmicrohttpd (a thread per connection), jansson (an
# alert's check), libanprcommon's alert_feed (anprd's socket), the
# evidence library (a plate patch's record parsed, its SHA-256 checked).
# The page is HTML, CSS and JavaScript as written: no build step, no CDN.
# tests/incar/build.mk includes this file; the guard makes that harmless.
ifndef INCAR_BUILD_MK
INCAR_BUILD_MK := 1
INCAR_SRCS := daemon/incar/anpr_incar_main.c daemon/incar/incar_events.c \
	daemon/incar/incar_http.c daemon/incar/incar_plate.c
INCAR_LDLIBS := -lmicrohttpd -ljansson -lsystemd -lsodium -lpthread
$(eval $(call add_prog,anpr-incar,$(INCAR_SRCS),anprevidence anprcommon,$(INCAR_LDLIBS)))
INCAR_WWW := daemon/incar/www/index.html daemon/incar/www/incar.js daemon/incar/www/incar.css
INCAR_WWWDIR ?= $(PREFIX)/share/anpr/incar

.PHONY: install-incar
install-incar: $(BUILD)/bin/anpr-incar
	install -D -m 0755 $(BUILD)/bin/anpr-incar $(DESTDIR)$(BINDIR)/anpr-incar
	install -d $(DESTDIR)$(INCAR_WWWDIR)
	install -m 0644 $(INCAR_WWW) $(DESTDIR)$(INCAR_WWWDIR)/
	install -D -m 0644 man/anpr-incar.8 $(DESTDIR)$(MANDIR)/man8/anpr-incar.8
INSTALL_TARGETS += install-incar
endif
