# Host tests of libanprcap (cmocka, ASan + UBSan). libanprcap/src is the
# library's private half and on no include path: a test of its pure parts
# names a private header by its path ("../../libanprcap/src/pace.h").
$(eval $(call add_test,test_capture_pure,tests/capture/test_capture_pure.c libanprcap/src/pace.c libanprcap/src/y4m.c,,))
$(eval $(call add_test,test_capture_usbproto,tests/capture/test_capture_usbproto.c libanprcap/src/usbproto.c,,-lz))
$(eval $(call add_test,test_capture_rtsp,tests/capture/test_capture_rtsp.c libanprcap/src/rtsp_url.c,,))
$(eval $(call add_test,test_capture_file,tests/capture/test_capture_file.c,anprcap anprimageio,$(ANPRCAP_LDLIBS) -lpthread))
# anpr-capture on file: sources (host).
SUITE_PREREQS += $(BUILD)/bin/anpr-capture
$(eval $(call add_suite,unit,capture_tool,tests/capture/tool.sh $(BUILD)))
# The USB IR sensor simulator (FunctionFS gadget) for the VM tests.
$(eval $(call add_prog,anpr-usb-sensor-sim,tests/capture/usb_sensor_sim.c libanprcap/src/usbproto.c,,-lz -lpthread))
# Benchmark: per-frame overhead over raw access, and no-copy check.
$(eval $(call add_prog,anprcap-bench,tests/capture/bench_capture.c,anprcap anprimageio,$(ANPRCAP_LDLIBS)))
BENCH_PREREQS += $(BUILD)/bin/anprcap-bench
# The library's error paths against the real driver's injected faults, in
# the VM (tests/vm.d/capture-errinj.sh).
$(eval $(call add_prog,anprcap-errpaths,tests/capture/vm_errpaths.c,anprcap anprimageio,$(ANPRCAP_LDLIBS)))
$(eval $(call add_bench,capture-file,$(BUILD)/bin/anprcap-bench file))
# libanprcap as integrators see it: soname, exports, install, pkg-config.
SUITE_PREREQS += $(BUILD)/lib/libanprcap.so.0 $(BUILD)/lib/dist/libanprcap.a $(BUILD)/bin/anpr-capture
$(eval $(call add_suite,unit,capture_abi,tests/capture/abi.sh $(BUILD)))
# libFuzzer target over every parser of untrusted bytes (make fuzz), and a
# short smoke run in make check.
CAPTURE_FUZZ := $(BUILD)/fuzz/fuzz_capture
# (the C backends only: the libcamera shim is C++ and parses nothing; the
# rtsp backend's parsing is rtsp_url.c, which is in, its GStreamer half out)
CAPTURE_FUZZ_SRCS := $(filter-out libanprcap/src/rtsp.c libanprcap/src/rtsp_onvif.c,$(filter %.c,$(ANPRCAP_SRCS)))
$(CAPTURE_FUZZ): tests/capture/fuzz_capture.c $(CAPTURE_FUZZ_SRCS) $(IMAGEIO_SRCS) $(wildcard libanprcap/src/*.h)
	@mkdir -p $(@D)
	$(CLANG) -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all $(WARN) \
		$(CPPFLAGS) $(INCLUDES) $(filter-out -DANPRCAP_HAVE_LIBCAMERA -DANPRCAP_HAVE_RTSP,$(ANPRCAP_DEFS)) -o $@ \
		tests/capture/fuzz_capture.c $(CAPTURE_FUZZ_SRCS) $(IMAGEIO_SRCS) $(filter-out -lcamera -lcamera-base -lstdc++ -lgst% -lgobject-2.0 -lglib-2.0,$(ANPRCAP_LDLIBS))
.PHONY: fuzz-capture
FUZZ_TARGETS += fuzz-capture
fuzz-capture: $(CAPTURE_FUZZ)
	tests/capture/run-fuzz $(BUILD) $(FUZZ_SECONDS)
SUITE_PREREQS += $(CAPTURE_FUZZ)
$(eval $(call add_suite,unit,capture_fuzz_smoke,tests/capture/run-fuzz $(BUILD) 10))
# UVC gadget feeder for the VM tests (usb_f_uvc over usbip-vudc).
$(eval $(call add_prog,anpr-uvc-gadget-sim,tests/capture/uvc_gadget_sim.c,,))
# vimc.ko, built out of tree from Debian's linux-source (Debian's kernel does
# not build it): the virtual camera libcamera's vimc pipeline drives, so the
# libcamera backend streams for real in the VM (tests/vm.d/capture-libcamera.sh).
VIMC_DIR := $(BUILD)/vimc
$(VIMC_DIR)/vimc.ko:
	@rm -rf $(VIMC_DIR).tmp; mkdir -p $(VIMC_DIR).tmp
	tar -xJf $$(ls /usr/src/linux-source-*.tar.xz | sort -V | tail -1) -C $(VIMC_DIR).tmp \
		--strip-components=5 --wildcards '*/drivers/media/test-drivers/vimc/*'
	rm -rf $(VIMC_DIR); mv $(VIMC_DIR).tmp $(VIMC_DIR)
	$(MAKE) -C $(KDIR) M=$(TOP)/$(VIMC_DIR) CONFIG_VIDEO_VIMC=m modules
# The rtsp: backend against a real RTSP server on loopback (gst-rtsp-server,
# scripts/packages/rtsp.list) streaming rendered IR frames as H.264 and
# MJPEG: times from the sender reports, restarts, a silent camera, wrong
# credentials (tests/capture/rtsp.sh). Only when the backend is built.
ifneq ($(filter -DANPRCAP_HAVE_RTSP,$(ANPRCAP_DEFS)),)
ifeq ($(shell pkg-config --exists gstreamer-rtsp-server-1.0 && echo y),y)
$(eval $(call add_prog,anpr-rtsp-testsrv,tests/capture/rtsp_server.c,,$(shell pkg-config --libs gstreamer-rtsp-server-1.0 gstreamer-rtsp-1.0 gstreamer-rtp-1.0 gstreamer-1.0 gio-2.0)))
$(call obj_of,tests/capture/rtsp_server.c): \
	CFLAGS += $(patsubst -I%,-isystem %,$(shell pkg-config --cflags gstreamer-rtsp-server-1.0 gstreamer-rtp-1.0 gstreamer-1.0 gio-2.0))
SUITE_PREREQS += $(BUILD)/bin/anpr-rtsp-testsrv $(BUILD)/bin/anpr-capture $(BUILD)/bin/anpr-read \
	$(BUILD)/bin/anprd $(BUILD)/bin/anpr-keygen $(BUILD)/bin/anpr-verify
$(eval $(call add_suite,e2e,capture_rtsp,tests/capture/rtsp.sh $(BUILD)))
# beside the others (tests/run-suites): real-time streams and the outages it
# provokes are waits (CPUs 6% busy alone); its time bounds are loose (500 ms)
SUITES_BESIDE += capture_rtsp
# make bench: CPU per frame to receive, decode and hand over 1080p25 H.264.
BENCH_PREREQS += $(BUILD)/bin/anpr-rtsp-testsrv $(BUILD)/bin/anpr-capture $(BUILD)/bin/anprd \
	$(BUILD)/bin/anpr-keygen
$(eval $(call add_bench,capture-rtsp,tests/capture/rtsp-bench.sh $(BUILD)))
endif
endif
