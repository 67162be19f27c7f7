# Unit tests of anprd's pipeline library (daemon/anprd). Its build.mk is
# not included here: read in the top Makefile's */*/build.mk pass, after
# daemon/reader's, it sees READER_WEIGHTS.
$(eval $(call add_test,anprd_log,tests/pipeline/test_anprd_log.c,anprpipeline,-lsystemd))
$(eval $(call add_test,pipeline_config,tests/pipeline/test_pipeline_config.c,anprpipeline anprdcore anprevidence anprreader anprimageio anprcommon,-lsodium -lm -lpthread))
# the decision step fed made-up results (no camera, reader or thread)
$(eval $(call add_test,pipeline_decide,tests/pipeline/test_decide.c,anprpipeline anprdcore anprevidence anprreader anprcap anprimageio anprlocation anprcommon,$(ANPRCAP_LDLIBS) -lsodium -lcurl -lgps -lsystemd -lm -lpthread))
