# Location of each read: fixed site or gpsd (in-vehicle cameras).
LOCATION_SRCS := daemon/location/location_tracker.c daemon/location/location_gpsd.c
LOCATION_LDLIBS := -lgps -lm -lpthread
$(eval $(call add_lib,anprlocation,$(LOCATION_SRCS)))
