# libanprcap: one capture API over V4L2, USB sensors (libusb), libcamera and
# recorded files. Public header: libanprcap/include/anprcap.h.
#   build/lib/libanprcap.a            static, in-tree users link "anprcap anprimageio"
#   build/lib/libanprcap.so.0         shared (soname libanprcap.so.0), public symbols only
#   build/lib/pkgconfig/libanprcap.pc for integrators (make install;
#                                     anprcap.pc: its old name)
#   build/bin/anpr-capture            the tool
INCLUDES += -Ilibanprcap/include

ANPRCAP_SOVER   := 0
ANPRCAP_SRCS    := libanprcap/src/core.c libanprcap/src/pace.c libanprcap/src/y4m.c \
                   libanprcap/src/file.c libanprcap/src/null.c
ANPRCAP_DEFS    :=
# What a static link needs besides the archive, in the .pc's Libs.private:
# plain -l flags, not Requires.private, since pkg-config reads the modules
# of Requires.private even for --cflags, so a consumer without libusb's or
# libcamera's .pc could not build against the shared library, whose
# public header needs neither.
ANPRCAP_PRIV    :=
# Users of the static library link: anprcap anprimageio + $(ANPRCAP_LDLIBS)
ANPRCAP_LDLIBS  := -ljpeg -lpng -lz

# V4L2 (Linux headers only).
ifneq ($(wildcard libanprcap/src/v4l2.c),)
ANPRCAP_SRCS    += libanprcap/src/v4l2.c libanprcap/src/v4l2_meta.c
ANPRCAP_DEFS    += -DANPRCAP_HAVE_V4L2
endif
# USB sensors, when libusb-1.0 is installed (scripts/packages/capture.list).
ifneq ($(wildcard libanprcap/src/usb.c),)
ifeq ($(shell pkg-config --exists libusb-1.0 && echo y),y)
ANPRCAP_SRCS    += libanprcap/src/usbproto.c libanprcap/src/usb.c
ANPRCAP_DEFS    += -DANPRCAP_HAVE_USB
ANPRCAP_LDLIBS  += $(shell pkg-config --libs libusb-1.0)
ANPRCAP_PRIV    += $(shell pkg-config --libs libusb-1.0)
# global, so that make lint sees libusb.h too (the directory holds only it)
INCLUDES        += $(shell pkg-config --cflags-only-I libusb-1.0)
endif
endif

# libcamera (C++ shim), when libcamera is installed (scripts/packages/capture.list).
ifeq ($(shell pkg-config --exists libcamera && echo y),y)
ANPRCAP_SRCS    += libanprcap/src/libcamera.cc
ANPRCAP_DEFS    += -DANPRCAP_HAVE_LIBCAMERA
ANPRCAP_LDLIBS  += $(shell pkg-config --libs libcamera) -lstdc++
ANPRCAP_PRIV    += $(shell pkg-config --libs libcamera) -lstdc++
$(call obj_of,libanprcap/src/libcamera.cc) $(call aobj_of,libanprcap/src/libcamera.cc): \
	CXXFLAGS += $(patsubst -I%,-isystem %,$(shell pkg-config --cflags libcamera))
endif

# RTSP IP cameras through GStreamer, when its development packages are
# installed (scripts/packages/rtsp.list). rtsp_url.c (URI, credentials,
# clock mapping) has no GStreamer in it and is built in all the same.
ANPRCAP_GST_MODS := gstreamer-1.0 gstreamer-app-1.0 gstreamer-video-1.0 gstreamer-rtp-1.0 gio-2.0
ANPRCAP_SRCS    += libanprcap/src/rtsp_url.c
ifeq ($(shell pkg-config --exists $(ANPRCAP_GST_MODS) && echo y),y)
ANPRCAP_SRCS    += libanprcap/src/rtsp.c libanprcap/src/rtsp_onvif.c
ANPRCAP_DEFS    += -DANPRCAP_HAVE_RTSP
ANPRCAP_LDLIBS  += $(shell pkg-config --libs $(ANPRCAP_GST_MODS)) -lpthread
ANPRCAP_PRIV    += $(shell pkg-config --libs $(ANPRCAP_GST_MODS)) -lpthread
$(call obj_of,libanprcap/src/rtsp.c libanprcap/src/rtsp_onvif.c) $(call aobj_of,libanprcap/src/rtsp.c libanprcap/src/rtsp_onvif.c): \
	CFLAGS += $(patsubst -I%,-isystem %,$(shell pkg-config --cflags $(ANPRCAP_GST_MODS)))
# make lint: clang-tidy reads rtsp.c with GStreamer's headers (mk/lint.mk)
LINT_TIDY_FLAGS += $(patsubst -I%,-isystem %,$(shell pkg-config --cflags-only-I $(ANPRCAP_GST_MODS)))
endif

$(call obj_of,$(ANPRCAP_SRCS)) $(call aobj_of,$(ANPRCAP_SRCS)): \
	CFLAGS += -fvisibility=hidden $(ANPRCAP_DEFS)
$(call obj_of,$(ANPRCAP_SRCS)) $(call aobj_of,$(ANPRCAP_SRCS)): \
	CXXFLAGS += -fvisibility=hidden $(ANPRCAP_DEFS)
# The backends compiled in are chosen here: rebuild when this file or the
# set of backends changes (a stamp holding the set, rewritten only then).
ANPRCAP_STAMP := $(BUILD)/obj/libanprcap/backends.stamp
ifneq ($(strip $(ANPRCAP_DEFS)),$(strip $(shell cat $(ANPRCAP_STAMP) 2>/dev/null)))
$(shell mkdir -p $(BUILD)/obj/libanprcap && echo '$(strip $(ANPRCAP_DEFS))' > $(ANPRCAP_STAMP))
endif
$(call obj_of,$(ANPRCAP_SRCS)) $(call aobj_of,$(ANPRCAP_SRCS)): libanprcap/build.mk $(ANPRCAP_STAMP)
$(eval $(call add_lib,anprcap,$(ANPRCAP_SRCS)))

# Shared library: our objects + imageio's, exporting anprcap_* only.
ANPRCAP_SO := $(BUILD)/lib/libanprcap.so.$(ANPRCAP_SOVER)
ANPRCAP_REAL := $(BUILD)/lib/libanprcap.so.$(VERSION)
ALL_LIBS += $(ANPRCAP_SO) $(BUILD)/lib/libanprcap.so $(BUILD)/lib/pkgconfig/libanprcap.pc
$(ANPRCAP_REAL): $(call obj_of,$(ANPRCAP_SRCS)) $(BUILD)/lib/libanprimageio.a \
		libanprcap/anprcap.map
	@mkdir -p $(@D)
	$(CC) -shared -Wl,-soname,libanprcap.so.$(ANPRCAP_SOVER) -Wl,-z,defs \
		-Wl,--version-script=libanprcap/anprcap.map -o $@ \
		$(call obj_of,$(ANPRCAP_SRCS)) $(BUILD)/lib/libanprimageio.a $(LDFLAGS) $(ANPRCAP_LDLIBS)
$(ANPRCAP_SO): $(ANPRCAP_REAL)
	ln -sf $(notdir $<) $@
$(BUILD)/lib/libanprcap.so: $(ANPRCAP_SO)
	ln -sf $(notdir $<) $@
# One self-contained static archive for integrators (ours + imageio).
$(BUILD)/lib/dist/libanprcap.a: $(BUILD)/lib/libanprcap.a $(BUILD)/lib/libanprimageio.a
	@mkdir -p $(@D)
	@rm -f $@
	printf 'CREATE $@\nADDLIB $(word 1,$^)\nADDLIB $(word 2,$^)\nSAVE\nEND\n' | $(AR) -M

define ANPRCAP_PC
prefix=$(PREFIX)
libdir=$(LIBDIR)
includedir=$(INCLUDEDIR)

Name: libanprcap
Description: ANPR capture library: V4L2, USB sensors, libcamera, RTSP cameras and recorded files
Version: $(VERSION)
Libs: -L$${libdir} -lanprcap
Libs.private: -ljpeg -lpng -lz $(ANPRCAP_PRIV)
Cflags: -I$${includedir}
endef
export ANPRCAP_PC
# The module's first name, kept so that builds that use it go on working.
define ANPRCAP_ALIAS_PC
Name: anprcap
Description: the old name of libanprcap (use libanprcap)
Version: $(VERSION)
Requires: libanprcap = $(VERSION)
endef
export ANPRCAP_ALIAS_PC
$(BUILD)/lib/pkgconfig/libanprcap.pc: libanprcap/build.mk mk/config.mk $(ANPRCAP_STAMP)
	@mkdir -p $(@D)
	printf '%s\n' "$$ANPRCAP_PC" > $@
	printf '%s\n' "$$ANPRCAP_ALIAS_PC" > $(@D)/anprcap.pc

# The tool.
ifneq ($(wildcard tools/anpr-capture.c),)
$(eval $(call add_prog,anpr-capture,tools/anpr-capture.c,anprcap anprimageio,$(ANPRCAP_LDLIBS)))
endif

.PHONY: install-anprcap
INSTALL_TARGETS += install-anprcap
install-anprcap: $(ANPRCAP_SO) $(BUILD)/lib/dist/libanprcap.a $(BUILD)/lib/pkgconfig/libanprcap.pc \
		$(BUILD)/bin/anpr-capture
	install -d $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(INCLUDEDIR) $(DESTDIR)$(BINDIR) \
		$(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man3
	install -m 644 libanprcap/include/anprcap.h $(DESTDIR)$(INCLUDEDIR)/anprcap.h
	install -m 755 $(ANPRCAP_REAL) $(DESTDIR)$(LIBDIR)/
	ln -sf libanprcap.so.$(VERSION) $(DESTDIR)$(LIBDIR)/libanprcap.so.$(ANPRCAP_SOVER)
	ln -sf libanprcap.so.$(ANPRCAP_SOVER) $(DESTDIR)$(LIBDIR)/libanprcap.so
	install -m 644 $(BUILD)/lib/dist/libanprcap.a $(DESTDIR)$(LIBDIR)/libanprcap.a
	printf '%s\n' "$$ANPRCAP_PC" > $(DESTDIR)$(LIBDIR)/pkgconfig/libanprcap.pc
	printf '%s\n' "$$ANPRCAP_ALIAS_PC" > $(DESTDIR)$(LIBDIR)/pkgconfig/anprcap.pc
	install -m 755 $(BUILD)/bin/anpr-capture $(DESTDIR)$(BINDIR)/anpr-capture
	install -m 644 man/anprcap.3 $(DESTDIR)$(MANDIR)/man3/anprcap.3
	install -m 644 man/anpr-capture.1 $(DESTDIR)$(MANDIR)/man1/anpr-capture.1
