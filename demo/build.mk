# make demo: the README's first command (see demo/run-demo): the camera's
# programs, then the back office's (backoffice/*/build.mk) into a private
# PostgreSQL under build/demo.
DEMO_PREREQS := $(BUILD)/bin/anprd $(BUILD)/bin/anpr-keygen $(BUILD)/bin/anpr-verify \
	$(BUILD)/bin/anpr-upload $(BUILD)/bin/anpr-ingest $(BUILD)/bin/anpr-db $(BUILD)/bin/anpr-query
# make demo DEMO_RTSP=1: the same chain with the camera an RTSP server
# (anpr-rtsp-testsrv streaming the frames once as H.264 on loopback) and
# anprd on its rtsp:// URI (libanprcap built with GStreamer).
.PHONY: demo
demo: deps
	@$(MAKE) --no-print-directory -j$(BUILD_JOBS) $(DEMO_PREREQS) $(if $(DEMO_RTSP),$(BUILD)/bin/anpr-rtsp-testsrv)
	@demo/run-demo $(if $(DEMO_RTSP),--rtsp)

# The same chain through the kernel driver, inside the test VM: a plug-in
# of the VM suite (tests/vm.d/anprd-v4l2.sh) that injects these frames
# through /dev/anpr/cam0-out and runs anprd on v4l2:/dev/anpr/cam0.
VM_DEMO := $(BUILD)/vm-demo
VM_DEMO_PLATES := VV21TOU,RU71PHA,CD74KDP

$(VM_DEMO)/frames.grey: demo/render_frames.py
	@mkdir -p $(@D)
	rm -rf $(VM_DEMO)/frames
	/usr/bin/python3 demo/render_frames.py --out $(VM_DEMO)/frames \
		--truth $(VM_DEMO)/frames.truth.tsv --width 640 --height 480 \
		--frames-per-vehicle 8 --gap 4 --plates $(VM_DEMO_PLATES) > /dev/null
	/usr/bin/python3 -c "import sys,glob; from PIL import Image; \
		open(sys.argv[1], 'wb').write(b''.join(Image.open(f).tobytes() \
		for f in sorted(glob.glob(sys.argv[2] + '/frame-*.pgm'))))" $@.tmp $(VM_DEMO)/frames
	mv $@.tmp $@

$(VM_DEMO)/camera.key: $(BUILD)/bin/anpr-keygen
	@mkdir -p $(@D)
	rm -f $@ $(VM_DEMO)/camera.pub
	$(BUILD)/bin/anpr-keygen -p $(VM_DEMO)/camera.pub -s $@ > /dev/null
$(VM_DEMO)/camera.pub: $(VM_DEMO)/camera.key

$(VM_DEMO)/hotlist.csv: demo/hotlist.csv
	@mkdir -p $(@D)
	cp $< $@

# make demo-vm: boot the test VM (Debian's kernel under qemu, our driver)
# and show the chain above: frames into /dev/anpr/cam0-out, anprd on
# v4l2:/dev/anpr/cam0, the alert, the records, anpr-verify's verdict. The
# VM runs the driver's own checks first (about two minutes).
.PHONY: demo-vm
demo-vm: deps
	@$(MAKE) --no-print-directory $(VM_INITRD)
	@echo "== booting the test VM (the driver's checks run first, then the demo)"
	@set -o pipefail; $(KMOD_VM_ENV) tests/vm/run.sh $(VM_INITRD) check | \
		sed -n '/plug-in \/vm.d\/anprd-v4l2.sh/,/anprd-v4l2: anpr-verify/p' | \
		sed -e 's/^# //' -e '/^plug-in/d'
