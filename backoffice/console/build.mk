# backoffice/console: anpr-console, the control room's server (issue 23,
# docs/console.md). libanprconsole is its pure part (the alert line's
# check, jansson); the daemon adds libmicrohttpd + GnuTLS (the cameras'
# client certificates through backoffice/tls, as anpr-ingest), libpq (the
# people's own connections, the LISTEN of the fan-out) and anprstore (the
# register, the alerts' table). tests/console/build.mk includes this
# file; the guard makes a second inclusion harmless.
ifndef CONSOLE_BUILD_MK
CONSOLE_BUILD_MK := 1
include backoffice/store/build.mk
include backoffice/tls/build.mk
# the evidence export (libanprdisclose, with the image store it reads)
include backoffice/tools/build.mk
$(eval $(call add_lib,anprconsole,backoffice/console/console_alert.c backoffice/console/console_limit.c))
CONSOLE_SRCS := backoffice/console/anpr_console_main.c backoffice/console/console_camera.c \
	backoffice/console/console_people.c backoffice/console/console_events.c \
	backoffice/console/console_search.c backoffice/console/console_accuracy.c \
	backoffice/console/console_actions.c backoffice/console/console_clones.c \
	backoffice/console/console_export.c
$(call obj_of,$(CONSOLE_SRCS)) $(call aobj_of,$(CONSOLE_SRCS)): CFLAGS += $(PQ_CFLAGS)
CONSOLE_LDLIBS := $(ANPRSTORE_LDLIBS) $(ANPRTLS_LDLIBS) -lmicrohttpd -lsystemd -ljansson -lpthread \
	-lm $(IMAGESTORE_LDLIBS)
$(eval $(call add_prog,anpr-console,$(CONSOLE_SRCS),anprconsole anprtls anprdisclose anpringest \
	$(ANPRSTORE_LIBS),$(CONSOLE_LDLIBS)))
# the page: HTML, CSS and JavaScript as written, no build step, no CDN
CONSOLE_WWW := backoffice/console/www/index.html backoffice/console/www/console.js \
	backoffice/console/www/console.css
WWWDIR ?= $(PREFIX)/share/anpr/console

.PHONY: install-console lint-console
install-console: $(BUILD)/bin/anpr-console
	install -D -m 0755 $(BUILD)/bin/anpr-console $(DESTDIR)$(BINDIR)/anpr-console
	install -d $(DESTDIR)$(WWWDIR)
	install -m 0644 $(CONSOLE_WWW) $(DESTDIR)$(WWWDIR)/
	install -D -m 0644 man/anpr-console.8 $(DESTDIR)$(MANDIR)/man8/anpr-console.8
INSTALL_TARGETS += install-console

# lint: the daemon's sources need libpq's headers (as the store's)
CONSOLE_LINT_SRCS := backoffice/console/console_alert.c backoffice/console/console_limit.c \
	$(CONSOLE_SRCS)
LINT_TARGETS += lint-console
lint-console:
	cppcheck --quiet --error-exitcode=1 --std=c11 --enable=warning,performance,portability \
		--inline-suppr --suppress=missingIncludeSystem -D__GNUC__ -D_GNU_SOURCE \
		$(INCLUDES) $(CONSOLE_LINT_SRCS)
	@bad=0; for f in $(CONSOLE_LINT_SRCS); do \
		clang-tidy --quiet $$f -- $(CSTD) $(CPPFLAGS) $(INCLUDES) $(PQ_CFLAGS) 2>/dev/null || \
			{ echo "clang-tidy: $$f"; bad=$$((bad + 1)); }; \
	done; \
	if [ $$bad -ne 0 ]; then echo "clang-tidy: $$bad files with findings"; exit 1; fi
endif
