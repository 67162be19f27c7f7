# Documentation and example configurations, installed by make install so
# that the units' Documentation= (file:$(DOCDIR)/...) resolves on the host:
#   $(DOCDIR)/README.md, $(DOCDIR)/*.md           (docs/)
#   $(DOCDIR)/examples/anprd.conf.fixed-site      a fixed site's anprd.conf
#   $(DOCDIR)/examples/anprd.conf.in-vehicle      an in-vehicle (gpsd) one
#   $(DOCDIR)/examples/hotlist.csv                a hotlist's format
# Nothing is written to /etc: a camera must not start with an example's
# identity; docs/commissioning.md copies an example there and edits it.
.PHONY: install-docs
install-docs:
	install -d $(DESTDIR)$(DOCDIR) $(DESTDIR)$(DOCDIR)/examples
	install -m 0644 README.md docs/*.md $(DESTDIR)$(DOCDIR)/
	install -m 0644 examples/anprd.conf.fixed-site examples/anprd.conf.in-vehicle \
		examples/hotlist.csv $(DESTDIR)$(DOCDIR)/examples/
INSTALL_TARGETS += install-docs
