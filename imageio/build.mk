# imageio: decode JPEG/PNG/PGM/PPM to 8-bit grey, encode JPEG.
INCLUDES += -Iimageio
IMAGEIO_SRCS := imageio/image_core.c imageio/image_jpeg.c imageio/image_png.c \
                imageio/image_pnm.c imageio/image_write.c
IMAGEIO_LDLIBS := -ljpeg -lpng -lz
$(eval $(call add_lib,anprimageio,$(IMAGEIO_SRCS)))
