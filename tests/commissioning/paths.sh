#!/bin/bash
# One truth for every path of a camera host (issue 19 item 2). The truth is
# what the systemd units, the sysusers and tmpfiles snippets and the
# programs' compiled-in defaults enforce; this fails when the example
# configurations, docs/commissioning.md, docs/keys.md, docs/anprd-conf.md,
# docs/systemd.md, the README or a man page names another path, and when an
# example configuration does not load:
#  - the units: one --config for both services, equal to anprd's default;
#    one user, the sysusers one; the spool and key directories of tmpfiles
#    inside the StateDirectory= that ProtectSystem=strict leaves writable;
#    the upload credentials' sources in tmpfiles' upload directory;
#  - examples/anprd.conf.fixed-site, examples/anprd.conf.in-vehicle and the
#    example of docs/anprd-conf.md: spool, key, hotlists, ca_file, alert
#    socket at those paths; no client_cert/client_key (the credentials);
#    an upload url that is scheme, host and port (anpr-upload appends
#    /v1/records); each loads with anprd-checkconf, and, with its hotlist
#    paths rewritten into a scratch directory holding examples/hotlist.csv
#    (the real ones do not exist on a build host), with
#    anprd-checkconf and anprd --check-config (key, recordings, spool there too);
#  - the documents: no path of the old, disagreeing ones (/var/spool/anpr,
#    /etc/anpr/camera.key, /etc/anpr/keys, --owner anprd, a url ending in
#    /v1/records), every /etc/anpr, /var/lib/anpr and /run/anpr path one
#    of the known ones, and the commissioning guide naming each of them;
#  - the units' Documentation= names man pages and files make install
#    installs.
#  - the Debian packages (debian/): the conffile is the units' --config,
#    made from an example checked here; the documents where make install
#    puts them (/usr/share/doc/anpr, anpr-doc); every unit and snippet in
#    a package; the conffile's header names installed documents only.
#   tests/commissioning/paths.sh BUILD [ROOT]
# ROOT (default: this tree) is where the files are read: tests/commissioning/
# mutants.sh runs it on altered copies to show that each check can fail.
# The checks written as eval '...' are expanded by eval, inside check.
# shellcheck disable=SC2016,SC2034
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-build}" && pwd)
root=${2:-$top}
. "$top/tests/lib/tap.sh"
cd "$root" || exit 2
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

# ---- helpers
# ini FILE SECTION KEY: every value of KEY in [SECTION] (repeats: one a line)
ini() {
	awk -v sec="$2" -v key="$3" '
		/^[ \t]*[#;]/ { next }
		/^[ \t]*\[/ { s = $0; gsub(/^[ \t]*\[|\][ \t]*$/, "", s); next }
		s == sec && index($0, "=") {
			k = substr($0, 1, index($0, "=") - 1); v = substr($0, index($0, "=") + 1)
			gsub(/^[ \t]+|[ \t]+$/, "", k); gsub(/^[ \t]+|[ \t]+$/, "", v)
			if (k == key) print v
		}' "$1"
}
# unitkey UNIT KEY: the values of KEY= in systemd/UNIT (continuation lines joined)
unitkey() { sed -e ':a' -e '/\\$/N; s/\\\n//; ta' "systemd/$1" | sed -n "s/^$2=//p"; }
# same NAME WANT GOT: ok when equal, else not ok naming both
same() { if [ "$2" = "$3" ]; then ok "$1: $2"; else nok "$1: want '$2', found '${3:-nothing}'"; fi; }
under() { case "$2" in "$1"/?*) return 0 ;; *) return 1 ;; esac; }

# ---- the truth, from the units, sysusers, tmpfiles and the programs
conf_d=$(unitkey anprd.service ExecStart | sed -n 's/.*--config \([^ ]*\).*/\1/p')
conf_u=$(unitkey anpr-upload.service ExecStart | sed -n 's/.*--config \([^ ]*\).*/\1/p')
conf_c=$(sed -n 's/^#define ANPRD_CONF_PATH[[:space:]]*"\(.*\)"/\1/p' daemon/core/anprd_formats.h)
same "anpr-upload.service --config is anprd.service's" "$conf_d" "$conf_u"
same "anprd.service --config is anprd's default (ANPRD_CONF_PATH)" "$conf_d" "$conf_c"
conf=$conf_d

user=$(awk '$1 == "u" { print $2; exit }' systemd/anpr.sysusers)
same "anprd.service User= is the sysusers user" "$user" "$(unitkey anprd.service User)"
same "anpr-upload.service User= is the sysusers user" "$user" "$(unitkey anpr-upload.service User)"

state=/var/lib/$(unitkey anprd.service StateDirectory | awk '{ print $1 }')
same "anpr-upload.service StateDirectory= is anprd.service's" "$state" \
	"/var/lib/$(unitkey anpr-upload.service StateDirectory | awk '{ print $1 }')"
runtime=/run/$(unitkey anprd.service RuntimeDirectory | awk '{ print $1 }')
same "anpr-upload.service RuntimeDirectory= is anprd.service's (anpr-status reads both status files there)" \
	"$runtime" "/run/$(unitkey anpr-upload.service RuntimeDirectory | awk '{ print $1 }')"
same "both units keep the shared $runtime when they stop (RuntimeDirectoryPreserve=)" "yes yes" \
	"$(unitkey anprd.service RuntimeDirectoryPreserve) $(unitkey anpr-upload.service RuntimeDirectoryPreserve)"
# tmpfiles: the d lines, as "path mode owner"
tmpd() { awk -v re="$1" '$1 == "d" && $2 ~ re { print $2, $3, $4 }' systemd/anpr.tmpfiles; }
read -r spool spool_mode spool_owner <<<"$(tmpd '/spool$')"
read -r keys keys_mode keys_owner <<<"$(tmpd '/keys$')"
read -r hotlists _ _ <<<"$(tmpd '/hotlists$')"
read -r updir _ _ <<<"$(tmpd '/upload$')"
check "tmpfiles: the spool ($spool) is the user's and inside StateDirectory $state (writable under ProtectSystem=strict)" \
	eval 'under "$state" "$spool" && [ "$spool_owner" = "$user" ]'
check "tmpfiles: the key directory ($keys) is the user's, 0700, inside $state" \
	eval 'under "$state" "$keys" && [ "$keys_owner" = "$user" ] && [ "$keys_mode" = 0700 ]'
check "tmpfiles: a hotlist directory ($hotlists) and an upload directory ($updir) beside $conf" \
	eval 'under "${conf%/*}" "$hotlists" && under "${conf%/*}" "$updir"'
key=$keys/camera.key
crt_src=$(unitkey anpr-upload.service LoadCredential | sed -n 's/^client\.crt://p')
key_src=$(unitkey anpr-upload.service LoadCredential | sed -n 's/^client\.key://p')
check "anpr-upload.service loads client.crt ($crt_src) and client.key ($key_src) from $updir" \
	eval '[ "${crt_src%/*}" = "$updir" ] && [ "${key_src%/*}" = "$updir" ]'
upstate=$(sed -n 's/.*\*state = "\([^"]*\)".*/\1/p' daemon/upload/anpr_upload_main.c)
check "anpr-upload's default --state ($upstate) is inside $state" under "$state" "$upstate"
sock=$(sed -n 's/^#define ALERT_SOCK_PATH[[:space:]]*"\(.*\)"/\1/p' daemon/core/anprd_formats.h)
check "anprd's default alert socket ($sock) is inside RuntimeDirectory $runtime" under "$runtime" "$sock"

# ---- the example configurations
sed -n '/^```ini$/,/^```$/p' docs/anprd-conf.md | sed '1d;$d' > "$T/anprd-conf.md.conf"
confs=(examples/anprd.conf.fixed-site examples/anprd.conf.in-vehicle "$T/anprd-conf.md.conf")
same "examples/ holds the two example configurations and a hotlist" \
	"anprd.conf.fixed-site anprd.conf.in-vehicle hotlist.csv" "$(cd examples && echo *)"
same "examples/anprd.conf.fixed-site is a fixed site" fixed \
	"$(ini examples/anprd.conf.fixed-site location mode)"
same "examples/anprd.conf.in-vehicle takes its position from gpsd" gpsd \
	"$(ini examples/anprd.conf.in-vehicle location mode)"
mkdir -p "$T/hot"
for c in "${confs[@]}"; do
	name=${c#"$T"/}
	same "$name: [spool] dir" "$spool" "$(ini "$c" spool dir)"
	same "$name: [keys] signing_key" "$key" "$(ini "$c" keys signing_key)"
	url=$(ini "$c" upload url)
	if [[ $url =~ ^https://[^/[:space:]]+$ ]]; then
		ok "$name: [upload] url is scheme, host and port ($url)"
	else
		nok "$name: [upload] url '$url' is not https://HOST[:PORT] (anpr-upload appends /v1/records)"
	fi
	check "$name: no client_cert or client_key: the unit's credentials $crt_src, $key_src" \
		test -z "$(ini "$c" upload client_cert)$(ini "$c" upload client_key)"
	ca=$(ini "$c" upload ca_file)
	check "$name: [upload] ca_file ($ca) in $updir" test "${ca%/*}" = "$updir"
	bad=
	for h in $(ini "$c" hotlists file); do [ "${h%/*}" = "$hotlists" ] || bad="$bad $h"; done
	check "$name: [hotlists] files in $hotlists${bad:+ (not:$bad)}" \
		eval '[ -z "$bad" ] && [ -n "$(ini "$c" hotlists file)" ]'
	s=$(ini "$c" alerts socket)
	check "$name: [alerts] socket ${s:-(default)} in $runtime" eval '[ -z "$s" ] || under "$runtime" "$s"'
	# as it stands it parses; what it names exists only on a camera host
	# (the key, the hotlists, the devices, the spool): anprd's start-up
	# checks (preflight.c) fail those, and only those
	out=$("$build/bin/anprd-checkconf" -c "$c" 2>&1)
	check "$name: anprd-checkconf parses it; only files of the camera host are missing ($(echo "$out" | grep -c FAIL) FAIL)" \
		eval '[ -z "$(echo "$out" | grep FAIL | grep -Ev "FAIL (hotlists|signing key|source [a-z]+|spool): ")" ] &&
			echo "$out" | grep -q "^  ok   upload: https://"'
	# the same on a copy whose host paths are a scratch directory: the
	# hotlists (examples/hotlist.csv), a real key, recordings for the
	# cameras, a spool; then anprd would start
	w=$T/$(basename "$c").rewritten
	mkdir -p "$T/frames" "$T/keys"
	[ -f "$T/keys/camera.key" ] || "$build/bin/anpr-keygen" -p "$T/keys/camera.pub" -s "$T/keys/camera.key" > /dev/null
	sed -e "s|^\(file[[:space:]]*=[[:space:]]*\)$hotlists/|\1$T/hot/|" \
		-e "s|^\(signing_key[[:space:]]*=[[:space:]]*\).*|\1$T/keys/camera.key|" \
		-e "s|^\(uri[[:space:]]*=[[:space:]]*\)v4l2:.*|\1file:$T/frames|" \
		-e "s|^\(dir[[:space:]]*=[[:space:]]*\)$spool\$|\1$T/spool|" "$c" > "$w"
	# (the first file is the example, the others its header alone: one
	# mark on two lists is an error)
	first=1
	for h in $(ini "$w" hotlists file); do
		if [ $first = 1 ]; then cp examples/hotlist.csv "$h"; else grep -m1 '^vrm,' examples/hotlist.csv > "$h"; fi
		first=0
	done
	out=$("$build/bin/anprd-checkconf" -c "$w" 2>&1 | tr '\n' ' ')
	check "$name: anprd-checkconf says ok with the files of the host in a scratch directory ($out)" \
		eval '[[ $out == *"ok   hotlists:"* ]] && [[ $out == *"$w: ok"* ]] && [ $first = 0 ]'
	out=$("$build/bin/anprd" --config "$w" --check-config 2>&1)
	check "$name: anprd --check-config accepts it ($out)" test $? -eq 0
done

# ---- the Debian packages (debian/, docs/packaging.md): the same paths
if [ -d debian ]; then
	check "debian/anprd.install ships the units' configuration $conf (the conffile)" \
		grep -qx "${conf#/}" debian/anprd.install
	ex=$(sed -n 's/^EX *:= *//p' debian/rules)
	check "debian/rules makes $conf from an example checked above (${ex:-none})" \
		eval '[ -n "$ex" ] && [ -f "$ex" ] && [[ " ${confs[*]} " == *" $ex "* ]]'
	check "anpr-doc ships usr/share/doc/anpr, make install's DOCDIR with PREFIX=/usr, where the units' Documentation= points" \
		eval 'grep -qx usr/share/doc/anpr debian/anpr-doc.install && ! grep -qE "DOCDIR *=" debian/rules &&
			[ "$(sed -n "s/^DOCDIR *?= *//p" mk/config.mk)" = "\$(PREFIX)/share/doc/anpr" ]'
	miss=
	for u in systemd/*.service; do
		grep -qx "lib/systemd/system/${u##*/}" debian/*.install || miss="$miss ${u##*/}"
	done
	for f in systemd/anpr.sysusers:anpr.conf systemd/anpr.tmpfiles:anpr.conf udev/anprcap.sysusers:anprcap.conf; do
		grep -qE "^usr/lib/(sysusers|tmpfiles)\.d/${f#*:}$" debian/*.install || miss="$miss $f"
	done
	check "every unit, sysusers and tmpfiles snippet is in a package (debian/*.install)${miss:+ - not:$miss}" test -z "$miss"
	miss=
	for d in $(grep -oE '/usr/share/doc/anpr/[A-Za-z0-9._/-]*[A-Za-z0-9]' debian/anprd.conf.head); do
		f=${d#/usr/share/doc/anpr/}
		[ -f "docs/$f" ] || [ -f "$f" ] || miss="$miss $d"
	done
	check "debian/anprd.conf.head names only documents anpr-doc installs${miss:+ - not:$miss}" test -z "$miss"
fi

# ---- the documents
docs=(README.md docs/*.md man/* examples/*)
[ -f debian/anprd.conf.head ] && docs+=(debian/anprd.conf.head)
# The old, disagreeing paths (issue 19): none may come back.
forbid() {
	local what=$1 re=$2 hits
	hits=$(grep -nE -- "$re" "${docs[@]}" 2>/dev/null | head -5 | cut -c1-160)
	if [ -z "$hits" ]; then ok "no document names $what"; else nok "$what named in: $(echo "$hits" | xargs -d '\n' printf '%s | ')"; fi
}
forbid "the spool /var/spool/anpr" '/var/spool/anpr'
forbid "a key in /etc/anpr (/etc/anpr/camera.*, /etc/anpr/keys)" '/etc/anpr/(camera\.|keys\b)'
# --owner USER (or \-\-owner in troff) names the sysusers user, nothing else
hits=$(grep -noE -- '(\\?-){2}owner[ =]+[a-z_][a-z0-9_-]*' "${docs[@]}" | grep -vE "owner[ =]+$user\$" | head -5)
if [ -z "$hits" ]; then ok "every --owner in the documents is '$user'"; else nok "--owner other than '$user': $(echo "$hits" | xargs)"; fi
forbid "an upload url ending in /v1/records (anpr-upload appends it)" '^[[:space:]]*url[[:space:]]*=.*/v1/records'
# Every /etc/anpr, /var/lib/anpr, /run/anpr path is one of the known ones.
pass=$(sed -n 's/.*LoadCredential=signing-key\.passphrase:\([^` ]*\).*/\1/p' docs/systemd.md | head -1)
ingest_creds=$(for u in anpr-ingest.service anpr-purge.service anpr-audit-seal.service anpr-console.service; do
	unitkey "$u" LoadCredential; done | sed 's/^[^:]*://; s|/[^/]*$||' | sort -u)
exact=" ${conf%/*} $state $conf $updir $crt_src $key_src $ca $pass "
dirs=" $hotlists $spool $keys $upstate $runtime $ingest_creds /var/lib/$(unitkey anpr-ingest.service StateDirectory | awk '{ print $1 }') /run/$(unitkey anpr-ingest.service RuntimeDirectory) "
check "the passphrase credential's file ($pass) is root's, in ${conf%/*}" test "${pass%/*}" = "${conf%/*}"
stray=
while IFS=: read -r f l p; do
	p=${p%%\{*}; p=${p%%[.,;:)\`\'\"]}; p=${p%/}
	case "$exact" in *" $p "*) continue ;; esac
	for d in $dirs; do [ "$p" = "$d" ] || under "$d" "$p" && continue 2; done
	stray="$stray $f:$l:$p"
done < <(for f in "${docs[@]}"; do
	sed 's/\\-/-/g; s/\\e//g' "$f" | grep -noE '/(etc|var/lib|run)/anpr[A-Za-z0-9._/{},-]*' | sed "s|^|$f:|"
done)
check "every /etc/anpr, /var/lib/anpr and /run/anpr path in the documents is one the units use${stray:+ (not:$stray)}" \
	test -z "$stray"

# The commissioning guide and the key and configuration pages name the truth.
names() {
	local f=$1 miss='' w; shift
	for w in "$@"; do grep -qF -- "$w" "$f" || miss="$miss '$w'"; done
	check "$f names$(printf " '%s'" "$@" | cut -c1-200)${miss:+ - missing:$miss}" test -z "$miss"
}
names docs/commissioning.md "$conf" "$spool" "$key" "$keys/camera.pub" "$hotlists/" "$crt_src" "$key_src" \
	"$ca" "$upstate/uploaded.log" "--owner $user" "anprd-checkconf -c $conf" \
	"anprd --config $conf --check-config" "systemctl enable --now anprd anpr-upload" \
	"anpr-status" "anpr-verify --key $keys/camera.pub" "anpr-query" "health.json" "mode = fixed" "mode = gpsd"
names docs/keys.md "--owner $user" "$key"
names docs/systemd.md "$spool" "$keys" "$conf" "$crt_src"
names docs/anprd-conf.md "$conf" "examples/"
names man/anprd.8 "$conf" "$spool" "$key"
names man/anpr-keygen.1 "--owner $user" "$key"
names README.md "docs/commissioning.md"

# ---- Documentation= of the units, against what make install installs
for u in anprd.service anpr-upload.service anpr-ingest.service; do
	missing=
	for d in $(unitkey "$u" Documentation); do
		case "$d" in
		man:*)
			m=${d#man:}; page=man/${m%%(*}.${m#*(}; page=${page%)}
			[ -f "$page" ] && grep -qsF "$page" ./*/build.mk ./*/*/build.mk || missing="$missing $d"
			;;
		file:@DOCDIR@/*)
			doc=${d#file:@DOCDIR@/}
			{ [ "$doc" = README.md ] || [ -f "docs/$doc" ]; } &&
				grep -qE 'install .*(README\.md|docs/\*\.md)' docs/build.mk || missing="$missing $d"
			;;
		*) missing="$missing $d(not man: or file:@DOCDIR@/)" ;;
		esac
	done
	check "$u: Documentation= $(unitkey "$u" Documentation) installed by make install${missing:+ - not:$missing}" \
		test -z "$missing" -a -n "$(unitkey "$u" Documentation)"
done
for e in examples/*; do
	check "make install installs $e (docs/build.mk)" grep -qF "$e" docs/build.mk
done
tap_done
