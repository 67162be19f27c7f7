# Unit tests of anprd's pipeline library (daemon/pipeline).
include daemon/pipeline/build.mk
$(eval $(call add_test,anprd_log,tests/pipeline/test_anprd_log.c,anprpipeline,-lsystemd))
