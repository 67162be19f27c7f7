include daemon/location/build.mk
$(eval $(call add_test,test_location,tests/location/test_location.c,anprlocation anprcommon,$(LOCATION_LDLIBS)))
