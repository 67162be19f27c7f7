# daemon/evidence: evidential records (issue 6): library anprevidence, the
# tools anpr-keygen and anpr-verify. The top Makefile includes only
# */build.mk and tests/*/build.mk, so tests/evidence/build.mk includes this
# file; the guard makes a second inclusion harmless.
ifndef EVIDENCE_BUILD_MK
EVIDENCE_BUILD_MK := 1
EVIDENCE_SRCS := daemon/evidence/record.c daemon/evidence/minisig.c \
	daemon/evidence/hash.c daemon/evidence/keyfile.c daemon/evidence/secmem.c \
	daemon/evidence/chain.c \
	daemon/evidence/spool.c daemon/evidence/recover.c daemon/evidence/writer.c \
	daemon/evidence/verify.c daemon/evidence/verify_path.c daemon/evidence/verify_ledger.c \
	daemon/evidence/verify_files.c daemon/evidence/verify_bundle.c \
	daemon/evidence/verify_anchor.c daemon/evidence/verify_disclose.c \
	daemon/evidence/proof.c daemon/evidence/readfile.c \
	daemon/evidence/ustar.c
$(eval $(call add_lib,anprevidence,$(EVIDENCE_SRCS)))
$(eval $(call add_prog,anpr-keygen,tools/anpr-keygen.c,anprevidence anprcommon,-lsodium))
$(eval $(call add_prog,anpr-verify,tools/anpr-verify.c tools/anpr-verify-export.c,anprevidence anprcommon,-lsodium))

# Test/benchmark driver (not installed): release build, for speed.
EV_FILL := $(BUILD)/evidence/ev_fill
$(EV_FILL): $(call obj_of,tests/evidence/ev_fill.c) $(call lib_of,anprevidence anprcommon)
	@mkdir -p $(@D)
	$(CC) $(OPTFLAGS) -o $@ $^ $(LDFLAGS) -lsodium -lpthread
EV_BENCH_SIGN := $(BUILD)/evidence/bench_sign
$(EV_BENCH_SIGN): $(call obj_of,tests/evidence/bench_sign.c) $(call lib_of,anprevidence anprcommon)
	@mkdir -p $(@D)
	$(CC) $(OPTFLAGS) -o $@ $^ $(LDFLAGS) -lsodium
BENCH_PREREQS += $(BUILD)/bin/anpr-keygen $(EV_FILL) $(EV_BENCH_SIGN)
$(eval $(call add_bench,evidence,tests/evidence/bench.sh $(BUILD)))
$(eval $(call add_bench,evidence-ledger,tests/evidence/bench-ledger $(BUILD)))

.PHONY: lint-evidence
LINT_TARGETS += lint-evidence
lint-evidence:
	cppcheck -q --std=c11 --enable=warning,performance,portability --inline-suppr \
		--error-exitcode=1 -D_GNU_SOURCE -Idaemon $(EVIDENCE_SRCS) \
		tools/anpr-verify.c tools/anpr-verify-export.c tools/anpr-keygen.c tests/evidence/*.c

.PHONY: install-evidence
INSTALL_TARGETS += install-evidence
install-evidence: $(BUILD)/bin/anpr-keygen $(BUILD)/bin/anpr-verify
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1
	install -m 755 $(BUILD)/bin/anpr-keygen $(BUILD)/bin/anpr-verify $(DESTDIR)$(BINDIR)/
	install -m 644 man/anpr-keygen.1 man/anpr-verify.1 $(DESTDIR)$(MANDIR)/man1/
endif
