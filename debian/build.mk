# Debian packages (issue 19 item 1; docs/packaging.md):
#   make deb        build the binary packages into build/deb/ with
#                   dpkg-buildpackage (debhelper compat 13, dh-dkms), from a
#                   copy of this tree (build/deb/anpr-VERSION: the package
#                   build's clean must not touch this tree's build/)
#   make deb-lint   lintian on them (errors and warnings fail)
# tests/deb/ builds, lints, inspects and installs them (suite deb-packages).
DEB_DIR   := $(BUILD)/deb
DEB_SRC   := $(DEB_DIR)/anpr-$(VERSION)
DEB_ARCH  := $(shell dpkg --print-architecture 2>/dev/null)
DEB_CHANGES := $(DEB_DIR)/anpr_$(VERSION)_$(DEB_ARCH).changes

.PHONY: deb deb-lint
deb: deps
	@tests/deb/build-debs.sh $(DEB_DIR) $(VERSION)

deb-lint: deps
	@test -f $(DEB_CHANGES) || { echo "deb-lint: no $(DEB_CHANGES): run make deb first" >&2; exit 1; }
	lintian --fail-on error,warning --display-info $(DEB_CHANGES)
