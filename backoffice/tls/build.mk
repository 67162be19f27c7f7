# backoffice/tls: what anpr-ingest and anpr-console share of TLS, the
# verified client certificate of a connection and its fingerprint (GnuTLS;
# the evidence library's SHA-256). The guard makes a second inclusion
# harmless.
ifndef ANPR_TLS_BUILD_MK
ANPR_TLS_BUILD_MK := 1
$(eval $(call add_lib,anprtls,backoffice/tls/tls_peer.c))
# linked after it: the evidence library (ev_sha256), GnuTLS
ANPRTLS_LDLIBS := -lgnutls
LINT_DIRS += backoffice/tls
endif
