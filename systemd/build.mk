# systemd units, sysusers and tmpfiles snippets: checked offline with
# systemd's own tools (tests/systemd/check-units), installed by make install.
$(eval $(call add_suite,unit,systemd-units,tests/systemd/check-units))

.PHONY: install-systemd
install-systemd:
	install -d $(DESTDIR)$(UNITDIR)
	for u in anprd.service anpr-upload.service anpr-ingest.service anpr-console.service anpr-incar.service \
		 anpr-purge.service anpr-purge.timer anpr-audit-seal.service anpr-audit-seal.timer; do \
		sed -e 's|@BINDIR@|$(BINDIR)|g' -e 's|@DOCDIR@|$(DOCDIR)|g' \
		    -e 's|@WWWDIR@|$(WWWDIR)|g' \
		    -e 's|@INCARWWWDIR@|$(INCAR_WWWDIR)|g' systemd/$$u > $(DESTDIR)$(UNITDIR)/$$u; \
		chmod 644 $(DESTDIR)$(UNITDIR)/$$u; \
	done
	install -D -m 644 systemd/anpr.sysusers $(DESTDIR)/usr/lib/sysusers.d/anpr.conf
	install -D -m 644 systemd/anpr.tmpfiles $(DESTDIR)/usr/lib/tmpfiles.d/anpr.conf
INSTALL_TARGETS += install-systemd
