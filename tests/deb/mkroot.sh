#!/bin/bash
# A clean Debian 12 root with PACKAGES installed, made by mmdebstrap from
# this host's Debian sources (/etc/apt/sources.list.d/debian.sources, or
# /etc/apt/sources.list), and cached: CACHE/<key> where the key hashes
# what makes the root (mmdebstrap's version, the sources, the package
# list, this script). A root of another key is removed. Prints the root's
# path; never modifies it (callers work on a copy).
#   tests/deb/mkroot.sh CACHE PACKAGE...
set -eu
cache=$1; shift
[ $# -gt 0 ] || { echo "mkroot: no packages" >&2; exit 2; }
sources=
for f in /etc/apt/sources.list.d/debian.sources /etc/apt/sources.list; do
	[ -s "$f" ] && grep -qE '^[^#]*(URIs:|deb )' "$f" && { sources=$f; break; }
done
[ -n "$sources" ] || { echo "mkroot: no Debian apt sources on this host" >&2; exit 1; }
pkgs=$(printf '%s\n' "$@" | sort -u | tr '\n' ',' | sed 's/,$//')
key=$( { mmdebstrap --version; grep -vE '^[[:space:]]*(#|$)' "$sources"; echo "$pkgs"; cat "$0"; } |
	sha256sum | cut -c1-16)
root=$cache/$key
if [ -f "$root.ok" ] && [ -d "$root" ]; then
	echo "$root"
	exit 0
fi
mkdir -p "$cache"
# one cached root at a time (each is a few hundred MB; archives/ is
# tests/deb/check.sh's apt download cache)
find "$cache" -mindepth 1 -maxdepth 1 ! -name "$key" ! -name "$key.*" ! -name archives -exec rm -rf {} +
rm -rf "$root" "$root.ok"
echo "mkroot: mmdebstrap bookworm (minbase) + $pkgs into $root (from $sources)" >&2
if ! mmdebstrap --quiet --variant=minbase --include="$pkgs" \
		--aptopt='APT::Install-Recommends "false"' \
		--dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright' \
		--dpkgopt='path-exclude=/usr/share/locale/*' \
		bookworm "$root" "$sources" > "$cache/$key.log" 2>&1; then
	tail -30 "$cache/$key.log" >&2
	echo "mkroot: mmdebstrap failed (log: $cache/$key.log)" >&2
	rm -rf "$root"
	exit 1
fi
# the root as a host would have it: no dpkg path filters left behind
rm -f "$root/etc/dpkg/dpkg.cfg.d/99mmdebstrap"
touch "$root.ok"
echo "$root"
