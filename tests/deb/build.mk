# tests/deb: the Debian packages (debian/, docs/packaging.md) built,
# linted, inspected and installed into a clean Debian 12 root made by
# mmdebstrap (cached under build/deb-root): tests/deb/check.sh.
$(eval $(call add_suite,e2e,deb-packages,tests/deb/check.sh $(BUILD)))
