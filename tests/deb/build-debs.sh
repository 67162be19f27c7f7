#!/bin/bash
# Build the Debian packages (debian/) into OUT: the project's files (git's
# tracked and untracked-but-not-ignored ones: never build/ or kbuild's
# objects) are copied to OUT/anpr-VERSION, and dpkg-buildpackage builds
# the binary packages there, unsigned; they land in OUT. The copy keeps
# the package build's clean (rm -rf build) away from this tree.
#   tests/deb/build-debs.sh OUT VERSION
#   env: DEB_JOBS (default 2)
set -eu
out=$1; version=$2
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
changelog=$(dpkg-parsechangelog -l debian/changelog -S Version)
if [ "$changelog" != "$version" ]; then
	echo "build-debs: debian/changelog is at $changelog, mk/config.mk VERSION at $version: make them agree" >&2
	exit 1
fi
rm -rf "$out"
src=$out/anpr-$version
mkdir -p "$src"
if git rev-parse --is-inside-work-tree > /dev/null 2>&1; then
	git ls-files -z --cached --others --exclude-standard |
		while IFS= read -r -d '' f; do [ -e "$f" ] || [ -L "$f" ] && printf '%s\0' "$f"; done |
		tar --null -T - -cf - | tar -C "$src" -xf -
else
	tar --exclude=./build --exclude-vcs -cf - . | tar -C "$src" -xf -
fi
echo "build-debs: dpkg-buildpackage -b in $src (log: $out/build.log)"
if ! (cd "$src" && DEB_BUILD_OPTIONS="parallel=${DEB_JOBS:-2}" \
		dpkg-buildpackage -us -uc -b) > "$out/build.log" 2>&1; then
	tail -40 "$out/build.log" >&2
	echo "build-debs: dpkg-buildpackage failed; the whole log: $out/build.log" >&2
	exit 1
fi
rm -rf "$src"
ls "$out"/*.deb
