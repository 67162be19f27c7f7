# backoffice/store: anprstore, the back office's evidential store on
# PostgreSQL (libpq); the schema's migrations are backoffice/sql/. The top
# Makefile includes tests/*/build.mk before */*/build.mk, and
# tests/backoffice/build.mk (and anpr-ingest's build.mk) include this
# file: the guard makes a second inclusion harmless.
ifndef ANPRSTORE_BUILD_MK
ANPRSTORE_BUILD_MK := 1
include daemon/evidence/build.mk
include daemon/core/build.mk
# libpq-fe.h lives in /usr/include/postgresql; only the store's own
# sources include it (anprstore.h does not), so only they get the flag.
PQ_CFLAGS := $(shell pkg-config --cflags libpq 2>/dev/null || echo -I/usr/include/postgresql)
ANPRSTORE_SRCS := backoffice/store/store.c backoffice/store/register.c \
	backoffice/store/records.c backoffice/store/records_group.c \
	backoffice/store/holdings.c backoffice/store/query.c backoffice/store/audit.c \
	backoffice/store/retention.c backoffice/store/export.c \
	backoffice/store/alerts.c backoffice/store/clones.c backoffice/store/store_arr.c backoffice/store/adopt.c \
	backoffice/store/accuracy.c
$(call obj_of,$(ANPRSTORE_SRCS)) $(call aobj_of,$(ANPRSTORE_SRCS)): CFLAGS += $(PQ_CFLAGS)
$(eval $(call add_lib,anprstore,$(ANPRSTORE_SRCS)))
# What a program using anprstore links, in this order (users before used).
ANPRSTORE_LIBS := anprstore anprdcore anprevidence anprcommon
ANPRSTORE_LDLIBS := -lpq -lsodium
# Where `make install` puts the migrations; anpr-db migrate's default.
SQLDIR ?= $(PREFIX)/share/anpr/sql

.PHONY: install-anprstore
install-anprstore:
	install -d $(DESTDIR)$(SQLDIR)
	install -m 0644 backoffice/sql/*.sql $(DESTDIR)$(SQLDIR)/
INSTALL_TARGETS += install-anprstore

# lint: the store's sources need libpq's headers, which the common lint
# targets do not pass, so they are linted here.
ANPRSTORE_LINT_SRCS = $(ANPRSTORE_SRCS) $(ANPRDB_SRCS) $(ANPRQUERY_SRCS)
.PHONY: lint-anprstore
LINT_TARGETS += lint-anprstore
lint-anprstore:
	cppcheck --quiet --error-exitcode=1 --std=c11 --enable=warning,performance,portability \
		--inline-suppr --suppress=missingIncludeSystem -D__GNUC__ -D_GNU_SOURCE \
		$(INCLUDES) $(ANPRSTORE_LINT_SRCS)
	@bad=0; for f in $(ANPRSTORE_LINT_SRCS); do \
		clang-tidy --quiet $$f -- $(CSTD) $(CPPFLAGS) $(INCLUDES) $(PQ_CFLAGS) 2>/dev/null || \
			{ echo "clang-tidy: $$f"; bad=$$((bad + 1)); }; \
	done; \
	if [ $$bad -ne 0 ]; then echo "clang-tidy: $$bad files with findings"; exit 1; fi
endif
