#!/bin/bash
# anpr-db against a private PostgreSQL (tests/lib/pg.sh): migrations
# applied once, the camera register through the command line, with a real
# minisign key (anpr-keygen) and real certificates (openssl), and the
# errors naming what failed.
#   tests/backoffice/anpr-db.sh BUILD
set -u
cd "$(dirname "$0")/../.."
build=${1:-build}
db=$PWD/$build/bin/anpr-db
keygen=$PWD/$build/bin/anpr-keygen
. tests/lib/tap.sh
. tests/lib/pg.sh
t=$(mktemp -d /tmp/anpr-db-XXXXXX)
trap 'pg_stop; rm -rf "$t"' EXIT
pg_start || { nok "pg_start"; tap_done; exit 1; }
A() { "$db" --db "$ANPR_TEST_PG" "$@" >"$t/out" 2>"$t/err"; }
has() { grep -q -- "$1" "$t/$2"; }

nmig=$(find backoffice/sql -name '[0-9][0-9][0-9][0-9]_*.sql' | wc -l)
check "migrate applies $nmig" bash -c "$(declare -f A); db=$db t=$t; A migrate --sql backoffice/sql && grep -q '$nmig migrations applied' $t/out"
A migrate --sql backoffice/sql
check "migrate again applies none" has "0 migrations applied" out
A migrate --sql /nonexistent
check "a missing sql directory is named" has "/nonexistent" err

check "fixed camera added" A camera add CAM-01 --fixed --site S1 --lat 52.1 --lon -1.5 --bearing 90
check "mobile camera added" A camera add VAN-7 --mobile
A camera add CAM-01 --mobile
check "duplicate camera refused, named" has "camera CAM-01: already registered" err
A camera add CAM-02 --fixed
check "fixed camera without a site: usage error" test $? = 2
A camera add CAM-03 --fixed --site S3 --lat 95 --lon 0
check "latitude out of range refused" has "lat" err

"$keygen" -p "$t/cam.pub" -s "$t/cam.key" >/dev/null 2>&1 </dev/null
check "camera key registered" A camera key CAM-01 "$t/cam.pub"
keyid=$(sed -n 's/.*key \([0-9A-F]\{16\}\) added.*/\1/p' "$t/out")
A camera key CAM-01 "$t/cam.pub"
check "same key again refused, named" has "key $keyid already registered" err
echo "not a key" > "$t/bad.pub"
A camera key CAM-01 "$t/bad.pub"
check "a bad key file is refused, named" has "bad.pub" err
A camera key NOPE "$t/cam.pub"
check "key for an unknown camera refused" has "camera NOPE: not registered" err

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 \
	-subj /CN=cam-01 -keyout "$t/c.key" -out "$t/c.pem" 2>/dev/null
fpr=$(openssl x509 -in "$t/c.pem" -outform DER | sha256sum | cut -d' ' -f1)
check "certificate registered" A camera cert CAM-01 "$t/c.pem"
check "fingerprint is the SHA-256 of the DER" has "$fpr" out
check "subject read" has "CN=cam-01" out
A camera cert CAM-01 "$t/bad.pub"
check "a file that is no certificate is refused, named" has "bad.pub: not a PEM X.509" err
A camera show CAM-01
check "show: kind, key, cert" bash -c "grep -q '^kind fixed' $t/out && grep -q '^key $keyid' $t/out && grep -q '^cert $fpr' $t/out"
check "revoke-cert" A camera revoke-cert "$fpr"
A camera show CAM-01
check "show: cert revoked" bash -c "grep -q '^cert $fpr .* revoked' $t/out"
A camera revoke-cert "$fpr"
check "revoking twice says so" has "revoked already" err
check "revoke-key" A camera revoke-key CAM-01 "$keyid"
check "retire" A camera retire VAN-7
A camera show VAN-7
check "show: retired" has "^status retired" out
A camera show NOPE
check "show an unknown camera: named" has "camera NOPE: not registered" err
"$db" --db "host=127.0.0.1 port=1 dbname=x connect_timeout=2" camera show CAM-01 >/dev/null 2>"$t/err"
check "an unreachable database: said, exit 1" bash -c "[ $? = 1 ] && grep -q 'database connection failed' $t/err"
tap_done
