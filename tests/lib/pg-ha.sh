#!/bin/bash
# pg-ha.sh - sourced by test scripts: a private, replicated PostgreSQL 15
# store for the back office's failover tests (docs/replication.md): one
# etcd and N Patroni nodes (Debian's packages), each node a PostgreSQL
# server of its own, all on 127.0.0.1 (free ports) in one temporary
# directory, stopped and removed at exit, even on failure.
#
#   pgha_start N
#               etcd, then N Patroni nodes (N >= 2) in synchronous mode,
#               strict (a commit returns only once a synchronous standby
#               has its WAL on disk; with no standby, writes wait:
#               docs/replication.md says why), then the roles and the
#               database "anpr" (tests/lib/pg.sh's pg_make_roles), once every
#               standby streams (a node whose REST API port was taken
#               meanwhile is started again on another). Exports the
#               same variables as pg.sh (ANPR_TEST_PG, _INGEST, _READER,
#               _PERSON, _SUPER), each naming every node with
#               target_session_attrs=read-write, so that a client
#               (anpr-ingest, anpr-query) finds whichever is the primary;
#               and ANPR_TEST_PGHA_DIR.
#   pgha_leader
#               the number (1..N) of the node that is primary now, or
#               nothing (exit 1) while there is none.
#   pgha_wait_leader SECONDS [NOT]
#               waits until a node other than NOT is primary and writable;
#               prints its number.
#   pgha_kill I the whole server I dies at once: SIGKILL to its Patroni and
#               to every PostgreSQL process of its data directory.
#   pgha_start_node I
#               starts node I's Patroni again (it rejoins as a standby,
#               rewound with pg_rewind where its timeline forked).
#   pgha_sync_standbys
#               the names of the synchronous standbys now (one per line).
#   pgha_stop   kills everything and removes the directory; also at exit.
#
# As pg.sh: when the caller is root, etcd, Patroni and PostgreSQL run as
# ANPR_PG_USER (default "nobody") through setpriv; loopback is trusted (a
# throw-away test cluster and nothing else).
# pg_make_roles, and PG_BIN (its functions only: nothing runs here)
. "$(dirname "${BASH_SOURCE[0]}")/pg.sh"
_pgha_dir=
_pgha_n=0
_pgha_watch=



# the pids of node I's PostgreSQL processes (the postmaster's children are
# found by its data directory on their command line, the postmaster by
# its pid file)
_pgha_pg_pids() {
	local data=$_pgha_dir/node$1/data pm
	pm=$(head -1 "$data/postmaster.pid" 2>/dev/null)
	[ -n "$pm" ] && { echo "$pm"; ps -o pid= --ppid "$pm" 2>/dev/null; }
}

# _pg_as in place of the calling (sub)shell, so that "( _pgha_exec ... ) &"
# leaves the program's own pid in $!
_pgha_exec() {
	if [ "$(id -u)" = 0 ]; then
		local u=${ANPR_PG_USER:-nobody}
		exec setpriv --reuid="$(id -u "$u")" --regid="$(id -g "$u")" --clear-groups -- "$@"
	fi
	exec "$@"
}

pgha_kill() {
	local i=$1 pid
	pid=$(cat "$_pgha_dir/node$i/patroni.pid" 2>/dev/null)
	local pgp
	pgp=$(_pgha_pg_pids "$i")
	[ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null
	# shellcheck disable=SC2086
	[ -n "$pgp" ] && kill -KILL $pgp 2>/dev/null
	[ -n "$pid" ] && wait "$pid" 2>/dev/null
	rm -f "$_pgha_dir/node$i/patroni.pid"
	return 0
}

pgha_start_node() {
	local i=$1
	( _pgha_exec /usr/bin/patroni "$_pgha_dir/node$i/patroni.yml" \
		>> "$_pgha_dir/node$i/patroni.log" 2>&1 ) &
	echo $! > "$_pgha_dir/node$i/patroni.pid"
}

# Node I's Patroni has its REST API up (it answers as this cluster's), or
# it died of a port taken between free_port and its bind (another suite
# beside: CI saw node 2 die so, and the failover then waited forever on a
# lone primary in strict synchronous mode): then node I again on another
# port, up to 3 times. 1 (said) if it will not start.
_pgha_api_bound() {
	local i=$1 d=$_pgha_dir try k api new
	for try in 1 2 3; do
		api=$(cat "$d/node$i/api.port")
		for k in $(seq 300); do	# 30 s: Patroni's start on a loaded machine
			curl -s --max-time 1 "http://127.0.0.1:$api/patroni" 2>/dev/null |
				grep -q '"scope": *"anpr-test"' && return 0
			kill -0 "$(cat "$d/node$i/patroni.pid")" 2>/dev/null || break
			sleep 0.1
		done
		grep -q 'Address already in use' "$d/node$i/patroni.log" 2>/dev/null || break
		new=$(free_port)
		echo "pg-ha.sh: node$i's REST API port $api was taken: $new instead" >&2
		_pg_as sed -i "s/127\.0\.0\.1:$api\$/127.0.0.1:$new/" "$d/node$i/patroni.yml"
		echo "$new" > "$d/node$i/api.port"
		echo "(port $api taken: restarted on $new)" >> "$d/node$i/patroni.log"
		pgha_start_node "$i"
	done
	kill -0 "$(cat "$d/node$i/patroni.pid")" 2>/dev/null && return 0	# slow: the waits decide
	echo "pg-ha.sh: node$i's Patroni did not start:" >&2
	tail -5 "$d/node$i/patroni.log" >&2
	return 1
}

# How many members (application_name nodeN) stream from node 1 of DIR.
_pgha_streaming() {
	psql -X -At -d "host=127.0.0.1 port=$(cat "$1/node1/pg.port") dbname=postgres user=postgres" \
		-c "select count(*) from pg_stat_replication where state = 'streaming' and application_name ~ '^node[0-9]+\$'" 2>/dev/null
}

pgha_stop() {
	[ -n "$_pgha_dir" ] || return 0
	local i
	for i in $(seq "$_pgha_n"); do pgha_kill "$i"; done
	[ -f "$_pgha_dir/etcd.pid" ] && kill -KILL "$(cat "$_pgha_dir/etcd.pid")" 2>/dev/null
	[ -n "$_pgha_watch" ] && kill "$_pgha_watch" 2>/dev/null && wait "$_pgha_watch" 2>/dev/null
	rm -rf "$_pgha_dir"
	_pgha_dir=
	_pgha_watch=
}

# Patroni's REST API answers GET /primary with 200 on the primary only
pgha_leader() {
	local i
	for i in $(seq "$_pgha_n"); do
		[ -f "$_pgha_dir/node$i/api.port" ] || continue
		if [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 \
			"http://127.0.0.1:$(cat "$_pgha_dir/node$i/api.port")/primary")" = 200 ]; then
			echo "$i"
			return 0
		fi
	done
	return 1
}

pgha_wait_leader() {
	local secs=$1 not=${2:-} i l
	for i in $(seq $((secs * 4))); do
		l=$(pgha_leader) && [ "$l" != "$not" ] &&
			psql -X -At -d "host=127.0.0.1 port=$(cat "$_pgha_dir/node$l/pg.port") dbname=postgres user=postgres connect_timeout=2" \
				-c "select not pg_is_in_recovery()" 2>/dev/null | grep -qx t &&
			{ echo "$l"; return 0; }
		sleep 0.25
	done
	return 1
}

pgha_sync_standbys() {
	local l
	l=$(pgha_leader) || return 1
	psql -X -At -d "host=127.0.0.1 port=$(cat "$_pgha_dir/node$l/pg.port") dbname=postgres user=postgres connect_timeout=2" \
		-c "select application_name from pg_stat_replication where sync_state in ('sync', 'quorum') and application_name ~ '^node[0-9]+\$' order by 1"
}

pgha_start() {
	local n=$1 d i ec ep hosts= ports= l
	[ "$n" -ge 2 ] || { echo "pg-ha.sh: pgha_start needs 2 nodes or more" >&2; return 1; }
	command -v patroni > /dev/null && command -v etcd > /dev/null ||
		{ echo "pg-ha.sh: no patroni or etcd (scripts/install-deps: backoffice)" >&2; return 1; }
	[ -x "$PG_BIN/initdb" ] || { echo "pg-ha.sh: no $PG_BIN/initdb" >&2; return 1; }
	d=$(mktemp -d /tmp/anpr-pgha-XXXXXX) || return 1
	_pgha_dir=$d
	_pgha_n=$n
	[ -n "$(trap -p EXIT)" ] || trap pgha_stop EXIT
	trap 'exit 130' INT TERM
	chmod 0700 "$d"
	if [ "$(id -u)" = 0 ]; then chown "${ANPR_PG_USER:-nobody}:" "$d" || return 1; fi
	ec=$(free_port) ep=$(free_port)
	( _pgha_exec etcd --name e1 --data-dir "$d/etcd" \
		--listen-client-urls "http://127.0.0.1:$ec" --advertise-client-urls "http://127.0.0.1:$ec" \
		--listen-peer-urls "http://127.0.0.1:$ep" --initial-advertise-peer-urls "http://127.0.0.1:$ep" \
		--initial-cluster "e1=http://127.0.0.1:$ep" --log-level warn > "$d/etcd.log" 2>&1 ) &
	echo $! > "$d/etcd.pid"
	disown $!	# killed without a "Killed" line from this shell
	for i in $(seq 100); do
		curl -s --max-time 1 "http://127.0.0.1:$ec/health" 2>/dev/null | grep -q '"health":"true"' && break
		sleep 0.1
	done
	curl -s --max-time 1 "http://127.0.0.1:$ec/health" | grep -q '"health":"true"' ||
		{ echo "pg-ha.sh: etcd did not start:" >&2; tail -5 "$d/etcd.log" >&2; return 1; }
	for i in $(seq "$n"); do
		local api pg
		api=$(free_port) pg=$(free_port)
		_pg_as mkdir -m 0700 "$d/node$i"
		echo "$api" > "$d/node$i/api.port"
		echo "$pg" > "$d/node$i/pg.port"
		hosts=$hosts${hosts:+,}127.0.0.1
		ports=$ports${ports:+,}$pg
		# ttl 10 s, loop 1 s: a dead primary is replaced within about
		# 10 s (a deployment's defaults are 30 s and 10 s)
		_pg_as sh -c "cat > '$d/node$i/patroni.yml'" <<-YML
		scope: anpr-test
		name: node$i
		log:
		  level: WARNING
		restapi:
		  listen: 127.0.0.1:$api
		  connect_address: 127.0.0.1:$api
		etcd3:
		  hosts: 127.0.0.1:$ec
		bootstrap:
		  dcs:
		    ttl: 10
		    loop_wait: 1
		    retry_timeout: 4
		    maximum_lag_on_failover: 0
		    synchronous_mode: true
		    synchronous_mode_strict: true
		    synchronous_node_count: 1
		    postgresql:
		      use_pg_rewind: true
		      parameters:
		        synchronous_commit: 'on'
		        wal_log_hints: 'on'
		        max_connections: 100
		        max_wal_senders: 10
		        shared_buffers: 32MB
		        log_min_messages: warning
		  initdb:
		    - encoding: UTF8
		    - locale: C.UTF-8
		    - auth: trust
		    - no-sync
		postgresql:
		  listen: 127.0.0.1:$pg
		  connect_address: 127.0.0.1:$pg
		  data_dir: $d/node$i/data
		  bin_dir: $PG_BIN
		  pgpass: $d/node$i/pgpass
		  authentication:
		    superuser:
		      username: postgres
		      password: anpr-test
		    replication:
		      username: replicator
		      password: anpr-test
		    rewind:
		      username: postgres
		      password: anpr-test
		  pg_hba:
		    - local all all trust
		    - host all all 127.0.0.1/32 trust
		    - host replication all 127.0.0.1/32 trust
		  parameters:
		    unix_socket_directories: '$d/node$i'
		YML
		pgha_start_node "$i"
		_pgha_api_bound "$i" || return 1
		# the first node bootstraps the cluster alone; the others copy it
		if [ "$i" = 1 ]; then
			pgha_wait_leader 60 > /dev/null ||
				{ echo "pg-ha.sh: node1 did not become primary:" >&2; tail -20 "$d/node1/patroni.log" >&2; return 1; }
		fi
	done
	(
		exec </dev/null >/dev/null 2>&1
		while kill -0 $$ 2>/dev/null; do sleep 1; done
		for i in $(seq "$n"); do
			kill -KILL "$(cat "$d/node$i/patroni.pid" 2>/dev/null)" 2>/dev/null
			kill -KILL "$(head -1 "$d/node$i/data/postmaster.pid" 2>/dev/null)" 2>/dev/null
		done
		kill -KILL "$(cat "$d/etcd.pid")"; rm -rf "$d"
	) &
	_pgha_watch=$!
	disown "$_pgha_watch"
	# every standby streaming, one of them synchronous. Only the members
	# count (application_name nodeN): while a standby is being copied,
	# pg_basebackup's own WAL stream shows as a streaming, even
	# synchronous, standby and would end the wait before the copy is done.
	for i in $(seq 720); do	# up to 3 min: the copies run beside whatever else the machine does
		[ "$(pgha_sync_standbys 2>/dev/null | wc -l)" -ge 1 ] &&
			[ "$(_pgha_streaming "$d")" = $((n - 1)) ] && break
		sleep 0.25
	done
	[ "$(pgha_sync_standbys 2>/dev/null | wc -l)" -ge 1 ] ||
		{ echo "pg-ha.sh: no synchronous standby:" >&2; tail -n 5 "$d"/node*/patroni.log >&2; return 1; }
	# every standby, not only one: a failover test with a node missing
	# would wait forever on a lone primary (strict synchronous mode)
	[ "$(_pgha_streaming "$d")" = $((n - 1)) ] ||
		{ echo "pg-ha.sh: not every standby streams:" >&2; tail -n 5 "$d"/node*/patroni.log >&2; return 1; }
	local base="host=$hosts port=$ports target_session_attrs=read-write connect_timeout=3"
	export ANPR_TEST_PGHA_DIR=$d
	export ANPR_TEST_PG_SUPER="$base dbname=postgres user=postgres"
	export ANPR_TEST_PG="$base dbname=anpr user=anpr_owner"
	export ANPR_TEST_PG_INGEST="$base dbname=anpr user=anpr_ingest"
	export ANPR_TEST_PG_READER="$base dbname=anpr user=anpr_reader"
	export ANPR_TEST_PG_PERSON="$base dbname=anpr user=anpr_test_person"
	pg_make_roles "$ANPR_TEST_PG_SUPER"
}
