# Unit tests for imageio (ASan + UBSan, cmocka).
$(eval $(call add_test,test_imageio,tests/imageio/test_imageio.c,anprimageio,$(IMAGEIO_LDLIBS)))
