#!/bin/bash
# Each check of tests/commissioning/paths.sh can fail: a copy of the files
# it reads passes (the control), and each copy altered the way issue 19
# found the tree (or the way it could drift again) fails, with a "not ok"
# line that names what was altered.
#   tests/commissioning/mutants.sh BUILD
set -u
cd "$(dirname "$0")/../.." || exit 2
build=$(cd "${1:-build}" && pwd)
. tests/lib/tap.sh
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
files=(README.md systemd docs man examples debian mk/config.mk daemon/core/anprd_formats.h
	daemon/upload/anpr_upload_main.c ./*/build.mk ./*/*/build.mk)
mkdir "$T/base"
cp -a --parents "${files[@]}" "$T/base/"

out=$(tests/commissioning/paths.sh "$build" "$T/base" 2>&1)
rc=$?
# shellcheck disable=SC2016 # expanded by eval, in check
check "the unaltered copy passes ($(echo "$out" | grep -c '^ok') checks, status $rc)" \
	eval '[ $rc -eq 0 ] && ! grep -q "^not ok" <<<"$out"'

# mutant NAME PATTERN SHELL-COMMAND: the command alters a fresh copy (run in
# it); paths.sh must fail with a "not ok" line matching PATTERN (grep -E).
mutant() {
	local name=$1 pat=$2 cmd=$3 m=$T/m out rc
	rm -rf "$m"
	cp -a "$T/base" "$m"
	if ! (cd "$m" && eval "$cmd") 2>/dev/null; then
		nok "$name: the alteration itself failed ($cmd)"
		return
	fi
	out=$(tests/commissioning/paths.sh "$build" "$m" 2>&1)
	rc=$?
	if [ $rc -ne 0 ] && grep -E '^not ok' <<<"$out" | grep -qE -- "$pat"; then
		ok "$name: caught ($(grep -E '^not ok' <<<"$out" | grep -E -- "$pat" | head -1 | cut -c1-120))"
	else
		nok "$name: not caught (status $rc; not ok lines: $(grep '^not ok' <<<"$out" | head -3 | xargs))"
	fi
}
# the issue's disagreements, brought back one at a time
mutant "keys.md: anpr-keygen --owner anprd" 'owner other than' \
	"sed -i 's/--owner anpr /--owner anprd /' docs/keys.md"
mutant "man anpr-keygen: the key in /etc/anpr" 'key in /etc/anpr' \
	"sed -i 's|/var/lib/anpr/keys/camera.key|/etc/anpr/camera.key|' man/anpr-keygen.1"
mutant "anprd-conf.md example: signing_key in /etc/anpr/keys" 'signing_key|key in /etc/anpr' \
	"sed -i 's|^signing_key = .*|signing_key = /etc/anpr/keys/camera.key|' docs/anprd-conf.md"
mutant "man anpr-verify: the spool in /var/spool/anpr" '/var/spool/anpr' \
	"sed -i 's|/var/lib/anpr/spool|/var/spool/anpr|' man/anpr-verify.1"
mutant "fixed-site example: spool outside what ProtectSystem=strict lets it write" 'fixed-site: \[spool\] dir' \
	"sed -i 's|^dir = .*|dir = /var/spool/anpr|' examples/anprd.conf.fixed-site"
mutant "in-vehicle example: upload url ending in /v1/records" 'in-vehicle: \[upload\] url|/v1/records' \
	"sed -i 's|^url = .*|&/v1/records|' examples/anprd.conf.in-vehicle"
mutant "anprd-conf.md example: client_cert and client_key as files" 'no client_cert' \
	"sed -i 's|^ca_file = .*|&\nclient_cert = /etc/anpr/upload/client.crt\nclient_key = /etc/anpr/upload/client.key|' docs/anprd-conf.md"
mutant "in-vehicle example: a hotlist outside /etc/anpr/hotlists" 'in-vehicle: \[hotlists\]' \
	"sed -i 's|^file = /etc/anpr/hotlists/local.csv|file = /etc/anpr/local.csv|' examples/anprd.conf.in-vehicle"
mutant "commissioning.md: a path no unit uses" 'every /etc/anpr' \
	"echo 'Copy it to /etc/anpr/upload.d/client.pem.' >> docs/commissioning.md"
mutant "commissioning.md: the configuration check left out" 'commissioning.md names' \
	"sed -i 's|anprd-checkconf -c|anprd-checkconf --config|g' docs/commissioning.md"
# the units and snippets changing under the documents
mutant "tmpfiles: the spool moved" '\[spool\] dir' \
	"sed -i 's|/var/lib/anpr/spool|/var/lib/anpr/records|' systemd/anpr.tmpfiles"
mutant "tmpfiles: the key directory opened to 0750" 'key directory' \
	"sed -i 's|^\(d /var/lib/anpr/keys *\)0700|\10750|' systemd/anpr.tmpfiles"
mutant "anprd.service: another --config" 'config' \
	"sed -i 's|--config /etc/anpr/anprd.conf|--config /etc/anpr/camera.conf|' systemd/anprd.service"
mutant "anpr-upload.service: credentials from another directory" 'client.crt' \
	"sed -i 's|client.key:/etc/anpr/upload/client.key|client.key:/etc/anpr/tls/client.key|' systemd/anpr-upload.service"
mutant "anpr-upload.service: no runtime directory (its status where anpr-status never looks)" 'RuntimeDirectory= is anprd' \
	"sed -i '/^RuntimeDirectory/d' systemd/anpr-upload.service"
mutant "anprd.service: /run/anpr removed when anprd stops" 'RuntimeDirectoryPreserve' \
	"sed -i '/^RuntimeDirectoryPreserve/d' systemd/anprd.service"
mutant "sysusers: the user renamed anprd" 'User= is the sysusers user' \
	"sed -i 's/^u anpr /u anprd /' systemd/anpr.sysusers"
mutant "anprd.service: Documentation= a file not installed" 'anprd.service: Documentation' \
	"sed -i 's|file:@DOCDIR@/systemd.md|file:/usr/share/doc/anpr/README.md|' systemd/anprd.service"
mutant "anpr-upload.service: Documentation= a man page that does not exist" 'anpr-upload.service: Documentation' \
	"sed -i 's|man:anpr-upload(8)|man:anpr-uploader(8)|' systemd/anpr-upload.service"
# the configurations must load
mutant "fixed-site example: an option anprd does not know" 'fixed-site: anprd-checkconf parses it' \
	"sed -i 's|^\[spool\]|&\nkeep = forever|' examples/anprd.conf.fixed-site"
mutant "in-vehicle example: latitude with gpsd" 'in-vehicle: anprd-checkconf parses it' \
	"sed -i 's|^mode = gpsd|&\nlatitude = 51.5|' examples/anprd.conf.in-vehicle"
mutant "the example hotlist: a bad priority" 'anprd-checkconf --hotlists|check-config' \
	"sed -i 's/,9,inform/,0,inform/' examples/hotlist.csv"
# the Debian packages (debian/) drifting from the same truth
mutant "debian/rules: the conffile made from a file no check reads" 'debian/rules makes' \
	"sed -i 's|^EX := .*|EX := debian/anprd.conf.head|' debian/rules"
mutant "anpr-doc: the documents moved to /usr/share/doc/anpr-doc" 'anpr-doc ships' \
	"sed -i 's|^usr/share/doc/anpr$|usr/share/doc/anpr-doc|' debian/anpr-doc.install"
mutant "anprd.install: anpr-upload.service left out" 'every unit, sysusers' \
	"sed -i '/anpr-upload.service/d' debian/anprd.install"
mutant "the packaged conffile's header: a document that does not exist" 'anprd.conf.head names' \
	"sed -i 's|commissioning.md|commission.md|' debian/anprd.conf.head"
mutant "the packaged conffile's header: a key in /etc/anpr" 'key in /etc/anpr' \
	"echo '# the key: /etc/anpr/keys/camera.key' >> debian/anprd.conf.head"
mutant "docs/build.mk: the examples no longer installed" 'make install installs examples' \
	"sed -i 's|examples/hotlist.csv||' docs/build.mk"
tap_done
