# tests/ingest: anpr-ingest's checks on real signed records (cmocka), the
# image store on a real filesystem (and a real full one).
include backoffice/ingest/build.mk
$(eval $(call add_test,ingest_check,tests/ingest/test_ingest_check.c,anpringest anprupload anprevidence,-lsodium -ljansson -lcurl))
$(eval $(call add_test,ingest_imagestore,tests/ingest/test_imagestore.c,anpringest anprevidence,-lsodium))
