# Kernel driver anprcap.ko (kmod/), its KUnit modules (tests/kunit/), the VM
# suite (tests/vm/), DKMS and udev. Kernel ABI from mk/kernel.mk; never uname -r.
#
#   make kmod          the driver, W=1, warnings are errors
#   make check-vm      build everything and run the VM suite (also part of make check)
#   make lint-kmod     sparse (C=2) + checkpatch.pl --strict (from linux-source)
#   make kmod-compat   build against any other installed Debian kernel headers (e.g. 6.12)
#   make dkms-install  register, build and install the driver with DKMS for the host's
#                      running kernel (DKMS_KVER=... for another), and on kernel upgrades
#   make dkms-uninstall  undo dkms-install
#   make install-kmod  DKMS source tree, udev rules, sysusers.d, uapi header (DESTDIR/PREFIX)

.PHONY: kmod kmod-compat kmod-vm-modules check-vm lint-kmod dkms-install dkms-uninstall install-kmod clean-kmod

KMOD_KBUILD   = $(MAKE) -C $(KDIR) M=$(TOP) W=1 ANPRCAP_WERROR=1
KUNIT_OOT     := $(BUILD)/kunit-oot
KUNIT_KO      := $(KUNIT_OOT)/kunit/kunit.ko
KROOT         := $(BUILD)/kroot
KERNEL_IMG    := $(KROOT)/boot/vmlinuz-$(KVER)
VMTEST        := $(BUILD)/vm/anprcap-vmtest
VM_INITRD     := $(BUILD)/vm/initrd.gz
VMTEST_SRCS   := $(wildcard tests/vm/vmtest-*.c)
VMD_SCRIPTS   := $(wildcard tests/vm.d/*.sh)
VMD_BINS      := $(if $(VMD_SCRIPTS),$(shell sed -n 's/^\# vm-bins://p' $(VMD_SCRIPTS)))
KMOD_SOURCES  := $(filter-out %.mod.c,$(wildcard kmod/*.c kmod/*.h kmod/uapi/*.h))
KUNIT_KOS     := $(patsubst %.c,%.ko,$(wildcard tests/kunit/anprcap_*_kunit.c))
KMOD_VM_ENV    = KVER=$(KVER) KROOT=$(KROOT) OUT=$(BUILD)/vm
DKMS_VERSION  := $(VERSION)
DKMS_STAGE    := $(BUILD)/dkms/anprcap-$(DKMS_VERSION)

kmod:
	$(KMOD_KBUILD) modules

# kunit.ko from Debian's linux-source (Debian's kernel has CONFIG_KUNIT off)
$(KUNIT_KO):
	tests/kunit/kunit-oot-prepare.sh $(KUNIT_OOT)
	$(MAKE) -C $(KDIR) M=$(TOP)/$(KUNIT_OOT)/kunit modules

# the driver and the KUnit modules in one kbuild run (kbuild is incremental)
kmod-vm-modules: $(KUNIT_KO)
	$(KMOD_KBUILD) ANPRCAP_KUNIT=m \
		KBUILD_EXTRA_SYMBOLS=$(TOP)/$(KUNIT_OOT)/kunit/Module.symvers modules

# the kernel we boot: Debian's image for $(KVER), unpacked, not installed
$(KERNEL_IMG):
	tests/vm/fetch-kernel.sh $(KVER) $(KPKGVER) $(KROOT)

$(VMTEST): $(VMTEST_SRCS) tests/vm/vmtest.h kmod/uapi/anprcap.h
	@mkdir -p $(@D)
	$(CC) $(CSTD) -O2 -g $(WARN) -static -pthread -o $@ $(VMTEST_SRCS)

# Real plate photos, read from ../shared (never copied into the tree), as
# raw GREY 640x480 frames for the VM's loopback step; empty if absent.
PLATES_DIR    := $(TOP)/../shared/data/plates/dev/eu
PLATE_IMAGES  := $(wordlist 1,16,$(sort $(wildcard $(PLATES_DIR)/*.jpg)))
PLATES_RAW    := $(BUILD)/vm/plates.grey
$(eval $(call add_prog,anprcap-plates2raw,tests/vm/plates2raw.c,anprimageio,-ljpeg -lpng -lz))

$(PLATES_RAW): $(BUILD)/bin/anprcap-plates2raw $(PLATE_IMAGES)
	@mkdir -p $(@D)
	$(if $(PLATE_IMAGES),$(BUILD)/bin/anprcap-plates2raw 640 480 $@ $(PLATE_IMAGES),: > $@)

$(VM_INITRD): kmod-vm-modules $(VMTEST) $(KERNEL_IMG) $(VMD_BINS) $(PLATES_RAW) \
		tests/vm/init.sh tests/vm/mkinitramfs.sh udev/60-anprcap.rules
	@mkdir -p $(@D)
	KVER=$(KVER) MODROOT=$(TOP)/$(KROOT) STATIC_BINS=$(VMTEST) DATA_FILES=$(PLATES_RAW) \
		tests/vm/mkinitramfs.sh $@ tests/vm/init.sh kmod/anprcap.ko \
		$(KUNIT_KO) $(KUNIT_KOS)

SUITE_PREREQS += $(VM_INITRD)
BENCH_PREREQS += $(VM_INITRD)
$(eval $(call add_suite,vm,kmod-vm,$(KMOD_VM_ENV) tests/vm/run.sh $(VM_INITRD) check))
# runs beside the other suites (tests/run-suites): the guest mostly waits
# on its own timers (stalls, timeouts, frame periods); CPUs 23% busy alone
SUITES_BESIDE += kmod-vm
$(eval $(call add_bench,kmod-vm,set -o pipefail; $(KMOD_VM_ENV) tests/vm/run.sh $(VM_INITRD) bench | grep -E '^vm |^\# (GREY|Y10|Y16) |^not ok|^\# qemu'))

check-vm: $(VM_INITRD)
	$(KMOD_VM_ENV) tests/vm/run.sh $(VM_INITRD) check

# checkpatch.pl comes from the linux-source tarball (kunit-oot-prepare.sh)
CHECKPATCH = perl $(KUNIT_OOT)/scripts/checkpatch.pl --no-tree --strict --quiet -f
lint-kmod: $(KUNIT_KO) kmod
	$(MAKE) -C $(KDIR) M=$(TOP) C=2 modules 2>&1 | tee $(BUILD)/sparse.log; \
		! grep -E 'warning|error' $(BUILD)/sparse.log
	$(CHECKPATCH) $(filter-out kmod/uapi/% kmod/anprcap-compat.h,$(KMOD_SOURCES)) \
		tests/kunit/anprcap_*_kunit.c
	@# the compat header exists to test LINUX_VERSION_CODE; uapi has no BIT()
	$(CHECKPATCH) --ignore LINUX_VERSION_CODE kmod/anprcap-compat.h
	$(CHECKPATCH) --ignore BIT_MACRO kmod/uapi/anprcap.h
	perl $(KDIR)/scripts/kernel-doc -none -Werror $(KMOD_SOURCES)
LINT_TARGETS += lint-kmod kmod-compat

# The compat header's other branches: build the DKMS tree (W=1, -Werror)
# against every other Debian kernel headers package installed here, e.g.
# linux-headers-6.12.*-amd64 (6.8+ vb2, 6.11+ platform remove). Not pinned
# in kernel.list (bookworm's 6.12 ABI moves); without one this says so.
kmod-compat: $(DKMS_STAGE)
	@found=0; for k in $$(ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | grep -v -- '-$(KVER)$$'); do \
		found=1; rm -rf $(BUILD)/compat && cp -r $(DKMS_STAGE) $(BUILD)/compat && \
		$(MAKE) -s -C $$k M=$(TOP)/$(BUILD)/compat W=1 ANPRCAP_WERROR=1 modules >/dev/null && \
		echo "kmod-compat: builds against $$(basename $$k)" || exit 1; \
	done; [ $$found = 1 ] || echo "kmod-compat: no other kernel headers installed, nothing to check"

# The newest Debian kernel (trixie-backports headers, downloaded into
# build/, not installed): every object must compile with W=1 -Werror; see
# tests/vm/compat-next.sh for why it is not linked. About 20 s.
SUITE_PREREQS += $(DKMS_STAGE)
$(eval $(call add_suite,e2e,kmod-compat-next,tests/vm/compat-next.sh $(DKMS_STAGE) $(BUILD)/compat-next))

# the DKMS source tree: top-level Kbuild, dkms.conf and kmod/ only
$(DKMS_STAGE): Kbuild dkms.conf $(KMOD_SOURCES) kmod/Kbuild
	rm -rf $@ && mkdir -p $@/kmod/uapi
	cp Kbuild $@/
	sed 's/@VERSION@/$(DKMS_VERSION)/' dkms.conf > $@/dkms.conf
	cp kmod/Kbuild $(filter-out kmod/uapi/%,$(KMOD_SOURCES)) $@/kmod/
	cp kmod/uapi/*.h $@/kmod/uapi/

# e2e suite: a DKMS build in private trees (the system's DKMS state is untouched)
SUITE_PREREQS += $(DKMS_STAGE)
$(eval $(call add_suite,e2e,kmod-dkms,tests/vm/dkms-check.sh $(DKMS_STAGE) $(KVER) $(BUILD)/dkms-check))

# The host's own kernel, not the one pinned for the tests (KVER): this
# installs the driver where it will run. dkms.conf's AUTOINSTALL builds it
# again for each kernel installed later.
DKMS_KVER ?= $(shell uname -r)
dkms-install: $(DKMS_STAGE)
	-dkms remove anprcap/$(DKMS_VERSION) --all >/dev/null 2>&1
	rm -rf /usr/src/anprcap-$(DKMS_VERSION)
	cp -r $(DKMS_STAGE) /usr/src/anprcap-$(DKMS_VERSION)
	dkms add anprcap/$(DKMS_VERSION)
	dkms build anprcap/$(DKMS_VERSION) -k $(DKMS_KVER)
	dkms install anprcap/$(DKMS_VERSION) -k $(DKMS_KVER)
	dkms status anprcap

dkms-uninstall:
	-dkms remove anprcap/$(DKMS_VERSION) --all
	rm -rf /usr/src/anprcap-$(DKMS_VERSION)

install-kmod: $(DKMS_STAGE)
	mkdir -p $(DESTDIR)/usr/src
	rm -rf $(DESTDIR)/usr/src/anprcap-$(DKMS_VERSION)
	cp -r $(DKMS_STAGE) $(DESTDIR)/usr/src/anprcap-$(DKMS_VERSION)
	install -D -m 644 udev/60-anprcap.rules $(DESTDIR)$(UDEVDIR)/60-anprcap.rules
	install -D -m 644 udev/anprcap.sysusers $(DESTDIR)/usr/lib/sysusers.d/anprcap.conf
	install -D -m 644 kmod/uapi/anprcap.h $(DESTDIR)$(INCLUDEDIR)/linux/anprcap.h
	install -D -m 644 man/anprcap.4 $(DESTDIR)$(MANDIR)/man4/anprcap.4
INSTALL_TARGETS += install-kmod

clean-kmod:
	-$(MAKE) -C $(KDIR) M=$(TOP) ANPRCAP_KUNIT=m clean
DISTCLEAN_TARGETS += clean-kmod
