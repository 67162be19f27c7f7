# The systemd VM suite: Debian's kernel (mk/kernel.mk) in qemu with systemd
# as PID 1 on this machine's own Debian 12 root (read-only over virtio-9p,
# a tmpfs overlay on top), our `make install` tree copied in, and
# anprd.service / anpr-upload.service run for real (docs/systemd.md), then
# the back office's anpr-purge.timer and anpr-audit-seal.timer on a private
# PostgreSQL (docs/access.md, "Installing the timers").
VMSD          := $(BUILD)/vmsd
VMSD_INITRD   := $(VMSD)/initrd.gz
VMSD_STAGE    := $(VMSD)/stage
VMSD_FRAMES   := $(VMSD)/frames/frame-0000.pgm
VMSD_PKI      := $(VMSD)/pki/client.pem
VMSD_ENV       = KVER=$(KVER) KROOT=$(KROOT) OUT=$(VMSD)

$(VMSD_INITRD): $(KERNEL_IMG) tests/vmsd/init.sh tests/vmsd/mkinitramfs.sh
	@mkdir -p $(@D)
	KVER=$(KVER) MODROOT=$(TOP)/$(KROOT) tests/vmsd/mkinitramfs.sh $@

# what `make install` puts on a camera host, staged (DESTDIR) for the guest
# (what the install targets need is built here first: the sub-make must not
# build it at the same time as this make)
.PHONY: vmsd-stage
vmsd-stage: all $(DKMS_STAGE) $(BUILD)/lib/dist/libanprcap.a
	rm -rf $(VMSD_STAGE)
	$(MAKE) --no-print-directory install DESTDIR=$(TOP)/$(VMSD_STAGE) PREFIX=/usr > /dev/null

# three vehicles, one of them hotlisted (RU71PHA), small frames: TCG is slow
$(VMSD_FRAMES): demo/render_frames.py
	rm -rf $(VMSD)/frames
	/usr/bin/python3 demo/render_frames.py --out $(VMSD)/frames --width 640 --height 480 \
		--frames-per-vehicle 8 --gap 4 --plates VV21TOU,RU71PHA,CD74KDP > /dev/null

# the back office's and the camera's certificates (openssl is slow under TCG)
$(VMSD_PKI): tests/vmsd/mkpki.sh
	tests/vmsd/mkpki.sh $(VMSD)/pki

# anpr-store-bench: the generator of the old reads the purge deletes
SUITE_PREREQS += $(VMSD_INITRD) vmsd-stage $(VMSD_FRAMES) $(VMSD_PKI) $(BUILD)/test/anprd_alert_journal \
	$(BUILD)/bin/anpr-store-bench
$(eval $(call add_suite,vm,systemd-vm,$(VMSD_ENV) tests/vmsd/run.sh $(VMSD_INITRD) $(VMSD_STAGE)))

.PHONY: check-vmsd
check-vmsd: $(VMSD_INITRD) vmsd-stage $(VMSD_FRAMES) $(VMSD_PKI) $(BUILD)/test/anprd_alert_journal \
		$(BUILD)/bin/anpr-store-bench
	$(VMSD_ENV) tests/vmsd/run.sh $(VMSD_INITRD) $(VMSD_STAGE)
