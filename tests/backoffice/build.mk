# tests/backoffice: the back office's store (issue 17) against a real
# PostgreSQL that each suite starts for itself (tests/lib/pg.sh).
$(eval $(call add_suite,unit,backoffice-pg-harness,tests/backoffice/pg-harness.sh))
