# Unit tests of anprd's core logic (libanprdcore). They run from the top
# directory (test_config reads docs/anprd-conf.md).
include daemon/anprd/build.mk
$(eval $(call add_test,anprd_config,tests/anprd/test_config.c,anprdcore,-lm))
