#!/bin/bash
# The Debian packages (debian/, docs/packaging.md), suite deb-packages:
#  1. they build (tests/deb/build-debs.sh: dpkg-buildpackage, debhelper,
#     dh-dkms) into BUILD/deb;
#  2. lintian finds nothing, at info level or above;
#  3. their contents: the file lists of tests/deb/contents/ (and the
#     driver's sources, the SQL migrations and the documents as the tree
#     has them), together exactly what `make install` installs; the units,
#     dkms.conf and the conffile as the tree makes them; every program its
#     man page; the -dev package builds and links a program through
#     pkg-config under both module names;
#  4. installed with dpkg into a clean Debian 12 root (mmdebstrap, cached
#     under BUILD/deb-root), they work there (tests/deb/in-root.sh: DKMS
#     builds the driver for the root's kernel, users, directories, units
#     not enabled, every program's --version, a camera commissioned from
#     the installed configuration, anprd on demo frames, anpr-verify;
#     the back office half with the installed programs against a private
#     PostgreSQL on the host's loopback; purge).
#   tests/deb/check.sh BUILD
# The checks written as eval '...' are expanded by eval, inside check.
# shellcheck disable=SC2016,SC2034
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 2
build=$(mkdir -p "${1:-build}" && cd "${1:-build}" && pwd)
. tests/lib/tap.sh
version=$(sed -n 's/^VERSION *:= *//p' mk/config.mk)
kver=$(sed -n 's/^KVER *?= *//p' mk/kernel.mk)
ma=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
arch=$(dpkg --print-architecture)
out=$build/deb
T=$(mktemp -d)
root=
cleanup() {
	[ -n "$root" ] && rm -rf "$root"
	rm -rf "$T"
}
trap 'pg_stop 2>/dev/null; cleanup' EXIT

# ---- 1. build
# no root of an earlier run for deb-vm to boot: this run makes it or none
vmroot=$build/deb-vm/root
rm -rf "$vmroot"
start=$(date +%s)
if ! tests/deb/build-debs.sh "$out" "$version" > "$T/build.out" 2>&1; then
	sed 's/^/# /' "$T/build.out"
	nok "make deb: the packages build (log: $out/build.log)"
	tap_done
	exit 1
fi
ok "make deb: the packages build ($(( $(date +%s) - start )) s; $(ls "$out"/*.deb | wc -l) .deb files in $out)"
pkgs="anprcap-dkms libanprcap0 libanprcap-dev anprd anpr-backoffice anpr-doc"
deb() { ls "$out/$1_${version}_"*.deb 2>/dev/null | head -1; }
for p in $pkgs; do
	check "package $p built" test -n "$(deb "$p")"
done

# ---- 2. lintian
changes=$out/anpr_${version}_$arch.changes
lint=$(lintian --fail-on error,warning --display-info "$changes" 2>&1)
rc=$?
tags=$(grep -E '^[EWIPXCON]: ' <<<"$lint")
check "lintian (errors, warnings, info): no finding (exit $rc)${tags:+: $(echo "$tags" | head -5 | xargs)}" \
	eval '[ $rc -eq 0 ] && [ -z "$tags" ]'

# ---- 3. contents
for p in $pkgs; do
	mkdir -p "$T/x/$p" && dpkg-deb -x "$(deb "$p")" "$T/x/$p" && dpkg-deb -e "$(deb "$p")" "$T/x/$p/DEBIAN"
	dpkg-deb -c "$(deb "$p")" | awk '$1 !~ /^d/ { print $6 }' | sed 's|^\./|/|' | sort > "$T/$p.files"
done
subst() { sed -e "s|@MULTIARCH@|$ma|g" -e "s|@VERSION@|$version|g"; }
# the lists, with what the tree decides added: the driver's sources (as
# the DKMS stage copies them), the migrations, the documents
{ subst < tests/deb/contents/anprcap-dkms
  for f in kmod/Kbuild kmod/*.c kmod/*.h kmod/uapi/*.h; do
	case $f in *.mod.c) continue ;; esac
	echo "/usr/src/anprcap-$version/kmod/${f#kmod/}"
  done; } | sort > "$T/anprcap-dkms.want"
{ subst < tests/deb/contents/anpr-backoffice
  for f in backoffice/sql/*.sql; do echo "/usr/share/anpr/sql/${f##*/}"; done; } | sort > "$T/anpr-backoffice.want"
{ for f in README.md docs/*.md; do echo "/usr/share/doc/anpr/${f##*/}"; done
  for f in examples/*; do echo "/usr/share/doc/anpr/examples/${f##*/}"; done
  echo /usr/share/doc/anpr-doc/changelog.gz; echo /usr/share/doc/anpr-doc/copyright; } | sort > "$T/anpr-doc.want"
for p in libanprcap0 libanprcap-dev anprd; do subst < "tests/deb/contents/$p" | sort > "$T/$p.want"; done
for p in $pkgs; do
	d=$(diff "$T/$p.want" "$T/$p.files" | grep '^[<>]' | head -6 | xargs)
	check "$p holds the files of tests/deb/contents/$p${d:+ (< missing, > unexpected: $d)}" test -z "$d"
done
# together, what `make install` installs with the packages' paths
make -s --no-print-directory install DESTDIR="$T/mi" PREFIX=/usr LIBDIR="/usr/lib/$ma" \
	UNITDIR=/lib/systemd/system UDEVDIR=/lib/udev/rules.d > "$T/mi.log" 2>&1 ||
	{ sed 's/^/# /' "$T/mi.log" | tail -5; nok "make install DESTDIR=... (for the comparison)"; }
(cd "$T/mi" && find . ! -type d | sed 's|^\.||' | sed -E 's|^(/usr/share/man/.*)$|\1.gz|') | sort > "$T/mi.files"
for p in $pkgs; do cat "$T/$p.files"; done | grep -vE '^/usr/share/doc/[^/]+/(copyright|changelog\.gz)$|^/usr/share/lintian/overrides/|^/etc/anpr/anprd\.conf$' |
	sort > "$T/pkgs.files"
grep -v '^/usr/share/doc/anpr-doc/' "$T/pkgs.files" > "$T/pkgs.files2"
d=$(diff "$T/mi.files" "$T/pkgs.files2" | grep '^[<>]' | head -6 | xargs)
check "the packages together hold exactly what make install installs ($(wc -l < "$T/mi.files") files)${d:+ (< only make install, > only packages: $d)}" test -z "$d"
# every program its man page, in its package
miss=
for p in $pkgs; do
	for b in "$T/x/$p"/usr/bin/*; do
		[ -e "$b" ] || continue
		prog=${b##*/}
		ls "$T/x/$p"/usr/share/man/man[18]/"$prog".[18].gz > /dev/null 2>&1 || miss="$miss $p:$prog"
	done
done
check "every program has its man page in its package${miss:+ (not:$miss)}" test -z "$miss"
# the units as the tree has them, with the packages' paths
for u in anprd anpr-upload anpr-ingest anpr-purge anpr-audit-seal; do
	p=anprd; case $u in anpr-ingest|anpr-purge|anpr-audit-seal) p=anpr-backoffice ;; esac
	d=$(sed -e 's|@BINDIR@|/usr/bin|g' -e 's|@DOCDIR@|/usr/share/doc/anpr|g' "systemd/$u.service" |
		diff - "$T/x/$p/lib/systemd/system/$u.service" | head -4 | xargs)
	check "$p: $u.service is systemd/$u.service with /usr/bin and /usr/share/doc/anpr${d:+ ($d)}" test -z "$d"
	miss=
	for doc in $(sed -n 's/^Documentation=//p' "$T/x/$p/lib/systemd/system/$u.service"); do
		case $doc in
		file:*) [ -f "$T/x/anpr-doc${doc#file:}" ] || miss="$miss $doc" ;;
		man:*) m=${doc#man:}; s=${m#*(}; s=${s%)}; ls "$T"/x/*/usr/share/man/man"$s"/"${m%%(*}.$s.gz" > /dev/null 2>&1 || miss="$miss $doc" ;;
		esac
	done
	check "$u.service: every Documentation= is in the packages${miss:+ (not:$miss)}" test -z "$miss"
	check "$u.service: ExecStart= names a program its package installs" \
		test -x "$T/x/$p$(sed -n 's/^ExecStart=\([^ ]*\).*/\1/p' "$T/x/$p/lib/systemd/system/$u.service")"
done
for u in anpr-purge anpr-audit-seal; do
	check "anpr-backoffice: $u.timer is systemd/$u.timer" \
		cmp -s "systemd/$u.timer" "$T/x/anpr-backoffice/lib/systemd/system/$u.timer"
done
check "anprcap-dkms: dkms.conf is the top-level one with the version in" \
	eval 'sed "s/@VERSION@/$version/" dkms.conf | cmp -s - "$T/x/anprcap-dkms/usr/src/anprcap-$version/dkms.conf"'
check "anprcap-dkms: Kbuild is the top-level one" cmp -s Kbuild "$T/x/anprcap-dkms/usr/src/anprcap-$version/Kbuild"
check "anprcap-dkms: the udev rules are udev/60-anprcap.rules" \
	cmp -s udev/60-anprcap.rules "$T/x/anprcap-dkms/lib/udev/rules.d/60-anprcap.rules"
check "anprd: conffiles is /etc/anpr/anprd.conf alone" test "$(cat "$T/x/anprd/DEBIAN/conffiles")" = /etc/anpr/anprd.conf
pc=$T/x/anprd/etc/anpr/anprd.conf
check "anprd: /etc/anpr/anprd.conf is debian/anprd.conf.head and the fixed-site example, its identity and position commented out" \
	eval '{ cat debian/anprd.conf.head; sed -E "s/^(id|site|latitude|longitude) = /#&/" examples/anprd.conf.fixed-site; } | cmp -s - "$pc"'
check "anprd: the installed configuration leaves no identity or position set" \
	eval '! grep -qE "^(id|site|latitude|longitude)[[:space:]]*=" "$pc"'
for p in anprd anpr-backoffice; do
	check "$p: the maintainer scripts never enable or start a unit unasked (no enable outside was-enabled)" \
		eval '[ "$(grep -c "deb-systemd-helper enable" "$T/x/$p/DEBIAN/postinst")" -eq "$(grep -c "was-enabled" "$T/x/$p/DEBIAN/postinst")" ]'
done
check "anprd and anprcap-dkms make their users and groups with systemd-sysusers" \
	eval 'grep -q "systemd-sysusers.* anpr.conf" "$T/x/anprd/DEBIAN/postinst" &&
		grep -q "systemd-sysusers.* anprcap.conf" "$T/x/anprcap-dkms/DEBIAN/postinst"'
check "anprcap-dkms: its postinst hands the module to DKMS (dh_dkms)" \
	grep -q "common.postinst" "$T/x/anprcap-dkms/DEBIAN/postinst"
# the -dev package: a program through pkg-config, both module names
dev=$T/dev
mkdir -p "$dev" && cp -a "$T/x/libanprcap0/." "$T/x/libanprcap-dev/." "$dev/"
cat > "$T/v.c" <<'C'
#include <stdio.h>
#include <string.h>
#include <anprcap.h>
#include <linux/anprcap.h>
int main(void) { puts(anprcap_version()); return strlen(anprcap_version()) == 0; }
C
for mod in libanprcap anprcap; do
	flags=$(PKG_CONFIG_SYSROOT_DIR=$dev PKG_CONFIG_LIBDIR=$dev/usr/lib/$ma/pkgconfig \
		pkg-config --cflags --libs "$mod" 2>&1)
	rm -f "$T/v"
	# shellcheck disable=SC2086
	gcc -Wall -Werror -o "$T/v" "$T/v.c" $flags > "$T/cc.log" 2>&1
	v=$(LD_LIBRARY_PATH=$dev/usr/lib/$ma "$T/v" 2>&1)
	check "libanprcap-dev: cc \$(pkg-config --cflags --libs $mod) builds a program that runs on libanprcap0 (it says '$v')${flags:+; flags: $flags}" \
		eval '[ -x "$T/v" ] && [ -n "$v" ] && [ "$(readelf -d "$T/v" | grep -c "NEEDED.*libanprcap.so.0")" = 1 ]'
done

# ---- 4. a clean Debian 12 root
if [ "$(id -u)" != 0 ]; then
	nok "installing into a Debian root needs root (mmdebstrap's root mode, chroot, mounts): run make check as root"
	tap_done
	exit 1
fi
deps=$(for p in anprcap-dkms libanprcap0 anprd anpr-backoffice anpr-doc; do dpkg-deb -f "$(deb "$p")" Depends; done |
	tr ',' '\n' | sed 's/|.*//; s/(.*//; s/[[:space:]]//g' | grep -vxE "|anprcap-dkms|libanprcap0|anprd|anpr-backoffice|anpr-doc" | sort -u)
# the kernel whose headers DKMS finds there: the one the VM suites boot
start=$(date +%s)
# (udev, which systemd only recommends, is on every Debian host; v4l-utils
# is an engineer's tool to look at cameras; the VM suite uses both)
base=$(tests/deb/mkroot.sh "$build/deb-root" $deps "linux-headers-$kver" udev v4l-utils 2> "$T/mkroot.err")
rc=$?
check "a clean Debian 12 root (mmdebstrap, cached: ${base:-none}; $(( $(date +%s) - start )) s)" test $rc -eq 0 -a -d "$base"
if [ $rc -ne 0 ]; then sed 's/^/# /' "$T/mkroot.err"; tap_done; exit 1; fi
root=$build/deb/root
rm -rf "$root" && cp -a "$base" "$root"
mkdir -p "$root/tmp/debs"
for p in anprcap-dkms libanprcap0 anprd anpr-backoffice anpr-doc; do cp "$(deb "$p")" "$root/tmp/debs/"; done
cp tests/deb/in-root.sh tests/lib/tap.sh "$root/tmp/"
/usr/bin/python3 demo/render_frames.py --out "$root/tmp/frames" --width 640 --height 480 \
	--frames-per-vehicle 8 --gap 4 --plates VV21TOU,ZZ99TST,CD74KDP > /dev/null
# in_root PHASE: tests/deb/in-root.sh in the root, with the root's own
# /proc, /sys and /dev in a private mount namespace (gone with it); its
# TAP lines are numbered on with this script's
in_root() {
	local rc l t0=$SECONDS
	unshare --mount --propagation private bash -c '
		r=$1; a=$2; shift 2
		mount -t proc proc "$r/proc" && mount -t sysfs sysfs "$r/sys" && mount --rbind /dev "$r/dev" &&
		mount --bind "$a" "$r/var/cache/apt/archives" &&
		exec chroot "$r" /bin/bash /tmp/in-root.sh "$@"' - "$root" "$archives" "$version" "$kver" "$1" > "$T/in-root.tap" 2>&1
	rc=$?
	while IFS= read -r l; do
		case $l in
		"ok "*) ok "root: ${l#ok * - }" ;;
		"not ok "*) nok "root: ${l#not ok * - }" ;;
		1..*) ;;
		*) echo "# $l" ;;
		esac
	done < "$T/in-root.tap"
	check "the $1 checks in the root ran to their end (exit $rc, $((SECONDS - t0)) s)" eval '[ $rc -eq 0 ] && grep -q "^1\.\." "$T/in-root.tap"'
}
# apt's downloads in the root (the upgrade phase's kernel headers) kept
# across runs beside the cached roots
archives=$build/deb-root/archives
mkdir -p "$archives/partial"
in_root install
# the back office half: the installed programs against a PostgreSQL on
# the host's loopback (the root shares its network), with a demo PKI
. tests/lib/pg.sh
pg_start > "$T/pg.log" 2>&1
check "a private PostgreSQL for the back office half (tests/lib/pg.sh)" test -n "${ANPR_TEST_PG:-}" ||
	sed 's/^/# /' "$T/pg.log"
demo/make-pki "$root/tmp/pki" CAM-0001
printf 'ANPR_TEST_PG=%q\nANPR_TEST_PG_INGEST=%q\nANPR_TEST_PG_PERSON=%q\n' \
	"${ANPR_TEST_PG:-}" "${ANPR_TEST_PG_INGEST:-}" "${ANPR_TEST_PG_PERSON:-}" > "$root/tmp/bo.env"
in_root backoffice
pg_stop
# the installed, commissioned root for the VM suite (deb-vm): a snapshot
# of hard links (the purge below unlinks and renames, never writes in
# place what the VM reads; the VM writes only to its tmpfs overlay)
mkdir -p "${vmroot%/*}" && cp -al "$root" "$vmroot"
in_root upgrade
in_root purge
tap_done
