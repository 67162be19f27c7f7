#!/bin/bash
# Runs inside the clean Debian 12 root (tests/deb/check.sh chroots into a
# copy of it): installs the packages in /tmp/debs as a force's engineer
# would, with dpkg, and commissions a camera from them as far as a host
# without a camera and a back office allows. TAP on standard output.
#   /tmp/in-root.sh VERSION KVER install|backoffice|upgrade|purge
# install: everything up to anpr-verify on the spool; backoffice: the
# demo's back office half from the installed programs (the state the VM
# suite boots follows); upgrade: a kernel's headers installed later (apt,
# from the mirror); purge: the packages' removal, afterwards.
# /tmp/frames holds rendered demo frames: three vehicles, one of them the
# example hotlist's commissioning test vehicle ZZ99TST (the guide's
# "Knowing it works").
set -u
version=$1; kver=$2; phase=$3
. /tmp/tap.sh
export PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C.UTF-8
log=/tmp/dpkg.log
if [ "$phase" = backoffice ]; then
	# The back office half of the demo with the installed anpr-db,
	# anpr-ingest, anpr-upload, anpr-query and anpr-verify: a PostgreSQL
	# on the host's loopback (tests/lib/pg.sh; /tmp/bo.env: its connection
	# strings), a demo PKI in /tmp/pki (demo/make-pki, CN CAM-0001).
	. /tmp/bo.env
	bo=/tmp/bo
	mkdir -p $bo/images
	r1=$(find /var/lib/anpr/spool -name '*.rec' | sort | head -1)
	field() { sed -n "s/^$1=//p" "$2"; }
	out=$(anpr-db --db "$ANPR_TEST_PG" migrate 2>&1)
	rc=$?
	check "anpr-db migrate, with the packaged migrations (its default: /usr/share/anpr/sql; exit $rc)" test $rc -eq 0
	[ -n "$out" ] && sed 's/^/# /' <<<"$out" | head -5
	anpr-db --db "$ANPR_TEST_PG" camera add CAM-0001 --fixed --site "$(field site_id "$r1")" \
		--lat "$(field site_lat "$r1")" --lon "$(field site_lon "$r1")" \
		--bearing "$(field site_bearing_deg "$r1")" > $bo/db.log 2>&1 &&
	anpr-db --db "$ANPR_TEST_PG" camera key CAM-0001 /var/lib/anpr/keys/camera.pub >> $bo/db.log 2>&1 &&
	anpr-db --db "$ANPR_TEST_PG" camera cert CAM-0001 /tmp/pki/client.pem >> $bo/db.log 2>&1
	rc=$?
	check "anpr-db camera add, key, cert: the camera registered (exit $rc)" test $rc -eq 0 || sed 's/^/# /' $bo/db.log
	anpr-ingest --cert /tmp/pki/server.pem --key /tmp/pki/server.key --client-ca /tmp/pki/ca.pem \
		--db "$ANPR_TEST_PG_INGEST" --images $bo/images --listen 127.0.0.1 --port 0 \
		--port-file $bo/port --threads 2 --log-stored 2> $bo/ingest.log &
	ipid=$!
	for _ in $(seq 100); do [ -s $bo/port ] && break; sleep 0.05; done
	check "anpr-ingest listens (port $(cat $bo/port 2>/dev/null))" test -s $bo/port
	{ sed '/^\[upload\]/,$d' /etc/anpr/anprd.conf
	  printf '[upload]\nurl = https://127.0.0.1:%s\nclient_cert = /tmp/pki/client.pem\nclient_key = /tmp/pki/client.key\nca_file = /tmp/pki/ca.pem\ntimeout = 5s\n' "$(cat $bo/port)"
	} > $bo/upload.conf
	nrec=$(find /var/lib/anpr/spool -name '*.rec' | wc -l)
	# as the service would: user anpr, its state in /var/lib/anpr/upload
	# (the ledger), the client key readable by it (here a file, there a
	# credential)
	chgrp anpr /tmp/pki/client.key && chmod 0640 /tmp/pki/client.key
	runuser -u anpr -- anpr-upload --config $bo/upload.conf --once --max-backoff-ms 200 \
		--status-file /run/anpr/upload-status.json > $bo/upload.log 2>&1
	rc=$?
	stored=$(grep -c 'stored camera CAM-0001 record' $bo/ingest.log)
	check "anpr-upload --once sends the spool's records, anpr-ingest stores them (exit $rc; $stored of $nrec stored)" \
		eval '[ $rc -eq 0 ] && [ "$stored" -gt 0 ]'
	[ $rc -eq 0 ] || sed 's/^/# /' $bo/upload.log | tail -5
	ledger=/var/lib/anpr/upload/uploaded.log
	left=$(find /var/lib/anpr/spool -name '*.rec' | wc -l)
	out=$(anpr-verify --key /var/lib/anpr/keys/camera.pub --uploaded $ledger /var/lib/anpr/spool 2>&1)
	rc=$?
	# the ledger names each record deleted from the spool (all but its
	# open span, which stays for anprd to resume its chain)
	check "anpr-verify --uploaded $ledger ($(wc -l < $ledger) records, $left left in the spool; the guide's step 8; exit $rc): $(grep -m1 RESULT <<<"$out")" \
		eval '[ $rc -eq 0 ] && [ "$(wc -l < $ledger)" -eq $((nrec - left)) ] && [ $left -lt $nrec ]'
	# as a person through the access policy (an analyst and exporter)
	ask=(--db "$ANPR_TEST_PG_PERSON" --purpose role-relevant --case DEB-CHECK)
	out=$(anpr-query "${ask[@]}" --vrm ZZ99TST 2>&1)
	check "anpr-query --purpose role-relevant --case DEB-CHECK --vrm ZZ99TST finds the test vehicle's read in the store" grep -q ZZ99TST <<<"$out"
	sed 's/^/# /' <<<"$out" | head -3
	anpr-query "${ask[@]}" --vrm ZZ99TST --images $bo/images --export $bo/evidence.tar > $bo/export.log 2>&1
	out=$(anpr-verify --key /var/lib/anpr/keys/camera.pub $bo/evidence.tar 2>&1)
	rc=$?
	check "anpr-query --export, then anpr-verify on the bundle (exit $rc): $(grep -m1 RESULT <<<"$out")" \
		eval '[ $rc -eq 0 ] && [ -s $bo/evidence.tar ]'
	kill -TERM $ipid; wait $ipid
	rc=$?
	check "anpr-ingest stops cleanly on SIGTERM (exit $rc)" test $rc -eq 0
	tap_done
	exit
fi
if [ "$phase" = upgrade ]; then
	# A kernel upgrade: another kernel's headers from the mirror (the
	# newest one besides $kver); their postinst runs DKMS's hook
	# (/etc/kernel/header_postinst.d/dkms), which must build anprcap for
	# that kernel too, AUTOINSTALL="yes" in the top-level dkms.conf.
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq > $log 2>&1
	new=$(apt-cache search --names-only '^linux-headers-[0-9.]+-[0-9]+-amd64$' | awk '{ print $1 }' |
		sed 's/^linux-headers-//' | grep -vxF "$kver" | sort -V | tail -1)
	check "the mirror has another kernel's headers than $kver (${new:-none})" test -n "$new"
	apt-get install -y -qq --no-install-recommends "linux-headers-$new" >> $log 2>&1
	rc=$?
	check "apt-get install linux-headers-$new (exit $rc)" test $rc -eq 0 || tail -5 $log | sed 's/^/# /'
	st=$(dkms status anprcap 2>&1)
	check "DKMS built anprcap for the new kernel $new and keeps it for $kver ($(echo $st))" \
		eval 'grep -q "^anprcap/$version, $new, [^:]*: installed" <<<"$st" &&
			grep -q "^anprcap/$version, $kver, [^:]*: installed" <<<"$st"'
	tap_done
	exit
fi
if [ "$phase" = purge ]; then
	nrec=$(find /var/lib/anpr/spool -name '*.rec' | wc -l)
	dpkg --purge anprd > $log 2>&1
	check "dpkg --purge anprd: the key and the $nrec records stay (evidence is never removed with a package)" \
		eval '[ -f /var/lib/anpr/keys/camera.key ] && [ $nrec -gt 0 ] &&
			[ "$(find /var/lib/anpr/spool -name "*.rec" | wc -l)" -eq $nrec ]'
	dpkg --purge anprcap-dkms > $log 2>&1
	check "dpkg --purge anprcap-dkms: DKMS forgets it and the module is gone from every kernel" \
		eval '[ -z "$(dkms status anprcap 2>&1)" ] && [ -z "$(ls /lib/modules/*/updates/dkms/anprcap.ko* 2>/dev/null)" ]'
	tap_done
	exit
fi

# ---- install
debs=$(ls /tmp/debs/*.deb)
dpkg -i $debs > $log 2>&1
check "dpkg -i $(cd /tmp/debs && echo *.deb | sed 's/_[^ ]*\.deb//g') (log: root's $log)" test $? -eq 0
sed -n '/Building for\|Building initial\|Error\|error:/p' $log | head -5 | sed 's/^/# /'

# ---- the driver: DKMS built it for the kernel this host has (the
# headers of $kver; the root has no other), at installation
st=$(dkms status anprcap 2>&1)
check "dkms status: anprcap/$version installed for $kver ($st)" \
	grep -q "^anprcap/$version, $kver, [^:]*: installed" <<<"$st"
ko=/lib/modules/$kver/updates/dkms/anprcap.ko
[ -f "$ko" ] || ko=$ko.xz
vm=$(modinfo -F vermagic "$ko" 2>&1)
check "$ko built for $kver (vermagic: $vm)" eval '[[ $vm == "$kver "* ]]'
check "the module's dependencies known to modprobe (depmod ran)" \
	grep -q "updates/dkms/anprcap.ko" "/lib/modules/$kver/modules.dep"

# ---- users, directories, the configuration
check "user anpr (home /var/lib/anpr, no login shell) and group anpr made by the sysusers snippets" \
	eval '[ "$(getent passwd anpr | cut -d: -f6,7)" = /var/lib/anpr:/usr/sbin/nologin ] && getent group anpr > /dev/null'
mode() { stat -c '%a %U %G' "$1" 2>&1; }
for want in "/var/lib/anpr 750 anpr anpr" "/var/lib/anpr/spool 750 anpr anpr" \
	"/var/lib/anpr/keys 700 anpr anpr" "/etc/anpr 750 root anpr" \
	"/etc/anpr/upload 750 root anpr" "/etc/anpr/hotlists 750 root anpr" \
	"/etc/anpr/anprd.conf 640 root anpr"; do
	set -- $want
	got=$(mode "$1")
	check "$1: $2 $3:$4 (found $got)" test "$got" = "$2 $3 $4"
done
for u in anprd.service anpr-upload.service anpr-ingest.service anpr-purge.timer anpr-audit-seal.timer; do
	st=$(systemctl is-enabled "$u" 2>&1)
	check "$u installed and not enabled (is-enabled: $st)" test "$st" = disabled
done
check "udev rules in place for the camera nodes" test -f /lib/udev/rules.d/60-anprcap.rules

# ---- the programs
for p in anprd anprd-checkconf anpr-upload anpr-status anpr-keygen anpr-verify anpr-read \
	anpr-capture anpr-ingest anpr-db anpr-query anpr-audit; do
	v=$("$p" --version 2>&1)
	check "$p --version: $v" test "$v" = "$p $version"
done

# ---- IP cameras (rtsp:): the GStreamer elements the backend loads at run
# time come with the packages' Depends (shlibs sees only the core
# libraries). No RTSP server here: a closed port must get as far as
# rtspsrc's connection attempt, not "element missing" or "no URI handler"
# (no dpkg-dev here for the multiarch triplet: the one directory there is)
missing=
for so in rtsp rtp rtpmanager jpeg playback videoconvertscale app videoparsersbad libav; do
	compgen -G "/usr/lib/*/gstreamer-1.0/libgst$so.so" > /dev/null || missing="$missing libgst$so.so"
done
compgen -G "/usr/lib/*/gio/modules/libgiognutls.so" > /dev/null || missing="$missing libgiognutls.so"
check "the rtsp: backend's GStreamer plugins and GIO's TLS are installed (missing:${missing:- none})" test -z "$missing"
out=$(timeout 30 runuser -u anpr -- anpr-capture rtsp://127.0.0.1:9/deb-check -n 1 -t 3000 2>&1)
check "anpr-capture rtsp://127.0.0.1:9/... (a closed port) fails at the connection, not for a missing element: $(echo $out)" \
	eval '[[ $out == *"Could not open resource"* ]] && [[ $out != *missing* ]]'

# ---- commissioning, the guide's steps 2, 3, 5, 6
out=$(anpr-keygen --owner anpr -p /var/lib/anpr/keys/camera.pub -s /var/lib/anpr/keys/camera.key 2>&1)
check "anpr-keygen --owner anpr: the key anpr's, 0600 ($(mode /var/lib/anpr/keys/camera.key))" \
	test "$(mode /var/lib/anpr/keys/camera.key)" = "600 anpr anpr"
conf=/etc/anpr/anprd.conf
out=$(runuser -u anpr -- anprd-checkconf -c $conf 2>&1)
rc=$?
check "the installed $conf is refused until the camera's identity is set (exit $rc: $(echo $out))" \
	eval '[ $rc -eq 2 ] && [[ $out == *"[camera] id is required"* ]]'
# the engineer's edits: identity and position, the hotlists, a camera
sed -i -e 's/^#\(id\|site\|latitude\|longitude\) = /\1 = /' \
	-e 's|^uri = v4l2:/dev/anpr/cam0|uri = file:/var/lib/anpr/frames|' $conf
cp /usr/share/doc/anpr/examples/hotlist.csv /etc/anpr/hotlists/pnc.csv
grep -m1 '^vrm,' /usr/share/doc/anpr/examples/hotlist.csv > /etc/anpr/hotlists/local.csv
chgrp anpr /etc/anpr/hotlists/*.csv && chmod 0640 /etc/anpr/hotlists/*.csv
cp -r /tmp/frames /var/lib/anpr/frames && chown -R anpr:anpr /var/lib/anpr/frames
out=$(runuser -u anpr -- anprd-checkconf -c $conf 2>&1)
rc=$?
check "anprd-checkconf, as anpr, on the edited $conf: ok (exit $rc)" \
	eval '[ $rc -eq 0 ] && [[ $out == *"$conf: ok"* ]]'
[ $rc -eq 0 ] || echo "$out" | sed 's/^/# /'

# ---- the demo's camera half from the installed programs: anprd on the
# frames, the alert, anpr-verify on the spool
install -d -o anpr -g anpr -m 0750 /run/anpr
out=$(timeout 120 runuser -u anpr -- anprd --config $conf --log-reads --exit-at-eof 2>&1)
rc=$?
echo "$out" | grep -E 'read|ALERT|alert' | head -8 | sed 's/^/# /'
check "anprd (as anpr, the installed configuration) runs the frames to their end (exit $rc)" test $rc -eq 0
check "anprd's hotlist alert for the commissioning test vehicle ZZ99TST" grep -q 'ZZ99TST' <<<"$(grep -i alert <<<"$out")"
nrec=$(find /var/lib/anpr/spool -name '*.rec' | wc -l)
out=$(anpr-verify --key /var/lib/anpr/keys/camera.pub /var/lib/anpr/spool 2>&1)
rc=$?
check "anpr-verify on the spool ($nrec records): exit $rc, $(echo "$out" | grep -m1 RESULT)" test $rc -eq 0

tap_done
