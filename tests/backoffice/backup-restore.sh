#!/bin/bash
# Backup and restore of the back office (issue 24, docs/backup.md): a
# private PostgreSQL archiving its WAL with pgBackRest, a camera's chain
# through the real anpr-upload and anpr-ingest, a full backup, a second
# camera's records after it (only in the WAL archive), the image store
# copied with rsync; then the server and the image store lost, restored
# from the repository and the copy: every record an uploader's ledger
# says was acknowledged is there with its SHA-256, an export of a read
# stored after the backup verifies with anpr-verify, the audit chain
# holds with every entry, and a camera resending what was held is told
# "duplicate". Then the repository attacked: a backup file altered is
# named by pgbackrest verify, and a restore from it refuses.
#   tests/backoffice/backup-restore.sh BUILD
set -u
cd "$(dirname "$0")/../.."
build=${1:-build}
bin=$PWD/$build/bin
setup=$PWD/$build/ingest/ingest_setup
fill=$PWD/$build/evidence/ev_fill
. tests/lib/tap.sh
. tests/lib/pg.sh
. tests/lib/ingest.sh
t=$(mktemp -d /tmp/anpr-backup-XXXXXX)
chmod 0755 "$t"	# the server's user reaches its directory and the backup's
ipid=
cleanup() {
	[ -n "$ipid" ] && kill -9 "$ipid" 2>/dev/null
	wait 2>/dev/null
	pg_stop
	rm -rf "$t"
}
trap cleanup EXIT
command -v pgbackrest > /dev/null || { nok "pgbackrest installed (scripts/install-deps backoffice)"; tap_done; exit 1; }

# ---- the server archives every WAL segment into the repository
conf=$t/pgbackrest.conf
export ANPR_TEST_PG_CONF="archive_mode = on
archive_command = 'pgbackrest --config=$conf --stanza=anpr archive-push %p'"
pg_start "$t/pg" || { nok "pg_start"; tap_done; exit 1; }
d=$ANPR_TEST_PG_DIR
_pg_as mkdir "$d/repo" "$d/log" "$d/lock" "$d/spool"
cat > "$conf" <<EOF
[global]
repo1-path=$d/repo
repo1-retention-full=2
repo1-cipher-type=aes-256-cbc
repo1-cipher-pass=$(head -c 32 /dev/urandom | base64)
log-path=$d/log
lock-path=$d/lock
spool-path=$d/spool
log-level-console=warn
log-level-file=info
start-fast=y

[anpr]
pg1-path=$d/data
pg1-port=$ANPR_TEST_PG_PORT
pg1-socket-path=$d/sock
pg1-user=postgres
EOF
chown "${ANPR_PG_USER:-nobody}:" "$conf" 2> /dev/null; chmod 0600 "$conf"	# the passphrase
br() { _pg_as pgbackrest --config="$conf" --stanza=anpr "$@"; }
O() { psql -X -At -v ON_ERROR_STOP=1 -d "$ANPR_TEST_PG" -c "$1" 2>&1; }
"$bin/anpr-db" --db "$ANPR_TEST_PG" migrate --sql backoffice/sql > /dev/null || nok "migrations"
br stanza-create > "$t/stanza.out" 2>&1; rc=$?
check "pgbackrest stanza-create (status $rc)" test $rc -eq 0
br check > "$t/check.out" 2>&1; rc=$?
check "pgbackrest check: the server's WAL reaches the repository (status $rc)" test $rc -eq 0
[ $rc -eq 0 ] || sed 's/^/# /' "$t/check.out"

# ---- two cameras, anpr-ingest, and a person who searches (audited)
ing_pki "$t" server CAM-A CAM-B || nok "test PKI"
for c in CAM-A CAM-B; do ing_camera "$bin" "$setup" "$t" "$c" || nok "register $c"; done
psql -X -q -d "$ANPR_TEST_PG_SUPER" -c "CREATE ROLE dpo_test LOGIN IN ROLE anpr_auditor" > /dev/null
auditor=${ANPR_TEST_PG/user=anpr_owner/user=dpo_test}
mkdir "$t/images"
start_ingest() { ing_start "$bin" "$t" "$t/images" --threads 2; ipid=$ING_PID; }
upload() { ing_upload "$bin" "$t" "$@"; }	# upload CAMERA SPOOL STATE
search() {	# search MARK CASE: the rows found, as the person (audited)
	"$bin/anpr-query" --db "$ANPR_TEST_PG_PERSON" --purpose role-relevant --case "$2" \
		--vrm "$1" --json 2>&1
}
start_ingest
"$fill" --spool "$t/A" --key "$t/CAM-A.sec" --n 60 --images --checkpoint 20 --camera CAM-A > /dev/null
"$fill" --spool "$t/B" --key "$t/CAM-B.sec" --n 40 --images --checkpoint 20 --camera CAM-B > /dev/null
cp -a "$t/A" "$t/A-again"
upload CAM-A "$t/A" "$t/sA"; rc=$?
n_a=$(O "select count(*) from anpr.record_index where camera_id = 'CAM-A'")
check "camera A's 60 records and its checkpoints acknowledged and held ($n_a records, status $rc)" \
	test $rc -eq 0 -a "$n_a" -ge 60
search AB05CDE INC-1 > "$t/q1.json"

# ---- the backup: the database (full) and the image store (a copy)
br backup --type=full > "$t/backup.out" 2>&1; rc=$?
check "pgbackrest backup --type=full (status $rc)" test $rc -eq 0
[ $rc -eq 0 ] || sed 's/^/# /' "$t/backup.out" | tail -5
plain=$(find "$d/repo/backup" -type f -size +0 | while read -r f; do
	[ "$(head -c 8 "$f")" = Salted__ ] || echo "$f"; done | wc -l)
check "the backup's files are encrypted (repo1-cipher-type; $plain not)" test "$plain" -eq 0
rsync -a "$t/images/" "$t/images-backup/"; rc=$?
check "the image store copied by rsync (status $rc, $(find "$t/images-backup" -type f | wc -l) files)" \
	test $rc -eq 0

# ---- after the backup: camera B's records, a search; only in the WAL
upload CAM-B "$t/B" "$t/sB"; rc=$?
n_b=$(O "select count(*) from anpr.record_index where camera_id = 'CAM-B'")
check "camera B's 40 records acknowledged after the backup ($n_b records, status $rc)" \
	test $rc -eq 0 -a "$n_b" -ge 40
bmark=$(O "select vrm from anpr.records where camera_id = 'CAM-B' and vrm is not null
	and plate_sha256 is not null order by chain_seq limit 1")
search "$bmark" INC-2 > "$t/q2.json"
rsync -a "$t/images/" "$t/images-backup/"	# the copy kept up, as its timer does
n_audit=$(psql -X -At -d "$auditor" -c "select count(*) from audit.entries")
n_all=$(O "select count(*) from anpr.record_index")
O "select encode(sha256, 'hex') || ' ' || record_id from anpr.record_index order by record_id" > "$t/held-before"
kill "$ipid" 2>/dev/null; wait "$ipid" 2>/dev/null; ipid=
# the last segment to the archive (what archive_timeout does within a
# minute, docs/backup.md), then the server and the image store are lost
seg=$(psql -X -At -d "$ANPR_TEST_PG_SUPER" -c "select pg_walfile_name(pg_switch_wal())")
for _ in $(seq 100); do
	[ "$(psql -X -At -d "$ANPR_TEST_PG_SUPER" -c "select left(last_archived_wal, 24) >= '$seg' from pg_stat_archiver")" = t ] && break
	sleep 0.1
done
check "the WAL up to the loss archived (segment $seg)" \
	test "$(psql -X -At -d "$ANPR_TEST_PG_SUPER" -c "select left(last_archived_wal, 24) >= '$seg' from pg_stat_archiver")" = t
"$ANPR_TEST_PG_CTL" stop-immediate > /dev/null 2>&1
_pg_as rm -rf "$d/data"
rm -rf "$t/images"
check "the server's data directory and the image store are gone" test ! -e "$d/data" -a ! -e "$t/images"

# ---- restore
_pg_as mkdir -m 0700 "$d/data"
br restore > "$t/restore.out" 2>&1; rc=$?
check "pgbackrest restore (status $rc)" test $rc -eq 0
[ $rc -eq 0 ] || sed 's/^/# /' "$t/restore.out" | tail -5
"$ANPR_TEST_PG_CTL" start > /dev/null 2>&1
for _ in $(seq 300); do
	[ "$(psql -X -At -d "$ANPR_TEST_PG_SUPER" -c "select pg_is_in_recovery()" 2>/dev/null)" = f ] && break
	sleep 0.1
done
check "the restored server replayed the archive and is writable" \
	test "$(psql -X -At -d "$ANPR_TEST_PG_SUPER" -c "select pg_is_in_recovery()" 2>&1)" = f
rsync -a "$t/images-backup/" "$t/images/"
O "select encode(sha256, 'hex') || ' ' || record_id from anpr.record_index order by record_id" > "$t/held-after"
check "every record held before the loss is held after, with its SHA-256 ($(wc -l < "$t/held-after") of $n_all)" \
	cmp -s "$t/held-before" "$t/held-after"
cat "$t"/sA/uploaded.log "$t"/sB/uploaded.log | awk '{print $3, $2}' | sort -u > "$t/acked"
missing=$(awk '{print $1 " " $2}' "$t/acked" | while read -r h id; do
	grep -qx "$h $id" "$t/held-after" || echo "$id"; done | wc -l)
check "every record the uploaders' ledgers acknowledged is there with its hash ($(wc -l < "$t/acked") acknowledged, $missing missing)" \
	test "$missing" -eq 0 -a "$(wc -l < "$t/acked")" -ge 100
bad=$(find "$t/images" -name '*.jpg' | while read -r f; do
	[ "$(sha256sum "$f" | cut -c1-64)" = "$(basename "$f" .jpg)" ] || echo "$f"; done | wc -l)
check "every image file restored is the file its name is the hash of ($bad not)" test "$bad" -eq 0
check "...and every image the records name is there" \
	test "$(O "select count(*) from (select plate_sha256 h, capture_day from anpr.records where plate_sha256 is not null
		union select overview_sha256, capture_day from anpr.records where overview_sha256 is not null) x")" = \
	     "$(find "$t/images" -name '*.jpg' | wc -l)"
"$bin/anpr-query" --db "$ANPR_TEST_PG_PERSON" --purpose role-relevant --case INC-3 --vrm "$bmark" \
	--images "$t/images" --export "$t/b.tar" > "$t/e.out" 2> "$t/e.err"; rc=$?
btar=$(cat "$t/e.out" "$t/e.err" | sed -n 's/^anpr-query: wrote \(.*\.tar\): camera CAM-B .*/\1/p')
"$bin/anpr-verify" --key "$t/CAM-B.pub" "${btar:-$t/none.tar}" > "$t/v.out" 2>&1; vrc=$?
check "a read camera B stored after the backup exports from the restored store, and anpr-verify accepts its bundle (status $rc, $vrc)" \
	test $rc -eq 0 -a $vrc -eq 0
[ $vrc -eq 0 ] || sed 's/^/# /' "$t/v.out" "$t/e.err" | tail -5
n_audit2=$(psql -X -At -d "$auditor" -c "select count(*) from audit.entries")
"$bin/anpr-audit" --db "$auditor" verify > "$t/audit.out" 2>&1; rc=$?
check "the audit chain holds after the restore, every entry there ($n_audit2 of $((n_audit + 1)): the export is one more; status $rc)" \
	test $rc -eq 0 -a "$n_audit2" -eq $((n_audit + 1))
[ $rc -eq 0 ] || sed 's/^/# /' "$t/audit.out" | tail -3
start_ingest
upload CAM-A "$t/A-again" "$t/sA2"; rc=$?
check "a camera resending records the restored store holds: acknowledged as duplicates, nothing stored twice (status $rc)" \
	test $rc -eq 0 -a "$(O "select count(*) from anpr.record_index")" = "$n_all"
kill "$ipid" 2>/dev/null; wait "$ipid" 2>/dev/null; ipid=

# ---- the repository attacked: a file of the backup altered
label=$(br info --output=json | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["backup"][-1]["label"])')
victim=$(find "$d/repo/backup/anpr/$label/pg_data/base" -type f -size +8k | head -1)
printf '\xff\xff\xff\xff' | _pg_as dd of="$victim" bs=1 seek=4096 conv=notrunc 2> /dev/null
br verify --log-level-console=detail > "$t/verify.out" 2>&1; rc=$?
# pgbackrest 2.45's verify exits 0 whatever it finds: its report says
check "pgbackrest verify names the altered file of backup $label (status: error)" \
	bash -c "grep -q 'status: error' '$t/verify.out' && grep -q \"invalid checksum '$label/pg_data/${victim##*/pg_data/}'\" '$t/verify.out'"
grep -q 'status: error' "$t/verify.out" || sed 's/^/# /' "$t/verify.out" | tail -8
"$ANPR_TEST_PG_CTL" stop > /dev/null 2>&1
_pg_as rm -rf "$d/data"
_pg_as mkdir -m 0700 "$d/data"
br restore --set="$label" --job-retry=0 > "$t/restore2.out" 2>&1; rc=$?
check "a restore from the altered backup refuses (status $rc: $(grep -m1 -o 'zlib threw error.*' "$t/restore2.out"))" \
	bash -c "[ $rc -ne 0 ] && grep -q 'data error' '$t/restore2.out'"
[ $rc -ne 0 ] || sed 's/^/# /' "$t/restore2.out" | tail -5
tap_done
