# tests/deb: the Debian packages (debian/, docs/packaging.md) built,
# linted, inspected and installed into a clean Debian 12 root made by
# mmdebstrap (cached under build/deb-root): tests/deb/check.sh.
$(eval $(call add_suite,e2e,deb-packages,tests/deb/check.sh $(BUILD)))

# The packages in a Debian guest (suite deb-vm, after deb-packages, whose
# installed root it boots): Debian's kernel (mk/kernel.mk) in qemu,
# systemd as PID 1, the DKMS-built driver loaded, the packaged anprd.service
# on frames injected through the driver (tests/deb/vm.sh).
DEBVM        := $(BUILD)/deb-vm
DEBVM_INITRD := $(DEBVM)/initrd.gz
DEBVM_FRAMES := $(DEBVM)/frames.grey
DEBVM_ENV     = KVER=$(KVER) KROOT=$(KROOT) OUT=$(DEBVM)
$(DEBVM_INITRD): $(KERNEL_IMG) tests/deb/vm-init.sh tests/vmsd/mkinitramfs.sh
	@mkdir -p $(@D)
	KVER=$(KVER) MODROOT=$(TOP)/$(KROOT) INIT=tests/deb/vm-init.sh tests/vmsd/mkinitramfs.sh $@
# three vehicles, the second the example hotlist's commissioning test
# vehicle, as raw 640x480 GREY frames for the driver's loopback node
$(DEBVM_FRAMES): demo/render_frames.py
	@mkdir -p $(@D)
	rm -rf $(DEBVM)/frames
	/usr/bin/python3 demo/render_frames.py --out $(DEBVM)/frames --width 640 --height 480 \
		--frames-per-vehicle 8 --gap 4 --plates VV21TOU,ZZ99TST,CD74KDP > /dev/null
	/usr/bin/python3 -c "import sys,glob; from PIL import Image; \
		open(sys.argv[1], 'wb').write(b''.join(Image.open(f).tobytes() \
		for f in sorted(glob.glob(sys.argv[2] + '/frame-*.pgm'))))" $@.tmp $(DEBVM)/frames
	mv $@.tmp $@
SUITE_PREREQS += $(DEBVM_INITRD) $(DEBVM_FRAMES)
$(eval $(call add_suite,e2e,deb-vm,$(DEBVM_ENV) tests/deb/vm.sh $(DEBVM_INITRD) $(DEBVM)/root $(DEBVM_FRAMES)))

.PHONY: check-deb
check-deb: deps $(DEBVM_INITRD) $(DEBVM_FRAMES)
	tests/deb/check.sh $(BUILD)
	$(DEBVM_ENV) tests/deb/vm.sh $(DEBVM_INITRD) $(DEBVM)/root $(DEBVM_FRAMES)
