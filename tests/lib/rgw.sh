#!/bin/bash
# rgw.sh - sourced by test scripts: a private S3-compatible object store for
# the image store's s3 backend (docs/backoffice.md, "Image store"): a
# single-node Ceph (Debian's ceph-mon, ceph-osd, radosgw) in a temporary
# directory, on 127.0.0.1 only (free ports), stopped and removed at exit,
# even on failure. The real server, not a mock: what the tests check is
# that the backend speaks S3 as radosgw answers it.
#
#   rgw_start   one monitor, one OSD (memstore: the objects live in the OSD's
#               memory, which a test's few megabytes fit; no disk to make),
#               cephx authentication with keys made by ceph-authtool, pools
#               of size 1, no manager (nothing here needs one), then
#               radosgw (its beast frontend) and an S3 user. Exports:
#                 ANPR_TEST_S3_ENDPOINT  http://127.0.0.1:PORT
#                 ANPR_TEST_S3_ACCESS    the user's access key
#                 ANPR_TEST_S3_SECRET    its secret key
#                 ANPR_TEST_RGW_DIR      the directory (ceph.conf, logs)
#               Every wait is bounded (RGW_TIMEOUT seconds each, default 60).
#   rgw_stop_gw radosgw alone dies (SIGKILL): the store is "down" as an
#               S3 client sees it; rgw_start_gw starts it again on the same
#               port.
#   rgw_stop    kills everything and removes the directory; also at exit.
#
# Why cephx and not "auth none": with auth none, radosgw 16.2 stopped at
# "get_initial_auth_request returned -13" (it asks for a cephx ticket
# whatever the cluster says); cephx with its own keys is also what a real
# deployment has. The daemons run as the caller (root in CI: they do not
# drop privileges here, as nothing they write is outside the directory).
_rgw_dir=
_rgw_watch=
_rgw_port=

. "$(dirname "${BASH_SOURCE[0]}")/port.sh"

_rgw_authtool() { ceph-authtool "$@" >/dev/null; }

_rgw_ceph() { timeout "${RGW_TIMEOUT:-60}" ceph -c "$_rgw_dir/ceph.conf" -n client.admin --connect-timeout 20 "$@"; }

# kills the processes whose pid files are in the directory, then removes it
rgw_stop() {
	[ -n "$_rgw_dir" ] || return 0
	local f
	for f in "$_rgw_dir"/run/*.pid; do
		[ -f "$f" ] && kill -9 "$(cat "$f")" 2>/dev/null
	done
	[ -n "$_rgw_watch" ] && kill "$_rgw_watch" 2>/dev/null && wait "$_rgw_watch" 2>/dev/null
	rm -rf "$_rgw_dir"
	_rgw_dir= _rgw_watch=
}

rgw_stop_gw() {
	local f=$_rgw_dir/run/rgw.pid
	[ -f "$f" ] && kill -9 "$(cat "$f")" 2>/dev/null
	rm -f "$f"
	# until the port is free: a restart binds it again
	local i
	for i in $(seq 100); do
		ss -Hltn "sport = :$_rgw_port" | grep -q . || return 0
		sleep 0.1
	done
}

# starts radosgw and waits (bounded) until it answers HTTP
rgw_start_gw() {
	local d=$_rgw_dir i
	radosgw -c "$d/ceph.conf" -n client.rgw -f >>"$d/log/rgw.out" 2>&1 &
	echo $! >"$d/run/rgw.pid"
	disown $!	# not the caller's job: its shell reports no "Killed" at rgw_stop
	for i in $(seq $(( ${RGW_TIMEOUT:-60} * 5 ))); do
		curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$_rgw_port/" && return 0
		kill -0 "$(cat "$d/run/rgw.pid")" 2>/dev/null || break
		sleep 0.2
	done
	echo "rgw.sh: radosgw does not answer on 127.0.0.1:$_rgw_port:" >&2
	tail -20 "$d/log/client.rgw.log" "$d/log/rgw.out" >&2
	return 1
}

rgw_start() {
	local d monport i fsid uuid out
	for i in ceph-mon ceph-osd radosgw ceph-authtool monmaptool radosgw-admin ceph; do
		command -v $i >/dev/null || { echo "rgw.sh: no $i (scripts/install-deps backoffice)" >&2; return 1; }
	done
	d=$(mktemp -d /tmp/anpr-rgw-XXXXXX) || return 1
	_rgw_dir=$d
	[ -n "$(trap -p EXIT)" ] || trap rgw_stop EXIT
	trap 'exit 130' INT TERM
	mkdir -p "$d/run" "$d/log" "$d/mon" "$d/osd0"
	(
		# the watchdog, as pg.sh's: the caller gone, everything goes
		exec </dev/null >/dev/null 2>&1
		while kill -0 $$ 2>/dev/null; do sleep 1; done
		for f in "$d"/run/*.pid; do kill -9 "$(cat "$f")"; done
		rm -rf "$d"
	) &
	_rgw_watch=$!
	disown "$_rgw_watch"
	fsid=$(cat /proc/sys/kernel/random/uuid)
	monport=$(free_port)
	_rgw_port=$(free_port)
	cat >"$d/ceph.conf" <<-CONF
	[global]
	fsid = $fsid
	mon host = v2:127.0.0.1:$monport
	mon initial members = a
	public addr = 127.0.0.1
	ms bind ipv6 = false
	ms bind msgr1 = false
	auth cluster required = cephx
	auth service required = cephx
	auth client required = cephx
	keyring = $d/keyring.\$name
	run dir = $d/run
	admin socket = $d/run/\$name.asok
	log file = $d/log/\$name.log
	pid file = $d/run/\$name.daemon.pid
	crash dir = $d/crash
	log to stderr = false
	err to stderr = false
	osd pool default size = 1
	osd pool default min size = 1
	osd pool default pg num = 8
	osd pool default pgp num = 8
	osd pool default pg autoscale mode = off
	osd crush chooseleaf type = 0
	mon allow pool size one = true
	mon warn on pool no redundancy = false
	mon data avail warn = 1
	mon data avail crit = 0
	mon max pg per osd = 1000
	[mon.a]
	mon data = $d/mon
	[osd.0]
	osd data = $d/osd0
	osd objectstore = memstore
	memstore device bytes = 1073741824
	osd max object name len = 460
	osd max object namespace len = 64
	[client.rgw]
	# tcp_nodelay: without it a GET on a kept-alive connection waited 40 ms
	# (the body held back by Nagle until the client's delayed ACK)
	rgw frontends = beast endpoint=127.0.0.1:$_rgw_port tcp_nodelay=1
	rgw data = $d/rgw
	rgw enable usage log = false
	rgw init timeout = ${RGW_TIMEOUT:-60}
	CONF
	# the keys: mon. (the monitors' own), client.admin (the harness,
	# radosgw-admin), osd.0 and client.rgw, each with the caps its role
	# needs; the monitor's keyring holds them all at mkfs
	_rgw_authtool --create-keyring "$d/keyring.mon.a" --gen-key -n mon. --cap mon 'allow *' &&
	_rgw_authtool --create-keyring "$d/keyring.client.admin" --gen-key -n client.admin \
		--cap mon 'allow *' --cap osd 'allow *' --cap mgr 'allow *' --cap mds 'allow *' &&
	_rgw_authtool --create-keyring "$d/keyring.osd.0" --gen-key -n osd.0 \
		--cap mon 'allow profile osd' --cap osd 'allow *' --cap mgr 'allow profile osd' &&
	_rgw_authtool --create-keyring "$d/keyring.client.rgw" --gen-key -n client.rgw \
		--cap mon 'allow rw' --cap osd 'allow rwx' --cap mgr 'allow rw' || return 1
	for i in client.admin osd.0 client.rgw; do
		_rgw_authtool "$d/keyring.mon.a" --import-keyring "$d/keyring.$i" || return 1
	done
	monmaptool --create --addv a "[v2:127.0.0.1:$monport]" --fsid "$fsid" "$d/monmap" >/dev/null || return 1
	if ! ceph-mon -c "$d/ceph.conf" -i a --mkfs --monmap "$d/monmap" --keyring "$d/keyring.mon.a" >"$d/log/mkfs.out" 2>&1; then
		echo "rgw.sh: ceph-mon --mkfs failed:" >&2; cat "$d/log/mkfs.out" >&2; return 1
	fi
	ceph-mon -c "$d/ceph.conf" -i a -f >>"$d/log/mon.out" 2>&1 &
	echo $! >"$d/run/mon.pid"
	disown $!	# not the caller's job: its shell reports no "Killed" at rgw_stop
	if ! _rgw_ceph mon stat >/dev/null 2>"$d/log/ceph.err"; then
		echo "rgw.sh: the monitor does not answer:" >&2; cat "$d/log/ceph.err" >&2
		tail -20 "$d/log/mon.a.log" >&2; return 1
	fi
	uuid=$(cat /proc/sys/kernel/random/uuid)
	out=$(_rgw_ceph osd new "$uuid" 0 2>&1) || { echo "rgw.sh: ceph osd new: $out" >&2; return 1; }
	cp "$d/keyring.osd.0" "$d/osd0/keyring"
	if ! ceph-osd -c "$d/ceph.conf" -i 0 --mkfs --osd-uuid "$uuid" >"$d/log/osd-mkfs.out" 2>&1; then
		echo "rgw.sh: ceph-osd --mkfs failed:" >&2; cat "$d/log/osd-mkfs.out" >&2; return 1
	fi
	ceph-osd -c "$d/ceph.conf" -i 0 -f >>"$d/log/osd.out" 2>&1 &
	echo $! >"$d/run/osd.pid"
	disown $!	# not the caller's job: its shell reports no "Killed" at rgw_stop
	for i in $(seq $(( ${RGW_TIMEOUT:-60} * 5 ))); do
		_rgw_ceph osd dump 2>/dev/null | grep -q '^osd.0 up' && break
		kill -0 "$(cat "$d/run/osd.pid")" 2>/dev/null || break
		sleep 0.2
	done
	if ! _rgw_ceph osd dump 2>/dev/null | grep -q '^osd.0 up'; then
		echo "rgw.sh: osd.0 did not come up:" >&2; tail -20 "$d/log/osd.0.log" "$d/log/osd.out" >&2; return 1
	fi
	rgw_start_gw || return 1
	# the keys are the harness's own (random, in no file but the
	# environment): radosgw-admin takes them rather than printing its own
	ANPR_TEST_S3_ACCESS=ANPRTEST$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n' | tr a-f A-F)
	ANPR_TEST_S3_SECRET=$(od -An -N20 -tx1 /dev/urandom | tr -d ' \n')
	if ! timeout "${RGW_TIMEOUT:-60}" radosgw-admin -c "$d/ceph.conf" -n client.admin user create \
		--uid anpr-test --display-name "anpr tests" --access-key "$ANPR_TEST_S3_ACCESS" \
		--secret-key "$ANPR_TEST_S3_SECRET" >"$d/log/user.out" 2>&1; then
		echo "rgw.sh: radosgw-admin user create failed:" >&2; cat "$d/log/user.out" >&2; return 1
	fi
	export ANPR_TEST_S3_ACCESS ANPR_TEST_S3_SECRET
	export ANPR_TEST_S3_ENDPOINT=http://127.0.0.1:$_rgw_port ANPR_TEST_RGW_DIR=$d
}
