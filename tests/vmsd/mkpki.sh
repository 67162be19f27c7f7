#!/bin/sh
# The systemd VM's test PKI, made on the host (fast) before the boot: a CA,
# the back office's certificate for 127.0.0.1, the camera's client one.
#   usage: tests/vmsd/mkpki.sh DIR
set -eu
mkdir -p "$1"
cd "$1"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 \
	-subj /CN=test-ca -keyout ca.key -out ca.pem 2>/dev/null
for who in server client; do
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=$who \
		-keyout $who.key -out $who.csr 2>/dev/null
	printf 'subjectAltName=IP:127.0.0.1\n' > $who.ext
	openssl x509 -req -in $who.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 30 \
		-extfile $who.ext -out $who.pem 2>/dev/null
done
