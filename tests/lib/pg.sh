#!/bin/bash
# pg.sh - sourced by test scripts: a private PostgreSQL 15 cluster for the
# back office's tests (docs/backoffice.md, "Tests"), made from Debian's own
# binaries in a temporary directory, listening on 127.0.0.1 only (a free
# port) and on a unix socket in that directory, stopped and removed at
# exit, even on failure.
#
#   pg_start [DIR]
#               initdb + start; creates the roles and the database "anpr"
#               and exports (libpq connection strings):
#                 ANPR_TEST_PG         as anpr_owner (owns the schema, runs
#                                      the migrations; CREATEDB, CREATEROLE)
#                 ANPR_TEST_PG_INGEST  as anpr_ingest (what anpr-ingest is)
#                 ANPR_TEST_PG_READER  as anpr_reader (the register, without
#                                      locations: nothing else since 0012)
#                 ANPR_TEST_PG_PERSON  as anpr_test_person, a person in
#                                      anpr_analyst, anpr_exporter and
#                                      anpr_location: what anpr-query is run
#                                      as (with --purpose and --case)
#                 ANPR_TEST_PG_SUPER   as postgres (superuser: harness only)
#               and ANPR_TEST_PG_CTL: a script taking stop-immediate,
#               start or stop, for tests that take the database away.
#               The cluster lives in a new directory under /tmp, or in DIR
#               (make demo: build/demo/pg), which must not exist yet and
#               whose parent the cluster's user can reach; it is removed
#               as the temporary one is.
#   pg_stop     stop (immediate) and remove; also run at exit.
#   pg_psql     psql as anpr_owner on anpr, quiet, stops at the first error.
#   pg_authorise CASE
#               a senior officer's authorisation for major crime under CASE
#               (valid a day), made by the owner once the migrations are
#               applied; prints its id. anpr-query --purpose major-crime
#               --case CASE --authorisation ID then searches every tier,
#               so that a test's reads do not leave its search as they age.
#
# initdb refuses to run as root. When the caller is root, the cluster's
# processes run as ANPR_PG_USER (default "nobody": it exists on every
# Debian, needs no account to be made, owns nothing else that matters)
# through setpriv; its files are in a directory only that user can read.
# Clients (psql, the tests) connect over TCP as any user: the cluster
# trusts loopback, which is fine for a throw-away test cluster and nothing
# else. A caller that is not root runs the cluster as itself.
#
# A script with its own EXIT trap must call pg_stop from it; pg_start
# keeps a trap set before it, and sets "pg_stop" where none is. Whatever
# happens (a trap overwritten, SIGKILL), a watchdog stops the cluster and
# removes its directory within a second of the calling shell's end.
#
# ANPR_TEST_PG_CONF: lines added to the cluster's postgresql.conf (the
# ingest bench: max_connections for its many worker threads; the systemd
# VM: its socket in /run/postgresql, where the units connect).
# ANPR_TEST_PG_HBA: lines put before the cluster's own in pg_hba.conf
# (the first that matches decides: the console's suite asks its people
# for SCRAM passwords, where the rest of the cluster trusts loopback).
# ANPR_PG_PORT: this port rather than a free one (the systemd VM, whose
# loopback is its own: 5432, the port the units' connection strings mean).
#
# C tests: tests/lib/with-pg CMD... runs CMD with the variables above set.
. "$(dirname "${BASH_SOURCE[0]}")/port.sh"
PG_BIN=${ANPR_PG_BIN:-/usr/lib/postgresql/15/bin}
_pg_dir=
_pg_watch=

_pg_as() {
	if [ "$(id -u)" = 0 ]; then
		local u=${ANPR_PG_USER:-nobody}
		setpriv --reuid="$(id -u "$u")" --regid="$(id -g "$u")" --clear-groups -- "$@"
	else
		"$@"
	fi
}

pg_stop() {
	[ -n "$_pg_dir" ] || return 0
	if [ -x "$_pg_dir/pgctl" ]; then "$_pg_dir/pgctl" stop-immediate >/dev/null 2>&1; fi
	[ -n "$_pg_watch" ] && kill "$_pg_watch" 2>/dev/null && wait "$_pg_watch" 2>/dev/null
	rm -rf "$_pg_dir"
	_pg_dir=
	_pg_watch=
}

pg_psql() {
	psql -X -q -v ON_ERROR_STOP=1 -d "$ANPR_TEST_PG" "$@"
}

pg_authorise() {
	psql -X -At -v ON_ERROR_STOP=1 -d "$ANPR_TEST_PG" -c "INSERT INTO anpr.authorisations
		(officer, purpose, scope_case, valid_from, expires_at) VALUES ('Det Supt Test',
		'major-crime', '$1', now() - interval '1 hour', now() + interval '1 day')
		RETURNING id" | head -1
}

pg_start() {
	local d port tries=0
	[ -x "$PG_BIN/initdb" ] || { echo "pg.sh: no $PG_BIN/initdb (scripts/install-deps backoffice)" >&2; return 1; }
	if [ -n "${1:-}" ]; then
		d=$(realpath -m -- "$1") && mkdir -- "$d" || return 1
	else
		d=$(mktemp -d /tmp/anpr-pg-XXXXXX) || return 1
	fi
	_pg_dir=$d
	# the caller's own EXIT trap (its cleanup, which calls pg_stop) is
	# kept; before, this replaced it, and ingest-e2e, anpr-query.sh and
	# anpr-db.sh left their temporary directories behind
	[ -n "$(trap -p EXIT)" ] || trap pg_stop EXIT
	trap 'exit 130' INT TERM
	if [ "$(id -u)" = 0 ]; then chown "${ANPR_PG_USER:-nobody}:" "$d" || return 1; fi
	chmod 0700 "$d"
	if ! _pg_as test -w "$d"; then
		echo "pg.sh: ${ANPR_PG_USER:-nobody} cannot reach $d (a parent directory closed to it)" >&2
		return 1
	fi
	# --no-sync: a throw-away cluster; the commits of the tests themselves
	# are fsynced as in production (fsync stays on).
	if ! _pg_as "$PG_BIN/initdb" -D "$d/data" -U postgres -A trust -E UTF8 \
		--locale=C.UTF-8 --no-sync >"$d/initdb.log" 2>&1; then
		echo "pg.sh: initdb failed:" >&2; cat "$d/initdb.log" >&2; return 1
	fi
	_pg_as mkdir "$d/sock"
	if [ -n "${ANPR_TEST_PG_HBA:-}" ]; then
		printf '%s\n' "$ANPR_TEST_PG_HBA" | _pg_as sh -c "cat - '$d/data/pg_hba.conf' > '$d/data/pg_hba.new' &&
			mv '$d/data/pg_hba.new' '$d/data/pg_hba.conf'" || return 1
	fi
	while :; do
		# a port nobody listens on now; another process may still take
		# it before the server binds it, hence the retries
		port=${ANPR_PG_PORT:-$(free_port)}
		_pg_as sh -c "cat >> '$d/data/postgresql.conf'" <<-CONF
		listen_addresses = '127.0.0.1'
		port = $port
		unix_socket_directories = '$d/sock'
		max_connections = 50
		shared_buffers = 32MB
		synchronous_commit = on
		log_min_messages = warning
		${ANPR_TEST_PG_CONF:-}
		CONF
		cat > "$d/pgctl" <<-SH
		#!/bin/bash
		# $d/pgctl stop-immediate | start | stop (written by tests/lib/pg.sh)
		$(declare -f _pg_as)
		ANPR_PG_USER=${ANPR_PG_USER:-nobody}
		case \$1 in
		start) _pg_as "$PG_BIN/pg_ctl" -D "$d/data" -l "$d/server.log" -w -t 30 start ;;
		stop) _pg_as "$PG_BIN/pg_ctl" -D "$d/data" -w -m fast stop ;;
		stop-immediate) _pg_as "$PG_BIN/pg_ctl" -D "$d/data" -w -m immediate stop ;;
		*) echo "usage: \$0 start|stop|stop-immediate" >&2; exit 2 ;;
		esac
		SH
		chmod 0755 "$d/pgctl"
		"$d/pgctl" start >/dev/null 2>&1 && break
		tries=$((tries + 1))
		if [ $tries -ge 5 ]; then
			echo "pg.sh: postgres did not start:" >&2; cat "$d/server.log" >&2; return 1
		fi
	done
	(
		# the watchdog: stdio closed so that it holds no pipe of the caller
		exec </dev/null >/dev/null 2>&1
		while kill -0 $$ 2>/dev/null; do sleep 1; done
		"$d/pgctl" stop-immediate; rm -rf "$d"
	) &
	_pg_watch=$!
	# not a job of the caller: a cleanup's bare "wait" must not wait for
	# it (it runs until the caller's shell ends)
	disown "$_pg_watch"
	local base="host=127.0.0.1 port=$port connect_timeout=10"
	export ANPR_TEST_PG_PORT=$port ANPR_TEST_PG_DIR=$d ANPR_TEST_PG_CTL=$d/pgctl
	export ANPR_TEST_PG_SUPER="$base dbname=postgres user=postgres"
	export ANPR_TEST_PG="$base dbname=anpr user=anpr_owner"
	export ANPR_TEST_PG_INGEST="$base dbname=anpr user=anpr_ingest"
	export ANPR_TEST_PG_READER="$base dbname=anpr user=anpr_reader"
	export ANPR_TEST_PG_PERSON="$base dbname=anpr user=anpr_test_person"
	pg_make_roles "$ANPR_TEST_PG_SUPER"
}

# The login roles as a deployment makes them, and the database "anpr", as
# the superuser of CONNINFO (also tests/lib/pg-ha.sh's); the migrations
# make the same names NOLOGIN where they are missing, and grant to them.
pg_make_roles() {
	psql -X -q -v ON_ERROR_STOP=1 -d "$1" >/dev/null <<-SQL || return 1
	CREATE ROLE anpr_owner LOGIN CREATEDB CREATEROLE;
	CREATE ROLE anpr_ingest LOGIN;
	CREATE ROLE anpr_reader LOGIN;
	CREATE ROLE anpr_analyst NOLOGIN;
	CREATE ROLE anpr_exporter NOLOGIN;
	CREATE ROLE anpr_location NOLOGIN;
	CREATE ROLE anpr_test_person LOGIN IN ROLE anpr_analyst, anpr_exporter, anpr_location;
	CREATE DATABASE anpr OWNER anpr_owner;
	SQL
}
