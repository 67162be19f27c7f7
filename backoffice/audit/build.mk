# backoffice/audit: anpr-audit, the audit chain checked and sealed outside
# the database (issue 20, docs/access.md "4. Audit"); audit_chain.c is its
# pure rules.
ifndef ANPR_AUDIT_BUILD_MK
ANPR_AUDIT_BUILD_MK := 1
include backoffice/store/build.mk
$(eval $(call add_lib,anpraudit,backoffice/audit/audit_chain.c))
$(eval $(call add_prog,anpr-audit,backoffice/audit/anpr-audit.c,anpraudit $(ANPRSTORE_LIBS),$(ANPRSTORE_LDLIBS)))
LINT_DIRS += backoffice/audit

.PHONY: install-anpr-audit
install-anpr-audit: $(BUILD)/bin/anpr-audit
	install -D -m 0755 $(BUILD)/bin/anpr-audit $(DESTDIR)$(BINDIR)/anpr-audit
	install -D -m 0644 man/anpr-audit.8 $(DESTDIR)$(MANDIR)/man8/anpr-audit.8
INSTALL_TARGETS += install-anpr-audit
endif
