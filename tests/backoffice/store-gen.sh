#!/bin/bash
# anpr-store-bench gen, the generator of make bench's store-search, checked
# on a small store in a private PostgreSQL: rows and index rows, a
# partition per day, BENCH-* cameras, holdings, vrm_key the fold of vrm,
# records that parse and chain (prev_hash), signatures that verify with
# the registered keys (--sign), and a generated vehicle found by the
# policy search as anpr-query finds it (exact and --fuzzy), as a person
# searching for major crime under a senior officer's authorisation for
# the case (the reads span two years: every tier).
#   tests/backoffice/store-gen.sh BUILD [N]
set -u
cd "$(dirname "$0")/../.."
build=$1
count=${2:-2000}
. tests/lib/tap.sh
. tests/lib/pg.sh
check "PostgreSQL started" pg_start
check "migrations applied" "$build/bin/anpr-db" --db "$ANPR_TEST_PG" migrate --sql backoffice/sql
out=$(mktemp)
check "gen --sign: $count reads over 730 days" \
	bash -c "'$build/bin/anpr-store-bench' gen --sign --db '$ANPR_TEST_PG' --n $count > '$out' 2>&1"
grep -q "^generate: $count reads in" "$out" || { sed 's/^/# /' "$out"; nok "gen prints its time"; }
rm -f "$out"
auth=$(psql -X -At -v ON_ERROR_STOP=1 -d "$ANPR_TEST_PG" -c "INSERT INTO anpr.authorisations
	(officer, purpose, scope_case, valid_from, expires_at) VALUES ('Det Supt Bench', 'major-crime',
	'BENCH-CASE', now() - interval '1 day', now() + interval '1 day') RETURNING id" | head -1)
# verify prints its own TAP lines: renumber them into this script's
while IFS= read -r line; do
	case $line in
	"ok "*) ok "${line#ok [0-9]* - }" ;;
	"not ok "*) nok "${line#not ok [0-9]* - }" ;;
	"#"*) echo "$line" ;;
	esac
done < <(ANPR_TEST_PG_PERSON=$ANPR_TEST_PG_PERSON "$build/bin/anpr-store-bench" verify --sign \
	--db "$ANPR_TEST_PG" --n "$count" --purpose major-crime --case BENCH-CASE \
	--authorisation "$auth" 2>&1)
tap_done
