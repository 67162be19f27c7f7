# Unit tests of anprd's core logic (libanprdcore). They run from the top
# directory (test_config reads docs/anprd-conf.md).
include daemon/anprd/build.mk
$(eval $(call add_test,anprd_config,tests/anprd/test_config.c,anprdcore,-lm))
$(eval $(call add_test,anprd_hotlist,tests/anprd/test_hotlist.c,anprdcore,-lpthread -lm))
$(eval $(call add_test,anprd_tracker,tests/anprd/test_tracker.c,anprdcore,-lm))
$(eval $(call add_test,anprd_alerts,tests/anprd/test_alerts.c tests/anprd/loopback_http.c,anprdcore,-lcurl -lsystemd -lpthread))
$(eval $(call add_test,anprd_alert_journal,tests/anprd/test_alert_journal.c,anprdcore,-lsystemd))
$(eval $(call add_test,anprd_health,tests/anprd/test_health.c,anprdcore,))

# Benchmarks (release build).
$(eval $(call add_prog,anprd_bench_hotlist,tests/anprd/bench_hotlist.c,anprdcore,-lpthread -lm))
BENCH_PREREQS += $(BUILD)/bin/anprd_bench_hotlist
$(eval $(call add_bench,anprd_hotlist,$(BUILD)/bin/anprd_bench_hotlist))
